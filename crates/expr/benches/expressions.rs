//! Parse throughput over every expression in the real flows, evaluation time of typical
//! expressions, and a property lookup against plain serde_json (the floor).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flowbench_expr::template::is_template;
use flowbench_expr::{evaluate_template, parse_template, Env, FixedClock, JsonScope, SequentialGuids};
use serde_json::{json, Value};

fn shared_expressions() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/flows");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            if let Ok(value) = serde_json::from_str::<Value>(std::fs::read_to_string(&path).unwrap_or_default().trim_start_matches('\u{feff}')) {
                collect(&value, &mut out);
            }
        }
    }
    out
}

fn collect(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if is_template(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect(v, out)),
        _ => {}
    }
}

fn scope() -> JsonScope {
    serde_json::from_value(json!({
        "trigger": {"outputs": {"body": {"fullname": "Ada Lovelace", "contactid": "3f1c"}}},
        "actions": {"Get_row": {"outputs": {"statusCode": 200, "body": {
            "name": "Contoso", "address": {"city": "Seattle", "lines": ["1 Main St"]},
            "value": (0..200).map(|i| json!({"id": i, "title": format!("Row {i}")})).collect::<Vec<_>>()
        }}}},
        "variables": {"count": 3}
    }))
    .expect("a valid scope")
}

fn parsing(c: &mut Criterion) {
    let expressions = shared_expressions();
    let bytes: usize = expressions.iter().map(String::len).sum();
    let mut group = c.benchmark_group("expr_parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("shared_flows_{}_expressions", expressions.len()), |b| {
        b.iter(|| {
            for e in &expressions {
                let _ = std::hint::black_box(parse_template(e));
            }
        })
    });
    group.finish();
}

fn evaluation(c: &mut Criterion) {
    let scope = scope();
    let (clock, guids) = (FixedClock(std::time::UNIX_EPOCH), SequentialGuids::default());
    let env = Env { scope: &scope, clock: &clock, guids: &guids };
    let mut group = c.benchmark_group("expr_eval");
    for (name, expr) in [
        ("trigger_field", "@triggerOutputs()?['body/fullname']"),
        ("interpolation", "Welcome @{triggerBody()?['fullname']} to @{outputs('Get_row')?['body/name']}"),
        ("condition", "@and(equals(variables('count'), 3), greater(outputs('Get_row')?['statusCode'], 100))"),
        ("arithmetic", "@add(mul(variables('count'), 7), sub(100, 58))"),
    ] {
        group.bench_function(name, |b| b.iter(|| evaluate_template(std::hint::black_box(expr), &env).unwrap()));
    }
    group.finish();

    // The same deep lookup through the evaluator and through serde_json directly.
    let raw = serde_json::to_value(scope.actions.clone()).unwrap();
    let mut group = c.benchmark_group("expr_lookup");
    group.bench_function("flowbench/outputs_body_address_city", |b| {
        b.iter(|| evaluate_template(std::hint::black_box("@outputs('Get_row')?['body/address/city']"), &env).unwrap())
    });
    group.bench_function("serde_json/outputs_body_address_city", |b| {
        b.iter(|| std::hint::black_box(&raw).pointer("/Get_row/outputs/body/address/city").cloned().unwrap())
    });
    group.finish();
}

criterion_group!(benches, parsing, evaluation);
criterion_main!(benches);
