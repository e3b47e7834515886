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
