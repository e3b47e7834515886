//! Static results (reference §3.4): an action whose `runtimeConfiguration.staticResult` is
//! `{name, staticResultOptions: "Enabled"}` returns the definition's `staticResults[name]`
//! (`status`, `outputs`, and `error` for a failure) instead of calling out.

use flowbench_core::{Action, Flow};
use serde_json::Value;

use crate::outcome::Outcome;
use crate::record::{StepError, StepStatus};

/// The static result the action is set to return, or `None` when it has none enabled.
pub(crate) fn static_result(flow: &Flow, action: &Action) -> Option<Outcome> {
    let setting = action.body().get("runtimeConfiguration")?.get("staticResult")?;
    let enabled = setting.get("staticResultOptions").and_then(Value::as_str).is_some_and(|o| o.eq_ignore_ascii_case("Enabled"));
    if !enabled {
        return None;
    }
    let name = action.name.as_str();
    let Some(key) = setting.get("name").and_then(Value::as_str) else {
        return Some(Outcome::failed(None, StepError::new("InvalidTemplate", format!("'{name}': runtimeConfiguration.staticResult needs the `name` of a static result"))));
    };
    let Some(result) = flow.definition().get("staticResults").and_then(|s| s.get(key)) else {
        let message = format!("'{name}' is set to return the static result '{key}', but the definition's staticResults has no '{key}'");
        return Some(Outcome::failed(None, StepError::new("InvalidTemplate", message)));
    };
    let outputs = result.get("outputs").cloned();
    let status = result.get("status").and_then(Value::as_str).unwrap_or("Succeeded");
    let outcome = match status.to_ascii_lowercase().as_str() {
        "succeeded" => Outcome::succeeded(None, outputs),
        "failed" | "timedout" => {
            let text = |key: &str| result.get("error").and_then(|e| e.get(key)).and_then(Value::as_str).map(str::to_owned);
            let error = StepError::new(
                text("code").unwrap_or_else(|| "ActionFailed".into()),
                text("message").unwrap_or_else(|| format!("'{name}' returned its static result '{key}', which says {status}")),
            );
            let mut outcome = Outcome::failed(None, error);
            outcome.outputs = outputs;
            if status.eq_ignore_ascii_case("timedout") {
                outcome.status = StepStatus::TimedOut;
            }
            outcome
        }
        _ => {
            let message = format!("'{name}': the static result '{key}' has status '{status}'; it must be Succeeded, Failed or TimedOut");
            Outcome::failed(None, StepError::new("InvalidTemplate", message))
        }
    };
    Some(outcome)
}
