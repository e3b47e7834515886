//! The labelled options of a table's choice columns, for the choice pickers of a Dataverse step:
//! the environment's tables carry options only when its `EntityDefinitions` reply includes them.

use flowbench_dataverse::metadata::{choice_columns, ColumnChoices};
use flowbench_dataverse::SANDBOX;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::environments::{current_name, sandbox_api, signed_in_api};
use crate::{ApiError, Command, Context};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvironmentChoicesRequest {
    /// The table's logical name.
    pub table: String,
}

/// The choice, status and state columns of a table in the environment in use, with their labels.
pub struct GetEnvironmentChoices;

impl Command for GetEnvironmentChoices {
    const NAME: &'static str = "environment_choices";
    type Request = EnvironmentChoicesRequest;
    type Response = Vec<ColumnChoices>;

    async fn run(ctx: &Context, request: EnvironmentChoicesRequest) -> Result<Vec<ColumnChoices>, ApiError> {
        let name = current_name(ctx)?;
        if name.eq_ignore_ascii_case(SANDBOX) {
            return Ok(choice_columns(&sandbox_api(ctx)?, &request.table).await?);
        }
        let (_, api) = signed_in_api(ctx, &name).await?;
        Ok(choice_columns(&api, &request.table).await?)
    }
}
