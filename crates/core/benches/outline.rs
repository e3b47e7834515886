use criterion::{criterion_group, criterion_main, Criterion};
use flowbench_core::{outline_flow, sample::SAMPLE_FLOW_JSON};

fn outline(c: &mut Criterion) {
    c.bench_function("outline/sample_flow", |b| b.iter(|| outline_flow(std::hint::black_box(SAMPLE_FLOW_JSON)).unwrap()));
    let generated = generated_flow(500);
    c.bench_function("outline/generated_500_steps", |b| b.iter(|| outline_flow(std::hint::black_box(&generated)).unwrap()));
}

/// A chain of `n` Compose steps, the platform's action limit.
fn generated_flow(n: usize) -> String {
    let mut actions = serde_json::Map::new();
    for i in 0..n {
        let run_after = if i == 0 { serde_json::json!({}) } else { serde_json::json!({ format!("Step_{}", i - 1): ["Succeeded"] }) };
        actions.insert(format!("Step_{i}"), serde_json::json!({"type": "Compose", "inputs": i, "runAfter": run_after}));
    }
    serde_json::json!({"triggers": {"manual": {"type": "Request", "kind": "Button"}}, "actions": actions}).to_string()
}

criterion_group!(benches, outline);
criterion_main!(benches);
