//! Runs the actions of a scope in dependency order, one at a time, and dispatches each action to
//! what runs its type. Containers are in `containers.rs`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use flowbench_core::outline::run_order;
use flowbench_core::{Action, ActionKind, Flow};
use serde_json::{json, Value};

use crate::evaluate::evaluate_inputs;
use crate::identity::choose_identity;
use crate::options::RunOptions;
use crate::progress::{ProgressEvent, StepProgress};
use crate::outcome::{invalid_template, Outcome};
use crate::record::{now_rfc3339, IdentitySource, IdentityUsed, IterationRecord, RunStatus, StepError, StepRecord, StepStatus};
use crate::state::RunState;
use crate::status::{aggregate_status, run_after_satisfied};
use crate::dataverse_retry::{self, Attempts};
use crate::retry::RetryPolicy;
use crate::timeouts::{action_timeout, timed_out};
use crate::child_flow::{self, ChildResult};
use crate::{data_operations, dataverse, http_action, response, secure, static_results, variables, wait};

pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub(crate) struct Runner<'f> {
    pub flow: &'f Flow,
    pub options: &'f RunOptions,
    pub client: crate::http_client::SharedClient,
    pub state: RunState,
    /// The pass of the innermost loop running, for progress events.
    pub pass: Option<u64>,
    /// How many child-flow runs enclose this run (0 for the run itself).
    pub child_depth: usize,
}

/// A container's result: its own outcome plus its inner steps or iterations.
pub(crate) struct ContainerResult {
    pub outcome: Outcome,
    pub steps: Vec<StepRecord>,
    pub iterations: Vec<IterationRecord>,
}

impl<'f> Runner<'f> {
    /// Runs `actions` (one scope) and returns their records in the order they ran, with the
    /// scope's aggregated status.
    pub fn run_scope<'s>(&'s mut self, actions: &'f [Action], depth: usize) -> BoxFuture<'s, (Vec<StepRecord>, StepStatus)> {
        Box::pin(async move {
            let mut ended: HashMap<String, StepStatus> = HashMap::with_capacity(actions.len());
            let mut records = Vec::with_capacity(actions.len());
            for action in run_order(actions) {
                let record = if self.options.cancellation.is_cancelled() {
                    not_started(action)
                } else if self.state.is_terminated() {
                    let reason = format!("The execution of template action '{}' is skipped: the run was terminated.", action.name);
                    skipped(action, "Terminated", &reason)
                } else {
                    match run_after_satisfied(action, &ended) {
                        Ok(()) => self.run_watched(action, depth).await,
                        Err(reason) => skipped(action, "ActionConditionFailed", &reason),
                    }
                };
                self.remember_tree(&record);
                // Only after expressions have the real values: what the record may show.
                let mut record = record;
                secure::redact(action, &mut record);
                ended.insert(action.name.clone(), record.status);
                records.push(record);
            }
            let status = aggregate_status(actions, &ended);
            (records, status)
        })
    }

    /// A record and, for a skipped container, its skipped inner steps: all visible to expressions.
    fn remember_tree(&mut self, record: &StepRecord) {
        self.state.remember(record);
        if record.status == StepStatus::Skipped {
            for inner in &record.steps {
                self.remember_tree(inner);
            }
        }
    }

    /// Runs an action, telling the run's watcher when it starts and how it ended.
    async fn run_watched(&mut self, action: &'f Action, depth: usize) -> StepRecord {
        let Some(progress) = self.options.progress.clone() else { return self.run_action(action, depth).await };
        let pass = self.pass;
        progress.send(ProgressEvent { step: action.name.clone(), iteration: pass, progress: StepProgress::Running });
        let record = self.run_action(action, depth).await;
        progress.send(ProgressEvent {
            step: action.name.clone(),
            iteration: pass,
            progress: StepProgress::Ended {
                status: record.status,
                duration_ms: duration_ms(&record),
                ran_as: record.identity.as_ref().map(|i| i.user.clone()),
                error: record.error.as_ref().map(|e| format!("{}: {}", e.code, e.message)),
            },
        });
        record
    }

    async fn run_action(&mut self, action: &'f Action, depth: usize) -> StepRecord {
        let start_time = now_rfc3339();
        let steps_started = self.state.start_step();
        // Long runs of steps that never wait (loops of Compose) still let the watcher poll and
        // cancel, even on a single-threaded runtime.
        if steps_started.is_multiple_of(64) {
            tokio::task::yield_now().await;
        }
        if steps_started > self.options.limits.max_steps {
            let message = format!(
                "'{}' would be step {} of the run; the engine's limit is {} steps per run, so the run ends here",
                action.name, steps_started, self.options.limits.max_steps
            );
            let error = StepError::new("ActionLimitExceeded", message);
            self.state.terminate(RunStatus::Failed, Some(error.clone()));
            return finish(action, start_time, simple(Outcome::failed(None, error)));
        }
        if let Some(mock) = self.options.mocks.get(&action.name) {
            let outcome = Outcome {
                status: mock.status,
                code: Some(if mock.status == StepStatus::Failed { "ActionFailed" } else { "OK" }.into()),
                inputs: None,
                outputs: Some(mock.outputs.clone()),
                error: (mock.status == StepStatus::Failed)
                    .then(|| StepError::new("ActionFailed", format!("The mock of '{}' says Failed", action.name))),
                identity: Some(IdentityUsed { user: "mock".into(), object_id: None, caller: None, source: IdentitySource::Mock }),
                retries: Vec::new(),
                child_run: None,
                http: None,
            };
            return finish(action, start_time, ContainerResult { outcome, steps: Vec::new(), iterations: Vec::new() });
        }
        if let Some(outcome) = static_results::static_result(self.flow, action) {
            return finish(action, start_time, simple(outcome));
        }
        let raw_inputs = action.body().get("inputs").cloned().unwrap_or(Value::Null);
        let name = action.name.as_str();
        let kind = action.kind();
        let result = match kind {
            ActionKind::If | ActionKind::Switch | ActionKind::Foreach | ActionKind::Until | ActionKind::Scope => {
                if depth >= self.options.limits.max_nesting {
                    let message = format!(
                        "'{name}' is nested {depth} containers deep; the engine runs at most {} levels",
                        self.options.limits.max_nesting
                    );
                    simple(Outcome::failed(None, StepError::new("ActionNestingLimitExceeded", message)))
                } else {
                    let mut result = self.run_container(action, depth + 1).await;
                    // A container the cancel interrupted ends Cancelled, whatever its finished passes said.
                    if self.options.cancellation.is_cancelled() && result.outcome.status != StepStatus::Failed {
                        result.outcome.status = StepStatus::Cancelled;
                        result.outcome.code = Some("Cancelled".into());
                    }
                    result
                }
            }
            // Every other kind runs in its own boxed future: a nested container's stack frame then
            // carries only the container arm, so deep nesting stays within the thread's stack.
            _ => {
                let leaf = Box::pin(self.run_leaf(action, kind, &raw_inputs));
                match action_timeout(action) {
                    Err(error) => simple(Outcome::failed(None, error)),
                    Ok(None) => simple(leaf.await),
                    Ok(Some((limit, duration))) => match tokio::time::timeout(duration, leaf).await {
                        Ok(outcome) => simple(outcome),
                        Err(_) => simple(timed_out(name, &limit)),
                    },
                }
            }
        };
        finish(action, start_time, result)
    }

    /// Actions that hold no other actions.
    async fn run_leaf(&mut self, action: &'f Action, kind: ActionKind, raw_inputs: &Value) -> Outcome {
        let name = action.name.as_str();
        match kind {
            ActionKind::Terminate => self.terminate(action, raw_inputs),
            ActionKind::InitializeVariable
            | ActionKind::SetVariable
            | ActionKind::IncrementVariable
            | ActionKind::DecrementVariable
            | ActionKind::AppendToArrayVariable
            | ActionKind::AppendToStringVariable => match evaluate_inputs(&self.state, raw_inputs) {
                Err(e) => Outcome::failed(None, invalid_template(name, "inputs", e)),
                Ok(inputs) => match variables::run_variable_action(&mut self.state.variables(), kind, &inputs) {
                    Ok(outputs) => Outcome::succeeded(Some(inputs), outputs),
                    Err(error) => Outcome::failed(Some(inputs), error.with_place(name)),
                },
            },
            ActionKind::Compose => data_operations::compose(&self.state, name, raw_inputs),
            ActionKind::Http => self.run_http(name, raw_inputs).await,
            ActionKind::ParseJson => data_operations::parse_json(&self.state, name, raw_inputs),
            ActionKind::Wait => wait::run_wait(&self.state, name, raw_inputs, self.options.skip_waits, &self.options.cancellation).await,
            ActionKind::Response => response::respond(&self.state, name, raw_inputs),
            ActionKind::Workflow => {
                let ChildResult { mut outcome, run } = child_flow::run_child_flow(&self.state, self.options, name, raw_inputs, self.client.clone(), self.child_depth).await;
                outcome.child_run = run.map(Box::new);
                outcome
            }
            ActionKind::Query => data_operations::query(&mut self.state, name, raw_inputs, self.options.limits.max_iterations),
            ActionKind::Select => data_operations::select(&mut self.state, name, raw_inputs, self.options.limits.max_iterations),
            _ if action.is_dataverse() => self.run_dataverse(action, raw_inputs).await,
            _ => Outcome::failed(None, not_implemented(action)),
        }
    }


    async fn run_http(&mut self, name: &str, raw_inputs: &Value) -> Outcome {
        let inputs = match evaluate_inputs(&self.state, raw_inputs) {
            Ok(inputs) => inputs,
            Err(e) => return Outcome::failed(None, invalid_template(name, "inputs", e)),
        };
        let Some(client) = self.client.get() else {
            return Outcome::failed(None, StepError::new("ConnectionFailure", "the engine has no HTTP client on this machine"));
        };
        http_action::run_http(client, name, inputs, &self.options.cancellation).await
    }

    async fn run_dataverse(&mut self, action: &'f Action, raw_inputs: &Value) -> Outcome {
        let name = action.name.as_str();
        let operation = action.operation_id().unwrap_or_default();
        let parameters = raw_inputs.get("parameters").cloned().unwrap_or_else(|| json!({}));
        let parameters = match evaluate_inputs(&self.state, &parameters) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Outcome::failed(None, StepError::new("BadRequest", format!("'{name}': inputs.parameters must be an object"))),
            Err(e) => return Outcome::failed(None, invalid_template(name, "parameters", e)),
        };
        let inputs = Some(json!({ "host": { "operationId": operation, "connectionName": action.connection_name() }, "parameters": parameters }));
        let identity = match choose_identity(self.flow, action, &self.options.identities) {
            Ok(identity) => identity,
            Err(error) => return Outcome::failed(inputs, error),
        };
        let used = Some(identity.used.clone());
        let (Some(environment_url), Some(client)) = (self.options.environment_url.as_deref(), self.client.get()) else {
            let error = StepError::new("NoEnvironment", format!("'{name}' calls Dataverse, but the run was given no environment URL (and no mock)"));
            return Outcome::failed(inputs, error).with_identity(used);
        };
        let mut inputs = inputs;
        if let (Some(Value::Object(record)), Some(request)) = (inputs.as_mut(), dataverse::request_summary(environment_url, operation, &parameters)) {
            record.insert("request".into(), request);
        }
        let policy = match RetryPolicy::parse(action.retry_policy()) {
            Ok(policy) => policy,
            Err(message) => return Outcome::failed(inputs, StepError::new("InvalidTemplate", format!("'{name}': {message}"))).with_identity(used),
        };
        let call = dataverse_retry::Call { client, environment_url, operation, parameters: &parameters, identity: &identity };
        let Attempts { result, retries, http } = dataverse_retry::run_with_retries(call, &policy, &self.options.cancellation).await;
        let Some(result) = result else {
            let error = StepError::new("Cancelled", format!("'{name}' was cancelled while it waited for Dataverse"));
            let mut outcome = Outcome::failed(inputs, error).with_identity(used);
            outcome.status = StepStatus::Cancelled;
            outcome.code = Some("Cancelled".into());
            outcome.retries = retries;
            outcome.http = Some(http);
            return outcome;
        };
        let mut outcome = Self::dataverse_outcome(result, inputs, used);
        outcome.retries = retries;
        outcome.http = Some(http);
        outcome
    }

    fn dataverse_outcome(result: dataverse::OperationResult, inputs: Option<Value>, used: Option<IdentityUsed>) -> Outcome {
        match result {
            Ok(outputs) => Outcome::succeeded(inputs, Some(outputs)).with_identity(used),
            Err((error, outputs)) => {
                let mut outcome = Outcome::failed(inputs, error).with_identity(used);
                // The action's code is the HTTP status, as in run history (`Forbidden`); the
                // error keeps Dataverse's own code.
                let status = outputs.as_ref().and_then(|o| o.get("statusCode")?.as_u64()).and_then(|s| reqwest::StatusCode::from_u16(s as u16).ok());
                if let Some(reason) = status.and_then(|s| s.canonical_reason()) {
                    outcome.code = Some(reason.replace(' ', ""));
                }
                outcome.outputs = outputs;
                outcome
            }
        }
    }
}

fn simple(outcome: Outcome) -> ContainerResult {
    ContainerResult { outcome, steps: Vec::new(), iterations: Vec::new() }
}

fn not_implemented(action: &Action) -> StepError {
    let what = match (action.api_name(), action.operation_id()) {
        (Some(api), Some(operation)) => format!("the connector operation {api}/{operation}"),
        _ => format!("actions of type '{}'", action.action_type()),
    };
    StepError::new("NotImplemented", format!("'{}': the engine does not run {what} yet; give the step a mock", action.name))
}

fn finish(action: &Action, start_time: String, result: ContainerResult) -> StepRecord {
    let ContainerResult { outcome, steps, iterations } = result;
    StepRecord {
        name: action.name.clone(),
        action_type: action.action_type().to_string(),
        status: outcome.status,
        code: outcome.code,
        start_time: Some(start_time),
        end_time: Some(now_rfc3339()),
        inputs: outcome.inputs,
        outputs: outcome.outputs,
        error: outcome.error,
        identity: outcome.identity,
        steps,
        iterations,
        retry_history: outcome.retries,
        child_run: outcome.child_run,
        http: outcome.http,
    }
}

/// The step's duration as its record's timestamps give it, in whole milliseconds of each (as a
/// reader of the stored record computes it), so live and stored durations agree.
fn duration_ms(record: &StepRecord) -> u64 {
    let millis = |t: &Option<String>| t.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| t.timestamp_millis());
    match (millis(&record.start_time), millis(&record.end_time)) {
        (Some(start), Some(end)) => end.saturating_sub(start).max(0) as u64,
        _ => 0,
    }
}

/// A step the run never started because it was cancelled first.
fn not_started(action: &Action) -> StepRecord {
    let mut record = skipped(action, "Cancelled", &format!("'{}' did not start: the run was cancelled.", action.name));
    record.status = StepStatus::Cancelled;
    record
}

/// A step that did not run, with its inner steps (they did not run either).
pub(crate) fn skipped(action: &Action, code: &str, reason: &str) -> StepRecord {
    StepRecord {
        name: action.name.clone(),
        action_type: action.action_type().to_string(),
        status: StepStatus::Skipped,
        code: Some(code.to_string()),
        start_time: None,
        end_time: None,
        inputs: None,
        outputs: None,
        error: Some(StepError::new(code, reason)),
        identity: None,
        steps: action
            .branches
            .iter()
            .flat_map(|b| &b.actions)
            .map(|inner| {
                let why = format!("The execution of template action '{}' is skipped: its container '{}' did not run.", inner.name, action.name);
                skipped(inner, code, &why)
            })
            .collect(),
        iterations: Vec::new(),
        retry_history: Vec::new(),
        child_run: None,
        http: None,
    }
}
