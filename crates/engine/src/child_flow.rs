//! The Workflow action ("Run a Child Flow"): runs another flow of the same solution as a run of
//! its own, its manual trigger's body being the action's `inputs.body`, and answers with what the
//! child's Response ("Respond to a PowerApp or flow") answered.
//!
//! As in Power Automate (`flow-format.md` §3.4, V6), a child flow must use embedded connections:
//! one with a run-only user's connection (`runtimeSource: invoker`) is refused with
//! `ChildFlowUnsupportedForInvokerConnections`, and the parent step fails without running it.
//! The action names its child by `inputs.host.workflowReferenceName` (the child's workflow id).

use std::collections::BTreeMap;
use std::sync::Arc;

use flowbench_core::{ActionKind, Flow};
use serde_json::{json, Value};

use crate::evaluate::evaluate_inputs;
use crate::options::RunOptions;
use crate::outcome::{invalid_template, Outcome};
use crate::record::{RunRecord, RunStatus, StepError, StepStatus};
use crate::runner::BoxFuture;
use crate::state::RunState;

/// The flows a run may call as child flows, by workflow id (compared without braces and case) or
/// by name. Cheap to clone: child runs share it.
#[derive(Clone, Debug, Default)]
pub struct ChildFlows(Arc<BTreeMap<String, Flow>>);

impl ChildFlows {
    /// Makes `flow` callable as `key` (its workflow id, or a name).
    pub fn insert(&mut self, key: &str, flow: Flow) {
        Arc::make_mut(&mut self.0).insert(normalise(key), flow);
    }

    /// The flow a `workflowReferenceName` names.
    pub fn get(&self, reference: &str) -> Option<&Flow> {
        self.0.get(&normalise(reference))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ids and names the flows can be called by (normalised: lower case, no braces).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// `{6E5A9197-…}` and `6e5a9197-…` name the same flow.
fn normalise(key: &str) -> String {
    key.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase()
}

/// How deep child flows may call child flows (a flow that calls itself ends here, not in a stack
/// overflow). Power Automate stops such chains too; 8 keeps test runs short.
pub(crate) const MAX_CHILD_DEPTH: usize = 8;

/// What running a child gives the parent's step: its outcome and the child's own run record.
pub(crate) struct ChildResult {
    pub outcome: Outcome,
    pub run: Option<RunRecord>,
}

/// Runs the child flow the Workflow action `name` names. `child_depth` is how many child runs
/// enclose this one.
pub(crate) async fn run_child_flow(
    state: &RunState,
    options: &RunOptions,
    name: &str,
    raw_inputs: &Value,
    client: crate::http_client::SharedClient,
    child_depth: usize,
) -> ChildResult {
    let inputs = match evaluate_inputs(state, raw_inputs) {
        Ok(inputs) => inputs,
        Err(e) => return failed(None, invalid_template(name, "inputs", e)),
    };
    let Some(reference) = inputs.pointer("/host/workflowReferenceName").and_then(Value::as_str).map(str::to_owned) else {
        let error = StepError::new("InvalidTemplate", format!("'{name}' names no child flow (inputs.host.workflowReferenceName)"));
        return failed(Some(inputs), error);
    };
    let Some(child) = options.child_flows.get(&reference) else {
        let message = if options.child_flows.is_empty() {
            format!("'{name}' runs the child flow '{reference}', but the run was given no child flows (run the solution, or pass the child with --child)")
        } else {
            let known = options.child_flows.names().collect::<Vec<_>>().join(", ");
            format!("'{name}' runs the child flow '{reference}', which is not among the flows the run was given (known: {known}); run the solution that holds it, or pass it with --child")
        };
        return failed(Some(inputs), StepError::new("WorkflowNotFound", message));
    };
    if let Some(reference_name) = child.references().into_iter().find(|r| r.run_only_user).map(|r| r.logical_name.unwrap_or(r.key)) {
        let message = format!(
            "'{name}' cannot run the child flow '{reference}': it uses the run-only user's connection for '{reference_name}', and child workflows only support embedded connections (set its Run only users connections to use a connection, not \"Provided by run-only user\")"
        );
        return failed(Some(inputs), StepError::new("ChildFlowUnsupportedForInvokerConnections", message));
    }
    if !has_response(child) {
        let message = format!(
            "'{name}' cannot run the child flow '{reference}': it has no Response action (\"Respond to a PowerApp or flow\"), and a child flow must answer its parent with one"
        );
        return failed(Some(inputs), StepError::new("ChildFlowWithoutResponse", message));
    }
    if child_depth >= MAX_CHILD_DEPTH {
        let message = format!("'{name}' would run a child flow {} levels deep; the engine runs at most {MAX_CHILD_DEPTH}", child_depth + 1);
        return failed(Some(inputs), StepError::new("ActionNestingLimitExceeded", message));
    }
    let body = inputs.get("body").cloned().unwrap_or_else(|| json!({}));
    // The child is a run of its own: the parent's mocks name the parent's steps, and its progress
    // events would mix two flows' step names.
    let child_options = RunOptions { mocks: BTreeMap::new(), progress: None, ..options.clone() };
    let run: BoxFuture<'_, RunRecord> =
        Box::pin(async move { crate::run_nested(child, json!({ "headers": {}, "body": body }), &child_options, client, child_depth + 1).await });
    let record = run.await;
    let outcome = answer(name, &reference, inputs, &record);
    ChildResult { outcome, run: Some(record) }
}

/// The parent's step from the child's run: its Response's status, headers and body, or the
/// child's failure.
fn answer(name: &str, reference: &str, inputs: Value, record: &RunRecord) -> Outcome {
    if let Some(response) = &record.response {
        let outputs = json!({ "statusCode": response.status_code, "headers": response.headers, "body": response.body });
        if (200..300).contains(&response.status_code) {
            return Outcome::succeeded(Some(inputs), Some(outputs));
        }
        let message = format!("'{name}': the child flow '{reference}' answered with status {} through '{}'", response.status_code, response.action);
        let mut outcome = Outcome::failed(Some(inputs), StepError::new("ActionFailed", message));
        outcome.outputs = Some(outputs);
        return outcome;
    }
    match (record.status, &record.error) {
        (RunStatus::Succeeded, _) => {
            let message = format!("'{name}': the child flow '{reference}' ended without answering (its Response action did not run)");
            Outcome::failed(Some(inputs), StepError::new("ChildFlowWithoutResponse", message))
        }
        (RunStatus::Cancelled, _) => {
            let message = format!("'{name}': the child flow '{reference}' was cancelled with the run");
            let mut outcome = Outcome::failed(Some(inputs), StepError::new("Cancelled", message));
            outcome.status = StepStatus::Cancelled;
            outcome
        }
        (status, Some(error)) => {
            let message = format!("'{name}': the child flow '{reference}' ended {status:?}: {}", error.message);
            Outcome::failed(Some(inputs), StepError::new(error.code.clone(), message))
        }
        (status, None) => {
            let message = format!("'{name}': the child flow '{reference}' ended {status:?}");
            Outcome::failed(Some(inputs), StepError::new("ActionFailed", message))
        }
    }
}

fn has_response(flow: &Flow) -> bool {
    flow.all_actions().iter().any(|a| a.kind() == ActionKind::Response)
}

fn failed(inputs: Option<Value>, error: StepError) -> ChildResult {
    ChildResult { outcome: Outcome::failed(inputs, error), run: None }
}
