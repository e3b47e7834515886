use flowbench_core::model::ActionKind;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::{FlowIndex, Node};
use crate::ValidationContext;

/// Fields each type requires, as paths below the action object (`a|b`: either will do).
fn required_fields(kind: ActionKind) -> &'static [&'static str] {
    use ActionKind::*;
    match kind {
        If | Switch | Until => &["expression"],
        Foreach => &["foreach"],
        Terminate => &["inputs/runStatus"],
        InitializeVariable => &["inputs/variables"],
        SetVariable | IncrementVariable | DecrementVariable | AppendToArrayVariable | AppendToStringVariable => &["inputs/name"],
        Compose => &["inputs"],
        ParseJson => &["inputs/content", "inputs/schema"],
        Query => &["inputs/from", "inputs/where"],
        Select => &["inputs/from", "inputs/select"],
        Table => &["inputs/from", "inputs/format"],
        Join => &["inputs/from", "inputs/joinWith"],
        Response => &["inputs/statusCode"],
        Http => &["inputs/method", "inputs/uri"],
        HttpWebhook => &["inputs/subscribe"],
        Wait => &["inputs/interval|inputs/until"],
        Workflow => &["inputs/host/workflowReferenceName"],
        OpenApiConnection | OpenApiConnectionWebhook => &["inputs/host/operationId", "inputs/host/connectionName|inputs/host/connectionReferenceName"],
        ApiConnection | ApiConnectionWebhook => &["inputs/host/connection"],
        Expression | Unknown | Scope => &[],
    }
}

fn present(node: &Node, path: &str) -> bool {
    path.split('|').any(|alternative| node.field(alternative).is_some_and(|v| !v.is_null()))
}

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    let triggers = index.flow.triggers.len();
    if triggers != 1 {
        report(
            out,
            "structure/trigger-count",
            index.flow_location(format!("{}/triggers", index.definition_pointer)),
            format!("the flow has {triggers} triggers; Power Automate needs exactly one"),
            Some(if triggers == 0 { "add a trigger" } else { "keep one trigger and delete the others" }),
        );
    }
    for trigger in &index.flow.triggers {
        if trigger.trigger_type().is_empty() {
            report(
                out,
                "structure/required-field",
                index.flow_location(format!("{}/triggers/{}", index.definition_pointer, crate::index::escape(&trigger.name))),
                format!("the trigger `{}` has no `type`", trigger.name),
                None,
            );
        }
    }
}

pub fn check_action(index: &FlowIndex, id: usize, out: &mut Vec<Diagnostic>) {
    let node = &index.nodes[id];
    if node.action_type.is_empty() {
        report(out, "structure/required-field", index.location(id, "/type"), format!("`{}` has no `type`", node.name), None);
        return;
    }
    let kind = node.kind;
    if kind == ActionKind::Unknown {
        report(
            out,
            "structure/unknown-type",
            index.location(id, "/type"),
            format!("`{}` has the type `{}`, which Flowbench does not know; it is kept as it is", node.name, node.action_type),
            None,
        );
    }
    for field in required_fields(kind) {
        if !present(node, field) {
            let shown = field.replace('/', ".").replace('|', "` or `");
            report(out, "structure/required-field", index.location(id, ""), format!("`{}` ({}) needs `{shown}`", node.name, node.action_type), None);
        }
    }
}
