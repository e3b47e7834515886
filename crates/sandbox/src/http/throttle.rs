//! The throttling mode: the sandbox answers `429 Too Many Requests` with `Retry-After` and the
//! service-protection error body (`dataverse-web-api.md` §4), so flows and clients can be tested
//! against Dataverse's limits without sending thousands of requests.
//!
//! A layer in front of every route, so the routes themselves know nothing of it.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::responses::Reply;

/// The service-protection code for too many requests in the window (§4).
pub const REQUEST_LIMIT_EXCEEDED: &str = "0x80072322";

/// When the sandbox refuses a request as throttled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throttle {
    /// Every `n`th request (the `n`th, `2n`th, …) is refused with `Retry-After: retry_after`.
    EveryNth { n: u64, retry_after: u64 },
    /// At most `requests` in each window of `seconds` (counted from the first request of the
    /// window, across all users); past it requests are refused until the window ends, and
    /// `Retry-After` says how many seconds are left.
    Window { requests: u64, seconds: u64 },
}

impl FromStr for Throttle {
    type Err = String;

    /// `every:N` or `every:N:SECONDS` (Retry-After, default 1), or `REQUESTS/SECONDS`.
    fn from_str(text: &str) -> Result<Throttle, String> {
        let number = |part: &str, what: &str| -> Result<u64, String> {
            part.trim().parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| format!("the throttle's {what} must be a whole number above 0, not '{part}'"))
        };
        if let Some(rest) = text.trim().strip_prefix("every:") {
            let mut parts = rest.splitn(2, ':');
            let n = number(parts.next().unwrap_or_default(), "N in every:N")?;
            let retry_after = parts.next().map(|s| number(s, "Retry-After seconds")).transpose()?.unwrap_or(1);
            return Ok(Throttle::EveryNth { n, retry_after });
        }
        if let Some((requests, seconds)) = text.split_once('/') {
            return Ok(Throttle::Window { requests: number(requests, "request count")?, seconds: number(seconds.trim_end_matches('s'), "window")? });
        }
        Err(format!("'{text}' is not a throttle: write every:N, every:N:RETRY_AFTER_SECONDS or REQUESTS/SECONDS (e.g. every:3 or 100/60)"))
    }
}

impl fmt::Display for Throttle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Throttle::EveryNth { n, retry_after } => write!(f, "every:{n}:{retry_after}"),
            Throttle::Window { requests, seconds } => write!(f, "{requests}/{seconds}"),
        }
    }
}

/// The throttle in force and its counters; shared by the layer and the sandbox's handle.
#[derive(Default)]
pub struct Throttling {
    inner: Mutex<Counters>,
}

#[derive(Default)]
struct Counters {
    rule: Option<Throttle>,
    seen: u64,
    window_start: Option<Instant>,
    in_window: u64,
}

impl Throttling {
    /// Sets (or with `None` lifts) the throttle; the counts start again.
    pub fn set(&self, rule: Option<Throttle>) {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner()) = Counters { rule, ..Counters::default() };
    }

    pub fn rule(&self) -> Option<Throttle> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).rule
    }

    /// Counts one request; `Some((retry_after_seconds, message))` when it is refused.
    fn admit(&self, now: Instant) -> Option<(u64, String)> {
        let mut counters = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match counters.rule? {
            Throttle::EveryNth { n, retry_after } => {
                counters.seen += 1;
                // Dataverse's own limit is what a client is told it exceeded.
                counters.seen.is_multiple_of(n).then(|| (retry_after, limit_message(6000, 300)))
            }
            Throttle::Window { requests, seconds } => {
                let window = Duration::from_secs(seconds);
                let start = match counters.window_start {
                    Some(start) if now.duration_since(start) < window => start,
                    _ => {
                        counters.in_window = 0;
                        counters.window_start = Some(now);
                        now
                    }
                };
                counters.in_window += 1;
                (counters.in_window > requests).then(|| {
                    let left = window.saturating_sub(now.duration_since(start));
                    (left.as_secs_f64().ceil().max(1.0) as u64, limit_message(requests, seconds))
                })
            }
        }
    }
}

fn limit_message(requests: u64, seconds: u64) -> String {
    format!("Number of requests exceeded the limit of {requests} over time window of {seconds} seconds.")
}

/// The layer: a refused request gets Dataverse's 429; the others go on to the routes.
pub async fn limit(State(throttling): State<Arc<Throttling>>, request: Request, next: Next) -> Response {
    match throttling.admit(Instant::now()) {
        None => next.run(request).await,
        Some((retry_after, message)) => Reply::json(429, serde_json::json!({ "error": { "code": REQUEST_LIMIT_EXCEEDED, "message": message } }))
            .header("Retry-After", retry_after.to_string())
            .build(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_parse_from_the_command_line_forms() {
        assert_eq!("every:3".parse(), Ok(Throttle::EveryNth { n: 3, retry_after: 1 }));
        assert_eq!("every:4:2".parse(), Ok(Throttle::EveryNth { n: 4, retry_after: 2 }));
        assert_eq!("100/60".parse(), Ok(Throttle::Window { requests: 100, seconds: 60 }));
        assert_eq!("100/60s".parse(), Ok(Throttle::Window { requests: 100, seconds: 60 }));
        assert!("every:0".parse::<Throttle>().unwrap_err().contains("above 0"));
        assert!("often".parse::<Throttle>().unwrap_err().contains("every:N"));
        assert_eq!("every:4:2".parse::<Throttle>().unwrap().to_string(), "every:4:2");
    }

    #[test]
    fn a_window_refuses_past_its_count_until_it_ends() {
        let throttling = Throttling::default();
        throttling.set(Some(Throttle::Window { requests: 2, seconds: 10 }));
        let t0 = Instant::now();
        assert!(throttling.admit(t0).is_none());
        assert!(throttling.admit(t0).is_none());
        let (retry_after, message) = throttling.admit(t0 + Duration::from_secs(3)).unwrap();
        assert_eq!(retry_after, 7);
        assert_eq!(message, "Number of requests exceeded the limit of 2 over time window of 10 seconds.");
        assert!(throttling.admit(t0 + Duration::from_secs(10)).is_none(), "a new window");
    }
}
