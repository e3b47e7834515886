//! Sharing a row (GrantAccess, ModifyAccess, RevokeAccess): the row is reached by a user or team
//! it is shared with, for the access rights shared, whatever its owner and business unit, as long
//! as that principal holds the privilege at all (reference §2.4).

use rusqlite::{params, Connection, OptionalExtension};

use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::{Metadata, TableMeta};
use crate::scenario::Right;
use crate::security::{Caller, PrincipalKind};
use crate::store::rows;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareChange {
    /// Adds rights to what the principal already has on the row.
    Grant(u32),
    /// Replaces them.
    Modify(u32),
    Revoke,
}

pub fn share(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    row_id: Guid,
    principal: (Guid, PrincipalKind),
    change: ShareChange,
) -> Result<(), ApiError> {
    caller.require_privilege(conn, table, Right::Share)?;
    let row = rows::load(conn, table, row_id)?.ok_or_else(|| ApiError::not_found(&table.logical_name, row_id))?;
    caller.require_row_access(conn, table, Right::Share, &row.security(table))?;
    let (principal_id, kind) = principal;
    let principal_table = match kind {
        PrincipalKind::User => "systemuser",
        PrincipalKind::Team => "team",
    };
    let principals = metadata
        .by_logical_name(principal_table)
        .ok_or_else(|| ApiError::unexpected(format!("the scenario declares no {principal_table} table")))?;
    if !rows::exists(conn, principals, principal_id)? {
        return Err(ApiError::not_found(principal_table, principal_id));
    }
    let current: Option<i64> = conn
        .prepare_cached("SELECT mask FROM _sandbox_share WHERE objectid = ?1 AND principalid = ?2")?
        .query_row(params![row_id.to_string(), principal_id.to_string()], |r| r.get(0))
        .optional()?;
    let mask = match change {
        ShareChange::Grant(mask) => current.unwrap_or(0) as u32 | mask,
        ShareChange::Modify(mask) => mask,
        ShareChange::Revoke => 0,
    };
    if mask == 0 {
        conn.prepare_cached("DELETE FROM _sandbox_share WHERE objectid = ?1 AND principalid = ?2")?
            .execute(params![row_id.to_string(), principal_id.to_string()])?;
    } else {
        conn.prepare_cached(
            "INSERT INTO _sandbox_share (objectid, principalid, principaltype, mask) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (objectid, principalid) DO UPDATE SET mask = excluded.mask",
        )?
        .execute(params![row_id.to_string(), principal_id.to_string(), kind.type_code(), i64::from(mask)])?;
    }
    Ok(())
}

/// `"ReadAccess, WriteAccess"` → the flags; an unknown name is refused with the known ones.
pub fn access_mask(text: &str) -> Result<u32, ApiError> {
    let mut mask = 0;
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let right = Right::ALL.iter().find(|r| r.access_right_name() == name).ok_or_else(|| {
            let known: Vec<&str> = Right::ALL.iter().map(|r| r.access_right_name()).collect();
            ApiError::payload(format!("'{name}' is not an access right; AccessMask takes {}", known.join(", ")))
        })?;
        mask |= right.access_mask();
    }
    if mask == 0 {
        return Err(ApiError::payload("AccessMask names no access right"));
    }
    Ok(mask)
}

/// Forgets every share of a deleted row.
pub fn forget_shares(conn: &Connection, row_id: Guid) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM _sandbox_share WHERE objectid = ?1")?.execute([row_id.to_string()])?;
    Ok(())
}
