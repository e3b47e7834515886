//! `$expand`: the related rows of a row that was read. As in Dataverse, the caller needs the read
//! privilege on the related table (else the privilege error), and related rows out of the
//! caller's reach are left out: null for a single-valued property, missing from a collection.

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;

use super::list::{list, ListRequest};
use crate::api_error::ApiError;
use crate::metadata::{quote_ident, Metadata, TableMeta};
use crate::odata::expand::{ExpandItem, ExpandKind};
use crate::scenario::Right;
use crate::security::Caller;
use crate::sql::SqlFragment;
use crate::store::rows::{self, StoredRow};

#[derive(Debug)]
pub enum Expanded {
    Single(Option<StoredRow>),
    Collection(Vec<StoredRow>),
}

/// The checks that do not depend on the row: run once before reading rows.
pub fn check_expand(conn: &Connection, metadata: &Metadata, caller: &Caller, items: &[ExpandItem]) -> Result<(), ApiError> {
    for item in items {
        caller.require_privilege(conn, metadata.table(item.table), Right::Read)?;
    }
    Ok(())
}

/// The related rows of `row` (of `table`) for each item, in the items' order.
pub fn expand(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    row: &StoredRow,
    items: &[ExpandItem],
) -> Result<Vec<Expanded>, ApiError> {
    let mut found = Vec::with_capacity(items.len());
    for item in items {
        let related = metadata.table(item.table);
        found.push(match item.kind {
            ExpandKind::Single { column } => {
                // A polymorphic lookup's typed property (parentcustomerid_account) is null
                // while the lookup points at another table.
                let points_here = row.targets[column].as_deref() == Some(related.logical_name.as_str());
                let target = match &row.values[column] {
                    SqlValue::Text(id) if points_here => crate::guid::Guid::parse(id).ok(),
                    _ => None,
                };
                let loaded = match target {
                    Some(id) => rows::load(conn, related, id)?,
                    None => None,
                };
                Expanded::Single(
                    loaded.filter(|r| caller.require_row_access(conn, related, Right::Read, &r.security(related)).is_ok()),
                )
            }
            ExpandKind::Collection { relationship } => {
                let relationship = metadata.relationship(relationship);
                let column = &related.columns[relationship.referencing_column];
                let Some(id) = row.id() else { return Err(ApiError::unexpected("a row without an id")) };
                let points_here = SqlFragment::new(
                    format!("{} = ? AND {} = ?", quote_ident(&column.name), quote_ident(&column.target_table_column())),
                    vec![SqlValue::Text(id.to_string()), SqlValue::Text(table.logical_name.clone())],
                );
                let request = ListRequest {
                    filter: Some(SqlFragment::all(std::iter::once(points_here).chain(item.filter.clone()).collect())),
                    order: item.order.clone(),
                    top: item.top,
                    ..ListRequest::default()
                };
                Expanded::Collection(list(conn, caller, related, &request)?.rows)
            }
        });
    }
    Ok(found)
}
