//! Create (POST to an entity set), and the create half of an upsert.

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde_json::{Map, Value as Json};

use super::{authorship, check_lookups, owner_of, payload_cells, resolve_new_owner};
use crate::api_error::ApiError;
use crate::audit::{self, Action};
use crate::guid::Guid;
use crate::metadata::{Metadata, TableMeta};
use crate::payload;
use crate::scenario::{Ownership, Right};
use crate::security::Caller;
use crate::store::rows::{self, StoredRow};

/// Creates a row; `url_id` is the id from the URL when a PATCH upserts.
pub fn create(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    body: &Map<String, Json>,
    url_id: Option<Guid>,
) -> Result<StoredRow, ApiError> {
    audit::refuse_write(table, "Create")?;
    caller.require_privilege(conn, table, Right::Create)?;
    let payload = payload::parse(metadata, table, body).map_err(|e| ApiError::payload(e.message))?;
    let id = match (url_id, payload.id) {
        (Some(url), Some(body)) if url != body => {
            return Err(ApiError::payload(format!(
                "The id {body} in the body does not match the id {url} in the URL."
            )));
        }
        (Some(id), _) | (None, Some(id)) => id,
        (None, None) => Guid::new_random(),
    };
    if rows::exists(conn, table, id)? {
        return Err(ApiError::duplicate_record());
    }
    check_lookups(conn, metadata, caller, table, None, &payload.lookups)?;

    let mut cells = payload_cells(metadata, table, &payload);
    cells.set(&table.primary_id, SqlValue::Text(id.to_string()));
    match table.ownership {
        Ownership::User => {
            // The acting user owns what it creates, unless the body assigns another owner,
            // which takes the Assign privilege and an owner who may read the row.
            let (owner, kind, unit) = match payload.owner {
                Some(owner) if owner.id != caller.user.id => {
                    caller.require_privilege(conn, table, Right::Assign)?;
                    owner_of(&resolve_new_owner(conn, metadata, caller, table, owner)?)
                }
                _ => owner_of(&caller.user),
            };
            cells.set_owner(table, owner, kind, unit);
        }
        Ownership::Business => {
            cells.set_reference_if_present(
                table,
                "owningbusinessunit",
                Some((caller.user.business_unit, "businessunit")),
            );
        }
        Ownership::Organization => {}
    }
    cells.stamp_created(table, &authorship(conn, caller)?);
    rows::insert(conn, table, &cells)?;
    let row = rows::load(conn, table, id)?
        .ok_or_else(|| ApiError::unexpected("the row just created could not be read back"))?;
    audit::record(conn, metadata, caller, table, id, Action::Create, &audit::created(table, &row))?;
    Ok(row)
}
