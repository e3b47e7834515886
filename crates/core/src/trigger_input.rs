//! What a test run must be given to start the flow, as the run form asks for it: the fields of a
//! manual trigger's schema, or for the Dataverse row trigger the table and the messages it fires on.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::model::{Trigger, TriggerKind};

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum TriggerInput {
    /// The fields of `inputs.schema`, in the schema's order.
    Fields { fields: Vec<TriggerField> },
    /// "When a row is added, modified or deleted": a row of `table` and one of `messages`.
    #[serde(rename_all = "camelCase")]
    DataverseRow { table: String, messages: Vec<RowMessage> },
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TriggerField {
    /// The property name: `triggerBody()?['<name>']`.
    pub name: String,
    pub title: String,
    /// The JSON type: string, number, integer or boolean.
    pub field_type: String,
    /// Power Automate's input kind (TEXT, EMAIL, NUMBER, DATE, BOOLEAN, FILE…), when given.
    pub content_hint: Option<String>,
    pub description: Option<String>,
    pub required: bool,
    /// The allowed values, when the schema lists them.
    pub options: Vec<String>,
}

/// `SdkMessage` of the Dataverse trigger's output.
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowMessage {
    Create,
    Update,
    Delete,
}

pub fn trigger_input(trigger: &Trigger) -> Option<TriggerInput> {
    match trigger.kind() {
        TriggerKind::DataverseRow(row) => {
            use RowMessage::*;
            let messages = match row.message? {
                1 => vec![Create],
                2 => vec![Delete],
                3 => vec![Update],
                4 => vec![Create, Update],
                5 => vec![Create, Delete],
                6 => vec![Update, Delete],
                7 => vec![Create, Update, Delete],
                _ => return None,
            };
            Some(TriggerInput::DataverseRow { table: row.table?, messages })
        }
        TriggerKind::Instant { .. } | TriggerKind::Request { .. } => {
            let schema = trigger.body().get("inputs")?.get("schema")?;
            Some(TriggerInput::Fields { fields: schema_fields(schema) })
        }
        _ => None,
    }
}

fn schema_fields(schema: &Value) -> Vec<TriggerField> {
    let required: Vec<&str> =
        schema.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return Vec::new() };
    properties
        .iter()
        .map(|(name, property)| {
            let text = |key: &str| property.get(key).and_then(Value::as_str).map(str::to_owned);
            TriggerField {
                name: name.clone(),
                title: text("title").unwrap_or_else(|| name.clone()),
                field_type: text("type").unwrap_or_else(|| "string".into()),
                content_hint: text("x-ms-content-hint"),
                description: text("description"),
                required: required.contains(&name.as_str()),
                options: property
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|e| e.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Flow;
    use serde_json::json;

    fn input_of(trigger: Value) -> Option<TriggerInput> {
        let flow = Flow::from_value(json!({ "properties": { "definition": { "triggers": { "t": trigger }, "actions": {} } } })).unwrap();
        trigger_input(flow.trigger().unwrap())
    }

    #[test]
    fn a_manual_trigger_gives_its_schema_fields_in_order() {
        let input = input_of(json!({ "type": "Request", "kind": "Button", "inputs": { "schema": { "type": "object",
            "properties": {
                "text": { "title": "Group Name", "type": "string", "x-ms-content-hint": "TEXT", "description": "Please enter your input" },
                "number": { "title": "Seats", "type": "number", "x-ms-content-hint": "NUMBER" },
                "text_1": { "title": "Colour", "type": "string", "enum": ["Red", "Green"] } },
            "required": ["text"] } } }));
        let Some(TriggerInput::Fields { fields }) = input else { panic!("{input:?}") };
        let summary: Vec<(&str, &str, bool)> = fields.iter().map(|f| (f.name.as_str(), f.field_type.as_str(), f.required)).collect();
        assert_eq!(summary, [("text", "string", true), ("number", "number", false), ("text_1", "string", false)]);
        assert_eq!(fields[0].title, "Group Name");
        assert_eq!(fields[2].options, ["Red", "Green"]);
    }

    #[test]
    fn the_dataverse_trigger_gives_its_table_and_messages() {
        let input = input_of(json!({ "type": "OpenApiConnectionWebhook", "inputs": {
            "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps", "connectionName": "c", "operationId": "SubscribeWebhookTrigger" },
            "parameters": { "subscriptionRequest/message": 4, "subscriptionRequest/entityname": "contact", "subscriptionRequest/scope": 4 } } }));
        assert_eq!(input, Some(TriggerInput::DataverseRow { table: "contact".into(), messages: vec![RowMessage::Create, RowMessage::Update] }));
        assert_eq!(input_of(json!({ "type": "Recurrence", "recurrence": { "frequency": "Day", "interval": 1 } })), None);
    }
}
