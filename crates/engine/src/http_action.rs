//! The HTTP action: one request with the action's method, URI, headers, queries and body, retried
//! as its retry policy says (the runtime's default: exponential, 4 retries, 7.5 s scale, 5 s to
//! 1 h) on 408, 429, 5xx and connection failures, waiting `Retry-After` when the server gives it.
//! Any other status ends the step Failed with the response as its outputs, as in Power Automate.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Map, Value};

use crate::outcome::Outcome;
use crate::progress::Cancellation;
use crate::record::{StepError, StepStatus};

/// The runtime's limit on `count` (reference §3.3).
const MAX_RETRIES: u32 = 90;

#[derive(Debug, Clone, PartialEq)]
enum RetryPolicy {
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

    fn parse(value: Option<&Value>) -> Result<Self, String> {
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

    fn count(&self) -> u32 {
        match self {
            RetryPolicy::None => 0,
            RetryPolicy::Fixed { count, .. } | RetryPolicy::Exponential { count, .. } => *count,
        }
    }

    /// The wait before retry `k` (1-based). The runtime draws it at random from
    /// [max(2^(k-2)·interval, min), min(2^(k-1)·interval, max)]; a test run takes the middle, so
    /// runs repeat exactly.
    fn wait(&self, k: u32) -> Duration {
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

fn retryable(status: StatusCode) -> bool {
    status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

pub(crate) async fn run_http(client: &reqwest::Client, name: &str, inputs: Value, cancellation: &Cancellation) -> Outcome {
    let bad = |message: String| Outcome::failed(Some(inputs.clone()), StepError::new("InvalidTemplate", format!("'{name}': {message}")));
    let method = match inputs.get("method").and_then(Value::as_str).map(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes())) {
        Some(Ok(method)) => method,
        _ => return bad("inputs.method must be an HTTP method such as GET or POST".into()),
    };
    let Some(mut uri) = inputs.get("uri").and_then(Value::as_str).and_then(|u| reqwest::Url::parse(u).ok()).filter(|u| matches!(u.scheme(), "http" | "https")) else {
        return bad("inputs.uri must be an absolute http or https address".into());
    };
    let policy = match RetryPolicy::parse(inputs.get("retryPolicy")) {
        Ok(policy) => policy,
        Err(message) => return bad(message),
    };
    if let Some(queries) = inputs.get("queries").and_then(Value::as_object) {
        let mut pairs = uri.query_pairs_mut();
        for (key, value) in queries {
            pairs.append_pair(key, &value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string()));
        }
    }
    let build = || {
        let mut request = client.request(method.clone(), uri.clone());
        let mut has_content_type = false;
        if let Some(headers) = inputs.get("headers").and_then(Value::as_object) {
            for (key, value) in headers {
                has_content_type |= key.eq_ignore_ascii_case("content-type");
                request = request.header(key, value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string()));
            }
        }
        match inputs.get("body") {
            None | Some(Value::Null) => request,
            Some(Value::String(text)) => request.body(text.clone()),
            Some(other) if has_content_type => request.body(other.to_string()),
            Some(other) => request.header("Content-Type", "application/json").body(other.to_string()),
        }
    };
    let mut attempt = 0;
    loop {
        let sent = tokio::select! {
            sent = build().send() => sent,
            _ = cancellation.cancelled() => return cancelled(&inputs, name),
        };
        let (retry, outcome, retry_after) = match sent {
            Err(e) => {
                let error = StepError::new("ConnectionFailure", format!("'{name}' could not reach {uri}: {e}"));
                (true, Outcome::failed(Some(inputs.clone()), error), None)
            }
            Ok(response) => {
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                let outcome = answer(response, &inputs, name).await;
                (retryable(status), outcome, retry_after)
            }
        };
        if !retry || outcome.status == StepStatus::Succeeded || attempt >= policy.count() {
            return outcome;
        }
        attempt += 1;
        let wait = retry_after.unwrap_or_else(|| policy.wait(attempt));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancellation.cancelled() => return cancelled(&inputs, name),
        }
    }
}

/// The response as the action's outputs: status code, headers, and the body (JSON when it parses).
async fn answer(response: reqwest::Response, inputs: &Value, name: &str) -> Outcome {
    let status = response.status();
    let headers: Map<String, Value> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), Value::String(v.to_str().unwrap_or_default().to_owned())))
        .collect();
    let text = response.text().await.unwrap_or_default();
    let body = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    let outputs = json!({ "statusCode": status.as_u16(), "headers": headers, "body": body });
    let reason = status.canonical_reason().unwrap_or("").replace(' ', "");
    if status.is_success() {
        let mut outcome = Outcome::succeeded(Some(inputs.clone()), Some(outputs));
        outcome.code = Some(reason);
        return outcome;
    }
    let error = StepError::new(
        reason.clone(),
        format!("'{name}' got {} {} from the server", status.as_u16(), status.canonical_reason().unwrap_or("")),
    );
    let mut outcome = Outcome::failed(Some(inputs.clone()), error);
    outcome.code = Some(reason);
    outcome.outputs = Some(outputs);
    outcome
}

fn cancelled(inputs: &Value, name: &str) -> Outcome {
    let mut outcome = Outcome::failed(Some(inputs.clone()), StepError::new("Cancelled", format!("'{name}' was cancelled while it waited for the server")));
    outcome.status = StepStatus::Cancelled;
    outcome.code = Some("Cancelled".into());
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

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
