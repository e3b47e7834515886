//! The Response action: the status, headers and body the run answers its caller with (a Request
//! trigger's HTTP caller, Power Apps, a parent flow). The run record keeps it as the run's
//! response; a run answers once.

use serde_json::{json, Value};

use crate::evaluate::evaluate_inputs;
use crate::outcome::{invalid_template, Outcome};
use crate::record::{RunResponse, StepError};
use crate::state::RunState;

pub(crate) fn respond(state: &RunState, name: &str, raw_inputs: &Value) -> Outcome {
    let inputs = match evaluate_inputs(state, raw_inputs) {
        Ok(inputs) => inputs,
        Err(e) => return Outcome::failed(None, invalid_template(name, "inputs", e)),
    };
    let status_code = match inputs.get("statusCode") {
        None | Some(Value::Null) => Some(200),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        Some(_) => None,
    }
    .filter(|c| (100..=599).contains(c));
    let Some(status_code) = status_code else {
        let message = format!("'{name}': inputs.statusCode must be an HTTP status from 100 to 599, not {}", inputs["statusCode"]);
        return Outcome::failed(Some(inputs), StepError::new("InvalidTemplate", message));
    };
    let headers = match inputs.get("headers") {
        None | Some(Value::Null) => json!({}),
        Some(Value::Object(map)) => Value::Object(map.clone()),
        Some(other) => {
            let message = format!("'{name}': inputs.headers must be an object of header names and values, not {other}");
            return Outcome::failed(Some(inputs), StepError::new("InvalidTemplate", message));
        }
    };
    let body = inputs.get("body").cloned().unwrap_or(Value::Null);
    let response = RunResponse { action: name.to_string(), status_code: status_code as u16, headers: headers.clone(), body: body.clone() };
    if let Err(first) = state.set_response(response) {
        let message = format!("'{name}' cannot answer: the run already answered its caller through '{first}'");
        return Outcome::failed(Some(inputs), StepError::new("ActionResponseAlreadySent", message));
    }
    Outcome::succeeded(Some(inputs), Some(json!({ "statusCode": status_code, "headers": headers, "body": body })))
}
