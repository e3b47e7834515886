//! The attached environment's tables as validation sees them: from the embedded sandbox's
//! scenario, or from a real environment's EntityDefinitions as last read.

use std::sync::Arc;

use flowbench_dataverse::metadata::{cache_path, cached_tables};
use flowbench_dataverse::SANDBOX;
use flowbench_sandbox::{ColumnType, Scenario};
use flowbench_validate::metadata::{ColumnInfo, ColumnKind, EnvironmentMetadata, TableInfo};
use flowbench_validate::ValidationContext;

use crate::Context;

pub fn from_scenario(scenario: &Scenario) -> EnvironmentMetadata {
    let tables = scenario
        .tables
        .iter()
        .map(|t| TableInfo {
            logical_name: t.logical_name.clone(),
            entity_set_name: t.entity_set_name.clone(),
            primary_id_column: t.primary_id_column.clone(),
            columns: t
                .columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.name.clone(),
                    kind: match c.column_type {
                        ColumnType::String | ColumnType::Memo => ColumnKind::Text { max_length: c.max_length },
                        ColumnType::Integer => ColumnKind::Integer,
                        ColumnType::Decimal | ColumnType::Money => ColumnKind::Decimal,
                        ColumnType::Boolean => ColumnKind::Boolean,
                        ColumnType::Datetime => ColumnKind::DateTime,
                        ColumnType::Choice => ColumnKind::Choice {
                            values: c.options.iter().flatten().map(|o| i64::from(o.value)).collect(),
                        },
                        ColumnType::Lookup => ColumnKind::Lookup { targets: c.targets.clone().unwrap_or_default() },
                        ColumnType::Guid => ColumnKind::Guid,
                        ColumnType::Owner => ColumnKind::Other,
                    },
                })
                .collect(),
        })
        .collect();
    EnvironmentMetadata { tables }
}

/// Validation context for the flow being edited: the embedded sandbox's tables when it is the
/// environment; a real environment's tables when they have been read (never a network call
/// while typing); nothing otherwise.
pub fn validation_context(ctx: &Context) -> ValidationContext {
    let current = ctx.host.load_settings().ok().and_then(|s| s.last_environment).unwrap_or_else(|| SANDBOX.to_string());
    let metadata = if current.eq_ignore_ascii_case(SANDBOX) {
        ctx.sandbox.as_ref().map(|s| Arc::new(from_scenario(s.sandbox.scenario())))
    } else {
        ctx.sign_ins
            .book()
            .ok()
            .and_then(|book| book.get(&current).ok().cloned())
            .and_then(|env| cached_tables(&cache_path(&env.name), &env.url))
            .map(|cache| Arc::new(from_table_definitions(&cache.tables)))
    };
    ValidationContext { metadata, ..Default::default() }
}

/// A real environment's cached tables as validation sees them.
pub fn from_table_definitions(tables: &[flowbench_dataverse::metadata::TableDefinition]) -> EnvironmentMetadata {
    let tables = tables
        .iter()
        .map(|t| TableInfo {
            logical_name: t.logical_name.clone(),
            entity_set_name: t.entity_set_name.clone(),
            primary_id_column: t.primary_id.clone(),
            columns: t
                .columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.logical_name.clone(),
                    kind: match (c.attribute_type.as_str(), &c.options) {
                        ("String" | "Memo", _) => ColumnKind::Text { max_length: c.max_length },
                        ("Integer" | "BigInt", _) => ColumnKind::Integer,
                        ("Decimal" | "Money" | "Double", _) => ColumnKind::Decimal,
                        ("Boolean", _) => ColumnKind::Boolean,
                        ("DateTime", _) => ColumnKind::DateTime,
                        // Without its values a choice cannot be checked, so nothing is claimed.
                        ("Picklist" | "State" | "Status", Some(values)) => ColumnKind::Choice { values: values.clone() },
                        ("Lookup" | "Customer", _) => ColumnKind::Lookup { targets: c.targets.clone() },
                        ("Uniqueidentifier", _) => ColumnKind::Guid,
                        _ => ColumnKind::Other,
                    },
                })
                .collect(),
        })
        .collect();
    EnvironmentMetadata { tables }
}
