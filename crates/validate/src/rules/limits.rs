use flowbench_core::model::ActionKind;
use serde_json::Value;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::FlowIndex;
use crate::ValidationContext;

/// Power Automate's limits (`limits-and-config.md`).
pub const MAX_ACTIONS: usize = 500;
pub const MAX_NESTING: usize = 8;
pub const MAX_SWITCH_CASES: usize = 25;
pub const MAX_VARIABLES: usize = 250;
pub const MAX_NAME_CHARS: usize = 80;

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    if index.nodes.len() > MAX_ACTIONS {
        report(
            out,
            "limits/action-count",
            index.flow_location(format!("{}/actions", index.definition_pointer)),
            format!("the flow has {} actions; Power Automate allows {MAX_ACTIONS}", index.nodes.len()),
            Some("move parts into child flows"),
        );
    }
    let mut variables = 0;
    for (id, node) in index.nodes.iter().enumerate() {
        let action = node.action;
        if node.depth > MAX_NESTING {
            report(
                out,
                "limits/nesting-depth",
                index.location(id, ""),
                format!("`{}` sits inside {} nested containers; Power Automate allows {MAX_NESTING}", action.name, node.depth),
                None,
            );
        }
        if node.kind == ActionKind::Switch {
            let cases = action.body().get("cases").and_then(Value::as_object).map_or(0, |c| c.len());
            if cases > MAX_SWITCH_CASES {
                report(out, "limits/switch-cases", index.location(id, "/cases"), format!("`{}` has {cases} cases; Power Automate allows {MAX_SWITCH_CASES}", action.name), None);
            }
        }
        if node.kind == ActionKind::InitializeVariable {
            variables += node.inputs.and_then(|i| i.get("variables")).and_then(Value::as_array).map_or(0, Vec::len);
        }
        let chars = action.name.chars().count();
        if chars > MAX_NAME_CHARS {
            report(out, "limits/name", index.location(id, ""), format!("`{}` is {chars} characters long; names hold {MAX_NAME_CHARS}", action.name), None);
        } else if action.name.chars().any(char::is_control) || action.name.trim() != action.name || action.name.is_empty() {
            report(out, "limits/name", index.location(id, ""), format!("`{}` is empty, has control characters, or starts or ends with a space", action.name.escape_debug()), None);
        }
    }
    if variables > MAX_VARIABLES {
        report(
            out,
            "limits/variable-count",
            index.flow_location(format!("{}/actions", index.definition_pointer)),
            format!("the flow initializes {variables} variables; Power Automate allows {MAX_VARIABLES}"),
            None,
        );
    }
}
