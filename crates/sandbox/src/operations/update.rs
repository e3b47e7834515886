//! Update and upsert (PATCH on a row): If-Match makes it update-only, If-None-Match: * makes
//! it create-only, and an ETag in If-Match must name the current version.

use rusqlite::Connection;
use serde_json::{Map, Value as Json};

use super::{authorship, check_lookups, create, etag_matches, owner_of, payload_cells, resolve_new_owner};
use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::{Metadata, TableMeta};
use crate::payload;
use crate::scenario::Right;
use crate::security::Caller;
use crate::store::rows::{self, StoredRow};

#[derive(Debug, Clone, Default)]
pub struct Preconditions {
    pub if_match: Option<String>,
    pub if_none_match: Option<String>,
}

#[derive(Debug)]
pub enum Upserted {
    Updated(StoredRow),
    Created(StoredRow),
}

pub fn upsert(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    id: Guid,
    body: &Map<String, Json>,
    preconditions: &Preconditions,
) -> Result<Upserted, ApiError> {
    let Some(existing) = rows::load(conn, table, id)? else {
        // If-Match (any value) means "only if it exists".
        if preconditions.if_match.is_some() {
            return Err(ApiError::not_found(&table.logical_name, id));
        }
        return Ok(Upserted::Created(create(conn, metadata, caller, table, body, Some(id))?));
    };
    if preconditions.if_none_match.as_deref().is_some_and(|v| v.trim() == "*") {
        return Err(ApiError::duplicate_record());
    }
    caller.require_privilege(conn, table, Right::Write)?;
    if let Some(if_match) = &preconditions.if_match {
        if !etag_matches(if_match, &existing, table) {
            return Err(ApiError::version_mismatch());
        }
    }
    caller.require_row_access(table, Right::Write, &existing.security(table))?;

    let payload = payload::parse(metadata, table, body).map_err(|e| ApiError::payload(e.message))?;
    if payload.id.is_some_and(|body_id| body_id != id) {
        return Err(ApiError::payload(format!("The id in the body does not match the id {id} in the URL.")));
    }
    check_lookups(conn, metadata, caller, table, Some(&existing), &payload.lookups)?;
    let mut cells = payload_cells(metadata, table, &payload);
    if let Some(owner) = payload.owner {
        let current = existing.security(table).owner.map(|(owner, _)| owner);
        if current != Some(owner.id) {
            // Assigning: Dataverse describes Assign as a PATCH of ownerid.
            caller.require_privilege(conn, table, Right::Assign)?;
            caller.require_row_access(table, Right::Assign, &existing.security(table))?;
            let (owner, kind, unit) = owner_of(&resolve_new_owner(conn, metadata, caller, table, owner)?);
            cells.set_owner(table, owner, kind, unit);
        }
    }
    cells.stamp_modified(table, &authorship(conn, caller)?);
    rows::update(conn, table, id, &cells)?;
    let row = rows::load(conn, table, id)?
        .ok_or_else(|| ApiError::unexpected("the row just updated could not be read back"))?;
    Ok(Upserted::Updated(row))
}
