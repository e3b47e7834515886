//! The run engine's speed (issue 7):
//!
//! - `engine/compose_1000`: a generated flow of 1,000 steps (two variables initialised, then
//!   Compose, IncrementVariable and SetVariable in turn, each after the one before): the time of a
//!   whole run, record included.
//! - `engine/foreach_create_5000/concurrency_1` and `…/concurrency_50`: a Foreach over 5,000
//!   items, each pass a CreateRecord (Add a new row) against the embedded sandbox served
//!   in-process on 127.0.0.1, one pass at a time and 50 at once.
//! - `engine_overhead/flowbench/dataverse_600` against `engine_overhead/reqwest/dataverse_600`:
//!   the engine's overhead over the HTTP it does. A Foreach over 200 items, one at a time, each
//!   pass creating a contact, reading it back (GetItem) and updating it (UpdateRecord): 600
//!   Dataverse requests in a row. The floor sends the same 600 requests with reqwest directly and
//!   in the same order: the method and URL each step's record shows (`inputs.request`), the body
//!   rebuilt from its `item/<column>` parameters, and the headers the engine sends (bearer token,
//!   OData versions, `Prefer`), reading and parsing each JSON answer as the engine does; a new
//!   client shared by every run and the floor, as the app and the CLI keep one. Run time ÷ round-trip time is the overhead;
//!   the target is 1.1 at most. Both are wall-clock times of whole runs on the same sandbox, so
//!   the sandbox's own time is in both and only what the engine adds differs. The ratio is
//!   printed at the end (and by `npm run bench`, which pairs `…/flowbench/…` with
//!   `…/reqwest/…`).

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use flowbench_core::Flow;
use flowbench_engine::{run_flow, Identities, Identity, RunOptions, RunRecord, RunStatus, StepRecord};
use flowbench_sandbox::{Sandbox, Scenario};
use serde_json::{json, Map, Value};

const REFERENCE: &str = "fb_dataverse";

/// 1,000 steps: two Initialize variable, then Compose, Increment and Set in turn.
fn compose_flow(steps: usize) -> Flow {
    let mut actions = Map::new();
    let mut previous: Option<String> = None;
    let mut add = |name: String, action: Value, previous: &mut Option<String>| {
        let mut action = action;
        action["runAfter"] = match previous.as_ref() {
            Some(p) => json!({ p.clone(): ["Succeeded"] }),
            None => json!({}),
        };
        actions.insert(name.clone(), action);
        *previous = Some(name);
    };
    add("Initialize_counter".into(), json!({ "type": "InitializeVariable", "inputs": { "variables": [{ "name": "counter", "type": "integer", "value": 0 }] } }), &mut previous);
    add("Initialize_last".into(), json!({ "type": "InitializeVariable", "inputs": { "variables": [{ "name": "last", "type": "string", "value": "" }] } }), &mut previous);
    for i in 0..steps - 2 {
        let (name, action) = match i % 3 {
            0 => (format!("Compose_{i}"), json!({ "type": "Compose", "inputs": { "step": i, "total": "@add(variables('counter'), 1)", "label": "@{variables('last')}/@{string(variables('counter'))}" } })),
            1 => (format!("Increment_{i}"), json!({ "type": "IncrementVariable", "inputs": { "name": "counter", "value": 1 } })),
            _ => (format!("Set_{i}"), json!({ "type": "SetVariable", "inputs": { "name": "last", "value": format!("@{{string(outputs('Compose_{}')?['total'])}}", i - 2) } })),
        };
        add(name, action, &mut previous);
    }
    button_flow(Value::Object(actions))
}

fn button_flow(actions: Value) -> Flow {
    Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": {
            "runtimeSource": "embedded",
            "connection": { "connectionReferenceLogicalName": REFERENCE },
            "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": { "schema": { "type": "object" } } } },
            "actions": actions } },
        "schemaVersion": "1.0.0.0" }))
    .expect("the generated flow is valid")
}

fn dataverse(operation: &str, parameters: Value, run_after: Value) -> Value {
    json!({ "type": "OpenApiConnection", "runAfter": run_after, "inputs": {
        "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                  "connectionName": "shared_commondataserviceforapps", "operationId": operation },
        "parameters": parameters } })
}

/// A Foreach over `items` numbers, `concurrency` passes at once, each creating a contact.
fn foreach_create_flow(items: usize, concurrency: usize) -> Flow {
    button_flow(json!({ "Each_item": {
        "type": "Foreach", "runAfter": {}, "foreach": format!("@range(0, {items})"),
        "runtimeConfiguration": { "concurrency": { "repetitions": concurrency } },
        "actions": { "Add_a_new_row": dataverse("CreateRecord",
            json!({ "entityName": "contacts", "item/firstname": "Bench", "item/lastname": "@{concat('Row ', string(item()))}" }), json!({})) } } }))
}

/// A Foreach over `items` numbers, one at a time: create a contact, read it back, update it.
fn overhead_flow(items: usize) -> Flow {
    let id = "@outputs('Add_a_new_row')?['body/contactid']";
    button_flow(json!({ "Each_item": {
        "type": "Foreach", "runAfter": {}, "foreach": format!("@range(0, {items})"),
        "actions": {
            "Add_a_new_row": dataverse("CreateRecord",
                json!({ "entityName": "contacts", "item/firstname": "Overhead", "item/lastname": "@{concat('Row ', string(item()))}" }), json!({})),
            "Get_a_row_by_ID": dataverse("GetItem",
                json!({ "entityName": "contacts", "recordId": id, "$select": "fullname,lastname" }), json!({ "Add_a_new_row": ["Succeeded"] })),
            "Update_a_row": dataverse("UpdateRecord",
                json!({ "entityName": "contacts", "recordId": id, "item/jobtitle": "@{concat('Pass ', string(item()))}" }), json!({ "Get_a_row_by_ID": ["Succeeded"] }))
        } } }))
}

struct Served {
    sandbox: Sandbox,
    url: String,
    /// One client for every run and for the floor, as the app and the CLI keep one.
    client: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn serve(runtime: &tokio::runtime::Runtime) -> Served {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).expect("the sandbox opens");
    let (address, serving) = runtime.block_on(async { sandbox.serve("127.0.0.1:0".parse().unwrap()) }).expect("the sandbox serves");
    runtime.spawn(serving);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("an HTTP client");
    Served { url: format!("http://{address}"), sandbox, client, _dir: dir }
}

impl Served {
    fn options(&self) -> RunOptions {
        let identity = |name: &str| Identity { user: name.into(), token: self.sandbox.token_for(name).expect("a token"), object_id: None, impersonated_by: None };
        let mut identities = Identities { invoker: Some(identity("admin")), ..Identities::default() };
        identities.references.insert(REFERENCE.into(), identity("svc"));
        RunOptions { environment_url: Some(self.url.clone()), identities, http_client: Some(self.client.clone()), ..RunOptions::default() }
    }
}

fn trigger() -> Value {
    json!({ "headers": {}, "body": {} })
}

/// Runs `flow` and checks it did what the bench says it does.
async fn run_checked(flow: &Flow, options: RunOptions, passes: usize) -> RunRecord {
    let record = run_flow(flow, trigger(), options).await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:?}", record.error);
    if passes > 0 {
        assert_eq!(record.steps[0].iterations.len(), passes);
    }
    record
}

/// One request of the floor: what the engine sent for a Dataverse step.
struct Replayed {
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
    prefer: &'static str,
}

/// The requests a run's Dataverse steps sent, in the order they were sent.
fn requests_of(record: &RunRecord) -> Vec<Replayed> {
    fn walk(steps: &[StepRecord], out: &mut Vec<Replayed>) {
        for step in steps {
            walk(&step.steps, out);
            for pass in &step.iterations {
                walk(&pass.steps, out);
            }
            let Some(request) = step.inputs.as_ref().and_then(|i| i.get("request")) else { continue };
            let inputs = step.inputs.as_ref().unwrap();
            let operation = inputs["host"]["operationId"].as_str().unwrap();
            let body: Map<String, Value> = inputs["parameters"]
                .as_object()
                .unwrap()
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("item/")?.to_string(), v.clone())))
                .collect();
            let writes = matches!(operation, "CreateRecord" | "UpdateRecord");
            out.push(Replayed {
                method: request["method"].as_str().unwrap().parse().unwrap(),
                url: request["uri"].as_str().unwrap().to_string(),
                body: writes.then_some(Value::Object(body)),
                prefer: if writes { "return=representation,odata.include-annotations=\"*\"" } else { "odata.include-annotations=\"*\"" },
            });
        }
    }
    let mut out = Vec::new();
    walk(&record.steps, &mut out);
    out
}

/// The floor: the same requests, one after another, straight from reqwest.
async fn replay(client: &reqwest::Client, requests: &[Replayed], token: &str) {
    for request in requests {
        let mut builder = client
            .request(request.method.clone(), &request.url)
            .bearer_auth(token)
            .header("Accept", "application/json")
            .header("OData-MaxVersion", "4.0")
            .header("OData-Version", "4.0")
            .header("Prefer", request.prefer);
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let response = builder.send().await.expect("the sandbox answers");
        let status = response.status();
        let bytes = response.bytes().await.expect("a body");
        assert!(status.is_success(), "{} {}: {status}", request.method, request.url);
        if !bytes.is_empty() {
            std::hint::black_box(serde_json::from_slice::<Value>(&bytes).expect("JSON"));
        }
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let served = serve(&runtime);

    let mut group = c.benchmark_group("engine");
    let compose = compose_flow(1_000);
    let options = served.options();
    let record = runtime.block_on(run_checked(&compose, options.clone(), 0));
    assert_eq!(record.steps.len(), 1_000);
    group.bench_function("compose_1000", |b| b.iter(|| runtime.block_on(run_checked(&compose, options.clone(), 0))));

    // Each run creates 5,000 rows and takes seconds: ten samples of one run each.
    group.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(1)).measurement_time(Duration::from_secs(1));
    for concurrency in [1, 50] {
        let flow = foreach_create_flow(5_000, concurrency);
        group.bench_function(format!("foreach_create_5000/concurrency_{concurrency}"), |b| {
            b.iter(|| runtime.block_on(run_checked(&flow, options.clone(), 5_000)))
        });
    }
    group.finish();

    let flow = overhead_flow(200);
    let record = runtime.block_on(run_checked(&flow, options.clone(), 200));
    let requests = requests_of(&record);
    assert_eq!(requests.len(), 600, "the floor sends what the run sent");
    let token = served.sandbox.token_for("svc").unwrap();
    let mut group = c.benchmark_group("engine_overhead");
    group.sample_size(10).sampling_mode(SamplingMode::Flat).measurement_time(Duration::from_secs(5));
    let mut run_time = (Duration::ZERO, 0u32);
    let mut floor_time = (Duration::ZERO, 0u32);
    // The issue's own measure: each run's wall time against the round trips its record shows.
    let mut own_round_trips = (0.0f64, 0.0f64);
    group.bench_function("flowbench/dataverse_600", |b| {
        b.iter_custom(|iterations| {
            let mut elapsed = Duration::ZERO;
            for _ in 0..iterations {
                let started = Instant::now();
                let record = runtime.block_on(run_checked(&flow, options.clone(), 200));
                let wall = started.elapsed();
                elapsed += wall;
                own_round_trips = (own_round_trips.0 + wall.as_secs_f64() * 1e3, own_round_trips.1 + round_trip_ms(&record.steps));
            }
            run_time = (run_time.0 + elapsed, run_time.1 + iterations as u32);
            elapsed
        })
    });
    group.bench_function("reqwest/dataverse_600", |b| {
        b.iter_custom(|iterations| {
            let started = Instant::now();
            for _ in 0..iterations {
                runtime.block_on(replay(&served.client, &requests, &token));
            }
            let elapsed = started.elapsed();
            floor_time = (floor_time.0 + elapsed, floor_time.1 + iterations as u32);
            elapsed
        })
    });
    group.finish();
    let per_run = run_time.0.as_secs_f64() / f64::from(run_time.1.max(1));
    let per_floor = floor_time.0.as_secs_f64() / f64::from(floor_time.1.max(1));
    let ratio = per_run / per_floor;
    println!(
        "engine/overhead: run {:.1} ms ÷ its 600 round trips sent directly {:.1} ms = {ratio:.3} (target ≤ 1.1: {})",
        per_run * 1e3,
        per_floor * 1e3,
        if ratio <= 1.1 { "met" } else { "MISSED" }
    );
    let own = own_round_trips.0 / own_round_trips.1.max(f64::MIN_POSITIVE);
    println!(
        "engine/overhead: run time ÷ the sum of its own HTTP round trips (from the record) = {own:.3} (target ≤ 1.1: {})",
        if own <= 1.1 { "met" } else { "MISSED" }
    );
    let report = json!([
        { "name": "engine overhead: run ÷ its own round trips", "value": own, "target": 1.1, "detail": format!("{:.1} ms of runs, {:.1} ms waiting for Dataverse", own_round_trips.0, own_round_trips.1) },
        { "name": "engine overhead: run ÷ the same requests replayed", "value": ratio, "target": 1.1, "detail": format!("{:.1} ms ÷ {:.1} ms per run", per_run * 1e3, per_floor * 1e3) },
    ]);
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let _ = std::fs::create_dir_all(target.join("bench"));
    let _ = std::fs::write(target.join("bench").join("engine.json"), report.to_string());
}

/// The time a run's steps spent waiting for HTTP answers, as their records say.
fn round_trip_ms(steps: &[StepRecord]) -> f64 {
    steps
        .iter()
        .map(|s| {
            s.http.as_ref().map_or(0.0, |h| h.round_trip_ms)
                + round_trip_ms(&s.steps)
                + s.iterations.iter().map(|i| round_trip_ms(&i.steps)).sum::<f64>()
        })
        .sum()
}

criterion_group!(benches, bench);
criterion_main!(benches);
