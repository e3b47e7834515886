use std::path::Path;

use flowbench_core::import::{import_path, ImportError, Imported};
use flowbench_core::outline::{outline_flow, outline_of};
use flowbench_core::{sample, FlowOutline};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context, ErrorCode, NoArgs, SettingsPatch};

/// A flow as the designer shows it.
#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct FlowDocument {
    pub name: String,
    /// Where it was read from; none for the built-in sample.
    pub path: Option<String>,
    pub outline: FlowOutline,
}

pub struct GetSampleFlow;

impl Command for GetSampleFlow {
    const NAME: &'static str = "sample_flow";
    type Request = NoArgs;
    type Response = FlowDocument;

    async fn run(_: &Context, _: NoArgs) -> Result<FlowDocument, ApiError> {
        let outline = outline_flow(sample::SAMPLE_FLOW_JSON)?;
        Ok(FlowDocument { name: sample::SAMPLE_FLOW_NAME.into(), path: None, outline })
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenFlowFileRequest {
    pub path: String,
}

pub struct OpenFlowFile;

impl Command for OpenFlowFile {
    const NAME: &'static str = "open_flow_file";
    type Request = OpenFlowFileRequest;
    type Response = FlowDocument;

    /// A flow JSON file, or a solution (.zip or unpacked folder), whose first flow opens.
    async fn run(ctx: &Context, request: OpenFlowFileRequest) -> Result<FlowDocument, ApiError> {
        let (name, outline) = match import_path(Path::new(&request.path)).map_err(import_error)? {
            Imported::Flow { flow, name, .. } => (name, outline_of(&flow)),
            Imported::Solution(solution) => {
                let first = solution.flows().first().ok_or_else(|| {
                    ApiError::new(ErrorCode::Solution, format!("{}: the solution holds no cloud flow", request.path))
                })?;
                (first.name().unwrap_or(first.path()).to_owned(), outline_of(&first.flow))
            }
        };
        let mut settings = ctx.host.load_settings()?;
        settings.apply(SettingsPatch { opened_file: Some(request.path.clone()), ..Default::default() });
        ctx.host.save_settings(&settings)?;
        Ok(FlowDocument { name, path: Some(request.path), outline })
    }
}

fn import_error(e: ImportError) -> ApiError {
    let code = match &e {
        ImportError::Io { .. } | ImportError::TooLarge { .. } => ErrorCode::Io,
        ImportError::Flow { .. } | ImportError::NotUtf8 { .. } => ErrorCode::FlowParse,
        ImportError::Solution { .. } => ErrorCode::Solution,
    };
    ApiError::new(code, e.to_string())
}
