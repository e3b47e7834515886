//! A real environment's security, as read through the Web API (RetrieveUserPrivileges,
//! RetrieveTeamPrivileges, business units, table definitions), turned into a scenario so the
//! preflight reaches its verdicts the same way as in the sandbox.
//!
//! RetrieveUserPrivileges does not say whether a privilege comes from the user's own roles or a
//! team's. Grants measured from the user's own business unit are taken as the user's own; those
//! from another business unit can only come from a team there. So prvActOnBehalfOfAnotherUser
//! held through a team of the user's own business unit counts as held directly here.

use std::collections::BTreeMap;

use flowbench_sandbox::{
    BusinessUnitDef, ColumnDef, ColumnType, Depth, Guid, Organization, Ownership, RoleDef, Scenario, TableDef, TeamDef,
    UserDef,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecuritySnapshot {
    pub tables: Vec<SnapshotTable>,
    pub business_units: Vec<SnapshotUnit>,
    pub principals: Vec<SnapshotPrincipal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotTable {
    pub logical_name: String,
    /// Privilege names are prv + verb + SchemaName.
    pub schema_name: String,
    pub entity_set_name: String,
    pub ownership: Ownership,
    /// Lookup columns and the tables they point at: a lookup set by a flow needs AppendTo there.
    pub lookups: Vec<(String, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotUnit {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SubjectKind {
    User,
    /// Checked as a member who holds nothing but the team's roles.
    Team,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotPrincipal {
    /// What the matrix calls it: the user's sign-in name, or `team:NAME`.
    pub name: String,
    pub kind: SubjectKind,
    pub business_unit_id: String,
    pub privileges: Vec<HeldPrivilege>,
}

/// One entry of RetrieveUserPrivileges' `RolePrivileges`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HeldPrivilege {
    pub name: String,
    pub depth: Depth,
    pub business_unit_id: String,
}

impl SecuritySnapshot {
    pub fn to_scenario(&self) -> Scenario {
        let nil = Guid::parse("00000000-0000-0000-0000-000000000000").expect("the nil GUID parses");
        let guid = |text: &str| Guid::parse(text).unwrap_or(nil);
        let mut scenario = Scenario {
            comment: Some("a snapshot of a real environment's security, for the permission preflight".into()),
            organization: Organization { id: nil, name: "environment".into(), tenant_id: nil },
            tables: self.tables.iter().map(table).collect(),
            // Units go by id: names need not be unique in an environment.
            business_units: self
                .business_units
                .iter()
                .map(|u| BusinessUnitDef { id: guid(&u.id), name: u.id.clone(), parent: u.parent_id.clone() })
                .collect(),
            teams: Vec::new(),
            roles: Vec::new(),
            users: Vec::new(),
            rows: Vec::new(),
        };
        for principal in &self.principals {
            // Grants per business unit they are measured from.
            let mut by_unit: BTreeMap<&str, BTreeMap<String, Depth>> = BTreeMap::new();
            for held in &principal.privileges {
                let depth = by_unit.entry(&held.business_unit_id).or_default().entry(held.name.clone()).or_insert(held.depth);
                *depth = (*depth).max(held.depth);
            }
            let mut user = UserDef {
                persona: principal.name.clone(),
                description: None,
                system_user_id: nil,
                full_name: principal.name.clone(),
                domain_name: principal.name.clone(),
                azure_active_directory_object_id: nil,
                business_unit: principal.business_unit_id.clone(),
                teams: Vec::new(),
                roles: Vec::new(),
            };
            for (unit, privileges) in by_unit {
                let role_name = format!("{} @ {unit}", principal.name);
                scenario.roles.push(RoleDef { name: role_name.clone(), privileges, table_privileges: Vec::new() });
                if principal.kind == SubjectKind::User && unit == principal.business_unit_id {
                    user.roles.push(role_name);
                } else {
                    scenario.teams.push(TeamDef {
                        id: nil,
                        name: role_name.clone(),
                        business_unit: unit.to_string(),
                        roles: vec![role_name.clone()],
                    });
                    user.teams.push(role_name);
                }
            }
            scenario.users.push(user);
        }
        scenario
    }
}

fn table(snapshot: &SnapshotTable) -> TableDef {
    TableDef {
        logical_name: snapshot.logical_name.clone(),
        schema_name: snapshot.schema_name.clone(),
        entity_set_name: snapshot.entity_set_name.clone(),
        object_type_code: None,
        primary_id_column: format!("{}id", snapshot.logical_name),
        primary_name_column: "name".into(),
        ownership: snapshot.ownership,
        columns: snapshot
            .lookups
            .iter()
            .map(|(name, targets)| ColumnDef {
                name: name.clone(),
                column_type: ColumnType::Lookup,
                max_length: None,
                options: None,
                targets: Some(targets.clone()),
                navigation_properties: None,
                relationships: None,
            })
            .collect(),
    }
}

/// Dataverse's OwnershipType: UserOwned (and TeamOwned) rows have owners; BusinessOwned rows
/// belong to a unit; OrganizationOwned to everyone.
pub fn ownership_of(ownership_type: Option<&str>) -> Ownership {
    match ownership_type {
        Some("OrganizationOwned") | Some("None") => Ownership::Organization,
        Some("BusinessOwned") | Some("BusinessParented") => Ownership::Business,
        _ => Ownership::User,
    }
}
