//! The attached environment's tables as validation sees them: from the embedded sandbox's
//! scenario now, from a real environment's EntityDefinitions later.

use std::sync::Arc;

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
/// environment, nothing more otherwise.
pub fn validation_context(ctx: &Context) -> ValidationContext {
    let sandbox_is_current = ctx
        .host
        .load_settings()
        .map(|s| s.last_environment.is_none_or(|e| e.eq_ignore_ascii_case("sandbox")))
        .unwrap_or(true);
    let metadata = ctx.sandbox.as_ref().filter(|_| sandbox_is_current).map(|s| Arc::new(from_scenario(s.sandbox.scenario())));
    ValidationContext { metadata, ..Default::default() }
}
