use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::Flow;
use crate::choice::{entry_invoker_encoding, entry_logical_name, InvokerEncoding};

/// One entry of `properties.connectionReferences`, as the picker and validation see it.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReference {
    /// The entry's key, which actions name in `inputs.host.connectionName`.
    pub key: String,
    pub logical_name: Option<String>,
    /// The connector, e.g. `shared_commondataserviceforapps`.
    pub api: Option<String>,
    /// `runtimeSource: invoker`: the run-only user supplies the connection.
    pub run_only_user: bool,
    /// `impersonation.source: invoker`: the trigger's "Run as" user.
    pub impersonates_invoker: bool,
}

impl Flow {
    pub fn references(&self) -> Vec<ConnectionReference> {
        let Some(map) = self.connection_references() else { return Vec::new() };
        map.iter()
            .map(|(key, entry)| {
                let encoding = entry_invoker_encoding(entry);
                ConnectionReference {
                    key: key.clone(),
                    logical_name: entry_logical_name(entry).map(str::to_owned),
                    api: entry
                        .pointer("/api/name")
                        .and_then(Value::as_str)
                        .or_else(|| entry.get("id").and_then(Value::as_str).and_then(|id| id.rsplit('/').next()))
                        .map(str::to_owned),
                    run_only_user: encoding == Some(InvokerEncoding::RuntimeSource),
                    impersonates_invoker: encoding == Some(InvokerEncoding::Impersonation),
                }
            })
            .collect()
    }
}
