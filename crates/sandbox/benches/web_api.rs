//! The sandbox under load: create, retrieve and a filtered list, each as 500 requests from 50
//! concurrent clients over HTTP, against the same operations done on SQLite in-process (one
//! connection, WAL, synchronous=FULL and the lookup index, as the sandbox's store). Criterion reports the time per 500
//! requests (and requests per second); every request's latency also goes to
//! `target/bench/sandbox.json` as p50/p99 for `npm run bench`'s table.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flowbench_sandbox::{Sandbox, Scenario};
use rusqlite::{params, Connection};
use serde_json::json;

const REQUESTS: usize = 500;
const CLIENTS: usize = 50;
const CONTOSO: &str = "a0000000-0000-4000-8000-000000000001";
const MARIA: &str = "c0000000-0000-4000-8000-000000000001";

#[derive(Clone, Copy)]
enum Operation {
    Create,
    Retrieve,
    List,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Retrieve => "retrieve",
            Operation::List => "filtered_list",
        }
    }
}

struct Served {
    _sandbox: Sandbox,
    _dir: tempfile::TempDir,
    base: String,
    token: String,
    http: reqwest::Client,
}

fn serve(runtime: &tokio::runtime::Runtime) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = Sandbox::open(dir.path(), Scenario::builtin()).unwrap();
    let (address, serving) = runtime.block_on(async { sandbox.serve("127.0.0.1:0".parse().unwrap()) }).unwrap();
    runtime.spawn(serving);
    let token = sandbox.token_for("sam").unwrap();
    let http = reqwest::Client::builder().pool_max_idle_per_host(CLIENTS).build().unwrap();
    Served { base: format!("http://{address}/api/data/v9.2"), token, http, _sandbox: sandbox, _dir: dir }
}

/// 500 requests from 50 clients; returns each request's latency.
async fn burst(served: &Served, operation: Operation) -> Vec<Duration> {
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (http, base, token) = (served.http.clone(), served.base.clone(), served.token.clone());
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(REQUESTS / CLIENTS);
            for i in 0..REQUESTS / CLIENTS {
                let request = match operation {
                    Operation::Create => http.post(format!("{base}/contacts")).json(&json!({
                        "firstname": format!("Load{client}"), "lastname": format!("Bench{i}"),
                        "parentcustomerid_account@odata.bind": format!("/accounts({CONTOSO})") })),
                    Operation::Retrieve => http.get(format!("{base}/contacts({MARIA})?$select=fullname,emailaddress1")),
                    Operation::List => http.get(format!("{base}/contacts?$select=fullname&$filter=lastname eq 'Campbell' and _parentcustomerid_value eq {CONTOSO}&$top=50")),
                };
                let started = Instant::now();
                let response = request.bearer_auth(&token).send().await.unwrap();
                let status = response.status();
                let _ = response.bytes().await.unwrap();
                assert!(status.is_success(), "{status}");
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::with_capacity(REQUESTS);
    for client in clients {
        all.extend(client.await.unwrap());
    }
    all
}

/// The floor: the same statements on SQLite in-process, one at a time on one connection.
fn in_process(conn: &Mutex<Connection>, operation: Operation, round: &mut u64) {
    let conn = conn.lock().unwrap();
    for i in 0..REQUESTS {
        *round += 1;
        match operation {
            Operation::Create => {
                conn.execute(
                    "INSERT INTO contact (contactid, firstname, lastname, parentcustomerid, ownerid, versionnumber) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![format!("{round:032x}"), format!("Load{i}"), format!("Bench{i}"), CONTOSO, MARIA, *round as i64],
                )
                .unwrap();
            }
            Operation::Retrieve => {
                let name: String =
                    conn.prepare_cached("SELECT fullname FROM contact WHERE contactid = ?1").unwrap().query_row([MARIA], |r| r.get(0)).unwrap();
                std::hint::black_box(name);
            }
            Operation::List => {
                let names: Vec<String> = conn
                    .prepare_cached("SELECT fullname FROM contact WHERE lastname = 'Campbell' AND parentcustomerid = ?1 LIMIT 50")
                    .unwrap()
                    .query_map([CONTOSO], |r| r.get::<_, Option<String>>(0))
                    .unwrap()
                    .map(|r| r.unwrap().unwrap_or_default())
                    .collect();
                std::hint::black_box(names);
            }
        }
    }
}

fn floor_connection(dir: &std::path::Path) -> Mutex<Connection> {
    let conn = Connection::open(dir.join("floor.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE contact (contactid TEXT PRIMARY KEY, firstname TEXT, lastname TEXT, fullname TEXT, parentcustomerid TEXT,
           ownerid TEXT, versionnumber INTEGER);
         CREATE INDEX contact_parentcustomerid ON contact (parentcustomerid);",
    )
    .unwrap();
    conn.execute("INSERT INTO contact (contactid, firstname, lastname, fullname, parentcustomerid, versionnumber) VALUES (?1, 'Maria', 'Campbell', 'Maria Campbell', ?2, 1)", [MARIA, CONTOSO])
        .unwrap();
    // The sandbox's scenario seeds five contacts: the floor gets as many.
    for i in 2..=5 {
        conn.execute(
            "INSERT INTO contact (contactid, firstname, lastname, fullname, parentcustomerid, versionnumber) VALUES (?1, 'Seed', ?2, ?2, ?3, 1)",
            params![format!("seed{i}"), format!("Seed {i}"), CONTOSO],
        )
        .unwrap();
    }
    Mutex::new(conn)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1e3
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let served = serve(&runtime);
    let floor_dir = tempfile::tempdir().unwrap();
    let floor = floor_connection(floor_dir.path());
    let mut round = 0u64;
    let mut report = Vec::new();
    let mut group = c.benchmark_group("sandbox_500_requests");
    group.throughput(Throughput::Elements(REQUESTS as u64)).sample_size(10).measurement_time(Duration::from_secs(8));
    // Reads first: creates grow the tables, and both sides must read tables of the same size.
    for operation in [Operation::Retrieve, Operation::List, Operation::Create] {
        let latencies = Arc::new(Mutex::new(Vec::new()));
        let seen = latencies.clone();
        group.bench_function(format!("flowbench/{}", operation.name()), |b| {
            b.iter_custom(|iterations| {
                let started = Instant::now();
                for _ in 0..iterations {
                    let measured = runtime.block_on(burst(&served, operation));
                    seen.lock().unwrap().extend(measured);
                }
                started.elapsed()
            })
        });
        group.bench_function(format!("sqlite/{}", operation.name()), |b| b.iter(|| in_process(&floor, operation, &mut round)));
        let mut sorted = latencies.lock().unwrap().clone();
        sorted.sort();
        if !sorted.is_empty() {
            report.push(json!({
                "name": format!("sandbox {} latency, 50 clients", operation.name()),
                "p50": percentile(&sorted, 0.50),
                "p99": percentile(&sorted, 0.99),
                "requests": sorted.len(),
            }));
        }
    }
    group.finish();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let _ = std::fs::create_dir_all(target.join("bench"));
    let _ = std::fs::write(target.join("bench").join("sandbox.json"), serde_json::to_string_pretty(&report).unwrap());
}

criterion_group!(benches, bench);
criterion_main!(benches);
