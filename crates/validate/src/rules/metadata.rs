//! Rules that need an environment's metadata: the table exists, its columns exist, literal
//! values fit the column types, and lookups bind rows of a table the lookup may point at.

use flowbench_core::model::TriggerKind;
use serde_json::Value;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::{escape, FlowIndex};
use crate::metadata::{ColumnKind, EnvironmentMetadata, TableInfo};
use crate::ValidationContext;

pub fn check(index: &FlowIndex, context: &ValidationContext, out: &mut Vec<Diagnostic>) {
    let Some(metadata) = context.metadata.as_deref() else { return };
    for (id, node) in index.nodes.iter().enumerate() {
        if !node.is_dataverse {
            continue;
        }
        let Some(parameters) = node.parameters else { continue };
        let Some(entity) = parameters.get("entityName").and_then(Value::as_str).filter(|e| !e.contains('@')) else { continue };
        let Some(table) = metadata.by_entity_set(entity) else {
            let hint = metadata.by_logical_name(entity).map(|t| format!("use the entity set name `{}`", t.entity_set_name));
            report(
                out,
                "metadata/table",
                index.location(id, "/inputs/parameters/entityName"),
                format!("the environment has no table with the entity set name `{entity}`"),
                hint.as_deref(),
            );
            continue;
        };
        for (key, value) in parameters {
            let here = || index.location(id, &format!("/inputs/parameters/{}", escape(key)));
            if let Some(column) = key.strip_prefix("item/") {
                if let Some(navigation) = column.strip_suffix("@odata.bind") {
                    check_lookup(metadata, table, navigation, value, out, here());
                } else if !column.contains('/') {
                    check_column(table, column, value, out, here());
                }
            } else if key == "$select" {
                if let Some(select) = value.as_str().filter(|s| !s.contains('@')) {
                    for column in select.split(',').map(str::trim).filter(|c| !c.is_empty() && !table.knows(c)) {
                        report(out, "metadata/column", here(), format!("`{}` has no column `{column}`", table.logical_name), None);
                    }
                }
            }
        }
    }
    for trigger in &index.flow.triggers {
        let TriggerKind::DataverseRow(row) = trigger.kind() else { continue };
        let Some(table) = row.table.filter(|t| !t.contains('@')) else { continue };
        if metadata.by_logical_name(&table).is_none() {
            let hint = metadata.by_entity_set(&table).map(|t| format!("the trigger takes the logical name `{}`", t.logical_name));
            report(
                out,
                "metadata/table",
                index.flow_location(format!(
                    "{}/triggers/{}/inputs/parameters/subscriptionRequest~1entityname",
                    index.definition_pointer,
                    escape(&trigger.name)
                )),
                format!("the environment has no table with the logical name `{table}`"),
                hint.as_deref(),
            );
        }
    }
}

fn check_column(table: &TableInfo, column: &str, value: &Value, out: &mut Vec<Diagnostic>, here: crate::Location) {
    let Some(info) = table.column(column) else {
        if !table.knows(column) {
            report(out, "metadata/column", here, format!("`{}` has no column `{column}`", table.logical_name), None);
        }
        return;
    };
    // Only literals can be checked before a run; expressions are typed when they are evaluated.
    if value.as_str().is_some_and(|s| s.contains('@')) || value.is_null() {
        return;
    }
    let fits = match (&info.kind, value) {
        (ColumnKind::Integer, Value::Number(n)) => n.is_i64(),
        (ColumnKind::Integer, Value::String(s)) => s.trim().parse::<i64>().is_ok(),
        (ColumnKind::Decimal, Value::Number(_)) => true,
        (ColumnKind::Decimal, Value::String(s)) => s.trim().parse::<f64>().is_ok(),
        (ColumnKind::Boolean, Value::Bool(_)) => true,
        (ColumnKind::Boolean, Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "false"),
        (ColumnKind::Choice { values }, v) => {
            let n = v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
            n.is_some_and(|n| values.contains(&n))
        }
        (ColumnKind::Text { max_length: Some(max) }, Value::String(s)) => s.chars().count() <= *max as usize,
        (ColumnKind::Lookup { .. }, _) => false,
        _ => true,
    };
    if !fits {
        let message = match &info.kind {
            ColumnKind::Choice { values } => format!("`{value}` is not a choice of `{column}` (values: {values:?})"),
            ColumnKind::Lookup { .. } => format!("`{column}` is a lookup: set it with `item/{column}@odata.bind`"),
            ColumnKind::Text { max_length: Some(max) } => format!("`{column}` holds at most {max} characters"),
            kind => format!("`{value}` does not fit `{column}` ({kind:?})"),
        };
        report(out, "metadata/value-type", here, message, None);
    }
}

fn check_lookup(metadata: &EnvironmentMetadata, table: &TableInfo, navigation: &str, value: &Value, out: &mut Vec<Diagnostic>, here: crate::Location) {
    // The navigation property is the column, or `column_<target>` (activities add `_<table>`,
    // as in `regardingobjectid_contact_task`) for a lookup to several tables.
    let column = table.column(navigation).or_else(|| {
        table.columns.iter().find(|c| {
            navigation.strip_prefix(c.name.as_str()).and_then(|rest| rest.strip_prefix('_')).is_some_and(|rest| {
                matches!(&c.kind, ColumnKind::Lookup { targets }
                    if targets.iter().any(|t| rest.eq_ignore_ascii_case(t) || rest.to_ascii_lowercase().starts_with(&format!("{}_", t.to_ascii_lowercase()))))
            })
        })
    });
    let Some(column) = column else {
        if !matches!(navigation, "ownerid" | "owningbusinessunit") {
            report(out, "metadata/column", here, format!("`{}` has no lookup `{navigation}`", table.logical_name), None);
        }
        return;
    };
    let ColumnKind::Lookup { targets } = &column.kind else {
        report(out, "metadata/lookup-target", here, format!("`{navigation}` is not a lookup, so it cannot be bound"), None);
        return;
    };
    // `contacts(<id>)` or `/contacts(<id>)`; an expression in the set name cannot be checked.
    let Some(set) = value.as_str().map(|s| s.trim_start_matches('/')).and_then(|s| s.split_once('(')).map(|(set, _)| set) else { return };
    if set.contains('@') {
        return;
    }
    let bound = metadata.by_entity_set(set).map(|t| t.logical_name.as_str());
    let allowed = bound.is_some_and(|b| targets.iter().any(|t| t.eq_ignore_ascii_case(b)));
    if !allowed {
        let sets: Vec<String> =
            targets.iter().filter_map(|t| metadata.by_logical_name(t)).map(|t| t.entity_set_name.clone()).collect();
        report(
            out,
            "metadata/lookup-target",
            here,
            format!("`{navigation}` points at {}, but binds a row of `{set}`", sets.join(" or ")),
            Some("bind a row of the table the lookup points at"),
        );
    }
}
