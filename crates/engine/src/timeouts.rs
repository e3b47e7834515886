//! `limit.timeout` (ISO 8601, e.g. `PT10S`): how long an action may run. An action past it ends
//! `TimedOut` with the runtime's code `ActionTimedOut` (reference §3.3), so `runAfter` branches
//! on `TimedOut` run. The reference notes Logic Apps' docs describe the status as Cancelled for
//! async actions; Power Automate's run history and its "has timed out" run-after show TimedOut.

use std::time::Duration;

use flowbench_core::Action;
use serde_json::Value;

use crate::outcome::Outcome;
use crate::record::{StepError, StepStatus};

/// Until's limit when it gives none (ACTIONSREF: `PT1H`).
pub(crate) const UNTIL_DEFAULT_TIMEOUT: &str = "PT1H";

/// The action's `limit.timeout` as written and as a duration; `Ok(None)` without one.
pub(crate) fn action_timeout(action: &Action) -> Result<Option<(String, Duration)>, StepError> {
    match action.body().get("limit").and_then(|l| l.get("timeout")) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => parse(&action.name, text).map(Some),
        Some(other) => Err(bad(&action.name, &other.to_string())),
    }
}

pub(crate) fn parse(name: &str, text: &str) -> Result<(String, Duration), StepError> {
    iso8601::duration(text.trim()).map(|d| (text.trim().to_string(), Duration::from(d))).map_err(|_| bad(name, text))
}

fn bad(name: &str, text: &str) -> StepError {
    StepError::new("InvalidTemplate", format!("'{name}': limit.timeout '{text}' is not an ISO 8601 duration such as PT10S or P1D"))
}

/// The outcome of an action stopped by its limit.
pub(crate) fn timed_out(name: &str, limit: &str) -> Outcome {
    let error = StepError::new("ActionTimedOut", format!("The action '{name}' did not finish within its limit.timeout of {limit}, so the runtime stopped it."));
    let mut outcome = Outcome::failed(None, error);
    outcome.status = StepStatus::TimedOut;
    outcome
}
