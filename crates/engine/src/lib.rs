//! The run engine: test-runs a flow step by step with the runtime's semantics
//! (`../shared/reference/expression-language.md` §3), calling Dataverse as the identity each step
//! runs as (`flow-format.md` §3), and records the run like Power Automate's run history.
//!
//! ```ignore
//! let record = run_flow(&flow, json!({"headers": {}, "body": {"text": "Ada"}}), options).await;
//! ```
//!
//! Foreach runs its iterations concurrently when `concurrency.repetitions` says so; HTTP and
//! Dataverse steps retry under their retry policy; `limit.timeout`, Wait, Response, secure data
//! and static results behave as in the runtime. Connector actions other than Dataverse rows need
//! a mock or a static result. Workflow runs a child flow from `RunOptions::child_flows`, its own
//! run kept in the step's record (`child_run`).

mod child_flow;
mod containers;
mod data_operations;
mod dataverse;
mod dataverse_retry;
mod evaluate;
mod http_client;
mod http_action;
mod identity;
mod options;
mod progress;
mod outcome;
mod record;
mod response;
mod retry;
mod runner;
mod secure;
mod state;
mod static_results;
mod status;
mod timeouts;
mod variables;
mod wait;


use flowbench_core::Flow;
use serde_json::Value;

pub use child_flow::ChildFlows;
pub use options::{Identities, Identity, Limits, Mock, RunOptions};
pub use progress::{Cancellation, ProgressEvent, ProgressSink, StepProgress};
pub use record::{HttpExchanges, IdentitySource, IdentityUsed, IterationRecord, RetryAttempt, RunRecord, RunResponse, RunStatus, StepError, StepRecord, StepStatus};

use record::now_rfc3339;
use http_client::SharedClient;
use runner::Runner;
use state::RunState;

/// Runs `flow` once. `trigger_outputs` is what the trigger produced, `{headers, body}`
/// (`triggerBody()` reads its `body`). Never panics on the flow's content: every problem ends in
/// the record as a step's error.
pub async fn run_flow(flow: &Flow, trigger_outputs: Value, options: RunOptions) -> RunRecord {
    let client = SharedClient::new(options.http_client.clone());
    run_nested(flow, trigger_outputs, &options, client, 0).await
}

/// A run inside `child_depth` enclosing child-flow runs, sharing their HTTP client (and its
/// connections).
pub(crate) async fn run_nested(
    flow: &Flow,
    trigger_outputs: Value,
    options: &RunOptions,
    client: SharedClient,
    child_depth: usize,
) -> RunRecord {
    let start_time = now_rfc3339();
    let trigger_name = flow.trigger().map_or("manual", |t| t.name.as_str());
    if let Err(error) = check_trigger_inputs(flow, &trigger_outputs) {
        return RunRecord { status: RunStatus::Failed, error: Some(error), start_time, end_time: now_rfc3339(), steps: Vec::new(), response: None };
    }
    let mut state = RunState::new(trigger_name, trigger_outputs);
    // `parameters('x')` reads the definition's defaults (environment variables' current values
    // are not known to a local run).
    for parameter in flow.parameters() {
        if let Some(value) = parameter.default_value {
            state.scope.parameters.insert(parameter.name, value);
        }
    }
    let mut runner = Runner { flow, options, client, state, pass: None, child_depth };
    let (steps, status) = runner.run_scope(&flow.actions, 0).await;
    let (status, error) = match runner.state.take_terminated() {
        _ if options.cancellation.is_cancelled() => {
            (RunStatus::Cancelled, Some(StepError::new("Cancelled", "The run was cancelled.")))
        }
        Some((run_status, run_error)) => (run_status, run_error),
        None => match status {
            StepStatus::Failed => (RunStatus::Failed, first_failure(&steps)),
            StepStatus::TimedOut => (RunStatus::TimedOut, first_failure(&steps)),
            StepStatus::Cancelled => (RunStatus::Cancelled, None),
            StepStatus::Succeeded | StepStatus::Skipped => (RunStatus::Succeeded, None),
        },
    };
    let response = runner.state.take_response();
    RunRecord { status, error, start_time, end_time: now_rfc3339(), steps, response }
}

/// The error of the innermost failed (or timed-out) step that is not a container repeating an
/// inner failure.
fn first_failure(steps: &[StepRecord]) -> Option<StepError> {
    for step in steps.iter().filter(|s| matches!(s.status, StepStatus::Failed | StepStatus::TimedOut)) {
        let inner = first_failure(&step.steps).or_else(|| step.iterations.iter().find_map(|i| first_failure(&i.steps)));
        if inner.is_some() {
            return inner;
        }
        if step.error.is_some() {
            return step.error.clone();
        }
    }
    None
}

/// A Request trigger (manual, Power Apps, HTTP) refuses a body that does not match its schema, as
/// the runtime answers 400 before any run starts. The run then has no steps.
fn check_trigger_inputs(flow: &Flow, trigger_outputs: &Value) -> Result<(), StepError> {
    let Some(trigger) = flow.trigger() else { return Ok(()) };
    if !trigger.trigger_type().eq_ignore_ascii_case("Request") {
        return Ok(());
    }
    let Some(schema) = trigger.body().get("inputs").and_then(|i| i.get("schema")).filter(|s| s.as_object().is_some_and(|o| !o.is_empty())) else {
        return Ok(());
    };
    let body = trigger_outputs.get("body").unwrap_or(&Value::Null);
    let mut problems = Vec::new();
    data_operations::check_schema(body, schema, "", &mut problems, 0);
    if problems.is_empty() {
        Ok(())
    } else {
        let message = format!("The inputs of trigger '{}' do not match its schema: {}", trigger.name, problems.join("; "));
        Err(StepError::new("TriggerInputSchemaMismatch", message))
    }
}
