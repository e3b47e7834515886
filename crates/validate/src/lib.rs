//! Validation of cloud flows: each rule reports what Power Automate would reject (errors) or what
//! is likely wrong (warnings), with a stable rule id, a location and a fix hint.
//! References: `flow-format.md` §8 and `dataverse-web-api.md`.

mod diagnostic;
mod index;
pub mod metadata;
pub mod output;
mod rules;

pub use diagnostic::{Diagnostic, Location, Severity};
pub use index::FlowIndex;
pub use rules::{RuleInfo, RULES};

use flowbench_core::Flow;

/// What is known besides the flow itself.
#[derive(Default, Clone, Debug)]
pub struct ValidationContext {
    /// The connection-reference logical names a solution declares, when validating inside one.
    pub declared_references: Option<Vec<String>>,
    /// Workflow ids of flows in the same solution that use invoker connections.
    pub invoker_flow_ids: Vec<String>,
    /// The attached environment's tables, for the `metadata/…` rules.
    pub metadata: Option<std::sync::Arc<metadata::EnvironmentMetadata>>,
}

pub fn validate(flow: &Flow, context: &ValidationContext) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let index = FlowIndex::visiting_actions(flow, |index, id| {
        for check in rules::ACTION_CHECKS {
            check(index, id, &mut diagnostics);
        }
    });
    for check in rules::CHECKS {
        check(&index, context, &mut diagnostics);
    }
    diagnostics.sort_by(|a, b| a.location.pointer.cmp(&b.location.pointer).then(a.rule.cmp(b.rule)));
    diagnostics
}
