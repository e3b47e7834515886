//! Time in a run: `limit.timeout` on actions and on Until (the step ends TimedOut with
//! `ActionTimedOut`, and `runAfter: TimedOut` branches run), the Wait action (and the option to
//! skip waits), and the Response action as the run's answer.

use std::time::{Duration, Instant};

use flowbench_core::Flow;
use flowbench_engine::{run_flow, RunOptions, RunRecord, RunStatus, StepStatus};
use serde_json::{json, Value};

fn flow(actions: Value) -> Flow {
    Flow::from_value(json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Http", "inputs": {} } },
        "actions": actions } } }))
    .unwrap()
}

async fn run(actions: Value, options: RunOptions) -> RunRecord {
    run_flow(&flow(actions), json!({ "body": { "who": "ada" } }), options).await
}

#[tokio::test]
async fn an_action_past_its_timeout_ends_timed_out_and_its_timed_out_branch_runs() {
    let started = Instant::now();
    let record = run(
        json!({
            "Slow": { "type": "Wait", "inputs": { "interval": { "count": 30, "unit": "Second" } }, "limit": { "timeout": "PT0.3S" }, "runAfter": {} },
            "On_timeout": { "type": "Compose", "inputs": "@actions('Slow')?['error']?['code']", "runAfter": { "Slow": ["TimedOut"] } }
        }),
        RunOptions::default(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let slow = record.step("Slow").unwrap();
    assert_eq!(slow.status, StepStatus::TimedOut);
    assert_eq!(slow.code.as_deref(), Some("ActionTimedOut"));
    assert!(slow.error.as_ref().unwrap().message.contains("PT0.3S"), "{:?}", slow.error);
    assert_eq!(record.step("On_timeout").unwrap().outputs, Some(json!("ActionTimedOut")));
    assert_eq!(record.status, RunStatus::Succeeded, "the timeout was handled");
}

#[tokio::test]
async fn an_unhandled_timeout_ends_the_run_timed_out() {
    let record = run(
        json!({ "Slow": { "type": "Wait", "inputs": { "interval": { "count": 1, "unit": "Minute" } }, "limit": { "timeout": "PT0.2S" }, "runAfter": {} },
                "On_success": { "type": "Compose", "inputs": "done", "runAfter": { "Slow": ["Succeeded"] } } }),
        RunOptions::default(),
    )
    .await;
    assert_eq!(record.step("On_success").unwrap().status, StepStatus::Skipped);
    // The skipped branch takes its predecessor's status (reference §3.1): the run timed out.
    assert_eq!(record.status, RunStatus::TimedOut);
    assert_eq!(record.error.as_ref().map(|e| e.code.as_str()), Some("ActionTimedOut"));
}

#[tokio::test]
async fn until_stops_at_its_timeout_with_the_passes_it_made() {
    let started = Instant::now();
    let record = run(
        json!({
            "Poll": { "type": "Until", "expression": "@equals(1, 2)", "limit": { "count": 1000, "timeout": "PT0.5S" }, "actions": {
                "Pause": { "type": "Wait", "inputs": { "interval": { "count": 1, "unit": "Second" } }, "limit": { "timeout": "PT0.15S" }, "runAfter": {} },
                "Next": { "type": "Compose", "inputs": 1, "runAfter": { "Pause": ["TimedOut"] } } }, "runAfter": {} },
            "After": { "type": "Compose", "inputs": "after", "runAfter": { "Poll": ["TimedOut"] } }
        }),
        RunOptions::default(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let poll = record.step("Poll").unwrap();
    assert_eq!(poll.status, StepStatus::TimedOut, "{poll:#?}");
    assert_eq!(poll.code.as_deref(), Some("ActionTimedOut"));
    assert!((3..=5).contains(&poll.iterations.len()), "about 0.5 s / 0.15 s passes: {}", poll.iterations.len());
    assert_eq!(record.step("After").unwrap().status, StepStatus::Succeeded);
}

#[tokio::test]
async fn a_timeout_that_is_not_a_duration_fails_the_step_with_the_reason() {
    let record = run(json!({ "C": { "type": "Compose", "inputs": 1, "limit": { "timeout": "10 seconds" }, "runAfter": {} } }), RunOptions::default()).await;
    let c = record.step("C").unwrap();
    assert_eq!(c.status, StepStatus::Failed);
    assert!(c.error.as_ref().unwrap().message.contains("'10 seconds' is not an ISO 8601 duration"), "{:?}", c.error);
}

#[tokio::test]
async fn wait_waits_its_interval_or_until_its_timestamp() {
    let started = Instant::now();
    let until = (chrono::Utc::now() + chrono::TimeDelta::milliseconds(1_300)).to_rfc3339();
    let record = run(
        json!({
            "Short": { "type": "Wait", "inputs": { "interval": { "count": 1, "unit": "Second" } }, "runAfter": {} },
            "Until": { "type": "Wait", "inputs": { "until": { "timestamp": until } }, "runAfter": { "Short": ["Succeeded"] } },
            "Past": { "type": "Wait", "inputs": { "until": { "timestamp": "2020-01-01T00:00:00Z" } }, "runAfter": { "Until": ["Succeeded"] } },
            "Bad": { "type": "Wait", "inputs": { "interval": { "count": 1, "unit": "Fortnight" } }, "runAfter": { "Past": ["Succeeded"] } }
        }),
        RunOptions::default(),
    )
    .await;
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1_250) && took < Duration::from_secs(3), "{took:?}");
    for name in ["Short", "Until", "Past"] {
        assert_eq!(record.step(name).unwrap().status, StepStatus::Succeeded, "{name}");
    }
    let bad = record.step("Bad").unwrap();
    assert_eq!(bad.status, StepStatus::Failed);
    assert!(bad.error.as_ref().unwrap().message.contains("Second, Minute, Hour, Day, Week or Month"), "{:?}", bad.error);
}

#[tokio::test]
async fn skip_waits_goes_straight_on_and_says_what_it_skipped() {
    let started = Instant::now();
    let record = run(
        json!({ "Day": { "type": "Wait", "inputs": { "interval": { "count": 1, "unit": "Day" } }, "runAfter": {} },
                "Next": { "type": "Compose", "inputs": "on", "runAfter": { "Day": ["Succeeded"] } } }),
        RunOptions { skip_waits: true, ..RunOptions::default() },
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(record.status, RunStatus::Succeeded);
    assert_eq!(record.step("Day").unwrap().outputs, Some(json!({ "skipped": true, "wouldHaveWaitedSeconds": 86400.0 })));
}

#[tokio::test]
async fn a_cancel_ends_a_wait_at_once() {
    let options = RunOptions::default();
    let cancellation = options.cancellation.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancellation.cancel();
    });
    let started = Instant::now();
    let record = run(json!({ "Hour": { "type": "Wait", "inputs": { "interval": { "count": 1, "unit": "Hour" } }, "runAfter": {} } }), options).await;
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(record.status, RunStatus::Cancelled);
    assert_eq!(record.step("Hour").unwrap().status, StepStatus::Cancelled);
}

#[tokio::test]
async fn the_response_is_recorded_as_the_run_s_answer() {
    let record = run(
        json!({
            "Respond": { "type": "Response", "kind": "Http", "inputs": { "statusCode": "201",
                "headers": { "x-who": "@triggerBody()?['who']" }, "body": { "greeting": "Hello @{triggerBody()?['who']}" } }, "runAfter": {} },
            "Again": { "type": "Response", "kind": "Http", "inputs": { "statusCode": 500 }, "runAfter": { "Respond": ["Succeeded"] } }
        }),
        RunOptions::default(),
    )
    .await;
    let response = record.response.as_ref().expect("the run answered");
    assert_eq!((response.action.as_str(), response.status_code), ("Respond", 201));
    assert_eq!(response.headers, json!({ "x-who": "ada" }));
    assert_eq!(response.body, json!({ "greeting": "Hello ada" }));
    let again = record.step("Again").unwrap();
    assert_eq!(again.status, StepStatus::Failed);
    assert!(again.error.as_ref().unwrap().message.contains("already answered"), "{:?}", again.error);
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["response"]["statusCode"], 201);
}
