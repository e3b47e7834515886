//! Finding the scenario's tables from what a flow writes: entity set names, `@odata.bind`
//! values and navigation properties.

use flowbench_sandbox::{ColumnType, Scenario, TableDef};
use serde_json::Value;

pub fn by_entity_set<'a>(scenario: &'a Scenario, entity_set: &str) -> Option<&'a TableDef> {
    scenario.tables.iter().find(|t| t.entity_set_name.eq_ignore_ascii_case(entity_set))
}

/// The table a reference like `/accounts(<id>)`, `accounts(@{…})` or an absolute URL names.
/// A value that is a whole expression (`@outputs(…)`) names no table statically.
pub fn of_reference<'a>(scenario: &'a Scenario, value: &Value) -> Option<&'a TableDef> {
    let text = value.as_str()?.trim();
    if text.starts_with('@') && !text.starts_with("@{") {
        return None;
    }
    let before_key = &text[..text.find('(')?];
    let entity_set = before_key.rsplit('/').next()?;
    by_entity_set(scenario, entity_set)
}

/// The target of a lookup's navigation property on `table`: the column itself for a single
/// target, `<column>_<target>` or a declared name for polymorphic lookups.
pub fn of_navigation<'a>(scenario: &'a Scenario, table: &TableDef, navigation: &str) -> Option<&'a TableDef> {
    for column in table.columns.iter().filter(|c| c.column_type == ColumnType::Lookup) {
        let targets = column.targets.as_deref().unwrap_or_default();
        for target in targets {
            let declared = column.navigation_properties.as_ref().and_then(|m| m.get(target));
            let default = if targets.len() == 1 { column.name.clone() } else { format!("{}_{target}", column.name) };
            if declared.map_or(default.as_str(), String::as_str).eq_ignore_ascii_case(navigation) {
                return scenario.table(target);
            }
        }
    }
    None
}
