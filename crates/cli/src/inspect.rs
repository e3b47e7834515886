//! `flowbench inspect FILE`: the trigger, the action tree, and who every connector step runs as.

use std::fmt::Write;

use flowbench_core::connection::TriggerRunAs;
use flowbench_core::model::{DataverseRowTrigger, Trigger, TriggerKind};
use flowbench_core::outline::{outline_of, StepOutline};
use flowbench_core::{Flow, RunsAs};

const MESSAGES: [&str; 7] = [
    "Added",
    "Deleted",
    "Modified",
    "Added or Modified",
    "Added or Deleted",
    "Modified or Deleted",
    "Added, Modified or Deleted",
];
const SCOPES: [&str; 4] = ["User", "Business unit", "Parent: child business unit", "Organization"];

pub fn describe_run_as(user: TriggerRunAs) -> &'static str {
    match user {
        TriggerRunAs::ModifyingUser => "the modifying user",
        TriggerRunAs::RowOwner => "the row owner",
        TriggerRunAs::FlowOwner => "the flow owner",
    }
}

pub fn describe_runs_as(runs_as: &RunsAs) -> String {
    let name = |n: &Option<String>| n.clone().unwrap_or_else(|| "(no logical name)".into());
    match runs_as {
        RunsAs::ConnectionReference { logical_name } => format!("runs as the owner of connection reference {}", name(logical_name)),
        RunsAs::RunOnlyUser { logical_name } => {
            format!("runs as the invoker (run-only user's connection, reference {})", name(logical_name))
        }
        RunsAs::TriggerRunAs { user, logical_name } => format!(
            "runs as {} (invoker's connection through the trigger's Run as, reference {})",
            describe_run_as(*user),
            name(logical_name)
        ),
        RunsAs::Unresolved { reason } => format!("identity unknown: {reason}"),
    }
}

fn describe_trigger(trigger: &Trigger) -> String {
    match trigger.kind() {
        TriggerKind::Instant { kind } => format!("instant ({kind}): a user starts the flow"),
        TriggerKind::Request { kind } => format!("HTTP request ({})", kind.unwrap_or_else(|| "no kind".into())),
        TriggerKind::Recurrence => "recurrence: nobody invokes the flow".into(),
        TriggerKind::DataverseRow(DataverseRowTrigger { message, table, scope, filtering_columns, filter_expression, run_as }) => {
            let message = message.and_then(|m| MESSAGES.get((m - 1) as usize)).copied().unwrap_or("(unknown message)");
            let scope = scope.and_then(|s| SCOPES.get((s - 1) as usize)).copied().unwrap_or("(unknown scope)");
            let mut text = format!(
                "Dataverse row {message} on {}, scope {scope}, run as {}",
                table.unwrap_or_else(|| "(no table)".into()),
                describe_run_as(run_as)
            );
            if let Some(columns) = filtering_columns {
                let _ = write!(text, ", when {columns} change");
            }
            if let Some(filter) = filter_expression {
                let _ = write!(text, ", where {filter}");
            }
            text
        }
        TriggerKind::Connector { api, operation } => format!(
            "connector {} {}",
            api.unwrap_or_else(|| "(unknown api)".into()),
            operation.unwrap_or_default()
        ),
        TriggerKind::Other { trigger_type } => format!("{trigger_type}"),
    }
}

pub fn inspect_text(title: &str, flow: &Flow) -> String {
    let mut out = String::new();
    let outline = outline_of(flow);
    let _ = writeln!(out, "Flow: {title}");
    match flow.trigger() {
        Some(trigger) => {
            let _ = writeln!(out, "Trigger: {} — {}", trigger.name, describe_trigger(trigger));
        }
        None => out.push_str("Trigger: none\n"),
    }
    if flow.triggers.len() > 1 {
        let _ = writeln!(out, "  (and {} more triggers: a flow has exactly one)", flow.triggers.len() - 1);
    }
    let _ = writeln!(out, "Actions ({}):", outline.step_count);
    write_steps(&mut out, &outline.steps, 1);
    out
}

fn write_steps(out: &mut String, steps: &[StepOutline], depth: usize) {
    let indent = "  ".repeat(depth);
    for step in steps {
        let mut line = format!("{indent}{}  [{}", step.name, step.action_type);
        if let Some(op) = &step.operation_id {
            let _ = write!(line, " {op}");
        }
        if let Some(table) = &step.table {
            let _ = write!(line, " {table}");
        }
        line.push(']');
        if let Some(runs_as) = &step.runs_as {
            let _ = write!(line, " — {}", describe_runs_as(runs_as));
        }
        let _ = writeln!(out, "{line}");
        for branch in &step.branches {
            let _ = writeln!(out, "{indent}  {}:", branch.label);
            write_steps(out, &branch.steps, depth + 2);
        }
    }
}
