//! The HTTP action against a real server on loopback: the request as written, the response as
//! outputs, and retries as the policy says (Retry-After honoured, only retryable statuses).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use flowbench_core::Flow;
use flowbench_engine::{run_flow, RunOptions, RunStatus, StepStatus};
use serde_json::{json, Value};

#[derive(Clone, Default)]
struct Server {
    hits: Arc<AtomicUsize>,
}

async fn echo(headers: HeaderMap, uri: axum::http::Uri, body: String) -> impl IntoResponse {
    axum::Json(json!({
        "query": uri.query(),
        "header": headers.get("x-flow").and_then(|v| v.to_str().ok()),
        "contentType": headers.get("content-type").and_then(|v| v.to_str().ok()),
        "body": serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body)),
    }))
}

async fn busy_once(State(server): State<Server>) -> impl IntoResponse {
    if server.hits.fetch_add(1, Ordering::SeqCst) == 0 {
        (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "slow down").into_response()
    } else {
        axum::Json(json!({ "ok": true })).into_response()
    }
}

async fn always(State(server): State<Server>, axum::extract::Path(code): axum::extract::Path<u16>) -> impl IntoResponse {
    server.hits.fetch_add(1, Ordering::SeqCst);
    (StatusCode::from_u16(code).unwrap(), axum::Json(json!({ "error": { "message": "nope" } })))
}

async fn serve() -> (String, Server) {
    let server = Server::default();
    let app = axum::Router::new()
        .route("/echo", axum::routing::post(echo).get(echo))
        .route("/busy", axum::routing::get(busy_once))
        .route("/status/{code}", axum::routing::get(always))
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, server)
}

fn flow(http_inputs: Value) -> Flow {
    Flow::from_value(json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": {
            "HTTP": { "type": "Http", "inputs": http_inputs, "runAfter": {} },
            "Echoed": { "type": "Compose", "inputs": "@body('HTTP')", "runAfter": { "HTTP": ["Succeeded"] } }
        } } } }))
    .unwrap()
}

#[tokio::test]
async fn the_request_goes_as_written_and_the_response_becomes_the_outputs() {
    let (url, _) = serve().await;
    let record = run_flow(
        &flow(json!({ "method": "POST", "uri": format!("{url}/echo"), "queries": { "page": 2 },
            "headers": { "x-flow": "@{triggerBody()?['who']}" }, "body": { "n": "@add(1, 2)" } })),
        json!({ "body": { "who": "ada" } }),
        RunOptions::default(),
    )
    .await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    let http = record.step("HTTP").unwrap();
    assert_eq!(http.outputs.as_ref().unwrap()["statusCode"], 200);
    let echoed = record.step("Echoed").unwrap().outputs.clone().unwrap();
    assert_eq!(echoed, json!({ "query": "page=2", "header": "ada", "contentType": "application/json", "body": { "n": 3 } }));
}

#[tokio::test]
async fn a_429_is_retried_after_the_server_s_retry_after() {
    let (url, server) = serve().await;
    let started = Instant::now();
    let record = run_flow(&flow(json!({ "method": "GET", "uri": format!("{url}/busy") })), json!({}), RunOptions::default()).await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);
    let retried = &record.step("HTTP").unwrap().retry_history;
    assert_eq!(retried.iter().map(|a| (a.code.as_str(), a.status_code)).collect::<Vec<_>>(), [("TooManyRequests", Some(429))]);
    assert!(started.elapsed() >= Duration::from_secs(1), "it waited Retry-After, not the policy's 6 s");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn server_errors_are_retried_as_the_policy_says_and_client_errors_are_not() {
    let (url, server) = serve().await;
    let policy = json!({ "type": "fixed", "count": 2, "interval": "PT0.1S" });
    let record = run_flow(&flow(json!({ "method": "GET", "uri": format!("{url}/status/500"), "retryPolicy": policy })), json!({}), RunOptions::default()).await;
    assert_eq!(record.status, RunStatus::Failed);
    let http = record.step("HTTP").unwrap();
    assert_eq!((http.status, http.code.as_deref()), (StepStatus::Failed, Some("InternalServerError")));
    assert_eq!(http.outputs.as_ref().unwrap()["body"]["error"]["message"], "nope");
    assert_eq!(server.hits.swap(0, Ordering::SeqCst), 3, "the first try and two retries");
    assert_eq!(record.step("Echoed").unwrap().status, StepStatus::Skipped);

    let record = run_flow(&flow(json!({ "method": "GET", "uri": format!("{url}/status/404") })), json!({}), RunOptions::default()).await;
    assert_eq!(record.step("HTTP").unwrap().code.as_deref(), Some("NotFound"));
    assert_eq!(server.hits.swap(0, Ordering::SeqCst), 1, "a 404 is not retried");

    let none = json!({ "method": "GET", "uri": format!("{url}/status/503"), "retryPolicy": { "type": "none" } });
    run_flow(&flow(none), json!({}), RunOptions::default()).await;
    assert_eq!(server.hits.load(Ordering::SeqCst), 1, "retryPolicy none sends once");
}

#[tokio::test]
async fn bad_inputs_fail_the_step_with_the_reason() {
    let record = run_flow(&flow(json!({ "method": "GET", "uri": "ftp://example.com/x" })), json!({}), RunOptions::default()).await;
    let error = record.step("HTTP").unwrap().error.clone().unwrap();
    assert!(error.message.contains("absolute http or https"), "{error:?}");
}
