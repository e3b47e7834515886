//! Each refusal of the browser-mode server, proven over its router and over a real socket.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use flowbench_api::Context;
use flowbench_server::{bind, router_for_tests, FileHost, Secret, ServeError, ServeOptions};
use tower::ServiceExt;

const PORT: u16 = 4567;
const SECRET: &str = "s3cret-for-tests";

struct Setup {
    router: axum::Router,
    _dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>Flowbench</title>").unwrap();
    let ctx = Context::new(Arc::new(FileHost::new(dir.path().join("settings.json"))));
    let router = router_for_tests(ctx, PORT, Secret::from_value(SECRET), Some(dir.path().to_path_buf()));
    Setup { router, _dir: dir }
}

fn command(name: &str) -> axum::http::request::Builder {
    Request::post(format!("/api/{name}"))
        .header("host", format!("127.0.0.1:{PORT}"))
        .header("content-type", "application/json")
}

async fn send(setup: &Setup, request: Request<Body>) -> (StatusCode, serde_json::Value, axum::http::HeaderMap) {
    let response = setup.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json, headers)
}

#[tokio::test]
async fn a_command_with_the_secret_runs() {
    let s = setup();
    let req = command("sample_flow").header("authorization", format!("Bearer {SECRET}")).body(Body::from("{}")).unwrap();
    let (status, body, headers) = send(&s, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["outline"]["trigger"]["name"], "When_a_contact_is_added");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
}

#[tokio::test]
async fn a_command_without_the_secret_is_refused() {
    let s = setup();
    let (status, body, _) = send(&s, command("sample_flow").body(Body::from("{}")).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
}

#[tokio::test]
async fn a_command_with_a_wrong_secret_is_refused() {
    let s = setup();
    let req = command("sample_flow").header("authorization", "Bearer s3cret-for-test").body(Body::from("{}")).unwrap();
    let (status, body, _) = send(&s, req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
}

#[tokio::test]
async fn another_origin_is_refused_even_with_the_secret() {
    let s = setup();
    let req = command("sample_flow")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("origin", "http://evil.example")
        .body(Body::from("{}"))
        .unwrap();
    let (status, body, _) = send(&s, req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "forbidden_origin");
}

#[tokio::test]
async fn the_same_origin_on_another_port_is_refused() {
    let s = setup();
    let req = command("sample_flow")
        .header("authorization", format!("Bearer {SECRET}"))
        .header("origin", format!("http://127.0.0.1:{}", PORT + 1))
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(send(&s, req).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_rebound_host_name_is_refused_for_pages_and_commands() {
    let s = setup();
    let page = Request::get("/").header("host", format!("attacker.example:{PORT}")).body(Body::empty()).unwrap();
    let (status, body, _) = send(&s, page).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "forbidden_origin");
    let req = Request::post("/api/get_settings")
        .header("host", format!("attacker.example:{PORT}"))
        .header("authorization", format!("Bearer {SECRET}"))
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(send(&s, req).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_page_itself_needs_no_secret() {
    let s = setup();
    let page = Request::get("/").header("host", format!("localhost:{PORT}")).body(Body::empty()).unwrap();
    let response = s.router.clone().oneshot(page).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_bodies_and_unknown_commands_get_coded_errors() {
    let s = setup();
    let auth = format!("Bearer {SECRET}");
    let req = command("open_flow_file").header("authorization", &auth).body(Body::from("{\"path\": ")).unwrap();
    let (status, body, _) = send(&s, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_arguments");
    let req = command("rm_rf").header("authorization", &auth).body(Body::from("{}")).unwrap();
    let (status, body, _) = send(&s, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "unknown_command");
}

#[tokio::test]
async fn only_loopback_addresses_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let options = |addr: &str| ServeOptions {
        addr: addr.parse::<SocketAddr>().unwrap(),
        ui_dir: None,
        settings_file: dir.path().join("settings.json"),
        sandbox_dir: None,
        autosave_dir: None,
    };
    assert!(matches!(bind(options("0.0.0.0:0")).await, Err(ServeError::NotLoopback(_))));
    assert!(matches!(bind(options("192.168.1.10:0")).await, Err(ServeError::NotLoopback(_))));
    let server = bind(options("127.0.0.1:0")).await.unwrap();
    assert!(server.local_addr.ip().is_loopback());
}

/// Over a real socket: a fresh secret each start, and a request without it refused.
#[tokio::test]
async fn each_start_makes_a_new_secret_and_enforces_it_on_the_wire() {
    let dir = tempfile::tempdir().unwrap();
    let options = || ServeOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        ui_dir: None,
        settings_file: dir.path().join("settings.json"),
        sandbox_dir: None,
        autosave_dir: None,
    };
    let first = bind(options()).await.unwrap();
    let second = bind(options()).await.unwrap();
    assert_ne!(first.secret, second.secret);
    assert!(first.url().contains(&format!("#token={}", first.secret.expose())));

    let addr = first.local_addr;
    let secret = first.secret.expose().to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(first.serve(async move {
        let _ = stopped.await;
    }));
    let raw = move |auth: Option<String>| {
        tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(addr).unwrap();
            let auth = auth.map(|a| format!("Authorization: Bearer {a}\r\n")).unwrap_or_default();
            write!(stream, "POST /api/app_info HTTP/1.1\r\nHost: {addr}\r\n{auth}Content-Length: 2\r\nConnection: close\r\n\r\n{{}}").unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            response
        })
    };
    let refused = raw(None).await.unwrap();
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let accepted = raw(Some(secret)).await.unwrap();
    assert!(accepted.starts_with("HTTP/1.1 200") && accepted.contains("\"host\":\"browser\""), "{accepted}");
    stop.send(()).unwrap();
    task.await.unwrap().unwrap();
}
