//! What the run record holds of a step: secured inputs and outputs hidden as run history hides
//! them, credentials of HTTP steps never stored, and static results returned instead of a call.

use axum::http::HeaderMap;
use flowbench_core::Flow;
use flowbench_engine::{run_flow, RunOptions, RunRecord, RunStatus, StepStatus};
use serde_json::{json, Value};

const SECURED: &str = "Content not shown due to security configuration.";

async fn serve() -> String {
    let app = axum::Router::new().route(
        "/whoami",
        axum::routing::get(|headers: HeaderMap| async move {
            axum::Json(json!({ "authorization": headers.get("authorization").and_then(|v| v.to_str().ok()) }))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn run(definition: Value) -> RunRecord {
    let mut definition = definition;
    definition["triggers"] = json!({ "manual": { "type": "Request", "kind": "Button", "inputs": {} } });
    let flow = Flow::from_value(json!({ "properties": { "definition": definition } })).unwrap();
    run_flow(&flow, json!({ "body": { "secret": "s3cret" } }), RunOptions::default()).await
}

#[tokio::test]
async fn the_authorization_header_is_sent_but_never_recorded() {
    let url = serve().await;
    let record = run(json!({ "actions": {
        "Call": { "type": "Http", "inputs": { "method": "GET", "uri": format!("{url}/whoami"),
            "headers": { "Authorization": "Bearer @{triggerBody()?['secret']}", "x-other": "kept" } }, "runAfter": {} }
    } }))
    .await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    let call = record.step("Call").unwrap();
    assert_eq!(call.outputs.as_ref().unwrap()["body"]["authorization"], "Bearer s3cret", "the server got the real header");
    let headers = &call.inputs.as_ref().unwrap()["headers"];
    assert_eq!(headers["Authorization"], "*sanitized*");
    assert_eq!(headers["x-other"], "kept");
    assert!(!serde_json::to_string(&call.inputs).unwrap().contains("s3cret"));
}

#[tokio::test]
async fn secured_inputs_and_outputs_are_hidden_but_later_steps_read_them() {
    let record = run(json!({ "actions": {
        "Secret": { "type": "Compose", "inputs": "@triggerBody()?['secret']", "runAfter": {},
            "runtimeConfiguration": { "secureData": { "properties": ["inputs", "outputs"] } } },
        "Half": { "type": "Compose", "inputs": { "k": "@triggerBody()?['secret']" }, "runAfter": { "Secret": ["Succeeded"] },
            "runtimeConfiguration": { "secureData": { "properties": ["inputs"] } } },
        "Length": { "type": "Compose", "inputs": "@length(outputs('Secret'))", "runAfter": { "Half": ["Succeeded"] } }
    } }))
    .await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    let secret = record.step("Secret").unwrap();
    assert_eq!(secret.inputs, Some(json!(SECURED)));
    assert_eq!(secret.outputs, Some(json!(SECURED)));
    let half = record.step("Half").unwrap();
    assert_eq!(half.inputs, Some(json!(SECURED)));
    assert_eq!(half.outputs, Some(json!({ "k": "s3cret" })), "only its inputs are secured");
    assert_eq!(record.step("Length").unwrap().outputs, Some(json!(6)), "the next step read the real value");
}

#[tokio::test]
async fn an_enabled_static_result_answers_instead_of_the_call() {
    let record = run(json!({
        "staticResults": {
            "Call0": { "status": "Succeeded", "outputs": { "statusCode": 200, "body": { "ok": "static" } } },
            "Call1": { "status": "Failed", "outputs": { "statusCode": 503 }, "error": { "code": "ServiceUnavailable", "message": "down for the test" } }
        },
        "actions": {
            // 127.0.0.1:9 (discard) refuses connections: a real call would fail.
            "Good": { "type": "Http", "inputs": { "method": "GET", "uri": "http://127.0.0.1:9/x" }, "runAfter": {},
                "runtimeConfiguration": { "staticResult": { "name": "Call0", "staticResultOptions": "Enabled" } } },
            "Bad": { "type": "Http", "inputs": { "method": "GET", "uri": "http://127.0.0.1:9/y" }, "runAfter": { "Good": ["Succeeded"] },
                "runtimeConfiguration": { "staticResult": { "name": "Call1", "staticResultOptions": "Enabled" } } },
            "Handled": { "type": "Compose", "inputs": "@concat(body('Good')?['ok'], '/', outputs('Bad')?['statusCode'])", "runAfter": { "Bad": ["Failed"] } },
            "Off": { "type": "Compose", "inputs": "ran for real", "runAfter": { "Handled": ["Succeeded"] },
                "runtimeConfiguration": { "staticResult": { "name": "Call0", "staticResultOptions": "Disabled" } } },
            "Missing": { "type": "Compose", "inputs": 1, "runAfter": { "Off": ["Succeeded"] },
                "runtimeConfiguration": { "staticResult": { "name": "Nope", "staticResultOptions": "Enabled" } } }
        } }))
    .await;
    assert_eq!(record.step("Good").unwrap().status, StepStatus::Succeeded);
    let bad = record.step("Bad").unwrap();
    assert_eq!(bad.status, StepStatus::Failed);
    assert_eq!(bad.error.as_ref().map(|e| (e.code.as_str(), e.message.as_str())), Some(("ServiceUnavailable", "down for the test")));
    assert_eq!(record.step("Handled").unwrap().outputs, Some(json!("static/503")));
    assert_eq!(record.step("Off").unwrap().outputs, Some(json!("ran for real")));
    let missing = record.step("Missing").unwrap();
    assert_eq!(missing.status, StepStatus::Failed);
    assert!(missing.error.as_ref().unwrap().message.contains("staticResults has no 'Nope'"), "{:?}", missing.error);
}
