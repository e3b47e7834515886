use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::Flow;

/// A definition parameter; environment variables carry their schema name.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    /// As referenced in expressions: `@parameters('<name>')`.
    pub name: String,
    /// `String`, `Bool`, `Int`, `Object`, `SecureObject`…
    pub parameter_type: Option<String>,
    #[ts(type = "unknown")]
    pub default_value: Option<Value>,
    /// The environment variable's schema name (`metadata.schemaName`), when it is one.
    pub environment_variable: Option<String>,
}

impl Parameter {
    /// `$connections` and `$authentication` are the platform's, not the maker's.
    pub fn is_builtin(&self) -> bool {
        self.name.starts_with('$')
    }
}

impl Flow {
    pub fn parameters(&self) -> Vec<Parameter> {
        let Some(map) = self.definition().get("parameters").and_then(Value::as_object) else { return Vec::new() };
        map.iter()
            .map(|(name, p)| Parameter {
                name: name.clone(),
                parameter_type: p.get("type").and_then(Value::as_str).map(str::to_owned),
                default_value: p.get("defaultValue").cloned(),
                environment_variable: p.pointer("/metadata/schemaName").and_then(Value::as_str).map(str::to_owned),
            })
            .collect()
    }
}
