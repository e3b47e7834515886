//! The HTTP action: one request with the action's method, URI, headers, queries and body, retried
//! as its retry policy says (the runtime's default: exponential, 4 retries, 7.5 s scale, 5 s to
//! 1 h) on 408, 429, 5xx and connection failures, waiting `Retry-After` when the server gives it.
//! Any other status ends the step Failed with the response as its outputs, as in Power Automate.


use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::outcome::Outcome;
use crate::progress::Cancellation;
use crate::record::{now_rfc3339, RetryAttempt, StepError, StepStatus};
use crate::retry::{self, retryable, RetryPolicy};

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
    let mut retries = Vec::new();
    loop {
        let started = now_rfc3339();
        let sent = tokio::select! {
            sent = build().send() => sent,
            _ = cancellation.cancelled() => return cancelled(&inputs, name, retries),
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
                    .and_then(|v| retry::parse_retry_after(v, chrono::Utc::now()));
                let outcome = answer(response, &inputs, name).await;
                (retryable(status), outcome, retry_after)
            }
        };
        if !retry || outcome.status == StepStatus::Succeeded || attempt >= policy.count() {
            return Outcome { retries, ..outcome };
        }
        let status_code = outcome.outputs.as_ref().and_then(|o| o.get("statusCode")?.as_u64()).map(|c| c as u16);
        retries.push(retry::attempt(started, status_code, outcome.error));
        attempt += 1;
        let wait = retry_after.unwrap_or_else(|| policy.wait(attempt));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancellation.cancelled() => return cancelled(&inputs, name, retries),
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

fn cancelled(inputs: &Value, name: &str, retries: Vec<RetryAttempt>) -> Outcome {
    let mut outcome = Outcome::failed(Some(inputs.clone()), StepError::new("Cancelled", format!("'{name}' was cancelled while it waited for the server")));
    outcome.status = StepStatus::Cancelled;
    outcome.code = Some("Cancelled".into());
    outcome.retries = retries;
    outcome
}
