//! Live progress and cancellation: each step is reported as it starts and ends (with its loop
//! pass), and a cancelled run stops where it is, abandoning a request in flight.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flowbench_core::Flow;
use flowbench_engine::{
    run_flow, Identities, Identity, ProgressEvent, ProgressSink, RunOptions, RunStatus, StepProgress, StepStatus,
};
use serde_json::json;

fn collecting() -> (ProgressSink, Arc<Mutex<Vec<ProgressEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink_events = events.clone();
    (ProgressSink::new(move |e| sink_events.lock().unwrap().push(e)), events)
}

#[tokio::test]
async fn each_step_is_reported_running_then_ended_with_its_loop_pass() {
    let flow = Flow::from_value(json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": {
            "Each": { "type": "Foreach", "foreach": "@createArray(1, 2)", "actions": {
                "Double": { "type": "Compose", "inputs": "@mul(item(), 2)", "runAfter": {} } }, "runAfter": {} },
            "Done": { "type": "Compose", "inputs": "done", "runAfter": { "Each": ["Succeeded"] } }
        } } } }))
    .unwrap();
    let (sink, events) = collecting();
    let record = run_flow(&flow, json!({}), RunOptions { progress: Some(sink), ..RunOptions::default() }).await;
    assert_eq!(record.status, RunStatus::Succeeded);
    let seen: Vec<(String, Option<u64>, &str)> = events
        .lock()
        .unwrap()
        .iter()
        .map(|e| {
            let state = match &e.progress {
                StepProgress::Running => "running",
                StepProgress::Ended { status: StepStatus::Succeeded, .. } => "succeeded",
                StepProgress::Ended { .. } => "other",
            };
            (e.step.clone(), e.iteration, state)
        })
        .collect();
    let expected = [
        ("Each", None, "running"),
        ("Double", Some(0), "running"),
        ("Double", Some(0), "succeeded"),
        ("Double", Some(1), "running"),
        ("Double", Some(1), "succeeded"),
        ("Each", None, "succeeded"),
        ("Done", None, "running"),
        ("Done", None, "succeeded"),
    ];
    let expected: Vec<(String, Option<u64>, &str)> = expected.iter().map(|(s, i, st)| (s.to_string(), *i, *st)).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn a_cancelled_run_stops_its_loop_and_starts_nothing_more() {
    let flow = Flow::from_value(json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": {
            "Spin": { "type": "Until", "expression": "@equals(1, 2)", "limit": { "count": 5000 }, "actions": {
                "Tick": { "type": "Compose", "inputs": "tick", "runAfter": {} } }, "runAfter": {} },
            "After": { "type": "Compose", "inputs": "after", "runAfter": { "Spin": ["Succeeded", "Failed", "Cancelled"] } }
        } } } }))
    .unwrap();
    let options = RunOptions::default();
    let cancellation = options.cancellation.clone();
    let ticks = Arc::new(Mutex::new(0usize));
    let counter = ticks.clone();
    let options = RunOptions {
        progress: Some(ProgressSink::new(move |e| {
            if e.step == "Tick" && matches!(e.progress, StepProgress::Ended { .. }) {
                let mut n = counter.lock().unwrap();
                *n += 1;
                if *n == 10 {
                    cancellation.cancel();
                }
            }
        })),
        ..options
    };
    let record = run_flow(&flow, json!({}), options).await;
    assert_eq!(record.status, RunStatus::Cancelled);
    assert_eq!(record.error.as_ref().map(|e| e.code.as_str()), Some("Cancelled"));
    let spin = record.step("Spin").unwrap();
    assert_eq!(spin.iterations.len(), 10, "the loop stops at the pass that was running");
    assert_eq!(spin.status, StepStatus::Cancelled);
    let after = record.step("After").unwrap();
    assert_eq!(after.status, StepStatus::Cancelled);
    assert!(after.start_time.is_none(), "a step after the cancel never starts");
}

#[tokio::test]
async fn cancelling_abandons_a_dataverse_request_in_flight() {
    // An environment that takes ten seconds to answer.
    let app = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        "{}"
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let flow = Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": { "runtimeSource": "invoker",
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
            "actions": { "List": { "type": "OpenApiConnection", "inputs": { "host": {
                "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                "connectionName": "shared_commondataserviceforapps", "operationId": "ListRecords" },
                "parameters": { "entityName": "contacts" } }, "runAfter": {} } } } } }))
    .unwrap();
    let invoker = Identity { user: "sam".into(), token: "t".into(), object_id: None, impersonated_by: None };
    let options = RunOptions {
        environment_url: Some(url),
        identities: Identities { invoker: Some(invoker), ..Identities::default() },
        ..RunOptions::default()
    };
    let cancellation = options.cancellation.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancellation.cancel();
    });
    let started = Instant::now();
    let record = run_flow(&flow, json!({}), options).await;
    assert!(started.elapsed() < Duration::from_secs(3), "the run ended {:?} after it started", started.elapsed());
    assert_eq!(record.status, RunStatus::Cancelled);
    let list = record.step("List").unwrap();
    assert_eq!(list.status, StepStatus::Cancelled);
    assert!(list.error.as_ref().unwrap().message.contains("cancelled while it waited for Dataverse"));
    assert_eq!(list.identity.as_ref().unwrap().user, "sam");
}
