//! The summary `flowbench run` prints on stdout once a run has ended: the run's status, then a
//! table with a row per step (name, status, who it ran as, duration, error code). Inner steps of
//! Scope, If and Switch are indented under their container; a loop's passes are summarised, one
//! row per inner step over all passes; a child flow's steps are indented under the step that ran
//! it. The failed steps' messages follow the table.

use std::collections::BTreeMap;

use comfy_table::{presets, CellAlignment, ColumnConstraint, Table, Width};
use flowbench_engine::{RunRecord, StepRecord, StepStatus};

pub(crate) fn summary(record: &RunRecord, invoker: &str) -> String {
    if record.steps.is_empty() {
        if let Some(error) = &record.error {
            return format!("Run did not start (invoker: {invoker}): {}: {}\n", error.code, error.message);
        }
    }
    let mut out = format!("Run {:?} (invoker: {invoker}) in {}\n", record.status, duration_text(millis_between(&record.start_time, &record.end_time)));
    let mut table = Table::new();
    table.load_style(presets::ASCII_MARKDOWN);
    table.set_header(["Step", "Status", "Ran as", "Duration", "Error"]);
    let mut rows = Vec::new();
    step_rows(&record.steps, 0, &mut rows);
    for row in rows {
        table.add_row(row);
    }
    if let Some(column) = table.column_mut(3) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    // The step names may be long; keep the table readable without a terminal to measure.
    if let Some(column) = table.column_mut(0) {
        column.set_constraint(ColumnConstraint::UpperBoundary(Width::Fixed(60)));
    }
    out.push_str(&table.to_string());
    out.push('\n');
    let mut failures = Vec::new();
    failure_lines(&record.steps, "", &mut failures);
    if !failures.is_empty() {
        out.push_str("\nFailed steps:\n");
        for line in &failures {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if let Some(error) = &record.error {
        if !failures.iter().any(|f| f.ends_with(&format!("{}: {}", error.code, error.message))) {
            out.push_str(&format!("\nRun error: {}: {}\n", error.code, error.message));
        }
    }
    out
}

fn step_rows(steps: &[StepRecord], depth: usize, rows: &mut Vec<[String; 5]>) {
    for step in steps {
        rows.push([
            format!("{}{}", indent(depth), step.name),
            step.status.name().to_string(),
            ran_as(step),
            step_millis(step).map(duration_text).unwrap_or_default(),
            error_code(step),
        ]);
        step_rows(&step.steps, depth + 1, rows);
        if !step.iterations.is_empty() {
            pass_rows(step, depth + 1, rows);
        }
        if let Some(child) = &step.child_run {
            rows.push([
                format!("{}child flow run", indent(depth + 1)),
                format!("{:?}", child.status),
                String::new(),
                duration_text(millis_between(&child.start_time, &child.end_time)),
                child.error.as_ref().map(|e| e.code.clone()).unwrap_or_default(),
            ]);
            step_rows(&child.steps, depth + 2, rows);
        }
    }
}

/// A loop's passes: how many ended how, then each inner step over all passes (its statuses
/// counted, who it ran as, its total duration, its first error code).
fn pass_rows(step: &StepRecord, depth: usize, rows: &mut Vec<[String; 5]>) {
    let mut by_status = BTreeMap::new();
    for pass in &step.iterations {
        *by_status.entry(pass.status.name()).or_insert(0usize) += 1;
    }
    let passes = step.iterations.len();
    rows.push([
        format!("{}{passes} {}", indent(depth), if passes == 1 { "pass" } else { "passes" }),
        counts(&by_status),
        String::new(),
        String::new(),
        String::new(),
    ]);
    // Inner steps in the order they first appear, each with all its records over the passes.
    let mut order: Vec<&str> = Vec::new();
    let mut records: BTreeMap<&str, Vec<&StepRecord>> = BTreeMap::new();
    for pass in &step.iterations {
        collect(&pass.steps, &mut order, &mut records);
    }
    for name in order {
        let all = &records[name];
        let mut statuses = BTreeMap::new();
        let mut users: Vec<String> = Vec::new();
        for record in all {
            *statuses.entry(record.status.name()).or_insert(0usize) += 1;
            let user = ran_as(record);
            if !user.is_empty() && !users.contains(&user) {
                users.push(user);
            }
        }
        let total: i64 = all.iter().filter_map(|r| step_millis(r)).sum();
        let first_error = all.iter().find(|r| r.status == StepStatus::Failed).map(|r| error_code(r)).unwrap_or_default();
        rows.push([format!("{}{name}", indent(depth + 1)), counts(&statuses), users.join(", "), duration_text(total), first_error]);
    }
}

/// Every step in these passes' trees, containers' inner steps included, by name.
fn collect<'a>(steps: &'a [StepRecord], order: &mut Vec<&'a str>, records: &mut BTreeMap<&'a str, Vec<&'a StepRecord>>) {
    for step in steps {
        let entry = records.entry(step.name.as_str()).or_default();
        if entry.is_empty() {
            order.push(step.name.as_str());
        }
        entry.push(step);
        collect(&step.steps, order, records);
        for pass in &step.iterations {
            collect(&pass.steps, order, records);
        }
    }
}

/// `Succeeded ×4, Failed ×1`; one status alone is `Succeeded ×5`.
fn counts(by_status: &BTreeMap<&str, usize>) -> String {
    by_status.iter().map(|(status, n)| format!("{status} ×{n}")).collect::<Vec<_>>().join(", ")
}

/// The failed steps that are not containers repeating an inner failure, with their messages.
fn failure_lines(steps: &[StepRecord], prefix: &str, lines: &mut Vec<String>) {
    for step in steps {
        let before = lines.len();
        failure_lines(&step.steps, prefix, lines);
        for pass in &step.iterations {
            failure_lines(&pass.steps, &format!("{prefix}{} pass {} › ", step.name, pass.index + 1), lines);
        }
        if let Some(child) = &step.child_run {
            failure_lines(&child.steps, &format!("{prefix}{} › child › ", step.name), lines);
        }
        let inner_failed = lines.len() > before;
        if matches!(step.status, StepStatus::Failed | StepStatus::TimedOut) && !inner_failed {
            if let Some(error) = &step.error {
                lines.push(format!("{prefix}{}: {}: {}", step.name, error.code, error.message));
            }
        }
    }
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

fn ran_as(step: &StepRecord) -> String {
    match &step.identity {
        None => String::new(),
        Some(identity) => match &identity.caller {
            Some(caller) => format!("{} (impersonated by {caller})", identity.user),
            None => identity.user.clone(),
        },
    }
}

/// The error code of a step that did not succeed (a skipped step says why it was skipped).
fn error_code(step: &StepRecord) -> String {
    match step.status {
        StepStatus::Succeeded => String::new(),
        _ => step.error.as_ref().map(|e| e.code.clone()).unwrap_or_default(),
    }
}

fn step_millis(step: &StepRecord) -> Option<i64> {
    Some(millis_between(step.start_time.as_ref()?, step.end_time.as_ref()?))
}

fn millis_between(start: &str, end: &str) -> i64 {
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok().map(|t| t.timestamp_micros());
    match (parse(start), parse(end)) {
        (Some(start), Some(end)) => (end - start).max(0) / 1000,
        _ => 0,
    }
}

/// `0 ms`, `740 ms`, `2.35 s`, `3 min 05 s`.
pub(crate) fn duration_text(millis: i64) -> String {
    match millis {
        ..1_000 => format!("{millis} ms"),
        1_000..60_000 => format!("{:.2} s", millis as f64 / 1000.0),
        _ => format!("{} min {:02} s", millis / 60_000, (millis % 60_000) / 1000),
    }
}
