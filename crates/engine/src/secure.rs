//! What the run record may show: `runtimeConfiguration.secureData.properties` keeps an action's
//! inputs and/or outputs out of run history (reference §3.4), and credentials sent by HTTP steps
//! (the `Authorization` header, `authentication` secrets) are never stored. Later steps still
//! read the real values: redaction happens after the step is remembered for expressions.

use flowbench_core::Action;
use serde_json::Value;

use crate::record::StepRecord;

/// What run history shows in place of secured inputs or outputs.
pub(crate) const SECURED: &str = "Content not shown due to security configuration.";
/// What run history shows in place of a credential.
pub(crate) const SANITIZED: &str = "*sanitized*";

/// Fields of `inputs.authentication` that hold secrets.
const SECRET_FIELDS: [&str; 5] = ["value", "password", "pfx", "secret", "clientSecret"];

pub(crate) fn redact(action: &Action, record: &mut StepRecord) {
    let secured = action
        .body()
        .get("runtimeConfiguration")
        .and_then(|r| r.get("secureData"))
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_array)
        .map(|p| p.iter().filter_map(Value::as_str).map(str::to_ascii_lowercase).collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(inputs) = record.inputs.as_mut() {
        if secured.iter().any(|p| p == "inputs") {
            *inputs = Value::String(SECURED.into());
        } else {
            sanitize_credentials(inputs);
        }
    }
    if secured.iter().any(|p| p == "outputs") {
        if let Some(outputs) = record.outputs.as_mut() {
            *outputs = Value::String(SECURED.into());
        }
    }
}

fn sanitize_credentials(inputs: &mut Value) {
    if let Some(headers) = inputs.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, value) in headers.iter_mut() {
            if name.eq_ignore_ascii_case("authorization") {
                *value = Value::String(SANITIZED.into());
            }
        }
    }
    if let Some(authentication) = inputs.get_mut("authentication").and_then(Value::as_object_mut) {
        for (name, value) in authentication.iter_mut() {
            if SECRET_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(name)) {
                *value = Value::String(SANITIZED.into());
            }
        }
    }
}
