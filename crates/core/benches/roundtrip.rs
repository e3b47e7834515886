//! Import + export of a flow through the model, against plain serde_json parse + serialise of
//! the same text (the floor). `npm run bench` prints their ratio; the target is 3x at most.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use flowbench_core::Flow;

fn largest_shared_flow() -> Option<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/flows");
    let mut best: Option<(u64, std::path::PathBuf)> = None;
    for entry in std::fs::read_dir(dir).ok()? {
        let path = entry.ok()?.path();
        let size = path.metadata().ok()?.len();
        if path.extension().is_some_and(|e| e == "json") && best.as_ref().is_none_or(|(s, _)| size > *s) {
            best = Some((size, path));
        }
    }
    let (_, path) = best?;
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    // Drop the `-<GUID>` of solution file names.
    let name = if stem.len() > 37 { stem[..stem.len() - 37].to_string() } else { stem };
    Some((name, std::fs::read_to_string(path).ok()?))
}

/// `n` actions: a chain of Compose and Dataverse steps, every tenth a Scope holding two more.
fn generated_flow(n: usize) -> String {
    let mut actions = serde_json::Map::new();
    let mut previous: Option<String> = None;
    let mut made = 0;
    while made < n {
        let name = format!("Step_{made}");
        let run_after = previous.as_ref().map_or(serde_json::json!({}), |p| serde_json::json!({ p: ["Succeeded"] }));
        let action = if made % 10 == 9 && made + 3 <= n {
            made += 3;
            serde_json::json!({"type": "Scope", "runAfter": run_after, "actions": {
                format!("{name}_a"): {"type": "Compose", "inputs": "@outputs('Step_0')", "runAfter": {}},
                format!("{name}_b"): {"type": "Compose", "inputs": 2, "runAfter": {format!("{name}_a"): ["Succeeded"]}}
            }})
        } else {
            made += 1;
            serde_json::json!({"type": "OpenApiConnection", "runAfter": run_after, "inputs": {
                "host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                         "connectionName": "shared_commondataserviceforapps", "operationId": "CreateRecord"},
                "parameters": {"entityName": "tasks", "item/subject": format!("Task @{{triggerBody()?['text']}} {made}")}}})
        };
        actions.insert(name.clone(), action);
        previous = Some(name);
    }
    serde_json::json!({"properties": {"connectionReferences": {"shared_commondataserviceforapps": {
        "runtimeSource": "embedded", "connection": {"connectionReferenceLogicalName": "fb_Dv"},
        "api": {"name": "shared_commondataserviceforapps"}}},
      "definition": {"triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {}}}, "actions": actions}},
      "schemaVersion": "1.0.0.0"})
    .to_string()
}

fn roundtrip(c: &mut Criterion) {
    let mut inputs = vec![("generated_5000".to_string(), generated_flow(5000))];
    if let Some(largest) = largest_shared_flow() {
        inputs.insert(0, largest);
    }
    let mut group = c.benchmark_group("flow_roundtrip");
    for (name, text) in &inputs {
        group.bench_with_input(BenchmarkId::new("flowbench", name), text, |b, t| {
            b.iter(|| Flow::parse(t).unwrap().to_pretty_json())
        });
        group.bench_with_input(BenchmarkId::new("serde_json", name), text, |b, t| {
            b.iter(|| serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(t).unwrap()).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
