//! Runs `../shared/expr-cases/` and prints the pass rate per category. Every failure must be
//! listed, with its reason, in `known-differences.json`, and nothing listed may pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use flowbench_expr::conformance::{run_cases, Case, Outcome};
use flowbench_expr::{Env, FixedClock, SequentialGuids};

fn cases_file() -> Option<PathBuf> {
    let path = std::env::var_os("FLOWBENCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("expr-cases/illogicapps.json");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("SKIPPED: {} is absent, so expression conformance is not checked", path.display());
        None
    }
}

#[test]
fn conformance_with_the_shared_cases() {
    let Some(path) = cases_file() else { return };
    let cases: Vec<Case> = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let clock = FixedClock(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000));
    let guids = SequentialGuids::default();
    let env = Env { scope: &flowbench_expr::env::EmptyScope, clock: &clock, guids: &guids };
    let report = run_cases(&cases, &env);

    println!("expression conformance by category:");
    for (category, totals) in &report.categories {
        let total = totals.passed + totals.failed;
        println!("  {category:28} {:4}/{:<4} {:6.1}%", totals.passed, total, 100.0 * totals.passed as f64 / total as f64);
    }
    let reworded = report.results.iter().filter(|r| r.outcome == Outcome::PassedWithOtherMessage).count();
    println!(
        "  {:28} {:4}/{:<4} {:6.1}%  ({reworded} errors with other wording than the runtime's)",
        "all",
        report.passed,
        report.results.len(),
        100.0 * report.pass_rate()
    );

    let known: BTreeMap<String, String> =
        serde_json::from_str(include_str!("../known-differences.json")).expect("known-differences.json is an object of id: reason");
    let failures: BTreeMap<&str, &str> =
        report.results.iter().filter(|r| r.outcome == Outcome::Failed).map(|r| (r.id.as_str(), r.detail.as_str())).collect();
    let unlisted: Vec<String> =
        failures.iter().filter(|(id, _)| !known.contains_key(**id)).map(|(id, d)| format!("{id}: {d}")).collect();
    let stale: Vec<&String> = known.keys().filter(|id| !failures.contains_key(id.as_str())).collect();
    assert!(unlisted.is_empty(), "failures not in known-differences.json:\n{}", unlisted.join("\n"));
    assert!(stale.is_empty(), "known-differences.json lists cases that now pass: {stale:?}");
    assert!(report.pass_rate() >= 0.98, "the pass rate fell to {:.1}%, below 98%", 100.0 * report.pass_rate());
}
