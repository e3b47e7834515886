//! One field of a step's form, set by its JSON pointer within the action (`/inputs/uri`,
//! `/expression`, `/inputs/variables/0/value`). The designer's forms for built-in actions
//! (Compose, Condition, variables, HTTP, …) all edit through it.

use serde_json::{Map, Value};

use crate::{EditError, Flow};

/// What an action's form never edits: these are its structure, changed by other edits
/// (a new step, a move, the settings form), so a field edit cannot break the tree.
const STRUCTURE: [&str; 6] = ["type", "runAfter", "actions", "else", "cases", "default"];

impl Flow {
    /// Sets the field at `pointer` in `action`, creating the objects on the way, or removes it
    /// with `None`. An array element is addressed by its index, which must exist.
    pub fn set_action_field(&mut self, action: &str, pointer: &str, value: Option<Value>) -> Result<(), EditError> {
        let invalid = |reason: &str| EditError::InvalidField { step: action.to_owned(), pointer: pointer.to_owned(), reason: reason.to_owned() };
        let tokens = tokens(pointer).ok_or_else(|| invalid("a field is a JSON pointer such as /inputs/uri"))?;
        if STRUCTURE.contains(&tokens[0].as_str()) {
            return Err(invalid("this is the step's structure, not one of its fields"));
        }
        let found = self.find_action_mut(action).ok_or_else(|| EditError::NoSuchAction(action.into()))?;
        let body = found.body_mut();
        let mut root = Value::Object(std::mem::take(body));
        let kept = root.clone();
        let result = set_in(&mut root, &tokens, value);
        let Value::Object(map) = (if result.is_ok() { root } else { kept }) else { unreachable!("the root stays an object") };
        *body = map;
        result.map_err(|reason| invalid(&reason))
    }
}

fn set_in(target: &mut Value, tokens: &[String], value: Option<Value>) -> Result<(), String> {
    let (token, rest) = tokens.split_first().expect("tokens are never empty");
    match target {
        Value::Object(map) => {
            if rest.is_empty() {
                match value {
                    Some(value) => {
                        map.insert(token.clone(), value);
                    }
                    None => {
                        map.shift_remove(token.as_str());
                    }
                }
                return Ok(());
            }
            if value.is_none() && !map.contains_key(token.as_str()) {
                return Ok(());
            }
            set_in(map.entry(token.clone()).or_insert_with(|| Value::Object(Map::new())), rest, value)
        }
        Value::Array(array) => {
            let index = index_in(token, array.len()).ok_or_else(|| format!("`{token}` is not an element of the list here"))?;
            if !rest.is_empty() {
                return set_in(&mut array[index], rest, value);
            }
            match value {
                Some(value) => array[index] = value,
                None => {
                    array.remove(index);
                }
            }
            Ok(())
        }
        _ => Err(format!("`{token}` is inside a single value, not an object with fields")),
    }
}

/// A pointer's unescaped tokens (RFC 6901); `None` for the empty pointer or one without a leading `/`.
fn tokens(pointer: &str) -> Option<Vec<String>> {
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

fn index_in(token: &str, len: usize) -> Option<usize> {
    token.parse::<usize>().ok().filter(|&i| i < len && (token == "0" || !token.starts_with('0')))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn flow() -> Flow {
        Flow::parse(
            r#"{"triggers": {"manual": {"type": "Request", "kind": "Button"}}, "actions": {
                "Compose": {"type": "Compose", "inputs": "a", "runAfter": {}},
                "Init": {"type": "InitializeVariable", "inputs": {"variables": [{"name": "n", "type": "integer", "value": 1}]}, "runAfter": {"Compose": ["Succeeded"]}},
                "Check": {"type": "If", "expression": {"equals": [1, 1]}, "actions": {
                    "Call": {"type": "Http", "inputs": {"method": "GET", "uri": "https://example.com"}, "runAfter": {}}
                }, "runAfter": {"Init": ["Succeeded"]}}
            }}"#,
        )
        .unwrap()
    }

    fn action(flow: &Flow, name: &str) -> Value {
        Value::Object(flow.find_action(name).unwrap().body().clone())
    }

    #[test]
    fn sets_a_field_at_any_depth_and_in_nested_steps() {
        let mut flow = flow();
        flow.set_action_field("Compose", "/inputs", Some(json!({"total": "@add(1, 2)"}))).unwrap();
        flow.set_action_field("Init", "/inputs/variables/0/value", Some(json!(5))).unwrap();
        flow.set_action_field("Call", "/inputs/headers/Content-Type", Some(json!("application/json"))).unwrap();
        flow.set_action_field("Check", "/expression", Some(json!("@equals(1, 2)"))).unwrap();
        assert_eq!(action(&flow, "Compose")["inputs"], json!({"total": "@add(1, 2)"}));
        assert_eq!(action(&flow, "Init")["inputs"]["variables"][0], json!({"name": "n", "type": "integer", "value": 5}));
        assert_eq!(action(&flow, "Call")["inputs"]["headers"], json!({"Content-Type": "application/json"}));
        assert_eq!(action(&flow, "Check")["expression"], json!("@equals(1, 2)"));
        // The nested step is still inside the condition.
        assert!(flow.to_json()["actions"]["Check"]["actions"]["Call"].is_object());
    }

    #[test]
    fn removes_a_field_and_ignores_one_that_is_not_there() {
        let mut flow = flow();
        flow.set_action_field("Call", "/inputs/method", None).unwrap();
        flow.set_action_field("Call", "/inputs/body/deep", None).unwrap();
        assert_eq!(action(&flow, "Call")["inputs"], json!({"uri": "https://example.com"}));
    }

    #[test]
    fn refuses_the_structure_bad_pointers_and_missing_elements_and_changes_nothing() {
        let mut flow = flow();
        let before = flow.to_json();
        for (step, pointer) in [
            ("Compose", "/runAfter"),
            ("Compose", "/type"),
            ("Check", "/actions/Call"),
            ("Compose", "inputs"),
            ("Compose", ""),
            ("Init", "/inputs/variables/3/value"),
            ("Init", "/inputs/variables/01"),
            ("Compose", "/inputs/x"),
        ] {
            let refused = flow.set_action_field(step, pointer, Some(json!(1))).unwrap_err();
            assert!(matches!(refused, EditError::InvalidField { .. }), "{step} {pointer}: {refused}");
        }
        assert_eq!(flow.set_action_field("Nope", "/inputs", None), Err(EditError::NoSuchAction("Nope".into())));
        assert_eq!(flow.to_json(), before);
    }
}
