use flowbench_core::Flow;
use flowbench_validate::{validate, Diagnostic};

use crate::environment_metadata::validation_context;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ValidateFlowRequest {
    /// The flow being edited, as flow JSON.
    pub flow_json: String,
}

/// The diagnostics of the flow being edited, for cards, fields and the problems panel.
pub struct ValidateFlow;

impl Command for ValidateFlow {
    const NAME: &'static str = "validate_flow";
    type Request = ValidateFlowRequest;
    type Response = Vec<Diagnostic>;

    async fn run(ctx: &Context, request: ValidateFlowRequest) -> Result<Vec<Diagnostic>, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        Ok(validate(&flow, &validation_context(ctx)))
    }
}
