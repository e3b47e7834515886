use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// Where a problem is: the action (and the containers it sits in), a JSON pointer into the flow
/// document, and for expressions the characters inside that string.
#[derive(Serialize, Deserialize, TS, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// Container names from the top level down to the action; empty for the flow or trigger.
    pub action_path: Vec<String>,
    pub pointer: String,
    /// Byte offsets inside the string at `pointer`.
    #[ts(as = "Option<(u32, u32)>")]
    pub span: Option<(usize, usize)>,
}

#[derive(Serialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Stable id, e.g. `graph/run-after-target`.
    #[ts(as = "String")]
    pub rule: &'static str,
    pub severity: Severity,
    pub location: Location,
    /// What is wrong and why.
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn action(&self) -> Option<&str> {
        self.location.action_path.last().map(String::as_str)
    }
}
