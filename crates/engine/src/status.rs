//! The runtime's status rules (`expression-language.md` §3.1): when an action may start, and the
//! status a scope (or the run) takes from its actions.

use std::collections::{HashMap, HashSet};

use flowbench_core::Action;

use crate::record::StepStatus;

/// Whether `action` may run, given the statuses of the actions of its scope that have ended.
/// Every predecessor must have ended in one of the statuses listed for it (compared
/// case-insensitively); otherwise the reason it is Skipped, in the runtime's words.
pub(crate) fn run_after_satisfied(action: &Action, ended: &HashMap<String, StepStatus>) -> Result<(), String> {
    for (predecessor, listed) in action.run_after() {
        let Some(status) = ended.get(&predecessor) else {
            return Err(format!(
                "The execution of template action '{}' is skipped: it runs after '{predecessor}', which is not an earlier action of the same scope (missing, or in a runAfter cycle).",
                action.name
            ));
        };
        // An empty list is read as the designer's default.
        let accepted = listed.is_empty() && *status == StepStatus::Succeeded
            || listed.iter().any(|s| s.eq_ignore_ascii_case(status.name()));
        if !accepted {
            let expected = if listed.is_empty() { "'Succeeded'".to_string() } else { listed.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ") };
            return Err(format!(
                "The execution of template action '{}' is skipped: the 'runAfter' condition for action '{predecessor}' is not satisfied. Expected status values {expected} and actual value '{}'.",
                action.name,
                status.name()
            ));
        }
    }
    Ok(())
}

/// The status of a scope from its actions' statuses: take the leaves (actions nothing in the scope
/// runs after), replace a Skipped leaf by its predecessors (recursively), then any Failed → Failed,
/// else any TimedOut → TimedOut, else Succeeded. So a failure handled by a step that runs after it
/// on Failed leaves the scope Succeeded, and a branch skipped because of a failure stays Failed.
pub(crate) fn aggregate_status(actions: &[Action], statuses: &HashMap<String, StepStatus>) -> StepStatus {
    let predecessors: HashMap<&str, Vec<String>> =
        actions.iter().map(|a| (a.name.as_str(), a.run_after().into_iter().map(|(p, _)| p).collect())).collect();
    let followed: HashSet<&str> = predecessors.values().flatten().map(String::as_str).collect();
    let mut pending: Vec<&str> = actions.iter().map(|a| a.name.as_str()).filter(|n| !followed.contains(n)).collect();
    let mut seen = HashSet::new();
    let (mut failed, mut timed_out) = (false, false);
    while let Some(name) = pending.pop() {
        if !seen.insert(name) {
            continue;
        }
        match statuses.get(name) {
            Some(StepStatus::Failed) => failed = true,
            Some(StepStatus::TimedOut) => timed_out = true,
            Some(StepStatus::Skipped) => {
                pending.extend(predecessors.get(name).into_iter().flatten().map(String::as_str));
            }
            _ => {}
        }
    }
    if failed {
        StepStatus::Failed
    } else if timed_out {
        StepStatus::TimedOut
    } else {
        StepStatus::Succeeded
    }
}
