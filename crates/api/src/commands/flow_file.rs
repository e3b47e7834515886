use std::path::Path;

use flowbench_core::import::{import_path, ImportError, Imported};
use flowbench_core::outline::outline_of;
use flowbench_core::{sample, Flow, FlowOutline};
use flowbench_validate::{validate, Diagnostic, ValidationContext};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::child_flows::{find_flow, named_flows, root_flow};
use crate::environment_metadata::validation_context;
use crate::{ApiError, Command, Context, ErrorCode, NoArgs, SettingsPatch};

/// A flow as the designer shows it.
#[derive(Serialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct FlowDocument {
    pub name: String,
    /// Where it was read from; none for the built-in sample.
    pub path: Option<String>,
    pub outline: FlowOutline,
    /// What validation found, pinned on the cards and listed in the problems panel.
    pub diagnostics: Vec<Diagnostic>,
    /// The flow JSON, for commands that take the flow back (runs, validation of edits).
    pub source: String,
    /// Opened from a solution: the names of all its flows, this one included, to open another.
    pub solution_flows: Vec<String>,
}

impl FlowDocument {
    pub(crate) fn of(name: String, path: Option<String>, flow: &Flow, context: &ValidationContext) -> Self {
        FlowDocument { name, path, outline: outline_of(flow), diagnostics: validate(flow, context), source: flow.to_pretty_json(), solution_flows: Vec::new() }
    }
}

pub struct GetSampleFlow;

impl Command for GetSampleFlow {
    const NAME: &'static str = "sample_flow";
    type Request = NoArgs;
    type Response = FlowDocument;

    async fn run(ctx: &Context, _: NoArgs) -> Result<FlowDocument, ApiError> {
        let flow = Flow::parse(sample::SAMPLE_FLOW_JSON)?;
        Ok(FlowDocument::of(sample::SAMPLE_FLOW_NAME.into(), None, &flow, &validation_context(ctx)))
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenFlowFileRequest {
    pub path: String,
    /// In a solution, the flow to open (its name or workflow id); by default the flow no other
    /// flow calls, or the first.
    #[ts(optional)]
    #[serde(default)]
    pub flow: Option<String>,
}

pub struct OpenFlowFile;

impl Command for OpenFlowFile {
    const NAME: &'static str = "open_flow_file";
    type Request = OpenFlowFileRequest;
    type Response = FlowDocument;

    /// A flow JSON file, or a solution (.zip or unpacked folder), whose first flow opens.
    async fn run(ctx: &Context, request: OpenFlowFileRequest) -> Result<FlowDocument, ApiError> {
        let path = Some(request.path.clone());
        let document = match import_path(Path::new(&request.path)).map_err(import_error)? {
            Imported::Flow { flow, name, .. } => FlowDocument::of(name, path, &flow, &validation_context(ctx)),
            Imported::Solution(solution) => {
                let flows = solution.flows();
                if flows.is_empty() {
                    return Err(ApiError::new(ErrorCode::Solution, format!("{}: the solution holds no cloud flow", request.path)));
                }
                let named = named_flows(&solution);
                let index = match &request.flow {
                    Some(wanted) => find_flow(&named, wanted).ok_or_else(|| {
                        ApiError::new(ErrorCode::InvalidArguments, format!("{}: the solution has no flow called '{wanted}'", request.path))
                    })?,
                    None => root_flow(&named).unwrap_or(0),
                };
                let declared = solution.connection_references().iter().map(|r| r.logical_name.clone()).collect();
                let context = ValidationContext { declared_references: Some(declared), ..validation_context(ctx) };
                let name_of = |f: &flowbench_core::solution::SolutionFlow| f.name().unwrap_or(f.path()).to_owned();
                let chosen = &flows[index];
                FlowDocument { solution_flows: flows.iter().map(name_of).collect(), ..FlowDocument::of(name_of(chosen), path, &chosen.flow, &context) }
            }
        };
        let mut settings = ctx.host.load_settings()?;
        settings.apply(SettingsPatch { opened_file: Some(request.path.clone()), ..Default::default() });
        ctx.host.save_settings(&settings)?;
        Ok(document)
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
