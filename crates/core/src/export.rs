//! Export of a flow: the invoker's connection written exactly as the mapping table prescribes
//! (`flow-format.md` §3.5) for the flow's trigger, or refused when it has no valid form.

use serde_json::{json, Value};
use thiserror::Error;

use crate::choice::{entry_invoker_encoding, invoker_encoding_for, InvokerEncoding};
use crate::model::{DocumentShape, Flow};

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ExportError {
    #[error(
        "`{action}` uses the invoker's connection, but the trigger `{trigger}` is not started by a user \
         (only instant triggers and the Dataverse row trigger have an invoker): pick a connection reference"
    )]
    InvokerWithoutInvoker { action: String, trigger: String },
}

/// The flow as it should be written: a clone whose invoker entries use the trigger's encoding.
/// A valid imported flow comes back unchanged, so export after import is lossless.
pub fn prepare_export(flow: &Flow) -> Result<Flow, ExportError> {
    let identity = flow.trigger_identity();
    let trigger_name = flow.trigger().map_or_else(|| "(none)".to_owned(), |t| t.name.clone());
    let mut out = flow.clone();
    if flow.shape() == DocumentShape::Definition {
        return Ok(out);
    }
    let used: Vec<(String, String)> = flow
        .all_actions()
        .into_iter()
        .filter_map(|a| a.connection_name().map(|c| (a.name.clone(), c.to_owned())))
        .collect();
    let Some(refs) = out.connection_references_mut() else { return Ok(out) };
    for (action, key) in used {
        let Some(entry) = refs.get_mut(&key) else { continue };
        let Some(current) = entry_invoker_encoding(entry) else { continue };
        let wanted = invoker_encoding_for(identity)
            .ok_or_else(|| ExportError::InvokerWithoutInvoker { action: action.clone(), trigger: trigger_name.clone() })?;
        if current == wanted || entry.get("source").is_some() {
            continue;
        }
        let Some(obj) = entry.as_object_mut() else { continue };
        match wanted {
            InvokerEncoding::RuntimeSource => {
                obj.insert("runtimeSource".into(), json!("invoker"));
                if obj.contains_key("impersonation") {
                    obj.insert("impersonation".into(), json!({}));
                }
            }
            InvokerEncoding::Impersonation => {
                obj.insert("impersonation".into(), json!({ "source": "invoker" }));
                obj.insert("runtimeSource".into(), json!("embedded"));
            }
        }
    }
    Ok(out)
}

/// Flow JSON text ready to write, two-space indented.
pub fn export_flow_json(flow: &Flow) -> Result<String, ExportError> {
    Ok(prepare_export(flow)?.to_pretty_json())
}

/// Same as [`prepare_export`] but returns the JSON value.
pub fn export_flow_value(flow: &Flow) -> Result<Value, ExportError> {
    Ok(prepare_export(flow)?.to_json())
}
