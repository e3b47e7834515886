//! RetrieveUserPrivileges and RetrieveUserPrivilegeByPrivilegeName (reference §2.6): the
//! privileges a user holds through its own roles and its teams' roles, each with the depth and
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
    // The answer describes a user row: the caller must be able to read it.
    let users = metadata
        .by_logical_name("systemuser")
        .ok_or_else(|| ApiError::unexpected("the scenario declares no systemuser table"))?;
    caller.require_privilege(conn, users, Right::Read)?;
    let row = rows::load(conn, users, user_id)?.ok_or_else(|| ApiError::not_found("systemuser", user_id))?;
    caller.require_row_access(users, Right::Read, &row.security(users))?;
    let Some(principal) = Principal::load_user_by_id(conn, user_id)? else {
        // A user row without a business unit holds nothing.
        return Ok(Vec::new());
    };
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
