//! A step's settings outside its parameters, as the runtime reads them
//! (`expression-language.md` §3.2–3.3): a loop's concurrency, the retry policy, the timeout.

use flowbench_core::model::ActionKind;
use flowbench_core::settings::{parse_duration, CONCURRENCY_RANGE, RETRY_COUNT_RANGE};
use serde_json::Value;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::FlowIndex;
use crate::ValidationContext;

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    for (id, node) in index.nodes.iter().enumerate() {
        let body = node.action.body();
        if node.kind == ActionKind::Foreach {
            if let Some(raw) = body.get("runtimeConfiguration").and_then(|r| r.get("concurrency")).and_then(|c| c.get("repetitions")) {
                let fits = raw.as_u64().and_then(|n| u32::try_from(n).ok()).is_some_and(|n| CONCURRENCY_RANGE.contains(&n));
                if !fits {
                    report(
                        out,
                        "settings/concurrency",
                        index.location(id, "/runtimeConfiguration/concurrency/repetitions"),
                        format!("`{}` runs {raw} iterations at once; concurrency control takes a whole number from 1 to 50", node.name),
                        Some("set the degree of parallelism from 1 to 50, or turn concurrency control off"),
                    );
                }
            }
        }
        if let Some(policy) = node.inputs.and_then(|i| i.get("retryPolicy")) {
            if let Err(why) = check_retry_policy(policy) {
                report(out, "settings/retry-policy", index.location(id, "/inputs/retryPolicy"), format!("`{}`: {why}", node.name), None);
            }
        }
        if let Some(timeout) = body.get("limit").and_then(|l| l.get("timeout")) {
            let fits = timeout.as_str().is_some_and(|t| t.starts_with('@') || parse_duration(t).is_some());
            if !fits {
                report(
                    out,
                    "settings/timeout",
                    index.location(id, "/limit/timeout"),
                    format!("`{}` has the timeout {timeout}, which is not an ISO 8601 duration", node.name),
                    Some("write a duration such as PT30S, PT10M or P1D"),
                );
            }
        }
    }
}

/// The retry policy's shape: `type` default, none, fixed or exponential; `count` 1–90 and an
/// ISO 8601 `interval` for fixed and exponential; optional ISO 8601 minimum and maximum intervals.
fn check_retry_policy(policy: &Value) -> Result<(), String> {
    let Some(map) = policy.as_object() else { return Err("the retry policy must be an object".into()) };
    let kind = map.get("type").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
    let duration = |key: &str, required: bool| -> Result<(), String> {
        match map.get(key) {
            None if required => Err(format!("a {kind} retry policy needs `{key}`")),
            None => Ok(()),
            Some(Value::String(s)) if s.starts_with('@') || parse_duration(s).is_some() => Ok(()),
            Some(v) => Err(format!("retryPolicy.{key} {v} is not an ISO 8601 duration such as PT7S")),
        }
    };
    match kind.as_str() {
        "default" | "none" => Ok(()),
        "fixed" | "exponential" => {
            match map.get("count") {
                Some(Value::String(s)) if s.starts_with('@') => {}
                Some(v) if v.as_u64().and_then(|n| u32::try_from(n).ok()).is_some_and(|n| RETRY_COUNT_RANGE.contains(&n)) => {}
                Some(v) => return Err(format!("retryPolicy.count is {v}; it must be 1 to 90")),
                None => return Err(format!("a {kind} retry policy needs `count` (1 to 90)")),
            }
            duration("interval", true)?;
            duration("minimumInterval", false)?;
            duration("maximumInterval", false)
        }
        _ => Err(format!("retryPolicy.type is {}; it must be default, none, fixed or exponential", map.get("type").unwrap_or(&Value::Null))),
    }
}

#[cfg(test)]
mod tests {
    use super::check_retry_policy;
    use serde_json::json;

    #[test]
    fn retry_policies_the_runtime_reads() {
        for good in [
            json!({"type": "none"}),
            json!({"type": "Fixed", "count": 3, "interval": "PT20S"}),
            json!({"type": "exponential", "count": 4, "interval": "PT7S", "minimumInterval": "PT5S", "maximumInterval": "PT1H"}),
        ] {
            assert_eq!(check_retry_policy(&good), Ok(()), "{good}");
        }
        for (bad, says) in [
            (json!({"type": "sometimes"}), "must be default, none"),
            (json!({"type": "fixed", "interval": "PT20S"}), "needs `count`"),
            (json!({"type": "fixed", "count": 91, "interval": "PT20S"}), "1 to 90"),
            (json!({"type": "fixed", "count": 3}), "needs `interval`"),
            (json!({"type": "exponential", "count": 3, "interval": "PT7S", "maximumInterval": "1 hour"}), "maximumInterval"),
            (json!("none"), "an object"),
        ] {
            assert!(check_retry_policy(&bad).unwrap_err().contains(says), "{bad}");
        }
    }
}
