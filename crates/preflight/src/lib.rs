//! Permission preflight (issue 11): for each Dataverse step of a flow, who it runs as and the
//! privileges it needs; then, for chosen users of the environment, whether each step will be
//! allowed, with the missing privilege named. Rules: `dataverse-web-api.md` §2–3 and
//! `flow-format.md` §3. The environment is a scenario: the sandbox's own (its users, teams and
//! roles), or a snapshot of a real environment's security (`snapshot`).
//!
//! ```ignore
//! let matrix = preflight(&flow, &Scenario::builtin(), &["sam".into(), "nora".into()], &Options::default())?;
//! ```

pub mod identity;
pub mod matrix;
pub mod needs;
pub mod options;
pub mod snapshot;
pub mod subjects;
mod tables;
pub mod text;

use flowbench_core::Flow;
use flowbench_sandbox::Scenario;

pub use identity::{Acting, StepIdentity};
pub use matrix::{Cell, Matrix, MissingPrivilege, OwnerCheck, UserRow, Verdict};
pub use needs::{DepthNeed, Holder, Need, StepNeeds};
pub use options::Options;

#[derive(Debug, thiserror::Error)]
pub enum PreflightError {
    #[error("there is no user '{name}' ({role}) in the environment; its users are: {known}")]
    UnknownUser { name: String, role: String, known: String },
    #[error("there is no {kind} '{name}' in the environment; its {kind}s are: {known}")]
    UnknownSubject { name: String, kind: &'static str, known: String },
    #[error("choose at least one user to check")]
    NoUsers,
}

/// The matrix of `users` by the flow's steps.
pub fn preflight(flow: &Flow, scenario: &Scenario, users: &[String], options: &Options) -> Result<Matrix, PreflightError> {
    if users.is_empty() {
        return Err(PreflightError::NoUsers);
    }
    let mut subjects = users.to_vec();
    subjects.push(options.flow_owner.clone());
    let scenario = &*subjects::with_subjects(scenario, &subjects)?;
    let steps = needs::step_needs(flow, scenario, options);
    // Every persona the verdicts depend on must exist, or "missing" would be a lie.
    let mut named: Vec<(String, String)> = users.iter().map(|u| (u.clone(), "a user to check".to_string())).collect();
    named.push((options.flow_owner.clone(), "the flow owner".into()));
    for step in &steps {
        match &step.identity {
            Some(StepIdentity::ConnectionReference { logical_name, owner }) => {
                named.push((owner.clone(), format!("owner of the connection reference '{logical_name}'")));
            }
            Some(StepIdentity::Impersonation { logical_name, caller, .. }) => {
                named.push((caller.clone(), format!("owner of the connection reference '{logical_name}'")));
            }
            _ => {}
        }
    }
    for (name, role) in named {
        if scenario.user(&name).is_none() {
            let known = scenario.users.iter().map(|u| u.persona.as_str()).collect::<Vec<_>>().join(", ");
            return Err(PreflightError::UnknownUser { name, role, known });
        }
    }
    let mut privileges = matrix::Privileges::new(scenario);
    let owner = matrix::evaluate_owner(&options.flow_owner, needs::owner_needs(&steps), &mut privileges);
    let users = users
        .iter()
        .map(|user| UserRow {
            user: user.clone(),
            cells: steps.iter().map(|s| matrix::evaluate_cell(s, &steps, user, &options.flow_owner, &mut privileges)).collect(),
        })
        .collect();
    Ok(Matrix { flow: flow.display_name().map(str::to_owned), steps, owner, users })
}
