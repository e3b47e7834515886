//! RetrieveUserPrivileges, RetrieveUserPrivilegeByPrivilegeName and RetrieveTeamPrivileges
//! (reference §2.6): the privileges a user holds through its own roles and its teams' roles (or a
//! team through its roles), each with the depth and
//! the business unit the depth is measured from. Tools predict outcomes from this answer (the
//! permission preflight of a real environment), so it must say exactly what the checks use.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::Metadata;
use crate::scenario::{Depth, Right};
use crate::security::{Caller, Principal};
use crate::store::rows;

/// One entry of `RolePrivileges`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolePrivilege {
    pub depth: Depth,
    pub privilege_id: String,
    pub business_unit: Guid,
    pub name: String,
}

/// `only`: a privilege name (RetrieveUserPrivilegeByPrivilegeName); an empty answer means the
/// user does not hold it, as in Dataverse.
pub fn retrieve_user_privileges(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    user_id: Guid,
    only: Option<&str>,
) -> Result<Vec<RolePrivilege>, ApiError> {
    require_read(conn, metadata, caller, "systemuser", user_id)?;
    match Principal::load_user_by_id(conn, user_id)? {
        Some(principal) => listed(conn, &principal, only),
        // A user row without a business unit holds nothing.
        None => Ok(Vec::new()),
    }
}

pub fn retrieve_team_privileges(conn: &Connection, metadata: &Metadata, caller: &Caller, team_id: Guid) -> Result<Vec<RolePrivilege>, ApiError> {
    require_read(conn, metadata, caller, "team", team_id)?;
    match Principal::load_team(conn, team_id)? {
        Some(principal) => listed(conn, &principal, None),
        None => Ok(Vec::new()),
    }
}

/// The answer describes a user or team row: the caller must be able to read it.
fn require_read(conn: &Connection, metadata: &Metadata, caller: &Caller, table: &str, id: Guid) -> Result<(), ApiError> {
    let meta = metadata
        .by_logical_name(table)
        .ok_or_else(|| ApiError::unexpected(format!("the scenario declares no {table} table")))?;
    caller.require_privilege(conn, meta, Right::Read)?;
    let row = rows::load(conn, meta, id)?.ok_or_else(|| ApiError::not_found(table, id))?;
    caller.require_row_access(conn, meta, Right::Read, &row.security(meta))
}

fn listed(conn: &Connection, principal: &Principal, only: Option<&str>) -> Result<Vec<RolePrivilege>, ApiError> {
    let ids: HashMap<String, String> = conn
        .prepare_cached("SELECT name, privilegeid FROM _sandbox_privilege")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut answer: Vec<RolePrivilege> = principal
        .privileges
        .iter()
        .filter(|(name, _)| only.is_none_or(|wanted| wanted.eq_ignore_ascii_case(name)))
        .flat_map(|(name, grants)| {
            let id = ids.get(name).cloned().unwrap_or_default();
            grants.iter().map(move |grant| RolePrivilege {
                depth: grant.depth,
                privilege_id: id.clone(),
                business_unit: grant.business_unit,
                name: name.to_string(),
            })
        })
        .collect();
    answer.sort_by(|a, b| a.name.cmp(&b.name).then(a.business_unit.to_string().cmp(&b.business_unit.to_string())));
    Ok(answer)
}
