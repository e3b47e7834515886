use flowbench_core::Flow;
use flowbench_dataverse::{Secrets, SANDBOX};
use flowbench_engine::{run_flow, RunOptions, RunRecord};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::commands::environments::current_name;
use crate::environment_run::{environment_identities, RunAs};
use crate::run_store::RunSummary;
use crate::sandbox_run::{reuse_before, run_in_sandbox};
use crate::{ApiError, Command, Context, ErrorCode};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunFlowRequest {
    /// The flow as flow JSON (the document's `source`).
    pub flow_json: String,
    /// The sandbox persona who runs it: the invoker.
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
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RerunFrom {
    #[ts(type = "number")]
    pub run_id: i64,
    pub step: String,
}

/// A test run in the environment in use: the embedded sandbox (connection references run as the
/// `svc` persona), or a signed-in environment.
pub struct RunFlow;

impl Command for RunFlow {
    const NAME: &'static str = "run_flow";
    type Request = RunFlowRequest;
    type Response = RunRecord;

    async fn run(ctx: &Context, request: RunFlowRequest) -> Result<RunRecord, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let environment = current_name(ctx)?;
        if !environment.eq_ignore_ascii_case(SANDBOX) {
            return run_in_environment(ctx, &environment, &flow, request).await;
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
        let record = run_in_sandbox(&sandbox.sandbox, &sandbox.url, &flow, &request.persona, "svc", request.trigger_body, reuse)
            .await
            .map_err(|e| ApiError::new(ErrorCode::Environment, e))?;
        sandbox.runs.add(&request.flow_key, &request.persona, &record).map_err(|e| ApiError::new(ErrorCode::Internal, e))?;
        Ok(record)
    }
}

/// A run against a signed-in environment: `persona` names the invoker (a signed-in account, or
/// any user reached by impersonation); connection references run as their bound accounts.
async fn run_in_environment(ctx: &Context, name: &str, flow: &Flow, request: RunFlowRequest) -> Result<RunRecord, ApiError> {
    if request.rerun_from.is_some() {
        return Err(ApiError::new(ErrorCode::InvalidArguments, "re-running from a step is for the embedded sandbox only"));
    }
    let environment = ctx.sign_ins.book()?.get(name)?.clone();
    // Nobody signed in is the likelier problem, and says more than a missing credential store.
    environment.choose_account(None)?;
    let secrets = Secrets::system()?;
    let run_as = RunAs { invoker: Some(request.persona.as_str()).filter(|p| !p.is_empty()), owner: None };
    let identities = environment_identities(&environment, &secrets, ctx.sign_ins.http(), flow, run_as).await?;
    let options = RunOptions { environment_url: Some(environment.url.clone()), identities, ..RunOptions::default() };
    let record = run_flow(flow, serde_json::json!({ "headers": {}, "body": request.trigger_body }), options).await;
    if let Some(sandbox) = &ctx.sandbox {
        sandbox.runs.add(&request.flow_key, &request.persona, &record).map_err(|e| ApiError::new(ErrorCode::Internal, e))?;
    }
    Ok(record)
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
