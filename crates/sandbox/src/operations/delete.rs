//! Delete (DELETE on a row).

use rusqlite::Connection;

use super::etag_matches;
use crate::api_error::ApiError;
use crate::audit::{self, Action};
use crate::guid::Guid;
use crate::metadata::{Metadata, TableMeta};
use crate::scenario::Right;
use crate::security::Caller;
use crate::store::rows;

pub fn delete(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    id: Guid,
    if_match: Option<&str>,
) -> Result<(), ApiError> {
    audit::refuse_write(table, "Delete")?;
    caller.require_privilege(conn, table, Right::Delete)?;
    let row = rows::load(conn, table, id)?.ok_or_else(|| ApiError::not_found(&table.logical_name, id))?;
    if let Some(if_match) = if_match {
        if !etag_matches(if_match, &row, table) {
            return Err(ApiError::version_mismatch());
        }
    }
    caller.require_row_access(conn, table, Right::Delete, &row.security(table))?;
    if ["systemuser", "team", "businessunit"].contains(&table.logical_name.as_str()) {
        // Rows of these own other rows and hold the security model together.
        return Err(ApiError::not_implemented(format!("Deleting a {} row", table.logical_name)));
    }
    rows::clear_references_to(conn, metadata.tables(), &table.logical_name, id)?;
    rows::delete(conn, table, id)?;
    super::forget_shares(conn, id)?;
    audit::record(conn, metadata, caller, table, id, Action::Delete, &audit::deleted(table, &row))
}
