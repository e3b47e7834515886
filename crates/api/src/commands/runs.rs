use flowbench_core::Flow;
use flowbench_dataverse::{Secrets, SANDBOX};
use std::collections::BTreeMap;

use flowbench_engine::{run_flow, Mock, ProgressEvent, RunOptions, RunRecord, StepStatus};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::child_flows::{calls_children, children_from, Children};
use crate::commands::environments::current_name;
use crate::environment_run::{environment_identities, RunAs};
use crate::run_store::RunSummary;
use crate::sandbox_run::{reuse_before, run_in_sandbox, Watch};
use crate::{ApiError, Command, Context, ErrorCode};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunFlowRequest {
    /// The flow as flow JSON (the document's `source`).
    pub flow_json: String,
    /// Who runs it (the invoker): a sandbox persona, or in a real environment a signed-in account
    /// or the sign-in name of a user to impersonate.
    pub persona: String,
    /// The trigger's body.
    #[ts(type = "unknown")]
    pub trigger_body: serde_json::Value,
    /// Which flow's history the run joins: its path, or its name when it has none.
    pub flow_key: String,
    /// Re-run from a step, reusing an earlier run's outputs for the steps before it.
    #[ts(optional)]
    #[serde(default)]
    pub rerun_from: Option<RerunFrom>,
    /// In a real environment: reach `persona` through the connection owner's token
    /// (`CallerObjectId`), even when they are signed in here too.
    #[ts(optional)]
    #[serde(default)]
    pub impersonate: Option<bool>,
    /// Canned answers for steps that should not be called for real, by step name.
    #[ts(optional)]
    #[serde(default)]
    pub mocks: Option<BTreeMap<String, StepMock>>,
    /// Wait actions end at once instead of waiting.
    #[ts(optional)]
    #[serde(default)]
    pub skip_waits: Option<bool>,
    /// Where the flow was opened from (the document's `path`). When that is a solution, its
    /// flows are the child flows the run's Workflow actions call.
    #[ts(optional)]
    #[serde(default)]
    pub opened_from: Option<String>,
}

/// The child flows of a run: read from the solution the flow was opened from, and only when the
/// flow calls any, so a moved or broken file does not stop other runs.
fn children(flow: &Flow, request: &RunFlowRequest) -> Result<Children, ApiError> {
    match &request.opened_from {
        Some(path) if calls_children(flow) => children_from(std::path::Path::new(path)).map_err(|e| {
            ApiError::new(ErrorCode::Solution, format!("the child flows of {path} cannot be read: {e}"))
        }),
        _ => Ok(Children::default()),
    }
}

/// A step's canned answer: it "ends" with this status and these outputs without running.
#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepMock {
    pub status: StepStatus,
    #[ts(type = "unknown")]
    pub outputs: serde_json::Value,
}

/// The mocks a run is given: the maker's, with a re-run's reused outputs taking precedence.
fn mocks(request: &RunFlowRequest, reused: BTreeMap<String, Mock>) -> BTreeMap<String, Mock> {
    let mut all: BTreeMap<String, Mock> =
        request.mocks.iter().flatten().map(|(name, m)| (name.clone(), Mock { status: m.status, outputs: m.outputs.clone() })).collect();
    all.extend(reused);
    all
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RerunFrom {
    #[ts(type = "number")]
    pub run_id: i64,
    pub step: String,
}

/// A test run in the environment in use, to its end: the embedded sandbox (connection references
/// run as the `svc` persona), or a signed-in environment. The designer uses `start_run` instead.
pub struct RunFlow;

impl Command for RunFlow {
    const NAME: &'static str = "run_flow";
    type Request = RunFlowRequest;
    type Response = RunRecord;

    async fn run(ctx: &Context, request: RunFlowRequest) -> Result<RunRecord, ApiError> {
        Ok(execute_run(ctx, request, Watch::default()).await?.record)
    }
}

/// A finished run and its id in the run history (none when there is no history to keep it in).
pub(crate) struct FinishedRun {
    pub record: RunRecord,
    pub stored_id: Option<i64>,
}

pub(crate) async fn execute_run(ctx: &Context, request: RunFlowRequest, mut watch: Watch) -> Result<FinishedRun, ApiError> {
    watch.skip_waits |= request.skip_waits.unwrap_or(false);
    watch.http_client = Some(ctx.sign_ins.http().clone());
    let flow = Flow::parse(&request.flow_json)?;
    let children = children(&flow, &request)?;
    let environment = current_name(ctx)?;
    if !environment.eq_ignore_ascii_case(SANDBOX) {
        return run_in_environment(ctx, &environment, &flow, children, request, watch).await;
    }
    let sandbox = ctx
        .sandbox
        .as_ref()
        .ok_or_else(|| ApiError::new(ErrorCode::Environment, "the embedded sandbox is not running, so there is nowhere to run"))?;
    let reuse = match &request.rerun_from {
        None => Default::default(),
        Some(from) => {
            let earlier = sandbox
                .runs
                .get(from.run_id)
                .map_err(|e| ApiError::new(ErrorCode::Internal, e))?
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidArguments, format!("there is no run {}", from.run_id)))?;
            reuse_before(&flow, &from.step, &earlier).map_err(|e| ApiError::new(ErrorCode::InvalidArguments, e))?
        }
    };
    let mocks = mocks(&request, reuse);
    let record = run_in_sandbox(&sandbox.sandbox, &sandbox.url, &flow, children, &request.persona, "svc", request.trigger_body, mocks, watch)
        .await
        .map_err(|e| ApiError::new(ErrorCode::Environment, e))?;
    let stored_id = sandbox.runs.add(&request.flow_key, &request.persona, &record).map_err(|e| ApiError::new(ErrorCode::Internal, e))?;
    Ok(FinishedRun { record, stored_id: Some(stored_id) })
}

/// A run against a signed-in environment: `persona` names the invoker (a signed-in account, or
/// any user reached by impersonation); connection references run as their bound accounts.
async fn run_in_environment(ctx: &Context, name: &str, flow: &Flow, children: Children, request: RunFlowRequest, watch: Watch) -> Result<FinishedRun, ApiError> {
    if request.rerun_from.is_some() {
        return Err(ApiError::new(ErrorCode::InvalidArguments, "re-running from a step is for the embedded sandbox only"));
    }
    let environment = ctx.sign_ins.book()?.get(name)?.clone();
    // Nobody signed in is the likelier problem, and says more than a missing credential store.
    environment.choose_account(None)?;
    let secrets = Secrets::system()?;
    let run_as = RunAs {
        invoker: Some(request.persona.as_str()).filter(|p| !p.is_empty()),
        owner: None,
        impersonate: request.impersonate.unwrap_or(false),
    };
    let mut identities = environment_identities(&environment, &secrets, ctx.sign_ins.http(), flow, run_as.clone()).await?;
    for child in &children.flows {
        let theirs = environment_identities(&environment, &secrets, ctx.sign_ins.http(), child, run_as.clone()).await?;
        identities.references.extend(theirs.references);
    }
    let options = RunOptions {
        environment_url: Some(environment.url.clone()),
        identities,
        mocks: mocks(&request, BTreeMap::new()),
        progress: watch.progress,
        cancellation: watch.cancellation,
        skip_waits: watch.skip_waits,
        child_flows: children.callable,
        http_client: watch.http_client,
        ..RunOptions::default()
    };
    let record = run_flow(flow, serde_json::json!({ "headers": {}, "body": request.trigger_body }), options).await;
    let stored_id = match &ctx.sandbox {
        Some(sandbox) => {
            Some(sandbox.runs.add(&request.flow_key, &request.persona, &record).map_err(|e| ApiError::new(ErrorCode::Internal, e))?)
        }
        None => None,
    };
    Ok(FinishedRun { record, stored_id })
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunHistoryRequest {
    pub flow_key: String,
}

/// The runs of a flow, newest first, kept across restarts.
pub struct GetRunHistory;

impl Command for GetRunHistory {
    const NAME: &'static str = "run_history";
    type Request = RunHistoryRequest;
    type Response = Vec<RunSummary>;

    async fn run(ctx: &Context, request: RunHistoryRequest) -> Result<Vec<RunSummary>, ApiError> {
        match &ctx.sandbox {
            Some(sandbox) => sandbox.runs.list(&request.flow_key).map_err(|e| ApiError::new(ErrorCode::Internal, e)),
            None => Ok(Vec::new()),
        }
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GetRunRequest {
    #[ts(type = "number")]
    pub id: i64,
}

/// One stored run, to reopen on the canvas.
pub struct GetRun;

impl Command for GetRun {
    const NAME: &'static str = "get_run";
    type Request = GetRunRequest;
    type Response = RunRecord;

    async fn run(ctx: &Context, request: GetRunRequest) -> Result<RunRecord, ApiError> {
        let sandbox = ctx.sandbox.as_ref().ok_or_else(|| ApiError::new(ErrorCode::Environment, "no run history without the sandbox"))?;
        sandbox
            .runs
            .get(request.id)
            .map_err(|e| ApiError::new(ErrorCode::Internal, e))?
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidArguments, format!("there is no run {}", request.id)))
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RunStarted {
    pub run_id: String,
}

/// Starts a test run in the background (as `run_flow` would run it); `poll_run` follows it.
pub struct StartRun;

impl Command for StartRun {
    const NAME: &'static str = "start_run";
    type Request = RunFlowRequest;
    type Response = RunStarted;

    async fn run(ctx: &Context, request: RunFlowRequest) -> Result<RunStarted, ApiError> {
        // A flow that does not parse fails here, not in the background.
        Flow::parse(&request.flow_json)?;
        let (run_id, live) = ctx.live_runs.start();
        let watch = Watch { progress: Some(live.sink()), cancellation: live.cancellation.clone(), ..Watch::default() };
        let background = ctx.clone();
        let id = run_id.clone();
        tokio::spawn(async move {
            let outcome = execute_run(&background, request, watch).await.map(|f| (f.record, f.stored_id));
            live.finish(outcome);
            background.live_runs.finished(&id);
        });
        Ok(RunStarted { run_id })
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PollRunRequest {
    pub run_id: String,
    /// How many events were seen already.
    #[ts(type = "number")]
    pub after: usize,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RunProgress {
    pub events: Vec<ProgressEvent>,
    /// What to pass as `after` next time.
    #[ts(type = "number")]
    pub next: usize,
    /// The whole record, once the run has ended.
    pub record: Option<RunRecord>,
    /// The run's id in the history, once stored.
    #[ts(type = "number | null")]
    pub stored_id: Option<i64>,
}

/// Waits up to half a second for news of a run, then returns what there is.
pub struct PollRun;

impl Command for PollRun {
    const NAME: &'static str = "poll_run";
    type Request = PollRunRequest;
    type Response = RunProgress;

    async fn run(ctx: &Context, request: PollRunRequest) -> Result<RunProgress, ApiError> {
        let live = ctx.live_runs.get(&request.run_id).ok_or_else(|| unknown_run(&request.run_id))?;
        let progress = live.poll(request.after, POLL_WAIT).await;
        let (record, stored_id) = match progress.outcome {
            None => (None, None),
            Some(Ok((record, stored_id))) => (Some(record), stored_id),
            Some(Err(e)) => return Err(e),
        };
        Ok(RunProgress { events: progress.events, next: progress.next, record, stored_id })
    }
}

/// Cancels a run in progress; true when there was one to cancel.
pub struct CancelRun;

impl Command for CancelRun {
    const NAME: &'static str = "cancel_run";
    type Request = RunIdRequest;
    type Response = bool;

    async fn run(ctx: &Context, request: RunIdRequest) -> Result<bool, ApiError> {
        let live = ctx.live_runs.get(&request.run_id).ok_or_else(|| unknown_run(&request.run_id))?;
        live.cancellation.cancel();
        Ok(true)
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunIdRequest {
    pub run_id: String,
}

const POLL_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

fn unknown_run(id: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidArguments, format!("there is no run {id} in progress"))
}
