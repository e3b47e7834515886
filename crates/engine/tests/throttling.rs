//! Dataverse steps against a throttled sandbox: the service-protection 429 is retried after its
//! Retry-After under the step's retry policy, and the record shows every retried attempt; with
//! `retryPolicy: none` the step fails with the 429's code.

use std::time::{Duration, Instant};

use flowbench_core::Flow;
use flowbench_engine::{run_flow, RunStatus, StepStatus};
use flowbench_sandbox::Throttle;
use serde_json::{json, Value};

mod common;

use common::serve;

fn dataverse(operation: &str, parameters: Value, retry_policy: Option<Value>, run_after: Value) -> Value {
    let mut inputs = json!({ "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
        "connectionName": "shared_commondataserviceforapps", "operationId": operation }, "parameters": parameters });
    if let Some(policy) = retry_policy {
        inputs["retryPolicy"] = policy;
    }
    json!({ "type": "OpenApiConnection", "inputs": inputs, "runAfter": run_after })
}

fn flow(actions: Value) -> Flow {
    Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": { "runtimeSource": "invoker",
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
            "actions": actions } } }))
    .unwrap()
}

#[tokio::test]
async fn a_throttled_run_recovers_by_waiting_retry_after_and_the_record_shows_the_retries() {
    let served = serve().await;
    // Every second request is refused for a second.
    served.sandbox.set_throttle(Some(Throttle::EveryNth { n: 2, retry_after: 1 }));
    let flow = flow(json!({
        "Create": dataverse("CreateRecord", json!({ "entityName": "contacts", "item/lastname": "Throttled" }), None, json!({})),
        "List": dataverse("ListRecords", json!({ "entityName": "contacts", "$filter": "lastname eq 'Throttled'" }), None, json!({ "Create": ["Succeeded"] })),
        "Found": { "type": "Compose", "inputs": "@length(outputs('List')?['body/value'])", "runAfter": { "List": ["Succeeded"] } }
    }));
    let started = Instant::now();
    let record = run_flow(&flow, json!({}), served.invoked_by("admin")).await;
    let took = started.elapsed();
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    assert_eq!(record.step("Found").unwrap().outputs, Some(json!(1)), "the row was created once, not once per attempt");
    let create = record.step("Create").unwrap();
    assert!(create.retry_history.is_empty(), "request 1 went through");
    let list = record.step("List").unwrap();
    assert_eq!(list.status, StepStatus::Succeeded);
    assert_eq!(list.retry_history.len(), 1, "request 2 was refused, request 3 went through");
    assert_eq!(list.http.as_ref().map(|h| h.requests), Some(2), "both attempts are counted");
    let refused = &list.retry_history[0];
    assert_eq!((refused.code.as_str(), refused.status_code), ("TooManyRequests", Some(429)));
    assert_eq!(refused.error.as_ref().map(|e| e.code.as_str()), Some("0x80072322"));
    assert!(took >= Duration::from_secs(1), "it waited the sandbox's Retry-After");
    assert!(took < Duration::from_secs(5), "not the default policy's 6 s: {took:?}");
    // The record as JSON carries the history.
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["steps"][1]["retryHistory"][0]["statusCode"], 429);
}

#[tokio::test]
async fn a_policy_s_count_bounds_the_retries_and_the_last_answer_is_the_step_s() {
    let served = serve().await;
    served.sandbox.set_throttle(Some(Throttle::EveryNth { n: 1, retry_after: 1 }));
    let policy = json!({ "type": "fixed", "count": 2, "interval": "PT1S" });
    let record = run_flow(&flow(json!({ "List": dataverse("ListRecords", json!({ "entityName": "contacts" }), Some(policy), json!({})) })), json!({}), served.invoked_by("admin")).await;
    let list = record.step("List").unwrap();
    assert_eq!(list.status, StepStatus::Failed);
    assert_eq!(list.retry_history.len(), 2);
    assert!(list.retry_history.iter().all(|a| a.status_code == Some(429)));
    assert_eq!(list.error.as_ref().unwrap().code, "0x80072322");
}

#[tokio::test]
async fn with_retry_policy_none_the_step_fails_with_the_429_s_code() {
    let served = serve().await;
    served.sandbox.set_throttle(Some(Throttle::EveryNth { n: 1, retry_after: 30 }));
    let flow = flow(json!({
        "Create": dataverse("CreateRecord", json!({ "entityName": "contacts", "item/lastname": "Never" }), Some(json!({ "type": "none" })), json!({})),
        "Handled": { "type": "Compose", "inputs": "@outputs('Create')?['statusCode']", "runAfter": { "Create": ["Failed"] } }
    }));
    let started = Instant::now();
    let record = run_flow(&flow, json!({}), served.invoked_by("admin")).await;
    assert!(started.elapsed() < Duration::from_secs(5), "no wait for the 30 s Retry-After");
    let create = record.step("Create").unwrap();
    assert_eq!(create.status, StepStatus::Failed);
    assert_eq!(create.code.as_deref(), Some("TooManyRequests"));
    let error = create.error.as_ref().unwrap();
    assert_eq!(error.code, "0x80072322");
    assert_eq!(error.message, "Number of requests exceeded the limit of 6000 over time window of 300 seconds.");
    assert!(create.retry_history.is_empty());
    assert_eq!(record.step("Handled").unwrap().outputs, Some(json!(429)));
}

#[tokio::test]
async fn a_bad_retry_policy_fails_the_step_with_the_reason() {
    let served = serve().await;
    let policy = json!({ "type": "fixed", "count": 200 });
    let record = run_flow(&flow(json!({ "List": dataverse("ListRecords", json!({ "entityName": "contacts" }), Some(policy), json!({})) })), json!({}), served.invoked_by("admin")).await;
    let list = record.step("List").unwrap();
    assert_eq!(list.status, StepStatus::Failed);
    assert!(list.error.as_ref().unwrap().message.contains("retryPolicy.count must be 1 to 90"), "{:?}", list.error);
}
