//! Recall: a broken flow per rule in `tests/fixtures/broken` (written by `make_broken.py`), each
//! flagged with exactly the expected rule ids at the expected places.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use flowbench_core::Flow;
use flowbench_validate::{validate, ValidationContext, RULES};

fn fixtures() -> BTreeMap<String, Vec<(String, String)>> {
    let text = include_str!("fixtures/broken/expected.json");
    serde_json::from_str(text).expect("expected.json maps file to [rule, pointer] pairs")
}

fn diagnostics_of(file: &str, context: &ValidationContext) -> BTreeSet<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken").join(file);
    let flow = Flow::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    validate(&flow, context).into_iter().map(|d| (d.rule.to_string(), d.location.pointer)).collect()
}

#[test]
fn each_broken_flow_gets_exactly_its_diagnostics() {
    let mut wrong = Vec::new();
    for (file, expected) in fixtures() {
        let expected: BTreeSet<(String, String)> = expected.into_iter().collect();
        let got = diagnostics_of(&file, &ValidationContext::default());
        if got != expected {
            wrong.push(format!("{file}:\n  expected {expected:?}\n  got      {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn solution_context_rules_fire_on_their_own_fixtures() {
    // A logical name the solution does not declare.
    let context = ValidationContext { declared_references: Some(vec!["fb_Other".into()]), ..Default::default() };
    let got = diagnostics_of("connection-undeclared.json", &context);
    assert!(!got.iter().any(|(r, _)| r == "connection/logical-name-undeclared"), "the undeclared key has no entry to check");
    let got = diagnostics_of("dataverse-required-parameter.json", &context);
    assert!(got.contains(&(
        "connection/logical-name-undeclared".into(),
        "/properties/connectionReferences/shared_commondataserviceforapps".into()
    )));

    // A child flow that uses invoker connections.
    let text = r#"{"properties": {"connectionReferences": {}, "definition": {
        "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {}}},
        "actions": {"Run_child": {"type": "Workflow", "runAfter": {},
            "inputs": {"host": {"workflowReferenceName": "5f9a3c1e-0000-4000-8000-000000000001"}}}}}},
        "schemaVersion": "1.0.0.0"}"#;
    let flow = Flow::parse(text).unwrap();
    let context = ValidationContext { invoker_flow_ids: vec!["5F9A3C1E-0000-4000-8000-000000000001".into()], ..Default::default() };
    let rules: Vec<_> = validate(&flow, &context).into_iter().map(|d| (d.rule, d.location.pointer)).collect();
    assert_eq!(rules, [("connection/invoker-child-flow", "/properties/definition/actions/Run_child/inputs/host/workflowReferenceName".to_string())]);
}

#[test]
fn every_rule_is_exercised_by_a_fixture_or_a_context_test() {
    let mut covered: BTreeSet<String> = fixtures().into_values().flatten().map(|(rule, _)| rule).collect();
    covered.insert("connection/logical-name-undeclared".into());
    covered.insert("connection/invoker-child-flow".into());
    // The metadata rules need an environment: tests/metadata.rs covers each of them.
    for rule in ["metadata/table", "metadata/column", "metadata/value-type", "metadata/lookup-target"] {
        covered.insert(rule.into());
    }
    let missing: Vec<_> = RULES.iter().filter(|r| !covered.contains(r.id)).map(|r| r.id).collect();
    assert!(missing.is_empty(), "rules without a broken fixture: {missing:?}");
}
