//! The matrix as text: one row per user, one column per step, the missing privilege in every
//! red cell; then what each step needs and runs as.

use std::fmt::Write;

use flowbench_core::connection::TriggerRunAs;

use crate::identity::StepIdentity;
use crate::matrix::{Matrix, Verdict};

/// `color`: wrap failing cells in ANSI red (for terminals).
pub fn render(matrix: &Matrix, color: bool) -> String {
    let mut out = String::new();
    if let Some(name) = &matrix.flow {
        let _ = writeln!(out, "Flow: {name}");
    }
    let header: Vec<String> = std::iter::once("user".to_string()).chain(matrix.steps.iter().map(|s| s.action.clone())).collect();
    let rows: Vec<Vec<(String, bool)>> = matrix
        .users
        .iter()
        .map(|row| {
            std::iter::once((row.user.clone(), false))
                .chain(row.cells.iter().map(|c| match c.verdict {
                    Verdict::Allowed if c.notes.is_empty() => ("ok".to_string(), false),
                    Verdict::Allowed => ("ok (depth?)".to_string(), false),
                    Verdict::NotDataverse => ("-".to_string(), false),
                    Verdict::Unknown => ("?".to_string(), false),
                    Verdict::NoRowAccess => (format!("✗ depth of {}", c.no_access[0].privilege), true),
                    Verdict::Missing => {
                        let first = &c.missing[0];
                        let who = if c.runs_as.as_deref() == Some(first.principal.as_str()) && c.caller.is_none() {
                            String::new()
                        } else {
                            format!(" ({})", first.principal)
                        };
                        (format!("✗ {}{who}", first.privilege), true)
                    }
                }))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].0.chars().count()).chain(std::iter::once(header[i].chars().count())).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<(String, bool)>| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|((text, red), width)| {
                let padded = format!("{text:width$}");
                if *red && color { format!("\x1b[31m{padded}\x1b[0m") } else { padded }
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header.iter().map(|h| (h.clone(), false)).collect()));
    for row in rows {
        let _ = writeln!(out, "{}", line(row));
    }

    let _ = writeln!(out, "\nSteps:");
    for step in matrix.steps.iter().filter(|s| s.dataverse) {
        let who = match &step.identity {
            Some(StepIdentity::ConnectionReference { logical_name, owner }) => format!("{owner} (owner of {logical_name})"),
            Some(StepIdentity::Invoker { .. }) => "the invoker (run-only user)".to_string(),
            Some(StepIdentity::Impersonation { caller, run_as, .. }) => {
                let user = match run_as {
                    TriggerRunAs::ModifyingUser => "the modifying user",
                    TriggerRunAs::RowOwner => "the row owner",
                    TriggerRunAs::FlowOwner => "the flow owner",
                };
                format!("{user} (the trigger's Run as), impersonated by {caller}")
            }
            Some(StepIdentity::Unresolved { reason }) => format!("unresolved: {reason}"),
            None => String::new(),
        };
        let needs: Vec<String> = step.needs.iter().map(|n| n.privilege.clone()).collect();
        let _ = writeln!(
            out,
            "  {} — {} on {}: runs as {who}; needs {}",
            step.action,
            step.operation.as_deref().unwrap_or("?"),
            step.table.as_deref().unwrap_or("?"),
            if needs.is_empty() { "nothing known".to_string() } else { needs.join(", ") }
        );
        for note in step.unknown.iter().chain(&step.notes) {
            let _ = writeln!(out, "      note: {note}");
        }
    }
    if !matrix.owner.needs.is_empty() {
        let state = if matrix.owner.missing.is_empty() { "holds it" } else { "MISSING it" };
        let _ = writeln!(out, "\nFlow owner {}: needs prvActOnBehalfOfAnotherUser (invoker connections) — {state}", matrix.owner.owner);
    }
    for row in &matrix.users {
        for cell in row.cells.iter().filter(|c| !c.missing.is_empty() || !c.no_access.is_empty() || !c.notes.is_empty()) {
            for missing in &cell.missing {
                let _ = writeln!(out, "  {} / {}: {} lacks {} ({})", row.user, cell.action, missing.principal, missing.privilege, missing.reason);
            }
            for short in &cell.no_access {
                let _ = writeln!(out, "  {} / {}: {} holds {} too shallow ({})", row.user, cell.action, short.principal, short.privilege, short.reason);
            }
            for note in &cell.notes {
                let _ = writeln!(out, "  {} / {}: {note}", row.user, cell.action);
            }
        }
    }
    out
}
