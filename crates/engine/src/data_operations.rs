//! Compose, ParseJson, Query (Filter array) and Select: actions that shape data without calls.

use serde_json::{json, Value};

use crate::evaluate::{evaluate_condition, evaluate_inputs};
use crate::outcome::{invalid_template, Outcome};
use crate::record::StepError;
use crate::state::RunState;

pub(crate) fn compose(state: &RunState, name: &str, raw_inputs: &Value) -> Outcome {
    match evaluate_inputs(state, raw_inputs) {
        Ok(inputs) => Outcome::succeeded(Some(inputs.clone()), Some(inputs)),
        Err(e) => Outcome::failed(None, invalid_template(name, "inputs", e)),
    }
}

/// `content` (a JSON value, or text holding JSON) checked against `schema`'s types.
pub(crate) fn parse_json(state: &RunState, name: &str, raw_inputs: &Value) -> Outcome {
    let inputs = match evaluate_inputs(state, raw_inputs) {
        Ok(v) => v,
        Err(e) => return Outcome::failed(None, invalid_template(name, "inputs", e)),
    };
    let content = match inputs.get("content") {
        Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(v) => v,
            Err(e) => return Outcome::failed(Some(inputs.clone()), StepError::new("InvalidJSON", format!("The content of '{name}' is not JSON: {e}"))),
        },
        Some(v) => v.clone(),
        None => Value::Null,
    };
    let mut problems = Vec::new();
    if let Some(schema) = inputs.get("schema") {
        check_schema(&content, schema, "", &mut problems, 0);
    }
    if !problems.is_empty() {
        let message = format!("The content of '{name}' does not match its schema: {}", problems.join("; "));
        return Outcome::failed(Some(inputs), StepError::new("ValidationFailed", message));
    }
    Outcome::succeeded(Some(inputs), Some(json!({ "body": content })))
}

/// A basic JSON Schema check: `type` (one or a list), `properties`, `required`, `items`.
/// Deeper than 64 levels the check stops (the content was already parsed within serde's limit).
pub(crate) fn check_schema(value: &Value, schema: &Value, path: &str, problems: &mut Vec<String>, depth: usize) {
    if depth > 64 || problems.len() >= 20 {
        return;
    }
    let at = if path.is_empty() { "the root".to_string() } else { format!("`{path}`") };
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| has_type(value, t)) {
        problems.push(format!("{at} should be of type {} but is {}", types.join(" or "), json_type(value)));
        return;
    }
    if let (Some(object), Some(required)) = (value.as_object(), schema.get("required").and_then(Value::as_array)) {
        for key in required.iter().filter_map(Value::as_str) {
            if !object.contains_key(key) {
                problems.push(format!("{at} is missing the required property `{key}`"));
            }
        }
    }
    if let (Some(object), Some(properties)) = (value.as_object(), schema.get("properties").and_then(Value::as_object)) {
        for (key, sub) in properties {
            if let Some(v) = object.get(key) {
                check_schema(v, sub, &format!("{path}/{key}"), problems, depth + 1);
            }
        }
    }
    if let (Some(items), Some(sub)) = (value.as_array(), schema.get("items")) {
        for (i, v) in items.iter().enumerate() {
            check_schema(v, sub, &format!("{path}/{i}"), problems, depth + 1);
        }
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The `from` array of Query and Select, within the item limit.
fn from_array(state: &RunState, name: &str, raw_inputs: &Value, max_items: usize) -> Result<Vec<Value>, StepError> {
    let from = raw_inputs.get("from").cloned().unwrap_or(Value::Null);
    let items = match evaluate_inputs(state, &from) {
        Ok(Value::Array(items)) => items,
        Ok(other) => {
            let message = format!("The `from` of '{name}' must be an array, but it is {}", json_type(&other));
            return Err(StepError::new("InvalidTemplate", message));
        }
        Err(e) => return Err(invalid_template(name, "`from`", e)),
    };
    if items.len() > max_items {
        let message = format!("'{name}' was given {} items; the engine's limit is {max_items}", items.len());
        return Err(StepError::new("ActionLimitExceeded", message));
    }
    Ok(items)
}

/// Filter array: the `from` items for which `where` (with `item()`) is true.
pub(crate) fn query(state: &mut RunState, name: &str, raw_inputs: &Value, max_items: usize) -> Outcome {
    let items = match from_array(state, name, raw_inputs, max_items) {
        Ok(items) => items,
        Err(error) => return Outcome::failed(None, error),
    };
    let condition = raw_inputs.get("where").cloned().unwrap_or(Value::Bool(true));
    let mut kept = Vec::new();
    for (index, item) in items.iter().enumerate() {
        state.push_loop(name, item.clone(), index as i64);
        let verdict = evaluate_condition(state, &condition);
        state.pop_loop();
        match verdict {
            Ok(true) => kept.push(item.clone()),
            Ok(false) => {}
            Err(e) => return Outcome::failed(None, invalid_template(name, &format!("`where` for item {index}"), e)),
        }
    }
    let inputs = json!({ "from": items, "where": condition });
    Outcome::succeeded(Some(inputs), Some(json!({ "body": kept })))
}

/// Select: `select` evaluated with each `from` item as `item()`; as many results as items.
pub(crate) fn select(state: &mut RunState, name: &str, raw_inputs: &Value, max_items: usize) -> Outcome {
    let items = match from_array(state, name, raw_inputs, max_items) {
        Ok(items) => items,
        Err(error) => return Outcome::failed(None, error),
    };
    let shape = raw_inputs.get("select").cloned().unwrap_or(Value::Null);
    let mut selected = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        state.push_loop(name, item.clone(), index as i64);
        let value = evaluate_inputs(state, &shape);
        state.pop_loop();
        match value {
            Ok(v) => selected.push(v),
            Err(e) => return Outcome::failed(None, invalid_template(name, &format!("`select` for item {index}"), e)),
        }
    }
    let inputs = json!({ "from": items, "select": shape });
    Outcome::succeeded(Some(inputs), Some(json!({ "body": selected })))
}
