//! Edits of the flow being designed. The UI sends the flow JSON and one edit; the answer is the
//! edited document (outline, diagnostics and the new JSON), so the model stays the source of truth.

use flowbench_core::templates::{StepTemplate, TriggerTemplate};
use flowbench_core::{ConnectionChoice, Flow, Position, StepSetting};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::flow_file::FlowDocument;
use crate::environment_metadata::validation_context;
use crate::{ApiError, Command, Context, ErrorCode};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum FlowEdit {
    SetConnectionChoice { action: String, choice: ConnectionChoice },
    Rename { from: String, to: String },
    Delete { action: String },
    /// Adds a new step from the palette at a position.
    Insert { template: StepTemplate, position: Position },
    /// Pastes steps copied as JSON (an `actions` map, from this flow or another) at a position.
    Paste { clipboard: String, position: Position },
    /// Moves a step (with what it contains) to a position; refused when a step would then read
    /// one that has not finished before it.
    Move { action: String, position: Position },
    /// Gives the flow a trigger, or replaces the one it has.
    SetTrigger { template: TriggerTemplate },
    /// Sets a connector step's parameter; a null value removes it.
    SetParameter {
        action: String,
        parameter: String,
        #[ts(type = "unknown")]
        value: Option<serde_json::Value>,
    },
    /// Sets one field of a built-in step's form by its JSON pointer in the action (`/inputs/uri`);
    /// a null value removes it. The step's type, run-after and nested steps are refused.
    SetField {
        action: String,
        field: String,
        #[ts(type = "unknown")]
        value: Option<serde_json::Value>,
    },
    /// Sets a step's setting outside its parameters (concurrency, secure data, retry policy,
    /// timeout, the Dataverse row trigger's change type, scope, filtering columns and run as).
    SetSetting { action: String, setting: StepSetting },
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditFlowRequest {
    pub name: String,
    pub path: Option<String>,
    pub flow_json: String,
    pub edit: FlowEdit,
}

pub struct EditFlow;

impl Command for EditFlow {
    const NAME: &'static str = "edit_flow";
    type Request = EditFlowRequest;
    type Response = FlowDocument;

    async fn run(ctx: &Context, request: EditFlowRequest) -> Result<FlowDocument, ApiError> {
        let mut flow = Flow::parse(&request.flow_json)?;
        let refused = |e: flowbench_core::EditError| ApiError::new(ErrorCode::EditRefused, e.to_string());
        match request.edit {
            FlowEdit::SetConnectionChoice { action, choice } => flow.set_connection_choice(&action, &choice).map_err(refused)?,
            FlowEdit::Rename { from, to } => flow.rename_action(&from, &to).map_err(refused)?,
            FlowEdit::Delete { action } => {
                flow.delete_action(&action).map_err(refused)?;
            }
            FlowEdit::Insert { template, position } => {
                flow.insert_template(template, &position).map_err(refused)?;
            }
            FlowEdit::Paste { clipboard, position } => {
                let actions: serde_json::Value = serde_json::from_str(&clipboard).map_err(|e| {
                    ApiError::new(ErrorCode::EditRefused, format!("the clipboard does not hold steps as JSON ({e})"))
                })?;
                flow.paste_actions(&actions, &position).map_err(refused)?;
            }
            FlowEdit::Move { action, position } => {
                let before = flow.clone();
                flow.move_action(&action, &position).map_err(refused)?;
                refuse_broken_references(&before, &flow, &action, &validation_context(ctx))?;
            }
            FlowEdit::SetTrigger { template } => {
                flow.set_trigger(template).map_err(refused)?;
            }
            FlowEdit::SetParameter { action, parameter, value } => {
                flow.set_parameter(&action, &parameter, value.filter(|v| !v.is_null())).map_err(refused)?
            }
            FlowEdit::SetField { action, field, value } => {
                flow.set_action_field(&action, &field, value.filter(|v| !v.is_null())).map_err(refused)?
            }
            FlowEdit::SetSetting { action, setting } => flow.set_step_setting(&action, &setting).map_err(refused)?,
        }
        Ok(FlowDocument::of(request.name, request.path, &flow, &validation_context(ctx)))
    }
}

/// A move must not make a step read an output that is not there yet: the references that are
/// out of order after the move and were not before are named, and the move refused.
fn refuse_broken_references(before: &Flow, after: &Flow, moved: &str, context: &flowbench_validate::ValidationContext) -> Result<(), ApiError> {
    const RULES: [&str; 2] = ["expression/action-not-before", "expression/items-not-enclosing"];
    let broken = |flow: &Flow| -> Vec<String> {
        flowbench_validate::validate(flow, context).into_iter().filter(|d| RULES.contains(&d.rule)).map(|d| d.message).collect()
    };
    let already = broken(before);
    let new: Vec<String> = broken(after).into_iter().filter(|m| !already.contains(m)).collect();
    if new.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::EditRefused,
        format!("`{moved}` cannot move there: {}", new.join("; ")),
    ))
}

const DATAVERSE_CONNECTOR: &str = "shared_commondataserviceforapps";

fn labelled(name: &str, display: Option<&str>, place: &str) -> String {
    match display.filter(|d| !d.is_empty() && *d != name) {
        Some(display) => format!("{display} · {name} ({place})"),
        None => format!("{name} ({place})"),
    }
}

fn is_dataverse(connector_id: Option<&str>) -> bool {
    connector_id.is_some_and(|c| c.rsplit('/').next() == Some(DATAVERSE_CONNECTOR))
}

/// The Dataverse references a solution declares, when the flow was opened from one.
fn solution_references(opened_from: Option<&str>) -> Vec<(String, Option<String>)> {
    let Some(path) = opened_from else { return Vec::new() };
    match flowbench_core::import::import_path(std::path::Path::new(path)) {
        Ok(flowbench_core::import::Imported::Solution(solution)) => solution
            .connection_references()
            .iter()
            .filter(|r| is_dataverse(r.connector_id.as_deref()))
            .map(|r| (r.logical_name.clone(), r.display_name.clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The environment's Dataverse connection references. An environment that cannot be read now
/// (offline, signed out) offers none: the picker still has the flow's own.
async fn environment_references(ctx: &Context) -> Vec<flowbench_dataverse::metadata::ConnectionReferenceInfo> {
    use crate::commands::environments::{current_name, sandbox_api, signed_in_api};
    let read = async {
        let name = current_name(ctx)?;
        let found = if name.eq_ignore_ascii_case(flowbench_dataverse::SANDBOX) {
            flowbench_dataverse::metadata::connection_references(&sandbox_api(ctx)?).await?
        } else {
            let (_, api) = signed_in_api(ctx, &name).await?;
            flowbench_dataverse::metadata::connection_references(&api).await?
        };
        Ok::<_, ApiError>(found)
    };
    read.await.unwrap_or_default().into_iter().filter(|r| is_dataverse(r.connector_id.as_deref())).collect()
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionOption {
    pub choice: ConnectionChoice,
    pub label: String,
    /// Why the option cannot be chosen under this trigger, when it cannot.
    pub disabled_reason: Option<String>,
    pub selected: bool,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionOptionsRequest {
    pub flow_json: String,
    pub action: String,
    /// Where the flow was opened from: a solution's declared references are offered too.
    #[ts(optional)]
    #[serde(default)]
    pub opened_from: Option<String>,
}

/// The connection picker's options for a Dataverse action: the flow's references, the ones its
/// solution declares, the environment's Dataverse references, and the invoker's connection, with
/// the reason when the trigger rules one out.
pub struct GetConnectionOptions;

impl Command for GetConnectionOptions {
    const NAME: &'static str = "connection_options";
    type Request = ConnectionOptionsRequest;
    type Response = Vec<ConnectionOption>;

    async fn run(ctx: &Context, request: ConnectionOptionsRequest) -> Result<Vec<ConnectionOption>, ApiError> {
        use flowbench_core::connection::TriggerIdentity;
        let flow = Flow::parse(&request.flow_json)?;
        let action = flow
            .find_action(&request.action)
            .ok_or_else(|| ApiError::new(ErrorCode::EditRefused, format!("there is no action named `{}`", request.action)))?;
        let current = flow.connection_choice(action);
        if current.is_none() {
            return Ok(Vec::new());
        }
        // Each logical name once, labelled by where it was first found: the flow, its solution, the environment.
        let mut offered: Vec<(String, String)> = Vec::new();
        let mut offer = |logical_name: String, label: String| {
            if !offered.iter().any(|(n, _)| n.eq_ignore_ascii_case(&logical_name)) {
                offered.push((logical_name, label));
            }
        };
        let mut in_flow: Vec<String> = flow.references().into_iter().filter_map(|r| r.logical_name).collect();
        in_flow.sort();
        for name in in_flow {
            offer(name.clone(), format!("{name} (connection reference)"));
        }
        for (name, display) in solution_references(request.opened_from.as_deref()) {
            offer(name.clone(), labelled(&name, display.as_deref(), "in the solution"));
        }
        for reference in environment_references(ctx).await {
            offer(reference.logical_name.clone(), labelled(&reference.logical_name, reference.display_name.as_deref(), "in the environment"));
        }
        let mut options: Vec<ConnectionOption> = offered
            .into_iter()
            .map(|(logical_name, label)| {
                let choice = ConnectionChoice::Reference { logical_name };
                ConnectionOption { selected: current.as_ref() == Some(&choice), choice, label, disabled_reason: None }
            })
            .collect();
        let invoker_reason = match flow.trigger_identity() {
            TriggerIdentity::Automated => Some("No one invokes this flow: its trigger is automated (only instant triggers and the Dataverse row trigger have an invoker).".to_string()),
            _ if action.operation_id().is_some_and(|op| op.ends_with("WithOrganization")) => {
                Some("Actions on a selected environment do not support the invoker's connection.".to_string())
            }
            _ => None,
        };
        options.push(ConnectionOption {
            selected: current == Some(ConnectionChoice::Invoker),
            choice: ConnectionChoice::Invoker,
            label: "Invoker's connection".into(),
            disabled_reason: invoker_reason,
        });
        Ok(options)
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepParametersRequest {
    pub flow_json: String,
    pub action: String,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct StepParameters {
    pub operation_id: Option<String>,
    /// `inputs.parameters` as written, in order.
    #[ts(type = "Record<string, unknown>")]
    pub parameters: serde_json::Map<String, serde_json::Value>,
}

/// A connector step's parameters, for its property form.
pub struct GetStepParameters;

impl Command for GetStepParameters {
    const NAME: &'static str = "step_parameters";
    type Request = StepParametersRequest;
    type Response = StepParameters;

    async fn run(_: &Context, request: StepParametersRequest) -> Result<StepParameters, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let action = flow
            .find_action(&request.action)
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidArguments, format!("there is no action named `{}`", request.action)))?;
        let parameters = action
            .body()
            .get("inputs")
            .and_then(|i| i.get("parameters"))
            .and_then(serde_json::Value::as_object)
            .cloned()
            .unwrap_or_default();
        Ok(StepParameters { operation_id: action.operation_id().map(str::to_owned), parameters })
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CopyStepsRequest {
    pub flow_json: String,
    pub names: Vec<String>,
}

/// Steps as clipboard JSON (an `actions` map with their contents), to paste here or in another
/// flow, or into Power Automate's own clipboard-friendly tools.
pub struct CopySteps;

impl Command for CopySteps {
    const NAME: &'static str = "copy_steps";
    type Request = CopyStepsRequest;
    type Response = String;

    async fn run(_: &Context, request: CopyStepsRequest) -> Result<String, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let actions = flow.copy_actions(&request.names).map_err(|e| ApiError::new(ErrorCode::EditRefused, e.to_string()))?;
        Ok(serde_json::to_string_pretty(&actions).expect("actions serialise"))
    }
}
