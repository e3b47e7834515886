//! Foreach with `runtimeConfiguration.concurrency.repetitions`: iterations overlap (their HTTP
//! requests are in flight together), the record keeps them in order, variables are the run's
//! (each variable action atomic), and a cancel still stops the loop at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use flowbench_core::Flow;
use flowbench_engine::{run_flow, RunOptions, RunRecord, RunStatus, StepStatus};
use serde_json::{json, Value};

/// A server whose `/slow/{n}` answers `{"n": n}` after 300 ms and counts requests in flight.
#[derive(Clone, Default)]
struct Gauge {
    in_flight: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

async fn slow(State(gauge): State<Gauge>, Path(n): Path<u64>) -> axum::Json<Value> {
    let now = gauge.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    gauge.most.fetch_max(now, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    gauge.in_flight.fetch_sub(1, Ordering::SeqCst);
    axum::Json(json!({ "n": n }))
}

async fn serve() -> (String, Gauge) {
    let gauge = Gauge::default();
    let app = axum::Router::new().route("/slow/{n}", axum::routing::get(slow)).with_state(gauge.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, gauge)
}

/// Foreach over 1..=count calling `/slow/{item}`, counting and collecting into variables.
fn loop_flow(url: &str, count: u64, runtime_configuration: Value) -> Flow {
    let items: Vec<u64> = (1..=count).collect();
    Flow::from_value(json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": {
            "Init": { "type": "InitializeVariable", "inputs": { "variables": [
                { "name": "Calls", "type": "integer", "value": 0 },
                { "name": "Seen", "type": "array", "value": [] } ] }, "runAfter": {} },
            "Each": { "type": "Foreach", "foreach": items, "runtimeConfiguration": runtime_configuration,
                "actions": {
                    "Call": { "type": "Http", "inputs": { "method": "GET", "uri": format!("{url}/slow/@{{item()}}") }, "runAfter": {} },
                    "Count": { "type": "IncrementVariable", "inputs": { "name": "Calls", "value": 1 }, "runAfter": { "Call": ["Succeeded"] } },
                    "Keep": { "type": "AppendToArrayVariable", "inputs": { "name": "Seen", "value": "@body('Call')?['n']" }, "runAfter": { "Count": ["Succeeded"] } }
                }, "runAfter": { "Init": ["Succeeded"] } },
            "Total": { "type": "Compose", "inputs": "@variables('Calls')", "runAfter": { "Each": ["Succeeded"] } },
            "Sorted": { "type": "Compose", "inputs": "@length(variables('Seen'))", "runAfter": { "Each": ["Succeeded"] } },
            "Last": { "type": "Compose", "inputs": "@body('Call')?['n']", "runAfter": { "Each": ["Succeeded"] } }
        } } } }))
    .unwrap()
}

fn iteration_outputs(record: &RunRecord) -> Vec<Value> {
    let each = record.step("Each").unwrap();
    each.iterations
        .iter()
        .map(|i| i.steps.iter().find(|s| s.name == "Call").and_then(|s| s.outputs.as_ref()).map(|o| o["body"]["n"].clone()).unwrap_or(Value::Null))
        .collect()
}

#[tokio::test]
async fn iterations_overlap_up_to_the_repetitions_and_the_record_keeps_their_order() {
    let (url, gauge) = serve().await;
    let started = Instant::now();
    let record = run_flow(&loop_flow(&url, 20, json!({ "concurrency": { "repetitions": 10 } })), json!({}), RunOptions::default()).await;
    let took = started.elapsed();
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    // 20 calls of 300 ms, 10 at a time: two rounds, not twenty.
    assert!(took < Duration::from_millis(2_000), "the loop took {took:?}");
    assert_eq!(gauge.most.load(Ordering::SeqCst), 10, "at most 10 requests were in flight at once");
    let each = record.step("Each").unwrap();
    assert_eq!(each.iterations.iter().map(|i| i.index).collect::<Vec<_>>(), (0..20).collect::<Vec<u64>>());
    assert!(each.iterations.iter().all(|i| i.status == StepStatus::Succeeded));
    assert_eq!(iteration_outputs(&record), (1..=20).map(|n| json!(n)).collect::<Vec<_>>(), "iteration i called with item i");
    // Every increment counted: variable actions are atomic even when iterations overlap.
    assert_eq!(record.step("Total").unwrap().outputs, Some(json!(20)));
    assert_eq!(record.step("Sorted").unwrap().outputs, Some(json!(20)));
    // After the loop, outputs('Call') is the last iteration's, as after a sequential loop.
    assert_eq!(record.step("Last").unwrap().outputs, Some(json!(20)));
}

#[tokio::test]
async fn without_concurrency_control_iterations_run_one_at_a_time() {
    let (url, gauge) = serve().await;
    let record = run_flow(&loop_flow(&url, 4, json!({})), json!({}), RunOptions::default()).await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    assert_eq!(gauge.most.load(Ordering::SeqCst), 1);
    // The appended values come in item order only because the loop is sequential.
    let seen = record.step("Keep").unwrap().outputs.clone().unwrap();
    assert_eq!(seen["body"]["value"], json!([1, 2, 3, 4]));
}

#[tokio::test]
async fn a_nested_loop_runs_sequentially_inside_a_concurrent_one() {
    let (url, gauge) = serve().await;
    let flow = Flow::from_value(json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": {
            "Outer": { "type": "Foreach", "foreach": [1, 2], "runtimeConfiguration": { "concurrency": { "repetitions": 2 } },
                "actions": {
                    "Inner": { "type": "Foreach", "foreach": [10, 20, 30], "runtimeConfiguration": { "concurrency": { "repetitions": 3 } },
                        "actions": { "Call": { "type": "Http", "inputs": { "method": "GET",
                            "uri": format!("{url}/slow/@{{add(items('Outer'), item())}}") }, "runAfter": {} } }, "runAfter": {} }
                }, "runAfter": {} }
        } } } }))
    .unwrap();
    let record = run_flow(&flow, json!({}), RunOptions::default()).await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    assert_eq!(gauge.most.load(Ordering::SeqCst), 2, "two outer iterations, each with one inner call at a time");
    let outer = record.step("Outer").unwrap();
    let calls: Vec<Vec<Value>> = outer
        .iterations
        .iter()
        .map(|o| o.steps[0].iterations.iter().map(|i| i.steps[0].outputs.as_ref().unwrap()["body"]["n"].clone()).collect())
        .collect();
    assert_eq!(calls, vec![vec![json!(11), json!(21), json!(31)], vec![json!(12), json!(22), json!(32)]]);
}

#[tokio::test]
async fn repetitions_outside_1_to_50_fail_the_loop_with_the_reason() {
    let (url, _) = serve().await;
    let record = run_flow(&loop_flow(&url, 2, json!({ "concurrency": { "repetitions": 51 } })), json!({}), RunOptions::default()).await;
    assert_eq!(record.status, RunStatus::Failed);
    let each = record.step("Each").unwrap();
    assert_eq!(each.status, StepStatus::Failed);
    assert!(each.error.as_ref().unwrap().message.contains("1 to 50"), "{:?}", each.error);
}

#[tokio::test]
async fn a_cancel_stops_a_concurrent_loop_within_a_second() {
    let (url, _) = serve().await;
    let options = RunOptions::default();
    let cancellation = options.cancellation.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(450)).await;
        cancellation.cancel();
    });
    let started = Instant::now();
    let record = run_flow(&loop_flow(&url, 200, json!({ "concurrency": { "repetitions": 5 } })), json!({}), options).await;
    assert!(started.elapsed() < Duration::from_millis(1_450), "the run ended {:?} after it started", started.elapsed());
    assert_eq!(record.status, RunStatus::Cancelled);
    let each = record.step("Each").unwrap();
    assert_eq!(each.status, StepStatus::Cancelled);
    assert!(each.iterations.len() < 20, "no iteration starts after the cancel: {}", each.iterations.len());
    assert!(each.iterations.windows(2).all(|w| w[0].index < w[1].index));
}
