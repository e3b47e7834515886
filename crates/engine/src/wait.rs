//! The Wait (Delay) action: `inputs.interval {count, unit}` or `inputs.until.timestamp`. A run
//! with `skip_waits` goes straight on (its record still shows what the wait was); a cancel ends
//! the wait at once.

use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use serde_json::{json, Value};

use crate::evaluate::evaluate_inputs;
use crate::outcome::{invalid_template, Outcome};
use crate::progress::Cancellation;
use crate::record::{StepError, StepStatus};
use crate::state::RunState;

pub(crate) async fn run_wait(state: &RunState, name: &str, raw_inputs: &Value, skip: bool, cancellation: &Cancellation) -> Outcome {
    let inputs = match evaluate_inputs(state, raw_inputs) {
        Ok(inputs) => inputs,
        Err(e) => return Outcome::failed(None, invalid_template(name, "inputs", e)),
    };
    let now = Utc::now();
    let until = match end_of(&inputs, now) {
        Ok(until) => until,
        Err(message) => return Outcome::failed(Some(inputs), StepError::new("InvalidTemplate", format!("'{name}': {message}"))),
    };
    let wait = (until - now).to_std().unwrap_or(Duration::ZERO);
    if skip {
        let outputs = json!({ "skipped": true, "wouldHaveWaitedSeconds": wait.as_secs_f64() });
        return Outcome::succeeded(Some(inputs), Some(outputs));
    }
    tokio::select! {
        _ = tokio::time::sleep(wait) => Outcome::succeeded(Some(inputs), None),
        _ = cancellation.cancelled() => {
            let mut outcome = Outcome::failed(Some(inputs), StepError::new("Cancelled", format!("'{name}' was cancelled while it waited")));
            outcome.status = StepStatus::Cancelled;
            outcome.code = Some("Cancelled".into());
            outcome
        }
    }
}

/// When the wait ends: `now` plus the interval, or the `until` timestamp (past ones end at once).
fn end_of(inputs: &Value, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if let Some(interval) = inputs.get("interval") {
        let count = interval
            .get("count")
            .and_then(|c| c.as_i64().or_else(|| c.as_str()?.trim().parse().ok()))
            .filter(|c| *c >= 0)
            .ok_or("inputs.interval.count must be a whole number, 0 or more")?;
        let unit = interval.get("unit").and_then(Value::as_str).unwrap_or_default();
        let seconds = |n: i64| now.checked_add_signed(chrono::TimeDelta::try_seconds(count.checked_mul(n)?)?);
        let end = match unit.to_ascii_lowercase().as_str() {
            "second" => seconds(1),
            "minute" => seconds(60),
            "hour" => seconds(3_600),
            "day" => seconds(86_400),
            "week" => seconds(604_800),
            "month" => u32::try_from(count).ok().and_then(|c| now.checked_add_months(Months::new(c))),
            _ => return Err(format!("inputs.interval.unit must be Second, Minute, Hour, Day, Week or Month, not '{unit}'")),
        };
        return end.ok_or_else(|| "the interval is too long".to_string());
    }
    if let Some(timestamp) = inputs.get("until").and_then(|u| u.get("timestamp")) {
        let text = timestamp.as_str().unwrap_or_default();
        return DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| format!("inputs.until.timestamp must be an ISO 8601 date and time such as 2025-01-31T09:00:00Z, not {timestamp}"));
    }
    Err("the inputs need an interval {count, unit} or until {timestamp}".into())
}
