//! The variable actions: Initialize, Set, Increment, Decrement, AppendToArray, AppendToString.
//! A variable keeps the type it was initialized with; a value of another type is refused, as the
//! runtime does.

use flowbench_core::ActionKind;
use serde_json::{json, Value};

use serde_json::Map;

use crate::record::StepError;
use crate::state::variable_key;

/// Runs a variable action with its evaluated `inputs` on the run's `variables` (locked for the
/// whole action, so it is atomic under concurrency); returns its outputs.
pub(crate) fn run_variable_action(variables: &mut Map<String, Value>, kind: ActionKind, inputs: &Value) -> Result<Option<Value>, StepError> {
    match kind {
        ActionKind::InitializeVariable => initialize(variables, inputs).map(|_| None),
        _ => {
            let name = inputs
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| error("the inputs need the variable's `name`"))?;
            let key = variable_key(variables, name)
                .ok_or_else(|| error(format!("The variable '{name}' does not exist; initialize it first")))?;
            let current = variables[&key].clone();
            let value = inputs.get("value").cloned();
            let updated = match kind {
                ActionKind::SetVariable => set(&key, &current, value.unwrap_or(Value::Null))?,
                ActionKind::IncrementVariable => add(&key, &current, value.unwrap_or(json!(1)), 1.0)?,
                ActionKind::DecrementVariable => add(&key, &current, value.unwrap_or(json!(1)), -1.0)?,
                ActionKind::AppendToArrayVariable => match current {
                    Value::Array(mut items) => {
                        items.push(value.unwrap_or(Value::Null));
                        Value::Array(items)
                    }
                    _ => return Err(error(format!("The variable '{key}' is not an array; AppendToArrayVariable needs one"))),
                },
                ActionKind::AppendToStringVariable => match current {
                    Value::String(mut text) => {
                        text.push_str(&as_text(&value.unwrap_or(Value::Null)));
                        Value::String(text)
                    }
                    _ => return Err(error(format!("The variable '{key}' is not a string; AppendToStringVariable needs one"))),
                },
                _ => return Err(error("not a variable action")),
            };
            variables.insert(key.clone(), updated.clone());
            Ok(Some(json!({ "body": { "name": key, "value": updated } })))
        }
    }
}

fn initialize(store: &mut Map<String, Value>, inputs: &Value) -> Result<(), StepError> {
    let variables = inputs
        .get("variables")
        .and_then(Value::as_array)
        .ok_or_else(|| error("the inputs need a `variables` array"))?;
    for variable in variables {
        let name = variable.get("name").and_then(Value::as_str).ok_or_else(|| error("a variable needs a `name`"))?;
        if variable_key(store, name).is_some() {
            return Err(error(format!("The variable '{name}' is already initialized")));
        }
        let declared = variable.get("type").and_then(Value::as_str).unwrap_or("string").to_ascii_lowercase();
        let value = match variable.get("value") {
            None | Some(Value::Null) => default_of(&declared).ok_or_else(|| error(format!("The variable '{name}' has an unknown type '{declared}'")))?,
            Some(v) => coerce(name, &declared, v.clone())?,
        };
        store.insert(name.to_string(), value);
    }
    Ok(())
}

fn default_of(declared: &str) -> Option<Value> {
    Some(match declared {
        "integer" => json!(0),
        "float" => json!(0.0),
        "boolean" => json!(false),
        "string" => json!(""),
        "array" => json!([]),
        "object" => json!({}),
        _ => return None,
    })
}

/// The value as the declared type, or the runtime's refusal.
fn coerce(name: &str, declared: &str, value: Value) -> Result<Value, StepError> {
    let fits = match declared {
        "integer" => value.is_i64() || value.is_u64(),
        "float" => value.is_number(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        other => return Err(error(format!("The variable '{name}' has an unknown type '{other}'"))),
    };
    if fits {
        Ok(value)
    } else {
        Err(error(format!(
            "The variable '{name}' of type '{declared}' cannot be initialized or updated with a value of type '{}'",
            type_of(&value)
        )))
    }
}

fn set(name: &str, current: &Value, value: Value) -> Result<Value, StepError> {
    coerce(name, type_of(current), value)
}

fn add(name: &str, current: &Value, by: Value, sign: f64) -> Result<Value, StepError> {
    let not_number = || error(format!("IncrementVariable and DecrementVariable need a number: the variable '{name}' or the value is not one"));
    match (current.as_i64(), by.as_i64()) {
        (Some(a), Some(b)) => {
            let b = if sign < 0.0 { b.checked_neg() } else { Some(b) };
            b.and_then(|b| a.checked_add(b))
                .map(Value::from)
                .ok_or_else(|| error(format!("The variable '{name}' would overflow a 64-bit integer")))
        }
        _ => {
            let (a, b) = (current.as_f64().ok_or_else(not_number)?, by.as_f64().ok_or_else(not_number)?);
            if current.is_i64() {
                return Err(error(format!("The variable '{name}' is an integer; it cannot be changed by a float")));
            }
            serde_json::Number::from_f64(a + sign * b).map(Value::Number).ok_or_else(not_number)
        }
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn error(message: impl Into<String>) -> StepError {
    StepError::new("InvalidVariableOperation", message)
}
