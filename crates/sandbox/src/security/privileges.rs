//! Privilege names and how a role's declaration expands into (privilege, depth) pairs.

use std::collections::BTreeMap;

use crate::metadata::{TableKind, TableMeta};
use crate::scenario::{Depth, Right, RoleDef, Scenario};

pub const ACT_ON_BEHALF_OF_ANOTHER_USER: &str = "prvActOnBehalfOfAnotherUser";

/// Dataverse's privilege to read the audit table (the Audit Summary).
pub const READ_AUDIT_SUMMARY: &str = "prvReadAuditSummary";

/// Privileges that belong to no table and that a scenario may grant.
pub const MISC_PRIVILEGES: [&str; 3] = [ACT_ON_BEHALF_OF_ANOTHER_USER, "prvBypassCustomPlugins", READ_AUDIT_SUMMARY];

/// `prv` + verb + the table's SchemaName, e.g. prvCreateContact; the audit table is read with
/// prvReadAuditSummary, as in Dataverse (writing it is refused before any check).
pub fn table_privilege(table: &TableMeta, right: Right) -> String {
    if table.kind == TableKind::Audit && right == Right::Read {
        return READ_AUDIT_SUMMARY.to_string();
    }
    format!("prv{}{}", right.verb(), table.schema_name)
}

/// Every privilege the scenario can mention: each table's eight and the others.
pub fn all_privilege_names(scenario: &Scenario) -> Vec<String> {
    let mut names: Vec<String> = scenario
        .tables
        .iter()
        .flat_map(|t| Right::ALL.iter().map(move |r| format!("prv{}{}", r.verb(), t.schema_name)))
        .collect();
    names.extend(MISC_PRIVILEGES.iter().map(|s| s.to_string()));
    names
}

/// The privileges a role grants; where a role names one twice, the wider depth wins.
pub fn expand_role(role: &RoleDef, scenario: &Scenario) -> BTreeMap<String, Depth> {
    let mut granted: BTreeMap<String, Depth> = BTreeMap::new();
    let mut grant = |name: String, depth: Depth| {
        let entry = granted.entry(name).or_insert(depth);
        *entry = (*entry).max(depth);
    };
    for (name, depth) in &role.privileges {
        grant(name.clone(), *depth);
    }
    for table_grant in &role.table_privileges {
        let every_table = table_grant.tables.iter().any(|t| t == "*");
        for table in scenario.tables.iter().filter(|t| every_table || table_grant.tables.contains(&t.logical_name)) {
            for right in &table_grant.rights {
                grant(format!("prv{}{}", right.verb(), table.schema_name), table_grant.depth);
            }
        }
    }
    granted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salesperson_cannot_delete_contacts_but_can_delete_accounts() {
        let scenario = Scenario::builtin();
        let role = scenario.roles.iter().find(|r| r.name == "Salesperson").unwrap();
        let granted = expand_role(role, &scenario);
        assert_eq!(granted.get("prvCreateContact"), Some(&Depth::Basic));
        assert_eq!(granted.get("prvReadContact"), Some(&Depth::Local));
        assert_eq!(granted.get("prvDeleteContact"), None);
        assert_eq!(granted.get("prvDeleteAccount"), Some(&Depth::Basic));
    }

    #[test]
    fn wildcard_grants_cover_every_table() {
        let scenario = Scenario::builtin();
        let role = scenario.roles.iter().find(|r| r.name == "System Administrator").unwrap();
        let granted = expand_role(role, &scenario);
        assert_eq!(granted.len(), scenario.tables.len() * 8 + 2);
        assert!(granted.values().all(|d| *d == Depth::Global));
    }
}
