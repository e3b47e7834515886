//! New steps as the designer's palette offers them: each template is an action as Power Automate
//! writes it when a maker adds that step, placed with the paste machinery (so its name is made
//! unique, `Compose` → `Compose_2`, and its runAfter follows the position).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use crate::edit::Position;
use crate::{EditError, Flow};

const DATAVERSE_API: &str = "shared_commondataserviceforapps";

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum StepTemplate {
    Compose,
    Condition,
    Switch,
    ApplyToEach,
    DoUntil,
    Scope,
    InitializeVariable,
    Terminate,
    Http,
    AddRow,
    UpdateRow,
    GetRow,
    ListRows,
    DeleteRow,
}

impl StepTemplate {
    /// The name Power Automate gives a new step of this kind.
    fn base_name(self) -> &'static str {
        match self {
            StepTemplate::Compose => "Compose",
            StepTemplate::Condition => "Condition",
            StepTemplate::Switch => "Switch",
            StepTemplate::ApplyToEach => "Apply_to_each",
            StepTemplate::DoUntil => "Do_until",
            StepTemplate::Scope => "Scope",
            StepTemplate::InitializeVariable => "Initialize_variable",
            StepTemplate::Terminate => "Terminate",
            StepTemplate::Http => "HTTP",
            StepTemplate::AddRow => "Add_a_new_row",
            StepTemplate::UpdateRow => "Update_a_row",
            StepTemplate::GetRow => "Get_a_row_by_ID",
            StepTemplate::ListRows => "List_rows",
            StepTemplate::DeleteRow => "Delete_a_row",
        }
    }

    fn body(self, flow: &mut Flow) -> Result<Value, EditError> {
        let mut dataverse = |operation: &str, parameters: Value| -> Result<Value, EditError> {
            Ok(json!({
                "type": "OpenApiConnection",
                "inputs": {
                    "host": { "apiId": format!("/providers/Microsoft.PowerApps/apis/{DATAVERSE_API}"), "connectionName": dataverse_connection(flow)?, "operationId": operation },
                    "parameters": parameters
                },
                "runAfter": {}
            }))
        };
        Ok(match self {
            StepTemplate::Compose => json!({ "type": "Compose", "inputs": "", "runAfter": {} }),
            StepTemplate::Condition => json!({ "type": "If", "expression": { "and": [{ "equals": ["", ""] }] }, "actions": {}, "else": { "actions": {} }, "runAfter": {} }),
            StepTemplate::Switch => json!({ "type": "Switch", "expression": "", "cases": { "Case": { "case": "", "actions": {} } }, "default": { "actions": {} }, "runAfter": {} }),
            StepTemplate::ApplyToEach => json!({ "type": "Foreach", "foreach": "", "actions": {}, "runAfter": {} }),
            StepTemplate::DoUntil => json!({ "type": "Until", "expression": "@equals(0, 0)", "limit": { "count": 60, "timeout": "PT1H" }, "actions": {}, "runAfter": {} }),
            StepTemplate::Scope => json!({ "type": "Scope", "actions": {}, "runAfter": {} }),
            StepTemplate::InitializeVariable => json!({ "type": "InitializeVariable", "inputs": { "variables": [{ "name": "Variable", "type": "string", "value": "" }] }, "runAfter": {} }),
            StepTemplate::Terminate => json!({ "type": "Terminate", "inputs": { "runStatus": "Succeeded" }, "runAfter": {} }),
            StepTemplate::Http => json!({ "type": "Http", "inputs": { "method": "GET", "uri": "" }, "runAfter": {} }),
            StepTemplate::AddRow => dataverse("CreateRecord", json!({ "entityName": "" }))?,
            StepTemplate::UpdateRow => dataverse("UpdateRecord", json!({ "entityName": "", "recordId": "" }))?,
            StepTemplate::GetRow => dataverse("GetItem", json!({ "entityName": "", "recordId": "" }))?,
            StepTemplate::ListRows => dataverse("ListRecords", json!({ "entityName": "" }))?,
            StepTemplate::DeleteRow => dataverse("DeleteRecord", json!({ "entityName": "", "recordId": "" }))?,
        })
    }
}

/// The logical name of the connection reference a flow's first Dataverse step brings, as Power
/// Automate makes one for a new solution flow (the maker picks another in the connection picker).
pub const NEW_DATAVERSE_REFERENCE: &str = "new_sharedcommondataserviceforapps";

/// The connection a new Dataverse step uses: the flow's first Dataverse connection reference, or
/// a new one when the flow has none yet (its first Dataverse step, in a new flow).
fn dataverse_connection(flow: &mut Flow) -> Result<String, EditError> {
    let found = flow.connection_references().and_then(|references| {
        references.iter().find_map(|(key, reference)| {
            let api = reference.pointer("/api/name").and_then(Value::as_str).unwrap_or(key);
            api.ends_with(DATAVERSE_API).then(|| key.clone())
        })
    });
    if let Some(key) = found {
        return Ok(key);
    }
    let shape = flow.shape();
    let references = flow.connection_references_mut().ok_or(EditError::NoDataverseReference)?;
    references.insert(DATAVERSE_API.into(), crate::choice::new_entry(shape, DATAVERSE_API, NEW_DATAVERSE_REFERENCE, None));
    Ok(DATAVERSE_API.into())
}

/// What starts a flow, as the palette offers it when a flow has no trigger or the maker changes it.
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum TriggerTemplate {
    /// "Manually trigger a flow" (instant; the maker who presses the button is the invoker).
    Manual,
    /// Dataverse "When a row is added, modified or deleted".
    DataverseRow,
    /// "Recurrence", every day.
    Recurrence,
}

impl TriggerTemplate {
    fn name(self) -> &'static str {
        match self {
            TriggerTemplate::Manual => "manual",
            TriggerTemplate::DataverseRow => "When_a_row_is_added,_modified_or_deleted",
            TriggerTemplate::Recurrence => "Recurrence",
        }
    }
}

impl Flow {
    /// Adds a new step from `template` at `at`; returns the name it got.
    pub fn insert_template(&mut self, template: StepTemplate, at: &Position) -> Result<String, EditError> {
        let snapshot = self.clone();
        let result = template.body(self).and_then(|body| self.paste_actions(&json!({ template.base_name(): body }), at));
        match result {
            Ok(names) => Ok(names.into_iter().next().expect("one template, one pasted action")),
            Err(e) => {
                // A reference made for a step that could not go in goes too.
                *self = snapshot;
                Err(e)
            }
        }
    }

    /// Replaces the flow's trigger (or gives it one); returns the trigger's name. Steps keep
    /// reading `triggerBody()`; validation says what no longer fits the new trigger.
    pub fn set_trigger(&mut self, template: TriggerTemplate) -> Result<String, EditError> {
        let snapshot = self.clone();
        let body = match template {
            TriggerTemplate::Manual => json!({ "type": "Request", "kind": "Button",
                "inputs": { "schema": { "type": "object", "properties": {}, "required": [] } } }),
            TriggerTemplate::Recurrence => json!({ "type": "Recurrence", "recurrence": { "frequency": "Day", "interval": 1 } }),
            TriggerTemplate::DataverseRow => {
                let connection = dataverse_connection(self).inspect_err(|_| *self = snapshot.clone())?;
                json!({ "type": "OpenApiConnectionWebhook",
                    "inputs": {
                        "host": { "apiId": format!("/providers/Microsoft.PowerApps/apis/{DATAVERSE_API}"), "connectionName": connection, "operationId": "SubscribeWebhookTrigger" },
                        "parameters": { "subscriptionRequest/message": 1, "subscriptionRequest/entityname": "contact", "subscriptionRequest/scope": 4 }
                    } })
            }
        };
        let Value::Object(body) = body else { unreachable!("a JSON object literal") };
        let name = template.name().to_owned();
        self.triggers = vec![crate::model::Trigger { name: name.clone(), body }];
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::BranchRef;
    use crate::Slot;

    fn flow() -> Flow {
        Flow::from_value(json!({ "properties": {
            "connectionReferences": { "shared_commondataserviceforapps": { "runtimeSource": "embedded",
                "connection": { "connectionReferenceLogicalName": "fb_Dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
            "definition": {
                "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
                "actions": {
                    "Compose": { "type": "Compose", "inputs": "a", "runAfter": {} },
                    "Check": { "type": "If", "expression": { "equals": [1, 1] }, "actions": {}, "else": { "actions": {} }, "runAfter": { "Compose": ["Succeeded"] } }
                } } } }))
        .unwrap()
    }

    #[test]
    fn a_template_goes_between_two_steps_with_a_unique_name() {
        let mut flow = flow();
        let at = Position { parent: None, after: Some("Compose".into()), before: Some("Check".into()) };
        let name = flow.insert_template(StepTemplate::Compose, &at).unwrap();
        assert_eq!(name, "Compose_2");
        let check = flow.find_action("Check").unwrap();
        assert_eq!(check.run_after(), vec![("Compose_2".to_string(), vec!["Succeeded".to_string()])]);
        assert_eq!(flow.find_action("Compose_2").unwrap().run_after(), vec![("Compose".to_string(), vec!["Succeeded".to_string()])]);
    }

    #[test]
    fn a_dataverse_template_uses_the_flow_s_dataverse_connection_and_goes_into_a_branch() {
        let mut flow = flow();
        let at = Position { parent: Some(BranchRef { container: "Check".into(), slot: Slot::Else }), after: None, before: None };
        let name = flow.insert_template(StepTemplate::AddRow, &at).unwrap();
        assert_eq!(name, "Add_a_new_row");
        let added = flow.find_action("Add_a_new_row").unwrap();
        assert_eq!(added.connection_name(), Some("shared_commondataserviceforapps"));
        assert_eq!(added.operation_id(), Some("CreateRecord"));

        // A bare definition has nowhere to keep a connection reference.
        let mut bare = Flow::from_value(json!({ "triggers": {}, "actions": {} })).unwrap();
        let refused = bare.insert_template(StepTemplate::ListRows, &Position::default()).unwrap_err();
        assert!(refused.to_string().contains("no Dataverse connection reference"), "{refused}");
        assert!(bare.actions.is_empty());
    }

    #[test]
    fn a_new_flow_s_first_dataverse_step_brings_a_connection_reference() {
        let mut flow = Flow::from_value(json!({ "properties": { "connectionReferences": {}, "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } }, "actions": {} } } }))
        .unwrap();
        flow.insert_template(StepTemplate::AddRow, &Position::default()).unwrap();
        let reference = &flow.connection_references().unwrap()["shared_commondataserviceforapps"];
        assert_eq!(reference["connection"]["connectionReferenceLogicalName"], NEW_DATAVERSE_REFERENCE);
        assert_eq!(flow.find_action("Add_a_new_row").unwrap().connection_name(), Some("shared_commondataserviceforapps"));
        // The second uses the same one.
        flow.insert_template(StepTemplate::GetRow, &Position::top_level_after(Some("Add_a_new_row"))).unwrap();
        assert_eq!(flow.connection_references().unwrap().len(), 1);
    }

    #[test]
    fn the_trigger_is_given_or_replaced() {
        let mut flow = Flow::from_value(json!({ "properties": { "connectionReferences": {}, "definition": { "actions": {
            "Compose": { "type": "Compose", "inputs": "@triggerBody()", "runAfter": {} } } } } }))
        .unwrap();
        assert!(flow.trigger().is_none());
        assert_eq!(flow.set_trigger(TriggerTemplate::Manual).unwrap(), "manual");
        assert_eq!(flow.trigger_identity(), crate::connection::TriggerIdentity::Instant);
        assert_eq!(flow.set_trigger(TriggerTemplate::DataverseRow).unwrap(), "When_a_row_is_added,_modified_or_deleted");
        assert_eq!(flow.triggers.len(), 1);
        assert!(matches!(flow.trigger().unwrap().kind(), crate::model::TriggerKind::DataverseRow(_)));
        assert!(flow.connection_references().unwrap().contains_key("shared_commondataserviceforapps"));
        flow.set_trigger(TriggerTemplate::Recurrence).unwrap();
        let json = flow.to_json();
        assert_eq!(json["properties"]["definition"]["triggers"]["Recurrence"]["recurrence"]["frequency"], "Day");
        assert_eq!(json["properties"]["definition"]["actions"]["Compose"]["inputs"], "@triggerBody()");
    }
}
