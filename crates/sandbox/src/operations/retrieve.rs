//! Retrieve (GET on a row).

use rusqlite::Connection;

use super::etag_matches;
use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::TableMeta;
use crate::scenario::Right;
use crate::security::Caller;
use crate::store::rows::{self, StoredRow};

pub enum Retrieved {
    Row(StoredRow),
    /// If-None-Match named the current version: 304.
    NotModified,
}

pub fn retrieve(
    conn: &Connection,
    caller: &Caller,
    table: &TableMeta,
    id: Guid,
    if_none_match: Option<&str>,
) -> Result<Retrieved, ApiError> {
    caller.require_privilege(conn, table, Right::Read)?;
    let row = rows::load(conn, table, id)?.ok_or_else(|| ApiError::not_found(&table.logical_name, id))?;
    caller.require_row_access(conn, table, Right::Read, &row.security(table))?;
    // `If-None-Match: null` is what clients send to defeat caches; only an ETag counts here.
    if let Some(tag) = if_none_match.filter(|t| t.contains('"')) {
        if etag_matches(tag, &row, table) {
            return Ok(Retrieved::NotModified);
        }
    }
    Ok(Retrieved::Row(row))
}
