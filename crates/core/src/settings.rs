//! A step's settings outside `inputs.parameters`, as Power Automate writes them
//! (`../shared/reference/flow-format.md` §2.4, §4.2, §5; `expression-language.md` §3.2–3.4):
//! a loop's `runtimeConfiguration.concurrency.repetitions`, `runtimeConfiguration.secureData`,
//! `inputs.retryPolicy`, `limit.timeout`, and the Dataverse row trigger's
//! `subscriptionRequest/*` parameters. Each setting set back to its default removes its key (and
//! an object it leaves empty that it had made), and every other byte of the step stays as it was.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::model::{ActionKind, Flow, TriggerKind};
use crate::EditError;

/// Power Automate's bounds for "Concurrency control" on Apply to each.
pub const CONCURRENCY_RANGE: std::ops::RangeInclusive<u32> = 1..=50;
/// Power Automate's bounds for a retry policy's count.
pub const RETRY_COUNT_RANGE: std::ops::RangeInclusive<u32> = 1..=90;

/// `inputs.retryPolicy`: what the designer's "Retry policy" writes (absent = Default).
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum RetryPolicy {
    None,
    Fixed {
        count: u32,
        interval: String,
    },
    Exponential {
        count: u32,
        interval: String,
        #[ts(optional)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minimum_interval: Option<String>,
        #[ts(optional)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        maximum_interval: Option<String>,
    },
}

/// One setting of a step; `None` (or `false`, or no columns) puts it back to the default.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "setting", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum StepSetting {
    /// Apply to each's concurrency control: 1–50 iterations at once; `None` runs them one by one.
    Concurrency { repetitions: Option<u32> },
    /// Secure inputs and outputs (kept out of run history).
    SecureData { inputs: bool, outputs: bool },
    /// A connector or HTTP step's retry policy; `None` is the default policy.
    RetryPolicy { policy: Option<RetryPolicy> },
    /// The action timeout, an ISO 8601 duration (`PT10M`, `P1D`); `None` is the default.
    Timeout { timeout: Option<String> },
    /// The row trigger's change type: 1 Added, 2 Deleted, 3 Modified, 4 Added or Modified,
    /// 5 Added or Deleted, 6 Modified or Deleted, 7 Added, Modified or Deleted.
    TriggerMessage { message: Option<u8> },
    /// The row trigger's scope: 1 User, 2 Business unit, 3 Parent: child business units, 4 Organization.
    TriggerScope { scope: Option<u8> },
    /// The columns whose change starts the flow (change types with Modified only); empty = any column.
    TriggerFilteringColumns { columns: Vec<String> },
    /// Run as: 1 modifying user, 2 row owner, 3 flow owner; `None` is the flow owner.
    TriggerRunAs { run_as: Option<u8> },
}

impl Flow {
    /// Sets one setting of the step (action or trigger) `step`. Refused, with nothing changed,
    /// when the value is out of range or the setting does not apply to that kind of step.
    pub fn set_step_setting(&mut self, step: &str, setting: &StepSetting) -> Result<(), EditError> {
        check_value(step, setting)?;
        if let Some(action) = self.find_action_mut(step) {
            let kind = action.kind();
            let body = action.body_mut();
            return match setting {
                StepSetting::Concurrency { repetitions } => {
                    if kind != ActionKind::Foreach {
                        return Err(invalid(step, "concurrency control applies to Apply to each loops only"));
                    }
                    match repetitions {
                        Some(n) => put(body, &["runtimeConfiguration", "concurrency", "repetitions"], Value::from(*n)),
                        None => remove(body, &["runtimeConfiguration", "concurrency"]),
                    }
                    // `operationOptions: "Sequential"` is the older way to say one at a time; the
                    // runtime wants one or the other, and concurrency control now says it.
                    if body.get("operationOptions").and_then(Value::as_str).is_some_and(|o| o.eq_ignore_ascii_case("Sequential")) {
                        body.shift_remove("operationOptions");
                    }
                    Ok(())
                }
                StepSetting::SecureData { inputs, outputs } => {
                    set_secure_data(body, *inputs, *outputs);
                    Ok(())
                }
                StepSetting::RetryPolicy { policy } => {
                    if !(kind.is_connector() || matches!(kind, ActionKind::Http | ActionKind::HttpWebhook)) {
                        return Err(invalid(step, "a retry policy applies to connector and HTTP steps only"));
                    }
                    set_retry_policy(step, body, policy.as_ref())
                }
                StepSetting::Timeout { timeout } => {
                    match timeout {
                        Some(t) => put(body, &["limit", "timeout"], Value::String(t.clone())),
                        None => remove(body, &["limit", "timeout"]),
                    }
                    Ok(())
                }
                _ => Err(invalid(step, "this setting belongs to the Dataverse row trigger")),
            };
        }
        let trigger = self.triggers.iter_mut().find(|t| t.name == step).ok_or_else(|| EditError::NoSuchAction(step.into()))?;
        let row = match trigger.kind() {
            TriggerKind::DataverseRow(row) => Some(row),
            _ => None,
        };
        let body = trigger.body_mut();
        match setting {
            StepSetting::SecureData { inputs, outputs } => {
                set_secure_data(body, *inputs, *outputs);
                Ok(())
            }
            StepSetting::RetryPolicy { policy } if body.get("inputs").and_then(|i| i.get("host")).is_some() => {
                set_retry_policy(step, body, policy.as_ref())
            }
            StepSetting::TriggerMessage { .. }
            | StepSetting::TriggerScope { .. }
            | StepSetting::TriggerFilteringColumns { .. }
            | StepSetting::TriggerRunAs { .. } => {
                let Some(row) = row else {
                    return Err(invalid(step, "only the Dataverse row trigger has this setting"));
                };
                let (key, value) = match setting {
                    StepSetting::TriggerMessage { message } => ("message", message.map(Value::from)),
                    StepSetting::TriggerScope { scope } => ("scope", scope.map(Value::from)),
                    StepSetting::TriggerRunAs { run_as } => ("runas", run_as.map(Value::from)),
                    StepSetting::TriggerFilteringColumns { columns } => {
                        if !columns.is_empty() && row.message.is_some_and(|m| !message_includes_modified(m)) {
                            return Err(invalid(step, "filtering columns apply only when the change type includes Modified"));
                        }
                        ("filteringattributes", (!columns.is_empty()).then(|| Value::String(columns.join(","))))
                    }
                    _ => unreachable!("matched above"),
                };
                let parameters = object_at(object_at(body, "inputs"), "parameters");
                let key = format!("subscriptionRequest/{key}");
                match value {
                    Some(v) => {
                        parameters.insert(key, v);
                    }
                    None => {
                        parameters.shift_remove(&key);
                    }
                }
                Ok(())
            }
            _ => Err(invalid(step, "a trigger does not have this setting")),
        }
    }
}

/// Whether a row trigger's change type fires on updates (where filtering columns apply).
pub fn message_includes_modified(message: i64) -> bool {
    matches!(message, 3 | 4 | 6 | 7)
}

fn check_value(step: &str, setting: &StepSetting) -> Result<(), EditError> {
    let bad = |reason: String| Err(invalid(step, &reason));
    match setting {
        StepSetting::Concurrency { repetitions: Some(n) } if !CONCURRENCY_RANGE.contains(n) => {
            bad(format!("the degree of parallelism must be from 1 to 50, not {n}"))
        }
        StepSetting::RetryPolicy { policy: Some(policy) } => match policy {
            RetryPolicy::None => Ok(()),
            RetryPolicy::Fixed { count, interval } => {
                check_count(step, *count)?;
                check_duration(step, "interval", interval)
            }
            RetryPolicy::Exponential { count, interval, minimum_interval, maximum_interval } => {
                check_count(step, *count)?;
                check_duration(step, "interval", interval)?;
                let min = minimum_interval.as_deref().map(|m| check_duration(step, "minimum interval", m).map(|_| parse_duration(m))).transpose()?;
                let max = maximum_interval.as_deref().map(|m| check_duration(step, "maximum interval", m).map(|_| parse_duration(m))).transpose()?;
                if let (Some(Some(min)), Some(Some(max))) = (min, max) {
                    if min > max {
                        return bad("the minimum interval is longer than the maximum interval".into());
                    }
                }
                Ok(())
            }
        },
        StepSetting::Timeout { timeout: Some(t) } => check_duration(step, "timeout", t),
        StepSetting::TriggerMessage { message: Some(m) } if !(1..=7).contains(m) => bad(format!("the change type must be 1 to 7, not {m}")),
        StepSetting::TriggerScope { scope: Some(s) } if !(1..=4).contains(s) => bad(format!("the scope must be 1 to 4, not {s}")),
        StepSetting::TriggerRunAs { run_as: Some(r) } if !(1..=3).contains(r) => bad(format!("run as must be 1, 2 or 3, not {r}")),
        StepSetting::TriggerFilteringColumns { columns } => {
            match columns.iter().find(|c| c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')) {
                Some(c) => bad(format!("`{c}` is not a column's logical name")),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

fn check_count(step: &str, count: u32) -> Result<(), EditError> {
    if RETRY_COUNT_RANGE.contains(&count) {
        Ok(())
    } else {
        Err(invalid(step, &format!("the retry count must be from 1 to 90, not {count}")))
    }
}

fn check_duration(step: &str, what: &str, text: &str) -> Result<(), EditError> {
    match parse_duration(text) {
        Some(_) => Ok(()),
        None => Err(invalid(step, &format!("the {what} `{text}` is not an ISO 8601 duration such as PT30S, PT10M or P1D"))),
    }
}

/// An ISO 8601 duration (`P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]`) in seconds, counting a month as
/// 30 days and a year as 365; `None` when the text is not one (or names no amount at all).
pub fn parse_duration(text: &str) -> Option<f64> {
    let rest = text.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    fn part(mut s: &str, units: &[(char, f64)], fraction_last: bool) -> Option<(f64, usize)> {
        let mut total = 0.0;
        let mut found = 0;
        let mut next_unit = 0;
        while !s.is_empty() {
            let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
            let (number, tail) = s.split_at(end);
            let unit = tail.chars().next()?;
            let at = units.iter().skip(next_unit).position(|(u, _)| *u == unit)? + next_unit;
            let is_last_unit = at == units.len() - 1;
            let valid = !number.is_empty()
                && number.chars().filter(|c| *c == '.').count() <= usize::from(fraction_last && is_last_unit)
                && !number.starts_with('.')
                && !number.ends_with('.');
            if !valid {
                return None;
            }
            total += number.parse::<f64>().ok()? * units[at].1;
            found += 1;
            next_unit = at + 1;
            s = &tail[1..];
        }
        Some((total, found))
    }
    let (days, date_parts) = part(date, &[('Y', 365.0 * 86400.0), ('M', 30.0 * 86400.0), ('W', 7.0 * 86400.0), ('D', 86400.0)], false)?;
    let (seconds, time_parts) = match time {
        Some(t) => {
            let (s, n) = part(t, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)], true)?;
            if n == 0 {
                return None;
            }
            (s, n)
        }
        None => (0.0, 0),
    };
    (date_parts + time_parts > 0).then_some(days + seconds)
}

fn invalid(step: &str, reason: &str) -> EditError {
    EditError::InvalidSetting { step: step.into(), reason: reason.into() }
}

fn set_secure_data(body: &mut Map<String, Value>, inputs: bool, outputs: bool) {
    let properties: Vec<Value> =
        [("inputs", inputs), ("outputs", outputs)].into_iter().filter(|(_, on)| *on).map(|(p, _)| Value::from(p)).collect();
    if properties.is_empty() {
        remove(body, &["runtimeConfiguration", "secureData"]);
    } else {
        put(body, &["runtimeConfiguration", "secureData", "properties"], Value::Array(properties));
    }
}

fn set_retry_policy(step: &str, body: &mut Map<String, Value>, policy: Option<&RetryPolicy>) -> Result<(), EditError> {
    let inputs = body.get_mut("inputs").and_then(Value::as_object_mut).ok_or_else(|| invalid(step, "the step has no inputs"))?;
    match policy {
        Some(policy) => {
            let value = serde_json::to_value(policy).expect("a retry policy serialises");
            inputs.insert("retryPolicy".into(), value);
        }
        None => {
            inputs.shift_remove("retryPolicy");
        }
    }
    Ok(())
}

/// Sets the value at `path`, making the objects on the way (an object already there keeps its
/// place and its other members).
fn put(body: &mut Map<String, Value>, path: &[&str], value: Value) {
    let (last, parents) = path.split_last().expect("a path");
    let mut here = body;
    for key in parents {
        here = object_at(here, key);
    }
    here.insert((*last).to_string(), value);
}

/// Removes the member at `path`, then each object on the way that is left empty.
fn remove(body: &mut Map<String, Value>, path: &[&str]) {
    fn go(map: &mut Map<String, Value>, path: &[&str]) {
        let (first, rest) = path.split_first().expect("a path");
        if rest.is_empty() {
            map.shift_remove(*first);
            return;
        }
        if let Some(child) = map.get_mut(*first).and_then(Value::as_object_mut) {
            go(child, rest);
            if child.is_empty() {
                map.shift_remove(*first);
            }
        }
    }
    go(body, path);
}

fn object_at<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("just made an object")
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn iso_8601_durations() {
        assert_eq!(parse_duration("PT30S"), Some(30.0));
        assert_eq!(parse_duration("PT1H30M"), Some(5400.0));
        assert_eq!(parse_duration("P1DT2H"), Some(93600.0));
        assert_eq!(parse_duration("P1W"), Some(604800.0));
        assert_eq!(parse_duration("PT0.5S"), Some(0.5));
        for bad in ["", "P", "PT", "30S", "PT30", "PTS", "P1H", "PT1S1M", "PT1.5M", "pt30s", "PT-1S", "10 minutes", "P1DT"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
