use flowbench_core::choice::{entry_invoker_encoding, entry_logical_name, InvokerEncoding};
use flowbench_core::connection::{TriggerIdentity, TriggerRunAs};
use flowbench_core::model::{ActionKind, DocumentShape};
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::{escape, FlowIndex};
use crate::ValidationContext;

const DELEGATE: &str = "prvActOnBehalfOfAnotherUser";

/// A connection reference's logical name and how it takes the invoker's connection, if it does.
type ReferenceFacts<'f> = (Option<&'f str>, Option<InvokerEncoding>);

pub fn check(index: &FlowIndex, context: &ValidationContext, out: &mut Vec<Diagnostic>) {
    let flow = index.flow;
    let identity = flow.trigger_identity();
    // Read once per reference rather than once per action using it.
    let references: FxHashMap<&str, ReferenceFacts> = flow
        .connection_references()
        .into_iter()
        .flatten()
        .map(|(key, entry)| (key.as_str(), (entry_logical_name(entry), entry_invoker_encoding(entry))))
        .collect();
    let mut dataverse_invoker = false;
    for (id, node) in index.nodes.iter().enumerate() {
        if node.kind == ActionKind::Workflow {
            let child = node.host.and_then(|h| h.get("workflowReferenceName")).and_then(Value::as_str);
            if let Some(child) = child.filter(|c| context.invoker_flow_ids.iter().any(|i| i.eq_ignore_ascii_case(c))) {
                report(
                    out,
                    "connection/invoker-child-flow",
                    index.location(id, "/inputs/host/workflowReferenceName"),
                    format!("`{}` calls the flow {child}, which uses invoker connections; child flows only support embedded connections (ChildFlowUnsupportedForInvokerConnections)", node.name),
                    Some("make the child flow use connection references"),
                );
            }
        }
        let Some(key) = node.connection_name else { continue };
        if !node.kind.is_connector() || flow.shape() == DocumentShape::Definition {
            continue;
        }
        let Some(&(logical, encoding)) = references.get(key) else {
            report(
                out,
                "connection/undeclared",
                index.location(id, "/inputs/host/connectionName"),
                format!("`{}` uses the connection `{key}`, which connectionReferences does not declare", node.name),
                Some("pick a connection reference for this action"),
            );
            continue;
        };
        if let (Some(declared), Some(logical)) = (&context.declared_references, logical) {
            if !declared.iter().any(|d| d.eq_ignore_ascii_case(logical)) {
                report(
                    out,
                    "connection/logical-name-undeclared",
                    index.flow_location(format!("/properties/connectionReferences/{}", escape(key))),
                    format!("the connection reference `{logical}` is not declared by the solution; export would record a missing dependency"),
                    Some("declare it in the solution's connection references"),
                );
            }
        }
        let Some(encoding) = encoding else { continue };
        if node.is_dataverse {
            dataverse_invoker = true;
        }
        let here = || index.location(id, "/inputs/host/connectionName");
        if node.operation_id.is_some_and(|op| op.ends_with("WithOrganization")) {
            report(
                out,
                "connection/with-organization-invoker",
                here(),
                format!("`{}` works on a selected environment, which supports neither the invoker's connection nor Run as", node.name),
                Some("use a connection reference"),
            );
        }
        let fits = matches!(
            (encoding, identity),
            (InvokerEncoding::RuntimeSource, TriggerIdentity::Instant) | (InvokerEncoding::Impersonation, TriggerIdentity::DataverseRow(_))
        );
        if !fits {
            let why = match identity {
                TriggerIdentity::Automated => "nobody invokes this flow: its trigger is automated".to_string(),
                TriggerIdentity::Instant => "on an instant flow the invoker is a run-only user (runtimeSource invoker), not impersonation".to_string(),
                TriggerIdentity::DataverseRow(_) => "under the Dataverse row trigger the invoker is the trigger's Run as user (impersonation), not a run-only user".to_string(),
            };
            report(
                out,
                "connection/invoker-without-invoker",
                here(),
                format!("`{}` uses the invoker's connection, but {why}", node.name),
                Some(if identity == TriggerIdentity::Automated { "pick a connection reference" } else { "export writes the form this trigger needs" }),
            );
        }
        if encoding == InvokerEncoding::Impersonation && identity == TriggerIdentity::DataverseRow(TriggerRunAs::FlowOwner) {
            report(
                out,
                "connection/invoker-run-as-owner",
                here(),
                format!("`{}` uses the invoker's connection, but the trigger runs as the flow owner, so it runs as the owner anyway", node.name),
                Some("set the trigger's Run as to the modifying user or the row owner"),
            );
        }
    }
    let run_as_other = matches!(identity, TriggerIdentity::DataverseRow(TriggerRunAs::ModifyingUser | TriggerRunAs::RowOwner));
    if dataverse_invoker || run_as_other {
        let what = if dataverse_invoker { "Dataverse steps use the invoker's connection" } else { "the Dataverse trigger runs as another user" };
        report(
            out,
            "connection/delegate-privilege",
            index.flow_location(if flow.shape() == DocumentShape::Definition { String::new() } else { "/properties/connectionReferences".into() }),
            format!("{what}: the flow owner needs {DELEGATE} (the Delegate role) to save and run it"),
            Some("give the owner a security role with Act on Behalf of Another User"),
        );
    }
}
