//! What a run knows while it runs: the data expressions read (trigger, action records, variables,
//! loop frames, results) and whether Terminate has ended it.
//!
//! The iterations of a concurrent Foreach each get their own state: their own action records and
//! loop frame over a frozen snapshot of the enclosing scope (`outer`), while the variables, the
//! Terminate flag and the step count stay shared by the whole run, as in the runtime, where
//! variables are global to the run and every variable action is atomic.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use flowbench_expr::{Env, EvalError, JsonScope, LoopFrame, RandomGuids, Scope, SystemClock, Val};
use serde_json::{json, Map, Value};

use crate::record::{RunResponse, RunStatus, StepError, StepRecord};

pub(crate) struct RunState {
    /// This state's own records and loop frames (its `variables` field is unused: see `shared`).
    pub scope: JsonScope,
    /// The enclosing scope, for the iterations of a concurrent Foreach.
    outer: Option<Arc<JsonScope>>,
    shared: Arc<Shared>,
}

/// What every part of a run sees the same, whichever iteration it runs in.
#[derive(Default)]
struct Shared {
    variables: Mutex<Map<String, Value>>,
    /// Set by Terminate: every step after it is Skipped with code `Terminated`.
    terminated: Mutex<Option<(RunStatus, Option<StepError>)>>,
    steps_started: AtomicUsize,
    response: Mutex<Option<RunResponse>>,
}

impl RunState {
    pub fn new(trigger_name: &str, trigger_outputs: Value) -> Self {
        let scope = JsonScope {
            trigger: Some(json!({ "name": trigger_name, "outputs": trigger_outputs, "status": "Succeeded" })),
            ..JsonScope::default()
        };
        RunState { scope, outer: None, shared: Arc::default() }
    }

    /// Freezes this state's scope so concurrent iterations can read it; [`RunState::thaw`] gives
    /// it back once they have ended.
    pub fn freeze(&mut self) -> Arc<JsonScope> {
        Arc::new(std::mem::take(&mut self.scope))
    }

    pub fn thaw(&mut self, frozen: Arc<JsonScope>) {
        // Every iteration has ended, so this is the only reference left; a clone otherwise.
        self.scope = Arc::try_unwrap(frozen).unwrap_or_else(|shared| (*shared).clone());
    }

    /// The state of one concurrent iteration over `outer`.
    pub fn iteration(&self, outer: Arc<JsonScope>) -> RunState {
        RunState { scope: JsonScope::default(), outer: Some(outer), shared: self.shared.clone() }
    }

    /// True inside the iterations of a concurrent Foreach.
    pub fn is_concurrent(&self) -> bool {
        self.outer.is_some()
    }

    pub fn evaluate(&self, template: &str) -> Result<Val, EvalError> {
        self.with_scope(|scope| {
            let env = Env { scope, clock: &SystemClock, guids: &RandomGuids };
            flowbench_expr::evaluate_template(template, &env)
        })
    }

    /// Runs `f` with what expressions see. Holds the variables' lock, so `f` must not wait.
    pub fn with_scope<R>(&self, f: impl FnOnce(&dyn Scope) -> R) -> R {
        let variables = self.variables();
        let view = View { local: &self.scope, outer: self.outer.as_deref(), variables: &variables };
        f(&view)
    }

    /// The run's variables, locked: a variable action reads and writes under one lock, so it is
    /// atomic even when iterations run concurrently.
    pub fn variables(&self) -> MutexGuard<'_, Map<String, Value>> {
        self.shared.variables.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn is_terminated(&self) -> bool {
        self.shared.terminated.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    pub fn terminate(&self, status: RunStatus, error: Option<StepError>) {
        *self.shared.terminated.lock().unwrap_or_else(|p| p.into_inner()) = Some((status, error));
    }

    pub fn take_terminated(&self) -> Option<(RunStatus, Option<StepError>)> {
        self.shared.terminated.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Keeps the run's response; `Err` with the action that answered first when there is one.
    pub fn set_response(&self, response: RunResponse) -> Result<(), String> {
        let mut slot = self.shared.response.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some(first) => Err(first.action.clone()),
            None => {
                *slot = Some(response);
                Ok(())
            }
        }
    }

    pub fn take_response(&self) -> Option<RunResponse> {
        self.shared.response.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Counts a step against the run's limit; returns how many have started, this one included.
    pub fn start_step(&self) -> usize {
        self.shared.steps_started.fetch_add(1, Ordering::Relaxed) + 1
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
        let records = steps.iter().filter_map(|s| self.action(&s.name).cloned()).collect();
        self.scope.results.insert(container.to_string(), Value::Array(records));
    }

    fn action(&self, name: &str) -> Option<&Value> {
        self.scope.actions.get(name).or_else(|| self.outer.as_ref()?.actions.get(name))
    }

    pub fn push_loop(&mut self, name: &str, item: Value, index: i64) {
        self.scope.loops.push(LoopFrame { name: name.to_string(), item, index });
    }

    pub fn pop_loop(&mut self) {
        self.scope.loops.pop();
    }

    /// True inside a Foreach's iteration (Until pushes no frame).
    pub fn in_foreach(&self) -> bool {
        !self.scope.loops.is_empty() || self.outer.as_ref().is_some_and(|o| !o.loops.is_empty())
    }
}

/// The scope expressions read: this state's records first, then the enclosing scope's.
struct View<'a> {
    local: &'a JsonScope,
    outer: Option<&'a JsonScope>,
    variables: &'a Map<String, Value>,
}

impl View<'_> {
    fn frames(&self) -> impl Iterator<Item = &LoopFrame> {
        self.local.loops.iter().rev().chain(self.outer.into_iter().flat_map(|o| o.loops.iter().rev()))
    }
}

impl Scope for View<'_> {
    fn trigger(&self) -> Option<&Value> {
        self.local.trigger.as_ref().or_else(|| self.outer?.trigger.as_ref())
    }
    fn action(&self, name: &str) -> Option<&Value> {
        self.local.actions.get(name).or_else(|| self.outer?.actions.get(name))
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        // Variable names are case-insensitive in the runtime.
        self.variables.get(name).or_else(|| self.variables.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
    }
    fn parameter(&self, name: &str) -> Option<&Value> {
        self.local.parameters.get(name).or_else(|| self.outer?.parameters.get(name))
    }
    fn item(&self) -> Option<&Value> {
        self.frames().next().map(|l| &l.item)
    }
    fn items(&self, loop_name: &str) -> Option<&Value> {
        self.frames().find(|l| l.name == loop_name).map(|l| &l.item)
    }
    fn iteration_index(&self, loop_name: &str) -> Option<i64> {
        self.frames().find(|l| l.name == loop_name).map(|l| l.index)
    }
    fn result(&self, scope_name: &str) -> Option<Value> {
        self.local.results.get(scope_name).or_else(|| self.outer?.results.get(scope_name)).cloned()
    }
    fn workflow(&self) -> Option<&Value> {
        self.local.workflow.as_ref().or_else(|| self.outer?.workflow.as_ref())
    }
}

/// The stored name of a variable (names are case-insensitive).
pub(crate) fn variable_key(variables: &Map<String, Value>, name: &str) -> Option<String> {
    variables.keys().find(|k| k.eq_ignore_ascii_case(name)).cloned()
}
