//! Filling a fresh store from a scenario: privileges, roles, the security tables, then rows.

use std::collections::HashMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Transaction};

use crate::datetime;
use crate::guid::Guid;
use crate::metadata::Metadata;
use crate::payload;
use crate::scenario::Scenario;
use crate::security::privileges::{all_privilege_names, expand_role};
use crate::security::PrincipalKind;
use crate::store::rows::{self, Authorship, Cells};

pub fn seed(tx: &Transaction, scenario: &Scenario, metadata: &Metadata) -> Result<(), String> {
    seed_security(tx, scenario, metadata).map_err(|e| format!("seeding the security model failed: {e}"))?;
    seed_rows(tx, scenario, metadata)
}

fn seed_security(tx: &Transaction, scenario: &Scenario, metadata: &Metadata) -> rusqlite::Result<()> {
    let now = datetime::now();
    let mut privilege_ids = HashMap::new();
    for name in all_privilege_names(scenario) {
        let id = Guid::new_random();
        tx.execute(
            "INSERT INTO _sandbox_privilege (privilegeid, name) VALUES (?1, ?2)",
            params![id.to_string(), name],
        )?;
        privilege_ids.insert(name, id);
    }
    let unit_ids: HashMap<&str, Guid> = scenario.business_units.iter().map(|b| (b.name.as_str(), b.id)).collect();
    let root = scenario.business_units.iter().find(|b| b.parent.is_none()).map(|b| b.id);
    let mut role_ids = HashMap::new();
    for role in &scenario.roles {
        let id = Guid::new_random();
        tx.execute(
            "INSERT INTO _sandbox_role (roleid, name, businessunitid) VALUES (?1, ?2, ?3)",
            params![id.to_string(), role.name, root.map(|r| r.to_string())],
        )?;
        for (privilege, depth) in expand_role(role, scenario) {
            let privilege_id = privilege_ids[&privilege];
            tx.execute(
                "INSERT INTO _sandbox_roleprivilege (roleid, privilegeid, depth) VALUES (?1, ?2, ?3)",
                params![id.to_string(), privilege_id.to_string(), depth.mask()],
            )?;
        }
        role_ids.insert(role.name.as_str(), id);
    }

    // The security rows are the system's own: no creating user.
    let stamp = |tx: &Transaction, cells: &mut Cells, table: &crate::metadata::TableMeta| -> rusqlite::Result<()> {
        let version = rows::next_version(tx)?;
        cells.set_if_present(table, "createdon", SqlValue::Text(now.clone()));
        cells.set_if_present(table, "modifiedon", SqlValue::Text(now.clone()));
        cells.set_if_present(table, "versionnumber", SqlValue::Integer(version));
        Ok(())
    };
    let units = metadata.by_logical_name("businessunit").expect("validated: businessunit exists");
    for bu in &scenario.business_units {
        let mut cells = Cells::default();
        cells.set(&units.primary_id, SqlValue::Text(bu.id.to_string()));
        cells.set("name", SqlValue::Text(bu.name.clone()));
        let parent = bu.parent.as_deref().and_then(|p| unit_ids.get(p)).copied();
        cells.set_reference_if_present(units, "parentbusinessunitid", parent.map(|p| (p, "businessunit")));
        cells.set_reference_if_present(units, "owningbusinessunit", Some((bu.id, "businessunit")));
        stamp(tx, &mut cells, units)?;
        rows::insert(tx, units, &cells)?;
    }
    let teams = metadata.by_logical_name("team").expect("validated: team exists");
    for team in &scenario.teams {
        let unit = unit_ids[team.business_unit.as_str()];
        let mut cells = Cells::default();
        cells.set(&teams.primary_id, SqlValue::Text(team.id.to_string()));
        cells.set("name", SqlValue::Text(team.name.clone()));
        cells.set_if_present(teams, "teamtype", SqlValue::Integer(0));
        cells.set_reference_if_present(teams, "businessunitid", Some((unit, "businessunit")));
        cells.set_reference_if_present(teams, "owningbusinessunit", Some((unit, "businessunit")));
        stamp(tx, &mut cells, teams)?;
        rows::insert(tx, teams, &cells)?;
        for role in &team.roles {
            tx.execute(
                "INSERT INTO _sandbox_teamrole (teamid, roleid) VALUES (?1, ?2)",
                params![team.id.to_string(), role_ids[role.as_str()].to_string()],
            )?;
        }
    }
    let team_ids: HashMap<&str, Guid> = scenario.teams.iter().map(|t| (t.name.as_str(), t.id)).collect();
    let users = metadata.by_logical_name("systemuser").expect("validated: systemuser exists");
    for user in &scenario.users {
        let unit = unit_ids[user.business_unit.as_str()];
        let mut cells = Cells::default();
        cells.set(&users.primary_id, SqlValue::Text(user.system_user_id.to_string()));
        cells.set("fullname", SqlValue::Text(user.full_name.clone()));
        cells.set("domainname", SqlValue::Text(user.domain_name.clone()));
        cells.set_if_present(users, "internalemailaddress", SqlValue::Text(user.domain_name.clone()));
        cells.set_if_present(users, "isdisabled", SqlValue::Integer(0));
        cells.set("azureactivedirectoryobjectid", SqlValue::Text(user.azure_active_directory_object_id.to_string()));
        cells.set_reference_if_present(users, "businessunitid", Some((unit, "businessunit")));
        cells.set_reference_if_present(users, "owningbusinessunit", Some((unit, "businessunit")));
        stamp(tx, &mut cells, users)?;
        rows::insert(tx, users, &cells)?;
        for role in &user.roles {
            tx.execute(
                "INSERT INTO _sandbox_userrole (systemuserid, roleid) VALUES (?1, ?2)",
                params![user.system_user_id.to_string(), role_ids[role.as_str()].to_string()],
            )?;
        }
        for team in &user.teams {
            tx.execute(
                "INSERT INTO _sandbox_teammember (teamid, systemuserid) VALUES (?1, ?2)",
                params![team_ids[team.as_str()].to_string(), user.system_user_id.to_string()],
            )?;
        }
    }
    Ok(())
}

fn seed_rows(tx: &Transaction, scenario: &Scenario, metadata: &Metadata) -> Result<(), String> {
    let now = datetime::now();
    let first_user = &scenario.users[0];
    for (index, row) in scenario.rows.iter().enumerate() {
        let fail = |e: String| format!("rows[{index}]: {e}");
        let table =
            metadata.by_logical_name(&row.table).ok_or_else(|| fail(format!("no table named '{}'", row.table)))?;
        let parsed = payload::parse(metadata, table, &row.values).map_err(|e| fail(e.message))?;
        let mut cells = Cells::default();
        cells.set(&table.primary_id, SqlValue::Text(row.id.to_string()));
        for (column, value) in parsed.values {
            cells.set(&table.columns[column].name, value);
        }
        for change in parsed.lookups {
            let column = table.columns[change.column].clone();
            let target = change.target.map(|t| (t.id, metadata.table(t.table).logical_name.as_str()));
            cells.set_reference(&column, target);
        }
        // Owner: a persona or a team; default the first user.
        let owner_name = row.owner.as_deref().unwrap_or(&first_user.persona);
        let (owner, kind, unit) = match scenario.user(owner_name) {
            Some(user) => (user.system_user_id, PrincipalKind::User, &user.business_unit),
            None => {
                let team = scenario
                    .teams
                    .iter()
                    .find(|t| t.name == owner_name)
                    .ok_or_else(|| fail(format!("unknown owner '{owner_name}'")))?;
                (team.id, PrincipalKind::Team, &team.business_unit)
            }
        };
        let unit = scenario
            .business_units
            .iter()
            .find(|b| &b.name == unit)
            .map(|b| b.id)
            .ok_or_else(|| fail("owner has no business unit".into()))?;
        if table.has_column("ownerid") {
            cells.set_owner(table, owner, kind, unit);
        } else {
            cells.set_reference_if_present(table, "owningbusinessunit", Some((unit, "businessunit")));
        }
        let creator = match (&row.created_by, kind) {
            (Some(persona), _) => scenario
                .user(persona)
                .map(|u| u.system_user_id)
                .ok_or_else(|| fail(format!("unknown persona '{persona}'")))?,
            (None, PrincipalKind::User) => owner,
            (None, PrincipalKind::Team) => first_user.system_user_id,
        };
        let version = rows::next_version(tx).map_err(|e| fail(e.to_string()))?;
        cells.stamp_created(table, &Authorship { user: creator, on_behalf_of: None, at: now.clone(), version });
        rows::insert(tx, table, &cells).map_err(|e| fail(e.to_string()))?;
    }
    Ok(())
}
