//! A [`Scope`] read from JSON: what `flowbench expr eval --context FILE` takes, and a simple
//! way to hand run data to an evaluation.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::env::Scope;

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JsonScope {
    /// The trigger's record (`{"outputs": {"headers": …, "body": …}}`).
    #[serde(default)]
    pub trigger: Option<Value>,
    /// Action records by name (`{"Get_row": {"outputs": {"body": …}, "status": "Succeeded"}}`).
    #[serde(default)]
    pub actions: Map<String, Value>,
    #[serde(default)]
    pub variables: Map<String, Value>,
    #[serde(default)]
    pub parameters: Map<String, Value>,
    /// Enclosing loops, outermost first.
    #[serde(default)]
    pub loops: Vec<LoopFrame>,
    #[serde(default)]
    pub results: Map<String, Value>,
    #[serde(default)]
    pub workflow: Option<Value>,
}

#[derive(Deserialize, Debug, Clone)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoopFrame {
    pub name: String,
    #[serde(default)]
    pub item: Value,
    #[serde(default)]
    pub index: i64,
}

impl Scope for JsonScope {
    fn trigger(&self) -> Option<&Value> {
        self.trigger.as_ref()
    }
    fn action(&self, name: &str) -> Option<&Value> {
        self.actions.get(name)
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        // Variable names are case-insensitive in the runtime.
        self.variables.get(name).or_else(|| self.variables.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
    }
    fn parameter(&self, name: &str) -> Option<&Value> {
        self.parameters.get(name)
    }
    fn item(&self) -> Option<&Value> {
        self.loops.last().map(|l| &l.item)
    }
    fn items(&self, loop_name: &str) -> Option<&Value> {
        self.loops.iter().rev().find(|l| l.name == loop_name).map(|l| &l.item)
    }
    fn iteration_index(&self, loop_name: &str) -> Option<i64> {
        self.loops.iter().rev().find(|l| l.name == loop_name).map(|l| l.index)
    }
    fn result(&self, scope_name: &str) -> Option<Value> {
        self.results.get(scope_name).cloned()
    }
    fn workflow(&self) -> Option<&Value> {
        self.workflow.as_ref()
    }
}
