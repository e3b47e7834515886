//! The connection picker on a Dataverse action: a connection reference, or the invoker's
//! connection. The choice is read from and written to the connection-reference entries exactly as
//! `flow-format.md` §3.5 prescribes, so the JSON stays the single source of truth.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use ts_rs::TS;

use crate::connection::TriggerIdentity;
use crate::model::{Action, DocumentShape, Flow, Trigger};
use crate::EditError;

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ConnectionChoice {
    /// Runs as the owner of the connection bound to this connection reference.
    Reference { logical_name: String },
    /// Runs as the invoker: the run-only user (instant flows) or the trigger's "Run as" user.
    Invoker,
}

/// How an entry of `connectionReferences` encodes the invoker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvokerEncoding {
    /// `runtimeSource: "invoker"` (or `source: "Invoker"` in the management API shape).
    RuntimeSource,
    /// `impersonation: {source: "invoker"}`.
    Impersonation,
}

pub fn entry_invoker_encoding(entry: &Value) -> Option<InvokerEncoding> {
    let is_invoker = |v: Option<&Value>| v.and_then(Value::as_str).is_some_and(|s| s.eq_ignore_ascii_case("invoker"));
    if is_invoker(entry.get("runtimeSource")) || is_invoker(entry.get("source")) {
        Some(InvokerEncoding::RuntimeSource)
    } else if is_invoker(entry.pointer("/impersonation/source")) {
        Some(InvokerEncoding::Impersonation)
    } else {
        None
    }
}

pub fn entry_logical_name(entry: &Value) -> Option<&str> {
    entry
        .pointer("/connection/connectionReferenceLogicalName")
        .or_else(|| entry.get("connectionReferenceLogicalName"))
        .or_else(|| entry.get("connectionName"))
        .and_then(Value::as_str)
}

fn entry_api(entry: &Value) -> Option<&str> {
    entry
        .pointer("/api/name")
        .and_then(Value::as_str)
        .or_else(|| entry.get("id").and_then(Value::as_str).and_then(|id| id.rsplit('/').next()))
}

/// The encoding the invoker must take under this trigger; `None` when the invoker has no meaning.
pub fn invoker_encoding_for(trigger: TriggerIdentity) -> Option<InvokerEncoding> {
    match trigger {
        TriggerIdentity::Instant => Some(InvokerEncoding::RuntimeSource),
        TriggerIdentity::DataverseRow(_) => Some(InvokerEncoding::Impersonation),
        TriggerIdentity::Automated => None,
    }
}

impl Flow {
    pub fn trigger_identity(&self) -> TriggerIdentity {
        self.trigger().map_or(TriggerIdentity::Automated, Trigger::identity)
    }

    /// The picker's value for a Dataverse action; `None` for other actions or an undeclared connection.
    pub fn connection_choice(&self, action: &Action) -> Option<ConnectionChoice> {
        if !action.is_dataverse() {
            return None;
        }
        let entry = self.connection_references()?.get(action.connection_name()?)?;
        Some(match entry_invoker_encoding(entry) {
            Some(_) => ConnectionChoice::Invoker,
            None => ConnectionChoice::Reference { logical_name: entry_logical_name(entry).unwrap_or_default().to_owned() },
        })
    }

    /// Points a Dataverse action at an entry that encodes `choice`, reusing one when it exists and
    /// making one (`shared_…_1`, …) when not. An entry nobody uses any more is removed.
    pub fn set_connection_choice(&mut self, action_name: &str, choice: &ConnectionChoice) -> Result<(), EditError> {
        let trigger = self.trigger_identity();
        let shape = self.shape();
        let action = self.find_action(action_name).ok_or_else(|| EditError::NoSuchAction(action_name.into()))?;
        if !action.is_dataverse() {
            return Err(EditError::NotDataverse(action_name.into()));
        }
        let api = action.api_name().unwrap_or("shared_commondataserviceforapps").to_owned();
        let old_key = action.connection_name().map(str::to_owned);
        let refs = self.connection_references_mut().ok_or(EditError::NoConnectionReferences)?;
        let current_logical = old_key.as_ref().and_then(|k| refs.get(k)).and_then(entry_logical_name).map(str::to_owned);
        let (logical_name, invoker) = match choice {
            ConnectionChoice::Reference { logical_name } => (logical_name.clone(), None),
            ConnectionChoice::Invoker => {
                let logical = current_logical.ok_or_else(|| EditError::InvokerNeedsReference(action_name.into()))?;
                // Representable even when the trigger has no invoker, so validation can report it.
                (logical, Some(invoker_encoding_for(trigger).unwrap_or(InvokerEncoding::Impersonation)))
            }
        };
        let existing = refs
            .iter()
            .find(|(_, e)| {
                entry_logical_name(e) == Some(logical_name.as_str())
                    && entry_api(e).is_none_or(|a| a == api)
                    && entry_invoker_encoding(e) == invoker
            })
            .map(|(k, _)| k.clone());
        let key = match existing {
            Some(key) => key,
            None => {
                let key = free_key(refs, &api);
                refs.insert(key.clone(), new_entry(shape, &api, &logical_name, invoker));
                key
            }
        };
        self.find_action_mut(action_name).expect("found above").set_connection_name(&key);
        if let Some(old) = old_key.filter(|old| *old != key) {
            self.remove_entry_if_unused(&old);
        }
        Ok(())
    }

    fn remove_entry_if_unused(&mut self, key: &str) {
        let used_by_action = self.all_actions().iter().any(|a| a.connection_name() == Some(key));
        let used_by_trigger = self.triggers.iter().any(|t| {
            t.body().get("inputs").and_then(|i| i.get("host")).and_then(|h| h.get("connectionName")).and_then(Value::as_str) == Some(key)
        });
        if !used_by_action && !used_by_trigger {
            if let Some(refs) = self.connection_references_mut() {
                refs.shift_remove(key);
            }
        }
    }
}

fn free_key(refs: &Map<String, Value>, api: &str) -> String {
    if !refs.contains_key(api) {
        return api.to_owned();
    }
    (1..).map(|i| format!("{api}_{i}")).find(|k| !refs.contains_key(k)).expect("an unused key exists")
}

pub(crate) fn new_entry(shape: DocumentShape, api: &str, logical_name: &str, invoker: Option<InvokerEncoding>) -> Value {
    if shape == DocumentShape::ManagementApi {
        let source = if invoker.is_some() { "Invoker" } else { "Embedded" };
        return json!({ "connectionName": logical_name, "source": source, "id": format!("/providers/Microsoft.PowerApps/apis/{api}") });
    }
    let mut entry = Map::new();
    match invoker {
        Some(InvokerEncoding::Impersonation) => {
            entry.insert("impersonation".into(), json!({ "source": "invoker" }));
            entry.insert("runtimeSource".into(), json!("embedded"));
        }
        Some(InvokerEncoding::RuntimeSource) => {
            entry.insert("runtimeSource".into(), json!("invoker"));
        }
        None => {
            entry.insert("runtimeSource".into(), json!("embedded"));
        }
    }
    entry.insert("connection".into(), json!({ "connectionReferenceLogicalName": logical_name }));
    entry.insert("api".into(), json!({ "name": api }));
    Value::Object(entry)
}
