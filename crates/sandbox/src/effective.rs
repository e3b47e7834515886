//! A persona's effective privileges read from the scenario, without a store or a request: what
//! the security checks of `security::` would find for a user seeded from it. For tools that
//! predict outcomes (the permission preflight).

use std::collections::BTreeMap;

use crate::scenario::{Depth, Right, Scenario, TableDef};
use crate::security::privileges::expand_role;

/// One way a user holds a privilege.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivilegeGrant {
    pub depth: Depth,
    /// The role that grants it.
    pub role: String,
    /// The team whose role it is; `None` for the user's own roles.
    pub team: Option<String>,
    /// The business unit the depth is measured from: the user's, or the team's.
    pub business_unit: String,
}

/// `prv` + verb + the table's SchemaName, e.g. prvCreateContact (what the sandbox checks).
pub fn table_privilege_name(table: &TableDef, right: Right) -> String {
    format!("prv{}{}", right.verb(), table.schema_name)
}

impl Scenario {
    /// The privileges a persona holds through its own roles and its teams' roles, each with
    /// every grant; `None` for an unknown persona.
    pub fn effective_privileges(&self, persona: &str) -> Option<BTreeMap<String, Vec<PrivilegeGrant>>> {
        let user = self.user(persona)?;
        let mut held: BTreeMap<String, Vec<PrivilegeGrant>> = BTreeMap::new();
        let mut add = |role_name: &str, team: Option<&str>, business_unit: &str| {
            let Some(role) = self.roles.iter().find(|r| r.name == role_name) else { return };
            for (privilege, depth) in expand_role(role, self) {
                held.entry(privilege).or_default().push(PrivilegeGrant {
                    depth,
                    role: role.name.clone(),
                    team: team.map(str::to_owned),
                    business_unit: business_unit.to_owned(),
                });
            }
        };
        for role in &user.roles {
            add(role, None, &user.business_unit);
        }
        for team_name in &user.teams {
            // The scenario check guarantees the team exists; a missing one grants nothing.
            if let Some(team) = self.teams.iter().find(|t| &t.name == team_name) {
                for role in &team.roles {
                    add(role, Some(&team.name), &team.business_unit);
                }
            }
        }
        Some(held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_roles_count_and_say_where_they_come_from() {
        let scenario = Scenario::builtin();
        let sam = scenario.effective_privileges("sam").unwrap();
        assert_eq!(sam["prvCreateContact"][0].depth, Depth::Basic);
        assert!(!sam.contains_key("prvDeleteContact"));
        let write_task = &sam["prvWriteTask"];
        assert!(write_task.iter().any(|g| g.team.as_deref() == Some("Sales Team") && g.depth == Depth::Local));
        assert!(scenario.effective_privileges("nobody").is_none());
    }
}
