use flowbench_expr::{analyze_template, catalogue, Analysis, FunctionInfo};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context, NoArgs};

/// Every function of the expression language, for completion and signature help.
pub struct GetExpressionCatalogue;

impl Command for GetExpressionCatalogue {
    const NAME: &'static str = "expression_catalogue";
    type Request = NoArgs;
    type Response = Vec<FunctionInfo>;

    async fn run(_: &Context, _: NoArgs) -> Result<Vec<FunctionInfo>, ApiError> {
        Ok(catalogue())
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnalyzeExpressionRequest {
    /// A JSON string value as it appears in a flow: `@…`, text with `@{…}`, or plain text.
    pub text: String,
}

/// What an expression refers to and what is wrong with it, for the expression editor.
pub struct AnalyzeExpression;

impl Command for AnalyzeExpression {
    const NAME: &'static str = "analyze_expression";
    type Request = AnalyzeExpressionRequest;
    type Response = Analysis;

    async fn run(_: &Context, request: AnalyzeExpressionRequest) -> Result<Analysis, ApiError> {
        Ok(analyze_template(&request.text))
    }
}
