//! A Dataverse step's calls under its retry policy (`inputs.retryPolicy`, default exponential as
//! for the HTTP action): 408, 429 (service protection), 5xx and connection failures are retried,
//! waiting the environment's `Retry-After` when it gives one (`dataverse-web-api.md` §4). Kept
//! apart from `dataverse.rs`, which builds and sends the requests.

use serde_json::{Map, Value};

use crate::dataverse::{request_summary, run_operation, OperationResult};
use crate::identity::ChosenIdentity;
use crate::progress::Cancellation;
use crate::record::{now_rfc3339, HttpExchanges, RetryAttempt};
use crate::retry::{self, retry_after_of, RetryPolicy};

/// How the calls ended: the last attempt's result, or `None` when the run was cancelled first;
/// and the attempts that were retried.
pub(crate) struct Attempts {
    pub result: Option<OperationResult>,
    pub retries: Vec<RetryAttempt>,
    pub http: HttpExchanges,
}

pub(crate) struct Call<'a> {
    pub client: &'a reqwest::Client,
    pub environment_url: &'a str,
    pub operation: &'a str,
    pub parameters: &'a Map<String, Value>,
    pub identity: &'a ChosenIdentity,
}

pub(crate) async fn run_with_retries(call: Call<'_>, policy: &RetryPolicy, cancellation: &Cancellation) -> Attempts {
    let mut retries = Vec::new();
    let mut attempt = 0;
    let mut http = HttpExchanges { requests: 0, round_trip_ms: 0.0 };
    // A request the step's parameters cannot make fails the same way every time: never retried.
    let can_send = request_summary(call.environment_url, call.operation, call.parameters).is_some();
    loop {
        let started = now_rfc3339();
        let sent = std::time::Instant::now();
        // A cancelled run abandons the request in flight (the runtime does the same).
        let result = tokio::select! {
            result = run_operation(call.client, call.environment_url, call.operation, call.parameters, call.identity) => result,
            _ = cancellation.cancelled() => return Attempts { result: None, retries, http },
        };
        if can_send {
            http.requests += 1;
            http.round_trip_ms += sent.elapsed().as_secs_f64() * 1e3;
        }
        let (error, outputs) = match &result {
            Ok(_) => return Attempts { result: Some(result), retries, http },
            Err((error, outputs)) => (error, outputs.as_ref()),
        };
        let status_code = outputs.and_then(|o| o.get("statusCode")?.as_u64()).map(|c| c as u16);
        // No answer at all: a connection failure, retried like a 5xx.
        let retryable = status_code.map_or(can_send, |code| reqwest::StatusCode::from_u16(code).is_ok_and(retry::retryable));
        if !retryable || attempt >= policy.count() {
            return Attempts { result: Some(result), retries, http };
        }
        attempt += 1;
        let wait = outputs.and_then(retry_after_of).unwrap_or_else(|| policy.wait(attempt));
        retries.push(retry::attempt(started, status_code, Some(error.clone())));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancellation.cancelled() => return Attempts { result: None, retries, http },
        }
    }
}
