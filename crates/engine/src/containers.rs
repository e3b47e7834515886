//! The control actions: If, Switch, Foreach, Until, Scope (actions that hold actions), and
//! Terminate. A container's status is aggregated from its actions (`status.rs`).

use flowbench_core::{Action, ActionKind, Slot};
use flowbench_expr::value::values_equal;
use flowbench_expr::Val;
use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Value};

use crate::evaluate::{evaluate_condition, evaluate_inputs};
use crate::outcome::{invalid_template, Outcome};
use crate::record::{IterationRecord, RunStatus, StepError, StepRecord, StepStatus};
use crate::runner::{skipped, ContainerResult, Runner};
use crate::state::RunState;
use crate::timeouts::{self, UNTIL_DEFAULT_TIMEOUT};

/// Until's pass limit when `limit.count` is absent (the designer's default).
const UNTIL_DEFAULT_COUNT: usize = 60;

impl<'f> Runner<'f> {
    pub(crate) async fn run_container(&mut self, action: &'f Action, depth: usize) -> ContainerResult {
        match action.kind() {
            ActionKind::If => self.run_if(action, depth).await,
            ActionKind::Switch => self.run_switch(action, depth).await,
            ActionKind::Foreach => self.run_foreach(action, depth).await,
            ActionKind::Until => self.run_until(action, depth).await,
            _ => {
                let (steps, status) = self.run_scope(branch_actions(action, &Slot::Actions), depth).await;
                self.state.remember_result(&action.name, &steps);
                ContainerResult { outcome: aggregated(status, None), steps, iterations: Vec::new() }
            }
        }
    }

    async fn run_if(&mut self, action: &'f Action, depth: usize) -> ContainerResult {
        let condition = action.body().get("expression").cloned().unwrap_or(Value::Null);
        let verdict = match evaluate_condition(&self.state, &condition) {
            Ok(v) => v,
            Err(e) => return self.failed_container(action, invalid_template(&action.name, "expression", e)),
        };
        let (taken, not_taken) = if verdict { (Slot::Actions, Slot::Else) } else { (Slot::Else, Slot::Actions) };
        let (mut steps, status) = self.run_scope(branch_actions(action, &taken), depth).await;
        steps.extend(skip_branch(action, &not_taken));
        self.state.remember_result(&action.name, &steps);
        ContainerResult { outcome: aggregated(status, Some(json!({ "expressionResult": verdict }))), steps, iterations: Vec::new() }
    }

    async fn run_switch(&mut self, action: &'f Action, depth: usize) -> ContainerResult {
        let expression = action.body().get("expression").cloned().unwrap_or(Value::Null);
        let value = match evaluate_inputs(&self.state, &expression) {
            Ok(v) => Val::from_json(&v),
            Err(e) => return self.failed_container(action, invalid_template(&action.name, "expression", e)),
        };
        let cases = action.body().get("cases");
        let matching = action.branches.iter().find(|b| match &b.slot {
            Slot::Case(key) => cases
                .and_then(|c| c.get(key))
                .and_then(|c| c.get("case"))
                .is_some_and(|case| values_equal(&Val::from_json(case), &value)),
            _ => false,
        });
        let taken = matching.map_or(Slot::Default, |b| b.slot.clone());
        let (mut steps, status) = self.run_scope(branch_actions(action, &taken), depth).await;
        for branch in action.branches.iter().filter(|b| b.slot != taken) {
            steps.extend(skip_branch(action, &branch.slot));
        }
        self.state.remember_result(&action.name, &steps);
        let inputs = json!({ "expressionResult": value.to_json(), "case": match &taken { Slot::Case(k) => k.as_str(), _ => "default" } });
        ContainerResult { outcome: aggregated(status, Some(inputs)), steps, iterations: Vec::new() }
    }

    /// One iteration at a time by default, as Power Automate's "Apply to each"; with
    /// `runtimeConfiguration.concurrency.repetitions` (1–50) that many at once. Nested loops
    /// always run one at a time (reference §3.2). The record keeps the iterations in order.
    async fn run_foreach(&mut self, action: &'f Action, depth: usize) -> ContainerResult {
        let name = action.name.as_str();
        let source = action.body().get("foreach").cloned().unwrap_or(Value::Null);
        let items = match evaluate_inputs(&self.state, &source) {
            Ok(Value::Array(items)) => items,
            Ok(other) => {
                let message = format!(
                    "The execution of template action '{name}' failed: the result of the evaluation of 'foreach' expression is {}. The result must be a valid array.",
                    short(&other)
                );
                return self.failed_container(action, StepError::new("InvalidTemplate", message));
            }
            Err(e) => return self.failed_container(action, invalid_template(name, "foreach", e)),
        };
        let max = self.options.limits.max_iterations;
        if items.len() > max {
            let message = format!("'{name}' would run {} iterations; the engine's limit is {max}", items.len());
            return self.failed_container(action, StepError::new("ActionLimitExceeded", message));
        }
        let concurrency = match foreach_concurrency(action) {
            Ok(n) => n,
            Err(error) => return self.failed_container(action, error),
        };
        let nested = self.state.in_foreach() || self.state.is_concurrent();
        let iterations = if concurrency > 1 && !nested && items.len() > 1 {
            self.run_iterations_concurrently(action, &items, concurrency, depth).await
        } else {
            self.run_iterations_in_order(action, &items, depth).await
        };
        let status = worst(iterations.iter().map(|i| i.status));
        let inputs = json!({ "foreach": items.len(), "concurrency": if nested { 1 } else { concurrency } });
        ContainerResult { outcome: aggregated(status, Some(inputs)), steps: Vec::new(), iterations }
    }

    async fn run_iterations_in_order(&mut self, action: &'f Action, items: &[Value], depth: usize) -> Vec<IterationRecord> {
        let name = action.name.as_str();
        let body = branch_actions(action, &Slot::Actions);
        let mut iterations = Vec::with_capacity(items.len());
        let outer_pass = self.pass;
        for (index, item) in items.iter().enumerate() {
            if self.options.cancellation.is_cancelled() {
                break;
            }
            self.state.push_loop(name, item.clone(), index as i64);
            self.pass = Some(index as u64);
            let (steps, status) = self.run_scope(body, depth).await;
            self.state.pop_loop();
            self.state.remember_result(name, &steps);
            iterations.push(IterationRecord { index: index as u64, status, steps });
            if self.state.is_terminated() {
                break;
            }
        }
        self.pass = outer_pass;
        iterations
    }

    /// Up to `concurrency` iterations in flight on this task: their Dataverse and HTTP requests
    /// overlap. Each iteration has its own action records over a frozen copy of the enclosing
    /// scope; variables are the run's, shared (the runtime's rule: predictable only when the loop
    /// runs one at a time). Afterwards the last iteration's records are what later steps read, as
    /// after a sequential loop.
    async fn run_iterations_concurrently(&mut self, action: &'f Action, items: &[Value], concurrency: usize, depth: usize) -> Vec<IterationRecord> {
        let name = action.name.as_str();
        let body = branch_actions(action, &Slot::Actions);
        let frozen = self.state.freeze();
        let run = self.state.iteration(frozen.clone());
        let (flow, options) = (self.flow, self.options);
        let mut in_flight = FuturesUnordered::new();
        let mut waiting = items.iter().enumerate();
        let mut ended: Vec<(IterationRecord, RunState)> = Vec::with_capacity(items.len());
        loop {
            // A cancel or a Terminate starts no more iterations; those in flight finish or stop.
            while in_flight.len() < concurrency && !options.cancellation.is_cancelled() && !run.is_terminated() {
                let Some((index, item)) = waiting.next() else { break };
                let runner = Runner { flow, options, client: self.client.clone(), state: run.iteration(frozen.clone()), pass: Some(index as u64), child_depth: self.child_depth };
                in_flight.push(run_iteration(runner, name, item.clone(), index, body, depth));
            }
            match in_flight.next().await {
                Some(pass) => ended.push(pass),
                None => break,
            }
        }
        ended.sort_by_key(|(iteration, _)| iteration.index);
        let last = ended.last_mut().map(|(_, state)| std::mem::take(&mut state.scope.actions));
        let iterations: Vec<IterationRecord> = ended.into_iter().map(|(iteration, _)| iteration).collect();
        drop(run);
        self.state.thaw(frozen);
        if let (Some(actions), Some(iteration)) = (last, iterations.last()) {
            self.state.scope.actions.extend(actions);
            self.state.remember_result(name, &iteration.steps);
        }
        iterations
    }

    /// Do-until: the body runs, then the condition is checked; at most `limit.count` passes
    /// (capped by the engine's iteration limit). A failed pass ends the loop, Failed.
    async fn run_until(&mut self, action: &'f Action, depth: usize) -> ContainerResult {
        let name = action.name.as_str();
        let count = match action.body().get("limit").and_then(|l| l.get("count")) {
            None | Some(Value::Null) => UNTIL_DEFAULT_COUNT,
            Some(raw) => match evaluate_inputs(&self.state, raw).map(|v| v.as_u64()) {
                Ok(Some(n)) => n.min(usize::MAX as u64) as usize,
                Ok(None) => return self.failed_container(action, StepError::new("InvalidTemplate", format!("The limit.count of '{name}' must be a non-negative integer"))),
                Err(e) => return self.failed_container(action, invalid_template(name, "limit.count", e)),
            },
        };
        let passes = count.clamp(1, self.options.limits.max_iterations);
        let raw_timeout = action.body().get("limit").and_then(|l| l.get("timeout")).and_then(Value::as_str).unwrap_or(UNTIL_DEFAULT_TIMEOUT);
        let (limit, timeout) = match timeouts::parse(name, raw_timeout) {
            Ok(parsed) => parsed,
            Err(error) => return self.failed_container(action, error),
        };
        let deadline = tokio::time::Instant::now() + timeout;
        let mut timed_out = false;
        let condition = action.body().get("expression").cloned().unwrap_or(Value::Null);
        let body = branch_actions(action, &Slot::Actions);
        let mut iterations = Vec::new();
        let mut outcome_error = None;
        let outer_pass = self.pass;
        for index in 0..passes {
            if self.options.cancellation.is_cancelled() {
                break;
            }
            if tokio::time::Instant::now() >= deadline {
                timed_out = true;
                break;
            }
            self.pass = Some(index as u64);
            // The limit counts from the loop's start and stops a pass that is still running.
            let pass = tokio::time::timeout_at(deadline, self.run_scope(body, depth)).await;
            self.pass = outer_pass;
            let Ok((steps, status)) = pass else {
                iterations.push(IterationRecord { index: index as u64, status: StepStatus::TimedOut, steps: Vec::new() });
                timed_out = true;
                break;
            };
            self.state.remember_result(name, &steps);
            iterations.push(IterationRecord { index: index as u64, status, steps });
            if status != StepStatus::Succeeded || self.state.is_terminated() {
                break;
            }
            match evaluate_condition(&self.state, &condition) {
                Ok(true) => break,
                Ok(false) => {}
                Err(e) => {
                    outcome_error = Some(invalid_template(name, "expression", e));
                    break;
                }
            }
        }
        let inputs = Some(json!({ "passes": iterations.len(), "limit": count }));
        let outcome = match outcome_error {
            Some(error) => Outcome::failed(inputs, error),
            None if timed_out => Outcome { inputs, ..timeouts::timed_out(name, &limit) },
            None => aggregated(worst(iterations.iter().map(|i| i.status)), inputs),
        };
        ContainerResult { outcome, steps: Vec::new(), iterations }
    }

    /// Terminate: ends the run with `runStatus`; the steps after it are Skipped.
    pub(crate) fn terminate(&mut self, action: &Action, raw_inputs: &Value) -> Outcome {
        let inputs = match evaluate_inputs(&self.state, raw_inputs) {
            Ok(v) => v,
            Err(e) => return Outcome::failed(None, invalid_template(&action.name, "inputs", e)),
        };
        let run_status = match inputs.get("runStatus").and_then(Value::as_str).map(str::to_ascii_lowercase).as_deref() {
            Some("succeeded") => RunStatus::Succeeded,
            Some("failed") => RunStatus::Failed,
            Some("cancelled") => RunStatus::Cancelled,
            other => {
                let message = format!("'{}': runStatus must be Succeeded, Failed or Cancelled, not {other:?}", action.name);
                return Outcome::failed(Some(inputs), StepError::new("InvalidTemplate", message));
            }
        };
        let run_error = (run_status == RunStatus::Failed).then(|| {
            let error = inputs.get("runError");
            let text = |key: &str| error.and_then(|e| e.get(key)).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            StepError::new(
                text("code").unwrap_or_else(|| "Terminated".into()),
                text("message").unwrap_or_else(|| format!("The run was terminated by '{}'", action.name)),
            )
        });
        self.state.terminate(run_status, run_error);
        Outcome::succeeded(Some(inputs), None)
    }

    /// A container that could not start: it Failed, and its inner actions are Skipped.
    fn failed_container(&mut self, action: &Action, error: StepError) -> ContainerResult {
        let steps = skipped(action, "ActionConditionFailed", "").steps;
        for step in &steps {
            self.state.remember(step);
        }
        ContainerResult { outcome: Outcome::failed(None, error), steps, iterations: Vec::new() }
    }
}

fn branch_actions<'f>(action: &'f Action, slot: &Slot) -> &'f [Action] {
    action.branch(slot).map_or(&[], |b| b.actions.as_slice())
}

/// The actions of a branch not taken, Skipped as the runtime records them.
fn skip_branch(action: &Action, slot: &Slot) -> Vec<StepRecord> {
    branch_actions(action, slot)
        .iter()
        .map(|inner| {
            let why = format!("The execution of template action '{}' is skipped: its branch of '{}' was not taken.", inner.name, action.name);
            skipped(inner, "ActionBranchingConditionNotSatisfied", &why)
        })
        .collect()
}

/// A container's outcome from its aggregated status.
fn aggregated(status: StepStatus, inputs: Option<Value>) -> Outcome {
    match status {
        StepStatus::Failed => Outcome::failed(inputs, StepError::new("ActionFailed", "An action failed. No dependent actions succeeded.")),
        StepStatus::TimedOut => {
            let mut outcome = Outcome::failed(inputs, StepError::new("ActionTimedOut", "An inner action timed out."));
            outcome.status = StepStatus::TimedOut;
            outcome
        }
        _ => {
            let mut outcome = Outcome::succeeded(inputs, None);
            outcome.code = Some("NotSpecified".into());
            outcome
        }
    }
}

/// One pass of a concurrent Foreach, on its own runner (a named future: it must be `Send`).
async fn run_iteration<'f>(mut runner: Runner<'f>, name: &'f str, item: Value, index: usize, body: &'f [Action], depth: usize) -> (IterationRecord, RunState) {
    runner.state.push_loop(name, item, index as i64);
    let (steps, status) = runner.run_scope(body, depth).await;
    (IterationRecord { index: index as u64, status, steps }, runner.state)
}

/// `runtimeConfiguration.concurrency.repetitions` (1–50), or 1 when `operationOptions` says
/// Sequential or nothing is set (Power Automate's default for Apply to each).
fn foreach_concurrency(action: &Action) -> Result<usize, StepError> {
    let Some(raw) = action.body().get("runtimeConfiguration").and_then(|r| r.get("concurrency")).and_then(|c| c.get("repetitions")) else {
        return Ok(1);
    };
    let sequential = action.body().get("operationOptions").and_then(Value::as_str).is_some_and(|o| o.eq_ignore_ascii_case("Sequential"));
    match raw.as_u64() {
        Some(n @ 1..=50) if !sequential => Ok(n as usize),
        Some(1..=50) => Ok(1),
        _ => Err(StepError::new(
            "InvalidTemplate",
            format!("'{}': runtimeConfiguration.concurrency.repetitions must be an integer from 1 to 50, not {raw}", action.name),
        )),
    }
}

fn worst(statuses: impl Iterator<Item = StepStatus>) -> StepStatus {
    let mut result = StepStatus::Succeeded;
    for status in statuses {
        match status {
            StepStatus::Failed => return StepStatus::Failed,
            StepStatus::TimedOut => result = StepStatus::TimedOut,
            _ => {}
        }
    }
    result
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 { format!("{}…", text.chars().take(80).collect::<String>()) } else { text }
}
