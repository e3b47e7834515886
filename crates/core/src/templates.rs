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

    fn body(self, flow: &Flow) -> Result<Value, EditError> {
        let dataverse = |operation: &str, parameters: Value| -> Result<Value, EditError> {
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

/// The connection a new Dataverse step uses: the flow's first Dataverse connection reference.
fn dataverse_connection(flow: &Flow) -> Result<String, EditError> {
    flow.connection_references()
        .and_then(|references| {
            references.iter().find_map(|(key, reference)| {
                let api = reference.pointer("/api/name").and_then(Value::as_str).unwrap_or(key);
                api.ends_with(DATAVERSE_API).then(|| key.clone())
            })
        })
        .ok_or(EditError::NoDataverseReference)
}

impl Flow {
    /// Adds a new step from `template` at `at`; returns the name it got.
    pub fn insert_template(&mut self, template: StepTemplate, at: &Position) -> Result<String, EditError> {
        let clipboard = json!({ template.base_name(): template.body(self)? });
        let names = self.paste_actions(&clipboard, at)?;
        Ok(names.into_iter().next().expect("one template, one pasted action"))
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

        let mut bare = Flow::from_value(json!({ "properties": { "definition": { "triggers": {}, "actions": {} } } })).unwrap();
        let refused = bare.insert_template(StepTemplate::ListRows, &Position::default()).unwrap_err();
        assert!(refused.to_string().contains("no Dataverse connection reference"), "{refused}");
    }
}
