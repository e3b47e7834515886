//! What a step can refer to: the outputs of the trigger and of the steps that run before it, for
//! the expression editor's dynamic content picker, with their types where the flow or the
//! environment's tables say them.

use std::collections::HashSet;

use flowbench_core::model::TriggerKind;
use flowbench_core::outline::run_order;
use flowbench_core::trigger_input::{trigger_input, TriggerInput};
use flowbench_core::{Action, ActionKind, Flow};
use flowbench_validate::metadata::{ColumnKind, EnvironmentMetadata, TableInfo};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::environment_metadata::validation_context;
use crate::{ApiError, Command, Context, ErrorCode};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DynamicContentRequest {
    pub flow_json: String,
    /// The step being edited; its own outputs and those of steps after it are not offered.
    pub action: String,
}

/// The outputs of one step (or the trigger, or an enclosing loop's current item).
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContentGroup {
    /// The step's name as written (the trigger's or the loop's for those groups).
    pub step: String,
    pub source: ContentSource,
    pub items: Vec<ContentItem>,
}

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ContentSource {
    Trigger,
    Step,
    /// The current item of a loop that encloses the step.
    Loop,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContentItem {
    /// What the picker shows: a column, a schema field, "Body"…
    pub label: String,
    /// The expression, without `@` or `@{…}`: `outputs('Get_row')?['body/name']`.
    pub expression: String,
    /// string, integer, number, boolean, dateTime, guid, choice, lookup, array, object or any.
    pub value_type: String,
}

/// The dynamic content a step may use: the trigger first, then enclosing loops' current items,
/// then the steps that run before it, nearest scope last, each in run order.
pub struct GetDynamicContent;

impl Command for GetDynamicContent {
    const NAME: &'static str = "dynamic_content";
    type Request = DynamicContentRequest;
    type Response = Vec<ContentGroup>;

    async fn run(ctx: &Context, request: DynamicContentRequest) -> Result<Vec<ContentGroup>, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let metadata = validation_context(ctx).metadata;
        dynamic_content(&flow, &request.action, metadata.as_deref())
    }
}

pub fn dynamic_content(flow: &Flow, action: &str, metadata: Option<&EnvironmentMetadata>) -> Result<Vec<ContentGroup>, ApiError> {
    let mut groups = Vec::new();
    if let Some(trigger) = flow.trigger() {
        groups.push(ContentGroup { step: trigger.name.clone(), source: ContentSource::Trigger, items: trigger_items(trigger, metadata) });
    }
    if flow.trigger().is_some_and(|t| t.name == action) {
        return Ok(groups);
    }
    // The scopes from the top level down to the step: each level's actions and the name there.
    let mut path: Vec<(&[Action], &Action)> = Vec::new();
    if !locate(&flow.actions, action, &mut path) {
        return Err(ApiError::new(ErrorCode::InvalidArguments, format!("there is no action named `{action}`")));
    }
    for (_, container) in &path[..path.len() - 1] {
        if matches!(container.kind(), ActionKind::Foreach) {
            groups.push(ContentGroup {
                step: container.name.clone(),
                source: ContentSource::Loop,
                items: vec![ContentItem { label: "Current item".into(), expression: format!("items({})", quote(&container.name)), value_type: "any".into() }],
            });
        }
    }
    for (scope, here) in &path {
        let before = predecessors(scope, &here.name);
        for earlier in run_order(scope).into_iter().filter(|a| before.contains(a.name.as_str())) {
            earlier.walk(&mut |a| {
                let items = step_items(a, metadata);
                if !items.is_empty() {
                    groups.push(ContentGroup { step: a.name.clone(), source: ContentSource::Step, items });
                }
            });
        }
    }
    Ok(groups)
}

fn locate<'a>(actions: &'a [Action], name: &str, path: &mut Vec<(&'a [Action], &'a Action)>) -> bool {
    for action in actions {
        path.push((actions, action));
        if action.name == name || action.branches.iter().any(|b| locate(&b.actions, name, path)) {
            return true;
        }
        path.pop();
    }
    false
}

/// Every action of `scope` that `name` runs after, directly or through others.
fn predecessors<'a>(scope: &'a [Action], name: &str) -> HashSet<&'a str> {
    let mut found = HashSet::new();
    let mut pending = vec![name.to_owned()];
    while let Some(next) = pending.pop() {
        let Some(action) = scope.iter().find(|a| a.name == next) else { continue };
        for (before, _) in action.run_after() {
            if let Some(earlier) = scope.iter().find(|a| a.name == before) {
                if earlier.name != name && found.insert(earlier.name.as_str()) {
                    pending.push(before);
                }
            }
        }
    }
    found
}

/// A name as an expression string literal: `'It''s'`.
fn quote(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}

fn item(label: impl Into<String>, expression: String, value_type: &str) -> ContentItem {
    ContentItem { label: label.into(), expression, value_type: value_type.into() }
}

fn trigger_items(trigger: &flowbench_core::Trigger, metadata: Option<&EnvironmentMetadata>) -> Vec<ContentItem> {
    if let TriggerKind::DataverseRow(row) = trigger.kind() {
        let table = row.table.as_deref().and_then(|t| metadata?.tables.iter().find(|x| x.logical_name.eq_ignore_ascii_case(t)));
        let mut items = table.map(|t| column_items(t, "triggerOutputs()")).unwrap_or_default();
        items.push(item("Body", "triggerOutputs()?['body']".into(), "object"));
        return items;
    }
    let mut items = Vec::new();
    if let Some(TriggerInput::Fields { fields }) = trigger_input(trigger) {
        for field in fields {
            items.push(item(field.title, format!("triggerBody()?[{}]", quote(&field.name)), &field.field_type));
        }
    }
    items.push(item("Body", "triggerBody()".into(), "object"));
    items
}

fn column_items(table: &TableInfo, base: &str) -> Vec<ContentItem> {
    table
        .columns
        .iter()
        .map(|c| {
            let (key, value_type) = match &c.kind {
                ColumnKind::Text { .. } => (c.name.clone(), "string"),
                ColumnKind::Integer => (c.name.clone(), "integer"),
                ColumnKind::Decimal => (c.name.clone(), "number"),
                ColumnKind::Boolean => (c.name.clone(), "boolean"),
                ColumnKind::DateTime => (c.name.clone(), "dateTime"),
                ColumnKind::Choice { .. } => (c.name.clone(), "choice"),
                // A lookup's value comes back as `_<column>_value`, the related row's id.
                ColumnKind::Lookup { .. } => (format!("_{}_value", c.name), "lookup"),
                ColumnKind::Guid => (c.name.clone(), "guid"),
                ColumnKind::Other => (c.name.clone(), "any"),
            };
            item(c.name.clone(), format!("{base}?[{}]", quote(&format!("body/{key}"))), value_type)
        })
        .collect()
}

fn step_items(action: &Action, metadata: Option<&EnvironmentMetadata>) -> Vec<ContentItem> {
    let name = quote(&action.name);
    let inputs = action.body().get("inputs");
    match action.kind() {
        _ if action.is_dataverse() => {
            let entity_set = inputs.and_then(|i| i.get("parameters")).and_then(|p| p.get("entityName")).and_then(Value::as_str);
            let table = entity_set.and_then(|e| metadata?.tables.iter().find(|t| t.entity_set_name.eq_ignore_ascii_case(e)));
            match action.operation_id() {
                Some("ListRecords") => vec![item("Rows", format!("outputs({name})?['body/value']"), "array"), item("Body", format!("body({name})"), "object")],
                Some("DeleteRecord") => Vec::new(),
                Some(_) => {
                    let mut items = table.map(|t| column_items(t, &format!("outputs({name})"))).unwrap_or_default();
                    items.push(item("Body", format!("body({name})"), "object"));
                    items
                }
                None => vec![item("Body", format!("body({name})"), "object")],
            }
        }
        ActionKind::Compose => vec![item("Outputs", format!("outputs({name})"), inputs.map_or("any", literal_type))],
        ActionKind::ParseJson => {
            let schema = inputs.and_then(|i| i.get("schema"));
            let mut items: Vec<ContentItem> = schema
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .iter()
                        .map(|(key, p)| item(key.clone(), format!("body({name})?[{}]", quote(key)), p.get("type").and_then(Value::as_str).unwrap_or("any")))
                        .collect()
                })
                .unwrap_or_default();
            items.push(item("Body", format!("body({name})"), schema.and_then(|s| s.get("type")).and_then(Value::as_str).unwrap_or("any")));
            items
        }
        ActionKind::InitializeVariable => inputs
            .and_then(|i| i.get("variables"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| {
                let variable = v.get("name")?.as_str()?;
                let value_type = v.get("type").and_then(Value::as_str).unwrap_or("any").to_ascii_lowercase();
                Some(item(variable, format!("variables({})", quote(variable)), &value_type))
            })
            .collect(),
        ActionKind::Query | ActionKind::Select => vec![item("Body", format!("body({name})"), "array")],
        ActionKind::Join => vec![item("Output", format!("body({name})"), "string")],
        ActionKind::Table => vec![item("Output", format!("body({name})"), "string")],
        ActionKind::Http => vec![
            item("Body", format!("body({name})"), "any"),
            item("Status code", format!("outputs({name})?['statusCode']"), "integer"),
            item("Headers", format!("outputs({name})?['headers']"), "object"),
        ],
        ActionKind::Workflow => vec![item("Body", format!("body({name})"), "object")],
        kind if kind.is_connector() => vec![item("Body", format!("body({name})"), "object")],
        _ => Vec::new(),
    }
}

/// The type of a Compose's inputs when they are a literal; `any` when they hold an expression.
fn literal_type(value: &Value) -> &'static str {
    match value {
        Value::String(s) if s.starts_with('@') && !s.starts_with("@@") => "any",
        Value::String(s) if s.contains("@{") => "string",
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "any",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowbench_validate::metadata::ColumnInfo;

    fn metadata() -> EnvironmentMetadata {
        let column = |name: &str, kind| ColumnInfo { name: name.into(), kind };
        EnvironmentMetadata {
            tables: vec![
                TableInfo {
                    logical_name: "contact".into(),
                    entity_set_name: "contacts".into(),
                    primary_id_column: "contactid".into(),
                    columns: vec![column("fullname", ColumnKind::Text { max_length: None }), column("parentcustomerid", ColumnKind::Lookup { targets: vec!["account".into()] })],
                },
                TableInfo {
                    logical_name: "account".into(),
                    entity_set_name: "accounts".into(),
                    primary_id_column: "accountid".into(),
                    columns: vec![column("name", ColumnKind::Text { max_length: Some(160) }), column("numberofemployees", ColumnKind::Integer)],
                },
            ],
        }
    }

    fn names(groups: &[ContentGroup]) -> Vec<&str> {
        groups.iter().map(|g| g.step.as_str()).collect()
    }

    #[test]
    fn a_step_in_a_branch_sees_the_trigger_and_the_steps_before_its_container_typed_by_the_tables() {
        let flow = Flow::parse(flowbench_core::sample::SAMPLE_FLOW_JSON).unwrap();
        let groups = dynamic_content(&flow, "Create_a_follow-up_task", Some(&metadata())).unwrap();
        assert_eq!(names(&groups), ["When_a_contact_is_added", "Get_the_parent_account"]);
        let trigger = &groups[0];
        assert_eq!(trigger.source, ContentSource::Trigger);
        assert_eq!(trigger.items[0], item("fullname", "triggerOutputs()?['body/fullname']".into(), "string"));
        assert_eq!(trigger.items[1], item("parentcustomerid", "triggerOutputs()?['body/_parentcustomerid_value']".into(), "lookup"));
        let account = &groups[1].items;
        assert_eq!(account[0], item("name", "outputs('Get_the_parent_account')?['body/name']".into(), "string"));
        assert_eq!(account[1].value_type, "integer");
        assert_eq!(account.last().unwrap().expression, "body('Get_the_parent_account')");
    }

    #[test]
    fn the_first_step_sees_only_the_trigger_and_a_later_one_sees_earlier_containers_contents() {
        let flow = Flow::parse(flowbench_core::sample::SAMPLE_FLOW_JSON).unwrap();
        assert_eq!(names(&dynamic_content(&flow, "Get_the_parent_account", None).unwrap()), ["When_a_contact_is_added"]);
        let summary = dynamic_content(&flow, "Summary", None).unwrap();
        assert_eq!(names(&summary), ["When_a_contact_is_added", "Get_the_parent_account", "Create_a_follow-up_task", "Make_the_contact_primary"]);
        // Without the environment's tables a Dataverse step still offers its body; the trigger too.
        assert_eq!(summary[1].items, vec![item("Body", "body('Get_the_parent_account')".into(), "object")]);
        assert_eq!(summary[0].items, vec![item("Body", "triggerOutputs()?['body']".into(), "object")]);
        let err = dynamic_content(&flow, "Nope", None).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArguments);
    }

    #[test]
    fn manual_trigger_fields_variables_parse_json_and_loops_are_typed() {
        let text = r#"{"triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {"schema": {"type": "object",
                "properties": {"text": {"type": "string", "title": "Name"}, "count": {"type": "integer"}}}}}},
            "actions": {
              "Init": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "total", "type": "Integer", "value": 0}]}, "runAfter": {}},
              "Parse": {"type": "ParseJson", "inputs": {"content": "{}", "schema": {"type": "object", "properties": {"id": {"type": "number"}}}}, "runAfter": {"Init": ["Succeeded"]}},
              "Unrelated": {"type": "Compose", "inputs": 1, "runAfter": {}},
              "Loop": {"type": "Foreach", "foreach": "@body('Parse')", "runAfter": {"Parse": ["Succeeded"]},
                "actions": {"First": {"type": "Compose", "inputs": "x", "runAfter": {}},
                            "Second": {"type": "Compose", "inputs": "@items('Loop')", "runAfter": {"First": ["Succeeded"]}}}}
            }}"#;
        let flow = Flow::parse(text).unwrap();
        let groups = dynamic_content(&flow, "Second", None).unwrap();
        // `Unrelated` runs in parallel with the loop, so the loop's steps cannot count on it.
        assert_eq!(names(&groups), ["manual", "Loop", "Init", "Parse", "First"]);
        assert_eq!(groups[0].items[0], item("Name", "triggerBody()?['text']".into(), "string"));
        assert_eq!(groups[0].items[1].value_type, "integer");
        assert_eq!(groups[1].items[0].expression, "items('Loop')");
        assert_eq!(groups[2].items[0], item("total", "variables('total')".into(), "integer"));
        assert_eq!(groups[3].items[0], item("id", "body('Parse')?['id']".into(), "number"));
        assert_eq!(groups[4].items[0], item("Outputs", "outputs('First')".into(), "string"));
    }

    #[test]
    fn names_with_quotes_are_escaped_in_the_expression() {
        let text = r#"{"actions": {"It's": {"type": "Compose", "inputs": 2, "runAfter": {}},
            "Next": {"type": "Compose", "inputs": 1, "runAfter": {"It's": ["Succeeded"]}}}}"#;
        let flow = Flow::parse(text).unwrap();
        let groups = dynamic_content(&flow, "Next", None).unwrap();
        assert_eq!(groups[0].items[0].expression, "outputs('It''s')");
    }
}
