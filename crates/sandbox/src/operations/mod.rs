//! What each Web API request does, apart from HTTP: the security checks in Dataverse's order,
//! then the store. Each runs inside one store transaction.

mod associate;
mod create;
mod delete;
mod expand;
mod fetch;
mod list;
mod privileges;
mod retrieve;
mod sharing;
mod team_members;
mod update;
mod whoami;

pub use associate::{associate, disassociate};
pub use create::create;
pub use delete::delete;
pub use expand::{check_expand, expand, Expanded};
pub use fetch::fetch;
pub use list::{list, ListRequest};
pub use privileges::{retrieve_team_privileges, retrieve_user_privileges, RolePrivilege};
pub use retrieve::{retrieve, Retrieved};
pub use sharing::{access_mask, forget_shares, share, ShareChange};
pub use team_members::{change_team_members, MembershipChange};
pub use update::{upsert, Preconditions, Upserted};
pub use whoami::who_am_i;

use rusqlite::Connection;

use crate::api_error::ApiError;
use crate::datetime;
use crate::metadata::{Metadata, TableMeta};
use crate::payload::{LookupChange, Payload, RecordRef};
use crate::scenario::Right;
use crate::security::{Caller, Principal, PrincipalKind};
use crate::store::rows::{self, Authorship, Cells, StoredRow};

/// Setting a lookup needs Append on the row being written and AppendTo on the row it then
/// points at (reference §2.2). `row` is None while the row is being created.
fn check_lookups(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    row: Option<&StoredRow>,
    lookups: &[LookupChange],
) -> Result<(), ApiError> {
    if lookups.iter().all(|l| l.target.is_none()) {
        return Ok(());
    }
    caller.require_privilege(conn, table, Right::Append)?;
    if let Some(row) = row {
        caller.require_row_access(conn, table, Right::Append, &row.security(table))?;
    }
    for target in lookups.iter().filter_map(|l| l.target) {
        // The privilege first, so that a caller without it learns nothing about the rows.
        let target_table = metadata.table(target.table);
        caller.require_privilege(conn, target_table, Right::AppendTo)?;
        let target_row = rows::load(conn, target_table, target.id)?
            .ok_or_else(|| ApiError::not_found(&target_table.logical_name, target.id))?;
        caller.require_row_access(conn, target_table, Right::AppendTo, &target_row.security(target_table))?;
    }
    Ok(())
}

/// The new owner named by `ownerid@odata.bind`, checked: it exists and may read the table.
fn resolve_new_owner(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    owner: RecordRef,
) -> Result<Principal, ApiError> {
    let owner_table = metadata.table(owner.table);
    let principal = match owner_table.logical_name.as_str() {
        "team" => Principal::load_team(conn, owner.id)?,
        _ => Principal::load_user_by_id(conn, owner.id)?,
    };
    let principal = principal.ok_or_else(|| ApiError::not_found(&owner_table.logical_name, owner.id))?;
    caller.require_owner_can_read(conn, table, &principal)?;
    Ok(principal)
}

/// Column values and lookups of a payload as store cells.
fn payload_cells(metadata: &Metadata, table: &TableMeta, payload: &Payload) -> Cells {
    let mut cells = Cells::default();
    for (column, value) in &payload.values {
        cells.set(&table.columns[*column].name, value.clone());
    }
    for change in &payload.lookups {
        let target = change.target.map(|t| (t.id, metadata.table(t.table).logical_name.as_str()));
        cells.set_reference(&table.columns[change.column], target);
    }
    cells
}

fn authorship(conn: &Connection, caller: &Caller) -> Result<Authorship, ApiError> {
    Ok(Authorship {
        user: caller.user.id,
        on_behalf_of: caller.on_behalf_of(),
        at: datetime::now(),
        version: rows::next_version(conn)?,
    })
}

fn owner_of(principal: &Principal) -> (crate::guid::Guid, PrincipalKind, crate::guid::Guid) {
    (principal.id, principal.kind, principal.business_unit)
}

/// The version number inside an ETag (`W/"1234"` or `"1234"`).
fn etag_version(tag: &str) -> &str {
    tag.trim().trim_start_matches("W/").trim_matches('"')
}

/// Whether an If-Match / If-None-Match value names the row's current version.
fn etag_matches(header: &str, row: &StoredRow, table: &TableMeta) -> bool {
    let current = row.version(table).to_string();
    header.split(',').any(|tag| tag.trim() == "*" || etag_version(tag) == current)
}
