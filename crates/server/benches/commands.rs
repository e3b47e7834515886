//! The cost of one command through browser mode's full stack (guard, routing, dispatch, JSON),
//! without the socket.

use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use criterion::{criterion_group, criterion_main, Criterion};
use flowbench_api::Context;
use flowbench_server::{router_for_tests, FileHost, Secret};
use tower::ServiceExt;

fn commands(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::new(Arc::new(FileHost::new(dir.path().join("settings.json"))));
    let router = router_for_tests(ctx, 4000, Secret::from_value("bench"), None);
    let call = |name: &'static str| {
        let router = router.clone();
        move || {
            let request = Request::post(format!("/api/{name}"))
                .header("host", "127.0.0.1:4000")
                .header("authorization", "Bearer bench")
                .body(Body::from("{}"))
                .unwrap();
            let router = router.clone();
            async move {
                let response = router.oneshot(request).await.unwrap();
                assert!(response.status().is_success());
                axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap()
            }
        }
    };
    let app_info = call("app_info");
    c.bench_function("http_command/app_info", |b| b.iter(|| runtime.block_on(app_info())));
    let sample = call("sample_flow");
    c.bench_function("http_command/sample_flow", |b| b.iter(|| runtime.block_on(sample())));
}

criterion_group!(benches, commands);
criterion_main!(benches);
