//! New flows and autosave with crash recovery: every edit of an unsaved or modified flow is
//! written to the app's data folder, and offered back when the designer starts again.

use flowbench_core::Flow;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::flow_file::FlowDocument;
use crate::autosave::{AutosaveList, AutosaveStore};
use crate::environment_metadata::validation_context;
use crate::{ApiError, Command, Context, ErrorCode, NoArgs};

/// The name a new flow gets until it is saved.
pub const NEW_FLOW_NAME: &str = "Untitled flow";

/// A blank flow: a manual trigger ("Manually trigger a flow") with no inputs, no actions.
pub const NEW_FLOW_JSON: &str = r#"{
  "properties": {
    "connectionReferences": {},
    "definition": {
      "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
      "contentVersion": "1.0.0.0",
      "parameters": {
        "$connections": { "defaultValue": {}, "type": "Object" },
        "$authentication": { "defaultValue": {}, "type": "SecureObject" }
      },
      "triggers": {
        "manual": {
          "type": "Request",
          "kind": "Button",
          "inputs": { "schema": { "type": "object", "properties": {}, "required": [] } }
        }
      },
      "actions": {}
    }
  },
  "schemaVersion": "1.0.0.0"
}"#;

pub struct NewFlow;

impl Command for NewFlow {
    const NAME: &'static str = "new_flow";
    type Request = NoArgs;
    type Response = FlowDocument;

    async fn run(ctx: &Context, _: NoArgs) -> Result<FlowDocument, ApiError> {
        let flow = Flow::parse(NEW_FLOW_JSON)?;
        Ok(FlowDocument::of(NEW_FLOW_NAME.into(), None, &flow, &validation_context(ctx)))
    }
}

fn store(ctx: &Context) -> Result<&AutosaveStore, ApiError> {
    ctx.autosave.as_deref().ok_or_else(|| ApiError::new(ErrorCode::Io, "this shell keeps no autosave folder"))
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriteAutosaveRequest {
    /// The file's path, or an id the designer made for a flow never saved.
    pub key: String,
    pub name: String,
    pub path: Option<String>,
    pub flow_json: String,
}

/// Writes the flow being edited to its autosave, atomically; answers the JSON pointers of the
/// secrets it left out.
pub struct WriteAutosave;

impl Command for WriteAutosave {
    const NAME: &'static str = "write_autosave";
    type Request = WriteAutosaveRequest;
    type Response = Vec<String>;

    async fn run(ctx: &Context, request: WriteAutosaveRequest) -> Result<Vec<String>, ApiError> {
        store(ctx)?.write(&request.key, &request.name, request.path.as_deref(), &request.flow_json)
    }
}

/// The autosaves left by an earlier session (newest first), and any file set aside as unreadable.
pub struct ListAutosaves;

impl Command for ListAutosaves {
    const NAME: &'static str = "list_autosaves";
    type Request = NoArgs;
    type Response = AutosaveList;

    async fn run(ctx: &Context, _: NoArgs) -> Result<AutosaveList, ApiError> {
        match ctx.autosave.as_deref() {
            Some(store) => store.list(),
            None => Ok(AutosaveList::default()),
        }
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutosaveKeyRequest {
    pub key: String,
}

/// The autosaved flow as a document, under the name and path it had. The autosave stays until
/// the flow is saved or the recovery discarded.
pub struct RecoverAutosave;

impl Command for RecoverAutosave {
    const NAME: &'static str = "recover_autosave";
    type Request = AutosaveKeyRequest;
    type Response = FlowDocument;

    async fn run(ctx: &Context, request: AutosaveKeyRequest) -> Result<FlowDocument, ApiError> {
        let (name, path, json) = store(ctx)?
            .read(&request.key)?
            .ok_or_else(|| ApiError::new(ErrorCode::Io, format!("there is no autosave of {}", request.key)))?;
        let flow = Flow::parse(&json)?;
        Ok(FlowDocument::of(name, path, &flow, &validation_context(ctx)))
    }
}

/// Removes an autosave: after a clean save, or when the maker discards the recovery.
pub struct DiscardAutosave;

impl Command for DiscardAutosave {
    const NAME: &'static str = "discard_autosave";
    type Request = AutosaveKeyRequest;
    /// Whether there was one.
    type Response = bool;

    async fn run(ctx: &Context, request: AutosaveKeyRequest) -> Result<bool, ApiError> {
        match ctx.autosave.as_deref() {
            Some(store) => store.remove(&request.key),
            None => Ok(false),
        }
    }
}

/// What an export writes.
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ExportTarget {
    /// The flow JSON, as Power Automate reads it.
    Flow,
    /// A solution .zip around the flow, which imports into Dataverse (and opens here again).
    Solution,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportFlowRequest {
    pub flow_json: String,
    /// The flow's name, the solution's name too.
    pub name: String,
    pub to: ExportTarget,
    /// Where to write it.
    pub path: String,
}

/// Exports the flow being edited (export rules applied) as flow JSON or a solution .zip,
/// written atomically; the flow's own file and autosave are left as they are.
pub struct ExportFlow;

/// The publisher prefix of a solution made around one flow (as `flowbench export`).
const SOLUTION_PREFIX: &str = "fb";

impl Command for ExportFlow {
    const NAME: &'static str = "export_flow";
    type Request = ExportFlowRequest;
    type Response = String;

    async fn run(_: &Context, request: ExportFlowRequest) -> Result<String, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let refused = |e: flowbench_core::ExportError| ApiError::new(ErrorCode::ExportRefused, e.to_string());
        let bytes = match request.to {
            ExportTarget::Flow => flowbench_core::export_flow_json(&flow).map_err(refused)?.into_bytes(),
            ExportTarget::Solution => {
                let prepared = flowbench_core::prepare_export(&flow.into_solution_shape(SOLUTION_PREFIX)).map_err(refused)?;
                flowbench_core::solution::Solution::from_flow(prepared, &request.name, &flowbench_core::solution::new_guid(), SOLUTION_PREFIX)
                    .and_then(|s| s.write_zip())
                    .map_err(|e| ApiError::new(ErrorCode::Solution, e.to_string()))?
            }
        };
        let path = std::path::Path::new(&request.path);
        flowbench_core::files::write_atomically(path, &bytes).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
        Ok(request.path)
    }
}

