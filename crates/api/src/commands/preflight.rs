use flowbench_core::Flow;
use flowbench_preflight::{preflight, Matrix, Options};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context, ErrorCode};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreflightRequest {
    pub flow_json: String,
}

/// Who can run this flow: every persona of the embedded sandbox by every Dataverse step.
pub struct PreflightFlow;

impl Command for PreflightFlow {
    const NAME: &'static str = "preflight_flow";
    type Request = PreflightRequest;
    type Response = Matrix;

    async fn run(ctx: &Context, request: PreflightRequest) -> Result<Matrix, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let sandbox = ctx
            .sandbox
            .as_ref()
            .ok_or_else(|| ApiError::new(ErrorCode::Environment, "the embedded sandbox is not running, so there is no one to check"))?;
        let scenario = sandbox.sandbox.scenario();
        let users: Vec<String> = scenario.users.iter().map(|u| u.persona.clone()).collect();
        preflight(&flow, scenario, &users, &Options::default()).map_err(|e| ApiError::new(ErrorCode::Environment, e.to_string()))
    }
}
