//! Validation of the largest real flow and of generated 1,000- and 5,000-action flows, against
//! plain serde_json parsing of the same text (the floor); `npm run bench` prints the ratios.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use flowbench_core::Flow;
use flowbench_validate::{validate, ValidationContext};
use serde_json::json;

fn largest_shared_flow() -> Option<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/flows");
    let path = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .max_by_key(|p| p.metadata().map(|m| m.len()).unwrap_or(0))?;
    let stem = path.file_stem()?.to_string_lossy().into_owned();
    let name = if stem.len() > 37 { stem[..stem.len() - 37].to_string() } else { stem };
    Some((name, std::fs::read_to_string(path).ok()?))
}

/// A chain of `n` actions: Dataverse steps, Compose steps reading earlier outputs, and a Scope
/// with two steps every tenth.
fn generated_flow(n: usize) -> String {
    let mut actions = serde_json::Map::new();
    let mut previous: Option<String> = None;
    let mut made = 0;
    while made < n {
        let name = format!("Step_{made}");
        let run_after = previous.as_ref().map_or(json!({}), |p| json!({ p: ["Succeeded"] }));
        let action = if made % 10 == 9 && made + 3 <= n {
            made += 3;
            json!({"type": "Scope", "runAfter": run_after, "actions": {
                format!("{name}_a"): {"type": "Compose", "inputs": "@outputs('Step_0')?['body/name']", "runAfter": {}},
                format!("{name}_b"): {"type": "Compose", "inputs": "@{body(concat('Step_', '1'))}", "runAfter": {format!("{name}_a"): ["Succeeded"]}}
            }})
        } else {
            made += 1;
            json!({"type": "OpenApiConnection", "runAfter": run_after, "inputs": {
                "host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                         "connectionName": "shared_commondataserviceforapps", "operationId": "ListRecords"},
                "parameters": {"entityName": "contacts", "$filter": format!("statecode eq {made}"), "$select": "fullname,emailaddress1"}}})
        };
        actions.insert(name.clone(), action);
        previous = Some(name);
    }
    json!({"properties": {"connectionReferences": {"shared_commondataserviceforapps": {"runtimeSource": "embedded",
        "connection": {"connectionReferenceLogicalName": "fb_Dv"}, "api": {"name": "shared_commondataserviceforapps"}}},
      "definition": {"triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {}}}, "actions": actions}},
      "schemaVersion": "1.0.0.0"})
    .to_string()
}

fn validation(c: &mut Criterion) {
    let mut inputs = vec![("generated_1000".to_string(), generated_flow(1000)), ("generated_5000".to_string(), generated_flow(5000))];
    if let Some(largest) = largest_shared_flow() {
        inputs.insert(0, largest);
    }
    let mut group = c.benchmark_group("validate");
    group.sample_size(20);
    for (name, text) in &inputs {
        group.bench_with_input(BenchmarkId::new("flowbench", name), text, |b, t| {
            b.iter(|| validate(&Flow::parse(t).unwrap(), &ValidationContext::default()))
        });
        group.bench_with_input(BenchmarkId::new("serde_json", name), text, |b, t| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(t).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, validation);
criterion_main!(benches);
