//! Conformance cases in the format of `../shared/expr-cases/` (README there): each case a
//! template string and either the value it must give or the error it must raise.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::env::Env;
use crate::eval::evaluate_template;

#[derive(Deserialize, Serialize, Clone, Debug)]
pub struct Case {
    pub id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub test: String,
    pub expr: String,
    /// `"expect": null` means the value must be null, so presence is kept apart from null.
    #[serde(default, deserialize_with = "present")]
    pub expect: Option<Value>,
    /// A substring of the expected message, or `true` for any error.
    #[serde(default)]
    pub error: Option<Value>,
    #[serde(default)]
    pub phase: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Passed,
    /// Failed as expected, but with other words than the runtime's.
    PassedWithOtherMessage,
    Failed,
}

#[derive(Serialize, Clone, Debug)]
pub struct CaseResult {
    pub id: String,
    pub category: String,
    pub outcome: Outcome,
    /// What happened, for a failure.
    pub detail: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct CategoryTotals {
    pub passed: usize,
    pub failed: usize,
}

#[derive(Serialize, Clone, Debug)]
pub struct Report {
    pub results: Vec<CaseResult>,
    pub categories: BTreeMap<String, CategoryTotals>,
    pub passed: usize,
    pub failed: usize,
}

impl Report {
    pub fn pass_rate(&self) -> f64 {
        if self.results.is_empty() {
            return 0.0;
        }
        self.passed as f64 / self.results.len() as f64
    }
}

pub fn run_case(case: &Case, env: &Env) -> CaseResult {
    let result = evaluate_template(&case.expr, env);
    let (outcome, detail) = match (&case.error, &case.expect, result) {
        // A function we lack must not pass a case by failing for that reason.
        (Some(expected), _, Err(e))
            if e.message.contains("is not defined or not valid")
                && !expected.as_str().is_some_and(|t| t.contains("is not defined or not valid")) =>
        {
            (Outcome::Failed, format!("expected an error, but failed only because: {}", e.message))
        }
        (Some(expected), _, Err(e)) => match expected.as_str() {
            Some(text) if !e.message.contains(text) => {
                (Outcome::PassedWithOtherMessage, format!("failed as expected, with: {}", e.message))
            }
            _ => (Outcome::Passed, String::new()),
        },
        (Some(_), _, Ok(v)) => (Outcome::Failed, format!("expected an error, got {}", v.to_compact_json())),
        (None, Some(expected), Ok(v)) => {
            let got = v.to_json();
            if strictly_equal(&got, expected) {
                (Outcome::Passed, String::new())
            } else {
                (Outcome::Failed, format!("expected {expected}, got {}", v.to_compact_json()))
            }
        }
        (None, _, Err(e)) => (Outcome::Failed, format!("expected {}, got the error: {}", case.expect.clone().unwrap_or_default(), e.message)),
        (None, None, Ok(_)) => (Outcome::Failed, "the case has neither `expect` nor `error`".into()),
    };
    CaseResult { id: case.id.clone(), category: case.category.clone(), outcome, detail }
}

pub fn run_cases(cases: &[Case], env: &Env) -> Report {
    let results: Vec<CaseResult> = cases.iter().map(|c| run_case(c, env)).collect();
    let mut categories: BTreeMap<String, CategoryTotals> = BTreeMap::new();
    for r in &results {
        let totals = categories.entry(r.category.clone()).or_default();
        if r.outcome == Outcome::Failed {
            totals.failed += 1;
        } else {
            totals.passed += 1;
        }
    }
    let failed = results.iter().filter(|r| r.outcome == Outcome::Failed).count();
    Report { passed: results.len() - failed, failed, results, categories }
}

/// JSON equality with integers and floats kept apart and object key order significant.
pub fn strictly_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_f64() != y.is_f64() {
                return false;
            }
            match (x.as_i64(), y.as_i64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| strictly_equal(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|((k1, v1), (k2, v2))| k1 == k2 && strictly_equal(v1, v2))
        }
        _ => a == b,
    }
}
