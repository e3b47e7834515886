//! Robustness: every real flow in `../shared/flows` runs to a record without panicking, with no
//! environment and no identities, so every connector step fails with a clear message and the
//! run ends.

use std::path::PathBuf;

use flowbench_core::Flow;
use flowbench_engine::{run_flow, RunOptions, StepRecord, StepStatus};
use serde_json::{json, Map, Value};

/// `$FLOWBENCH_SHARED/flows`, or `../shared/flows` beside the workspace (as the validator's test).
fn shared_flows() -> Option<PathBuf> {
    let dir = std::env::var_os("FLOWBENCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("flows");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent, so the engine's robustness on real flows is not checked", dir.display());
        None
    }
}

fn every_step<'a>(steps: &'a [StepRecord], out: &mut Vec<&'a StepRecord>) {
    for step in steps {
        out.push(step);
        every_step(&step.steps, out);
        for iteration in &step.iterations {
            every_step(&iteration.steps, out);
        }
    }
}

#[test]
fn real_flows_run_to_a_record_and_every_failure_says_why() {
    let Some(dir) = shared_flows() else { return };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let mut ran = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let Ok(flow) = Flow::parse(&std::fs::read_to_string(&path).unwrap()) else { continue };
        let schema = flow.trigger().and_then(|t| t.body().get("inputs")?.get("schema").cloned()).unwrap_or(Value::Null);
        let body = sample_of(&schema);
        let record = runtime.block_on(run_flow(&flow, json!({ "headers": {}, "body": body }), RunOptions::default()));
        assert!(!record.steps.is_empty() || flow.actions.is_empty(), "{}: {:?}", path.display(), record.error);
        let mut steps = Vec::new();
        every_step(&record.steps, &mut steps);
        for step in steps.iter().filter(|s| s.status == StepStatus::Failed) {
            let error = step.error.as_ref().unwrap_or_else(|| panic!("{}: '{}' failed without an error", path.display(), step.name));
            assert!(!error.message.is_empty() && !error.code.is_empty(), "{}: '{}'", path.display(), step.name);
        }
        ran += 1;
    }
    assert!(ran > 0);
}

/// A value that satisfies a trigger's schema: every property, of its type.
fn sample_of(schema: &Value) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!("text"),
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(true),
        Some("array") => json!([]),
        _ => {
            let properties = schema.get("properties").and_then(Value::as_object);
            Value::Object(properties.into_iter().flatten().map(|(k, v)| (k.clone(), sample_of(v))).collect::<Map<_, _>>())
        }
    }
}
