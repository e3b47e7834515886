//! Update and upsert (PATCH on a row): If-Match makes it update-only, If-None-Match: * makes
//! it create-only, and an ETag in If-Match must name the current version.

use rusqlite::Connection;
use serde_json::{Map, Value as Json};

use super::{authorship, check_lookups, create, etag_matches, owner_of, payload_cells, resolve_new_owner};
use crate::api_error::ApiError;
use crate::audit::{self, Action};
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
    audit::refuse_write(table, "Update")?;
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
    caller.require_row_access(conn, table, Right::Write, &existing.security(table))?;

    let payload = payload::parse(metadata, table, body).map_err(|e| ApiError::payload(e.message))?;
    if payload.id.is_some_and(|body_id| body_id != id) {
        return Err(ApiError::payload(format!("The id in the body does not match the id {id} in the URL.")));
    }
    check_lookups(conn, metadata, caller, table, Some(&existing), &payload.lookups)?;
    let mut cells = payload_cells(metadata, table, &payload);
    // The columns the body sets, for the audit (the owner is audited as an Assign of its own).
    let sent: Vec<usize> =
        payload.values.iter().map(|(column, _)| *column).chain(payload.lookups.iter().map(|l| l.column)).collect();
    let mut assigned = false;
    if let Some(owner) = payload.owner {
        let current = existing.security(table).owner.map(|(owner, _)| owner);
        if current != Some(owner.id) {
            // Assigning: Dataverse describes Assign as a PATCH of ownerid.
            caller.require_privilege(conn, table, Right::Assign)?;
            caller.require_row_access(conn, table, Right::Assign, &existing.security(table))?;
            let (owner, kind, unit) = owner_of(&resolve_new_owner(conn, metadata, caller, table, owner)?);
            cells.set_owner(table, owner, kind, unit);
            assigned = true;
        }
    }
    cells.stamp_modified(table, &authorship(conn, caller)?);
    rows::update(conn, table, id, &cells)?;
    let row = rows::load(conn, table, id)?
        .ok_or_else(|| ApiError::unexpected("the row just updated could not be read back"))?;
    if !sent.is_empty() || !assigned {
        audit::record(conn, metadata, caller, table, id, Action::Update, &audit::changed(table, &existing, &row, &sent))?;
    }
    if assigned {
        let owner: Vec<usize> = table.column_by_name("ownerid").map(|(i, _)| i).into_iter().collect();
        audit::record(conn, metadata, caller, table, id, Action::Assign, &audit::changed(table, &existing, &row, &owner))?;
    }
    Ok(Upserted::Updated(row))
}
