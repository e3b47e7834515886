//! The code view: the whole flow JSON as text, edited by hand. Text the model accepts becomes the
//! document; text it refuses says why and where, and the designer keeps its last good flow.

use flowbench_core::{Flow, FlowError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::flow_file::FlowDocument;
use crate::environment_metadata::validation_context;
use crate::{ApiError, Command, Context};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FlowFromTextRequest {
    pub name: String,
    pub path: Option<String>,
    /// The text of the code view.
    pub text: String,
}

/// The code view's text as a flow, or why it is not one. A refusal is an answer, not a failure:
/// the text stays as typed and the designer shows the reason at its place.
#[derive(Serialize, TS, Clone, Debug)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FlowFromText {
    Accepted {
        document: Box<FlowDocument>,
    },
    Refused {
        message: String,
        /// 1-based line and column of a JSON syntax error.
        line: Option<u32>,
        column: Option<u32>,
        /// The JSON pointer of the part that does not fit a flow, when the JSON itself is fine.
        pointer: Option<String>,
    },
}

pub struct ParseFlowText;

impl Command for ParseFlowText {
    const NAME: &'static str = "flow_from_text";
    type Request = FlowFromTextRequest;
    type Response = FlowFromText;

    async fn run(ctx: &Context, request: FlowFromTextRequest) -> Result<FlowFromText, ApiError> {
        Ok(match Flow::parse(&request.text) {
            Ok(flow) => FlowFromText::Accepted { document: Box::new(FlowDocument::of(request.name, request.path, &flow, &validation_context(ctx))) },
            Err(e) => refusal(e),
        })
    }
}

fn refusal(e: FlowError) -> FlowFromText {
    let message = e.to_string();
    let number = |n: usize| Some(u32::try_from(n).unwrap_or(u32::MAX));
    match e {
        FlowError::Json { line, column, .. } => FlowFromText::Refused { message, line: number(line), column: number(column), pointer: None },
        FlowError::Shape { pointer, .. } => FlowFromText::Refused { message, line: None, column: None, pointer: Some(pointer) },
        FlowError::NotAFlow(_) => FlowFromText::Refused { message, line: None, column: None, pointer: None },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use crate::host::TestHost;
    use crate::{dispatch, Context};


    async fn from_text(text: &str) -> serde_json::Value {
        let ctx = Context::new(Arc::new(TestHost::default()));
        dispatch(&ctx, "flow_from_text", json!({"name": "Typed", "path": null, "text": text})).await.unwrap()
    }

    #[tokio::test]
    async fn accepted_text_becomes_the_document_with_its_outline_and_diagnostics() {
        let edited = flowbench_core::sample::SAMPLE_FLOW_JSON.replace("\"entityName\": \"tasks\"", "\"entityName\": \"phonecalls\"");
        let answer = from_text(&edited).await;
        assert_eq!(answer["kind"], "accepted");
        let document = &answer["document"];
        assert_eq!(document["name"], "Typed");
        let inner = &document["outline"]["steps"][1]["branches"][0]["steps"][0];
        assert_eq!(inner["name"], "Create_a_follow-up_task");
        assert_eq!(inner["table"], "phonecalls");
        assert!(document["source"].as_str().unwrap().contains("\"phonecalls\""));
    }

    #[tokio::test]
    async fn broken_json_is_refused_with_its_line_and_column() {
        let answer = from_text("{\n  \"actions\": {\n    \"A\": {\"type\": \"Compose\",}\n  }\n}").await;
        assert_eq!(answer["kind"], "refused");
        assert_eq!(answer["line"], 3);
        assert_eq!(answer["column"], 29);
        assert!(answer["message"].as_str().unwrap().starts_with("not valid JSON at line 3, column 29"), "{answer}");
    }

    #[tokio::test]
    async fn json_that_is_not_a_flow_is_refused_with_where() {
        let answer = from_text(r#"{"actions": {"A": 3}}"#).await;
        assert_eq!(answer["kind"], "refused");
        assert_eq!(answer["pointer"], "/actions/A");
        assert_eq!(answer["line"], serde_json::Value::Null);
        let answer = from_text("[1, 2]").await;
        assert_eq!(answer["kind"], "refused");
        assert!(answer["message"].as_str().unwrap().contains("not a JSON object"), "{answer}");
    }
}
