use flowbench_core::Flow;
use flowbench_dataverse::{Secrets, SANDBOX};
use flowbench_preflight::subjects::all_subjects;
use flowbench_preflight::{preflight, Matrix, Options};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::environments::current_name;
use crate::environment_preflight::environment_preflight;
use crate::{ApiError, Command, Context, ErrorCode};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreflightRequest {
    pub flow_json: String,
    /// Users (sandbox personas or sign-in names), `team:NAME` or `role:NAME` (sandbox only).
    /// Absent: in the sandbox every persona, team and role; in an environment its signed-in accounts.
    #[serde(default)]
    #[ts(optional)]
    pub users: Option<Vec<String>>,
}

/// Who can run this flow, in the environment in use: each subject by each Dataverse step.
pub struct PreflightFlow;

impl Command for PreflightFlow {
    const NAME: &'static str = "preflight_flow";
    type Request = PreflightRequest;
    type Response = Matrix;

    async fn run(ctx: &Context, request: PreflightRequest) -> Result<Matrix, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let environment = current_name(ctx)?;
        if !environment.eq_ignore_ascii_case(SANDBOX) {
            let environment = ctx.sign_ins.book()?.get(&environment)?.clone();
            let users = request.users.unwrap_or_else(|| environment.accounts.iter().map(|a| a.username.clone()).collect());
            let secrets = Secrets::system()?;
            return environment_preflight(&environment, &secrets, ctx.sign_ins.http(), &flow, &users, None).await;
        }
        let sandbox = ctx
            .sandbox
            .as_ref()
            .ok_or_else(|| ApiError::new(ErrorCode::Environment, "the embedded sandbox is not running, so there is no one to check"))?;
        let scenario = sandbox.sandbox.scenario();
        let users = request.users.unwrap_or_else(|| all_subjects(scenario));
        preflight(&flow, scenario, &users, &Options::default()).map_err(|e| ApiError::new(ErrorCode::InvalidArguments, e.to_string()))
    }
}
