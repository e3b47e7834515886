//! Live runs over `dispatch`, as the designer follows them: each step streamed as it starts and
//! ends, the stored record at the end, and cancellation.

mod common;

use common::context;
use flowbench_api::{dispatch, Context, ErrorCode};
use serde_json::json;

/// Polls a live run to its end, gathering its events.
async fn follow(ctx: &Context, run_id: &str, cancel_after_events: Option<usize>) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut events = Vec::new();
    let mut after = 0;
    for _ in 0..200 {
        let progress = dispatch(ctx, "poll_run", json!({ "runId": run_id, "after": after })).await.unwrap();
        events.extend(progress["events"].as_array().unwrap().iter().cloned());
        after = progress["next"].as_u64().unwrap() as usize;
        if cancel_after_events.is_some_and(|n| events.len() >= n) {
            assert_eq!(dispatch(ctx, "cancel_run", json!({ "runId": run_id })).await.unwrap(), json!(true));
        }
        if !progress["record"].is_null() {
            return (events, progress);
        }
    }
    panic!("the run did not end");
}

#[tokio::test]
async fn a_live_run_streams_each_step_and_ends_with_the_stored_record() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    let flow = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/browser/fixtures/add-contact.json")).unwrap();
    let started = dispatch(&ctx, "start_run", json!({ "flowJson": flow, "persona": "sam", "triggerBody": { "text": "Live" }, "flowKey": "live" }))
        .await
        .unwrap();
    let (events, last) = follow(&ctx, started["runId"].as_str().unwrap(), None).await;
    let states: Vec<(String, String)> =
        events.iter().map(|e| (e["step"].as_str().unwrap().to_string(), e["progress"]["state"].as_str().unwrap().to_string())).collect();
    assert_eq!(states, [("Add_a_contact", "running"), ("Add_a_contact", "ended"), ("Say_who", "running"), ("Say_who", "ended")].map(|(a, b)| (a.to_string(), b.to_string())));
    assert_eq!(events[1]["progress"]["status"], "Succeeded");
    assert_eq!(events[1]["progress"]["ranAs"], "sam");
    assert!(events[1]["progress"]["durationMs"].is_u64());
    assert_eq!(last["record"]["status"], "Succeeded");
    let history = dispatch(&ctx, "run_history", json!({ "flowKey": "live" })).await.unwrap();
    assert_eq!(last["storedId"], history[0]["id"]);
}

#[tokio::test]
async fn a_live_run_can_be_cancelled_and_is_kept_as_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    let flow = json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": {
            "Spin": { "type": "Until", "expression": "@equals(1, 2)", "limit": { "count": 5000 }, "actions": {
                "Tick": { "type": "Compose", "inputs": "@utcNow()", "runAfter": {} } }, "runAfter": {} } } } } });
    let started = dispatch(&ctx, "start_run", json!({ "flowJson": flow.to_string(), "persona": "sam", "triggerBody": {}, "flowKey": "spin" }))
        .await
        .unwrap();
    let (_, last) = follow(&ctx, started["runId"].as_str().unwrap(), Some(1)).await;
    assert_eq!(last["record"]["status"], "Cancelled");
    let passes = last["record"]["steps"][0]["iterations"].as_array().unwrap().len();
    assert!(passes < 5000, "the loop stopped early ({passes} passes)");
    let history = dispatch(&ctx, "run_history", json!({ "flowKey": "spin" })).await.unwrap();
    assert_eq!(history[0]["status"], "Cancelled");
    let unknown = dispatch(&ctx, "poll_run", json!({ "runId": "nope", "after": 0 })).await.unwrap_err();
    assert_eq!(unknown.code, ErrorCode::InvalidArguments);
}
