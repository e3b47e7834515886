use flowbench_core::Flow;
use flowbench_engine::RunRecord;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::sandbox_run::run_in_sandbox;
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
}

/// A test run in the embedded sandbox; connection references run as the `svc` persona.
pub struct RunFlow;

impl Command for RunFlow {
    const NAME: &'static str = "run_flow";
    type Request = RunFlowRequest;
    type Response = RunRecord;

    async fn run(ctx: &Context, request: RunFlowRequest) -> Result<RunRecord, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let sandbox = ctx
            .sandbox
            .as_ref()
            .ok_or_else(|| ApiError::new(ErrorCode::Environment, "the embedded sandbox is not running, so there is nowhere to run"))?;
        run_in_sandbox(&sandbox.sandbox, &sandbox.url, &flow, &request.persona, "svc", request.trigger_body)
            .await
            .map_err(|e| ApiError::new(ErrorCode::Environment, e))
    }
}
