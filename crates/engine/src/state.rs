//! What a run knows while it runs: the data expressions read (trigger, action records, variables,
//! loop frames, results) and whether Terminate has ended it.

use flowbench_expr::{Env, EvalError, JsonScope, LoopFrame, RandomGuids, SystemClock, Val};
use serde_json::{json, Value};

use crate::record::{RunStatus, StepError, StepRecord};

pub(crate) struct RunState {
    pub scope: JsonScope,
    /// Set by Terminate: every step after it is Skipped with code `Terminated`.
    pub terminated: Option<(RunStatus, Option<StepError>)>,
}

impl RunState {
    pub fn new(trigger_name: &str, trigger_outputs: Value) -> Self {
        let scope = JsonScope {
            trigger: Some(json!({ "name": trigger_name, "outputs": trigger_outputs, "status": "Succeeded" })),
            ..JsonScope::default()
        };
        RunState { scope, terminated: None }
    }

    pub fn evaluate(&self, template: &str) -> Result<Val, EvalError> {
        let env = Env { scope: &self.scope, clock: &SystemClock, guids: &RandomGuids };
        flowbench_expr::evaluate_template(template, &env)
    }

    /// Records a finished step so later expressions see it (`outputs('X')`, `body('X')`, …).
    pub fn remember(&mut self, step: &StepRecord) {
        let record = json!({
            "name": step.name,
            "inputs": step.inputs,
            "outputs": step.outputs,
            "status": step.status.name(),
            "code": step.code,
            "startTime": step.start_time,
            "endTime": step.end_time,
            "error": step.error,
        });
        self.scope.actions.insert(step.name.clone(), record);
    }

    /// `result('X')`: the records of the first-level actions of a container.
    pub fn remember_result(&mut self, container: &str, steps: &[StepRecord]) {
        let records = steps.iter().filter_map(|s| self.scope.actions.get(&s.name).cloned()).collect();
        self.scope.results.insert(container.to_string(), Value::Array(records));
    }

    pub fn push_loop(&mut self, name: &str, item: Value, index: i64) {
        self.scope.loops.push(LoopFrame { name: name.to_string(), item, index });
    }

    pub fn pop_loop(&mut self) {
        self.scope.loops.pop();
    }

    /// The stored name of a variable (names are case-insensitive).
    pub fn variable_key(&self, name: &str) -> Option<String> {
        self.scope.variables.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
    }
}
