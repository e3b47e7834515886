//! Whom a preflight can be asked about: a user of the environment, or — to design security
//! before assigning it — a member of one team (`team:NAME`) or a holder of one role
//! (`role:NAME`) who has nothing else. Those become stand-in users, so every verdict is reached
//! the same way as for a real user.

use std::borrow::Cow;

use flowbench_sandbox::{Guid, Scenario, UserDef};

use crate::PreflightError;

pub const TEAM_PREFIX: &str = "team:";
pub const ROLE_PREFIX: &str = "role:";

/// The scenario with a stand-in user for each team or role subject.
pub fn with_subjects<'a>(scenario: &'a Scenario, subjects: &[String]) -> Result<Cow<'a, Scenario>, PreflightError> {
    let mut extended: Option<Scenario> = None;
    for subject in subjects {
        if scenario.user(subject).is_some() {
            continue;
        }
        let stand_in = if let Some(team_name) = subject.strip_prefix(TEAM_PREFIX) {
            let team = scenario.teams.iter().find(|t| t.name == team_name).ok_or_else(|| PreflightError::UnknownSubject {
                name: subject.clone(),
                kind: "team",
                known: scenario.teams.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
            })?;
            // A member measures the team's role depths from the team's business unit.
            stand_in(subject, &team.business_unit, vec![team.name.clone()], Vec::new())
        } else if let Some(role_name) = subject.strip_prefix(ROLE_PREFIX) {
            let role = scenario.roles.iter().find(|r| r.name == role_name).ok_or_else(|| PreflightError::UnknownSubject {
                name: subject.clone(),
                kind: "role",
                known: scenario.roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", "),
            })?;
            let root = scenario.business_units.iter().find(|b| b.parent.is_none()).map(|b| b.name.clone()).unwrap_or_default();
            stand_in(subject, &root, Vec::new(), vec![role.name.clone()])
        } else {
            continue;
        };
        extended.get_or_insert_with(|| scenario.clone()).users.push(stand_in);
    }
    Ok(extended.map_or(Cow::Borrowed(scenario), Cow::Owned))
}

fn stand_in(persona: &str, business_unit: &str, teams: Vec<String>, roles: Vec<String>) -> UserDef {
    UserDef {
        persona: persona.to_string(),
        description: Some("stand-in for the preflight: holds nothing else".into()),
        // Never seeded: the ids only need to be well-formed.
        system_user_id: Guid::new_random(),
        full_name: persona.to_string(),
        domain_name: persona.to_string(),
        azure_active_directory_object_id: Guid::new_random(),
        business_unit: business_unit.to_string(),
        teams,
        roles,
    }
}

/// Every subject the scenario offers: its users, then its teams and roles.
pub fn all_subjects(scenario: &Scenario) -> Vec<String> {
    scenario
        .users
        .iter()
        .map(|u| u.persona.clone())
        .chain(scenario.teams.iter().map(|t| format!("{TEAM_PREFIX}{}", t.name)))
        .chain(scenario.roles.iter().map(|r| format!("{ROLE_PREFIX}{}", r.name)))
        .collect()
}
