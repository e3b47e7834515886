//! The throttling mode: 429 with Retry-After and the service-protection error, as Dataverse
//! answers a client over its limits; lifted, requests go through again.

mod common;

use common::*;
use flowbench_sandbox::Throttle;

#[tokio::test]
async fn every_nth_request_is_refused_with_the_service_protection_error() {
    let t = TestSandbox::start().await;
    t.sandbox.set_throttle(Some(Throttle::EveryNth { n: 3, retry_after: 2 }));
    let statuses: Vec<u16> = {
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(t.get("admin", "contacts?$top=1").await.status);
        }
        statuses
    };
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
    // Requests 7 and 8 pass; the 9th is refused, whatever it asks.
    assert_eq!(t.get("admin", "WhoAmI").await.status, 200);
    assert_eq!(t.get("admin", "WhoAmI").await.status, 200);
    let refused = t.get("admin", "WhoAmI").await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(refused.header("Retry-After"), Some("2"));
    assert_eq!(refused.error_code(), "0x80072322");
    assert_eq!(refused.error_message(), "Number of requests exceeded the limit of 6000 over time window of 300 seconds.");
    t.sandbox.set_throttle(None);
    for _ in 0..4 {
        assert_eq!(t.get("admin", "WhoAmI").await.status, 200);
    }
}

#[tokio::test]
async fn a_window_refuses_the_requests_past_its_limit_and_says_when_to_come_back() {
    let t = TestSandbox::start().await;
    t.sandbox.set_throttle(Some("2/60".parse().unwrap()));
    assert_eq!(t.get("admin", "WhoAmI").await.status, 200);
    assert_eq!(t.get("sam", "WhoAmI").await.status, 200);
    let refused = t.get("admin", "WhoAmI").await;
    assert_eq!(refused.status, 429);
    let retry_after: u64 = refused.header("Retry-After").unwrap().parse().unwrap();
    assert!((59..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(refused.error_message(), "Number of requests exceeded the limit of 2 over time window of 60 seconds.");
    assert_eq!(t.sandbox.throttle(), Some(Throttle::Window { requests: 2, seconds: 60 }));
}
