//! Retry policies (reference §3.3): the runtime's default (exponential, 4 retries, 7.5 s scale,
//! 5 s to 1 h), fixed and none, applied by the HTTP action and the Dataverse actions alike on 408,
//! 429, 5xx and connection failures; a server's `Retry-After` wins over the policy's wait.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::record::{now_rfc3339, RetryAttempt, StepError};

/// The runtime's limit on `count` (reference §3.3).
const MAX_RETRIES: u32 = 90;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RetryPolicy {
    None,
    Fixed { count: u32, interval: Duration },
    Exponential { count: u32, interval: Duration, minimum: Duration, maximum: Duration },
}

impl RetryPolicy {
    fn default_policy() -> Self {
        RetryPolicy::Exponential {
            count: 4,
            interval: Duration::from_millis(7_500),
            minimum: Duration::from_secs(5),
            maximum: Duration::from_secs(3_600),
        }
    }

    pub(crate) fn parse(value: Option<&Value>) -> Result<Self, String> {
        let Some(policy) = value.filter(|v| !v.is_null()) else { return Ok(Self::default_policy()) };
        let text = |key: &str| policy.get(key).and_then(Value::as_str);
        let duration = |key: &str, default: Duration| -> Result<Duration, String> {
            match text(key) {
                None => Ok(default),
                Some(t) => iso8601::duration(t).map(Duration::from).map_err(|_| format!("retryPolicy.{key} '{t}' is not an ISO 8601 duration such as PT7S")),
            }
        };
        let count = || -> Result<u32, String> {
            match policy.get("count") {
                None => Ok(4),
                Some(c) => c
                    .as_u64()
                    .filter(|c| (1..=u64::from(MAX_RETRIES)).contains(c))
                    .map(|c| c as u32)
                    .ok_or_else(|| format!("retryPolicy.count must be 1 to {MAX_RETRIES}")),
            }
        };
        match text("type").map(str::to_ascii_lowercase).as_deref() {
            Some("none") => Ok(RetryPolicy::None),
            Some("default") => Ok(Self::default_policy()),
            Some("fixed") => Ok(RetryPolicy::Fixed { count: count()?, interval: duration("interval", Duration::from_secs(7))? }),
            Some("exponential") => Ok(RetryPolicy::Exponential {
                count: count()?,
                interval: duration("interval", Duration::from_secs(7))?,
                minimum: duration("minimumInterval", Duration::from_secs(5))?,
                maximum: duration("maximumInterval", Duration::from_secs(86_400))?,
            }),
            other => Err(format!("retryPolicy.type must be default, none, fixed or exponential, not {other:?}")),
        }
    }

    pub(crate) fn count(&self) -> u32 {
        match self {
            RetryPolicy::None => 0,
            RetryPolicy::Fixed { count, .. } | RetryPolicy::Exponential { count, .. } => *count,
        }
    }

    /// The wait before retry `k` (1-based). The runtime draws it at random from
    /// [max(2^(k-2)·interval, min), min(2^(k-1)·interval, max)]; a test run takes the middle, so
    /// runs repeat exactly.
    pub(crate) fn wait(&self, k: u32) -> Duration {
        match self {
            RetryPolicy::None => Duration::ZERO,
            RetryPolicy::Fixed { interval, .. } => *interval,
            RetryPolicy::Exponential { interval, minimum, maximum, .. } => {
                let low = if k <= 1 { Duration::ZERO } else { interval.saturating_mul(1 << (k - 2).min(30)) }.max(*minimum);
                let high = interval.saturating_mul(1 << (k - 1).min(30)).min(*maximum);
                let high = high.max(low);
                low + (high - low) / 2
            }
        }
    }
}

pub(crate) fn retryable(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// The record of an attempt that started at `start_time`, ended now, and will be retried.
pub(crate) fn attempt(start_time: String, status_code: Option<u16>, error: Option<StepError>) -> RetryAttempt {
    let code = status_code
        .and_then(|s| StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .map_or_else(|| "ConnectionFailure".to_string(), |reason| reason.replace(' ', ""));
    RetryAttempt { start_time, end_time: now_rfc3339(), code, status_code, error }
}

/// `Retry-After`, from a header map of the action's outputs (names in lower case).
pub(crate) fn retry_after_of(outputs: &Value) -> Option<Duration> {
    let headers = outputs.get("headers")?.as_object()?;
    let value = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))?.1.as_str()?;
    parse_retry_after(value, chrono::Utc::now())
}

/// A `Retry-After` value (RFC 9110 §10.2.3): seconds to wait, or the HTTP date to wait until
/// (no wait when it has passed). Anything else is no answer, and the policy's wait applies.
pub(crate) fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let until = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some((until.with_timezone(&chrono::Utc) - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn retry_after_is_seconds_or_an_http_date() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:27:30Z").unwrap().with_timezone(&chrono::Utc);
        assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(30)));
        // A date already passed: retry now.
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn the_default_policy_waits_as_the_runtime_does() {
        let policy = RetryPolicy::parse(None).unwrap();
        assert_eq!(policy.count(), 4);
        // Retry 1: [max(0, 5 s), min(7.5 s, 1 h)] → middle 6.25 s; retry 2: [7.5 s, 15 s] → 11.25 s.
        assert_eq!(policy.wait(1), Duration::from_millis(6_250));
        assert_eq!(policy.wait(2), Duration::from_millis(11_250));
        assert_eq!(RetryPolicy::parse(Some(&json!({ "type": "none" }))).unwrap().count(), 0);
        let fixed = RetryPolicy::parse(Some(&json!({ "type": "fixed", "count": 2, "interval": "PT2S" }))).unwrap();
        assert_eq!((fixed.count(), fixed.wait(2)), (2, Duration::from_secs(2)));
        assert!(RetryPolicy::parse(Some(&json!({ "type": "fixed", "count": 0 }))).unwrap_err().contains("1 to 90"));
        assert!(RetryPolicy::parse(Some(&json!({ "type": "fixed", "interval": "soon" }))).unwrap_err().contains("ISO 8601"));
        assert!(RetryPolicy::parse(Some(&json!({ "type": "sometimes" }))).unwrap_err().contains("retryPolicy.type"));
    }
}
