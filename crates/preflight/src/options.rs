//! What the preflight is told about the environment that the flow does not say.

use std::collections::BTreeMap;

/// The persona that owns connection references nobody named: the sandbox's service account.
pub const DEFAULT_REFERENCE_OWNER: &str = "svc";

#[derive(Clone, Debug)]
pub struct Options {
    /// Connection reference logical name → the persona owning the bound connection.
    pub reference_owners: BTreeMap<String, String>,
    /// Owns references not in `reference_owners`.
    pub default_reference_owner: String,
    /// The flow's owner: needs prvActOnBehalfOfAnotherUser for invoker connections, and is the
    /// "Run as" user when the row trigger runs as the flow owner.
    pub flow_owner: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reference_owners: BTreeMap::new(),
            default_reference_owner: DEFAULT_REFERENCE_OWNER.into(),
            flow_owner: DEFAULT_REFERENCE_OWNER.into(),
        }
    }
}

impl Options {
    pub fn reference_owner(&self, logical_name: &str) -> &str {
        self.reference_owners.get(logical_name).map_or(self.default_reference_owner.as_str(), String::as_str)
    }
}
