//! Functions and actions bound to a row (reference §1.9): the path below `<set>(<id>)` names
//! `Microsoft.Dynamics.CRM.<Operation>`, with function parameters inline or as `@` aliases.

use axum::http::Method;
use serde_json::{json, Value as Json};

use super::responses::Reply;
use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::operations::{self, MembershipChange};
use crate::representation::API_PATH;
use crate::security::Caller;
use crate::Core;

const NAMESPACE: &str = "Microsoft.Dynamics.CRM.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoundOperation {
    RetrieveUserPrivileges { user: Guid },
    RetrieveUserPrivilegeByPrivilegeName { user: Guid, privilege: String },
    RetrieveTeamPrivileges { team: Guid },
    ChangeTeamMembers { team: Guid, change: MembershipChange },
}

/// Whether `rest` (the path after `<set>(<id>)/`) names a bound operation at all; other paths
/// (navigation properties, `$ref`) are someone else's.
pub fn is_bound_operation(rest: &str) -> bool {
    rest.starts_with(NAMESPACE)
}

/// Reads the operation: which one, bound to which row, with which parameters.
pub fn parse(core: &Core, method: &Method, segment: &str, rest: &str, query: Option<&str>) -> Result<BoundOperation, ApiError> {
    let (entity_set, key) = segment
        .strip_suffix(')')
        .and_then(|s| s.split_once('('))
        .ok_or_else(|| ApiError::resource_not_found(segment))?;
    let id = Guid::parse(key.trim())
        .map_err(|_| ApiError::query(format!("'{key}' is not a valid key for {entity_set}: expected a GUID.")))?;
    let call = rest.strip_prefix(NAMESPACE).unwrap_or(rest);
    let (name, arguments) = match call.split_once('(') {
        Some((name, args)) => {
            let args = args.strip_suffix(')').ok_or_else(|| {
                ApiError::query(format!("The parameters of '{name}' have no closing parenthesis."))
            })?;
            (name, args)
        }
        None => (call, ""),
    };
    let table = core.metadata.by_entity_set(entity_set).ok_or_else(|| ApiError::resource_not_found(entity_set))?;
    let operation = match (name, table.logical_name.as_str()) {
        ("RetrieveUserPrivileges", "systemuser") => BoundOperation::RetrieveUserPrivileges { user: id },
        ("RetrieveUserPrivilegeByPrivilegeName", "systemuser") => {
            let privilege = parameter(arguments, query, "PrivilegeName")?;
            BoundOperation::RetrieveUserPrivilegeByPrivilegeName { user: id, privilege }
        }
        ("RetrieveTeamPrivileges", "team") => BoundOperation::RetrieveTeamPrivileges { team: id },
        ("AddMembersTeam", "team") => BoundOperation::ChangeTeamMembers { team: id, change: MembershipChange::Add },
        ("RemoveMembersTeam", "team") => BoundOperation::ChangeTeamMembers { team: id, change: MembershipChange::Remove },
        _ => return Err(ApiError::resource_not_found(rest)),
    };
    let expected = match operation {
        BoundOperation::ChangeTeamMembers { .. } => Method::POST,
        _ => Method::GET,
    };
    if *method != expected {
        return Err(ApiError::new(405, "", format!("The requested resource does not support http method '{method}'.")));
    }
    Ok(operation)
}

pub fn execute(core: &Core, base_url: &str, caller: &Caller, operation: BoundOperation, body: &[u8]) -> Result<Reply, ApiError> {
    match operation {
        BoundOperation::RetrieveUserPrivileges { user } => {
            let held = core.store.read(|conn| operations::retrieve_user_privileges(conn, &core.metadata, caller, user, None))?;
            Ok(privileges_reply(base_url, &held, "RetrieveUserPrivilegesResponse"))
        }
        BoundOperation::RetrieveUserPrivilegeByPrivilegeName { user, privilege } => {
            let held = core
                .store
                .read(|conn| operations::retrieve_user_privileges(conn, &core.metadata, caller, user, Some(&privilege)))?;
            Ok(privileges_reply(base_url, &held, "RetrieveUserPrivilegeByPrivilegeNameResponse"))
        }
        BoundOperation::RetrieveTeamPrivileges { team } => {
            let held = core.store.read(|conn| operations::retrieve_team_privileges(conn, &core.metadata, caller, team))?;
            Ok(privileges_reply(base_url, &held, "RetrieveTeamPrivilegesResponse"))
        }
        BoundOperation::ChangeTeamMembers { team, change } => {
            let members = members(body)?;
            core.store.write(|tx| operations::change_team_members(tx, &core.metadata, caller, team, &members, change))?;
            Ok(Reply::new(204))
        }
    }
}

fn privileges_reply(base_url: &str, held: &[operations::RolePrivilege], response_type: &str) -> Reply {
    let role_privileges: Vec<Json> = held
        .iter()
        .map(|p| {
            json!({
                "Depth": format!("{:?}", p.depth),
                "PrivilegeId": p.privilege_id,
                "BusinessUnitId": p.business_unit.to_string(),
                "PrivilegeName": p.name,
            })
        })
        .collect();
    Reply::json(
        200,
        json!({
            "@odata.context": format!("{base_url}{API_PATH}/$metadata#Microsoft.Dynamics.CRM.{response_type}"),
            "RolePrivileges": role_privileges,
        }),
    )
}

/// `Name='value'` inline, or `Name=@p1` with `@p1='value'` in the query string.
fn parameter(arguments: &str, query: Option<&str>, name: &str) -> Result<String, ApiError> {
    let missing = || ApiError::query(format!("Request message has unresolved parameters: the function needs '{name}'."));
    let value = arguments
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| value.trim().to_string())
        .ok_or_else(missing)?;
    let value = match value.strip_prefix('@') {
        Some(alias) => query
            .into_iter()
            .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
            .find(|(key, _)| key.strip_prefix('@') == Some(alias))
            .map(|(_, v)| v.into_owned())
            .ok_or_else(|| ApiError::query(format!("The parameter alias '@{alias}' has no value in the query string.")))?,
        None => value,
    };
    string_literal(&value)
        .ok_or_else(|| ApiError::query(format!("The value of '{name}' must be a string literal in single quotes, like '{name}='prvReadAccount''.")))
}

/// An OData string literal: single quotes, a quote inside doubled.
fn string_literal(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.replace("''", "").contains('\'')).then(|| inner.replace("''", "'"))
}

/// `{"Members": [{"systemuserid": "…"}, …]}` (an `@odata.type` may accompany each).
fn members(body: &[u8]) -> Result<Vec<Guid>, ApiError> {
    let parsed: Json = serde_json::from_slice(body)
        .map_err(|e| ApiError::payload(format!("The request body is not valid JSON: {e}.")))?;
    let list = parsed
        .get("Members")
        .and_then(Json::as_array)
        .ok_or_else(|| ApiError::payload("The body needs 'Members': an array of systemuser entities."))?;
    list.iter()
        .enumerate()
        .map(|(i, member)| {
            member
                .get("systemuserid")
                .and_then(Json::as_str)
                .and_then(|id| Guid::parse(id).ok())
                .ok_or_else(|| ApiError::payload(format!("Members[{i}] needs a 'systemuserid' GUID.")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_literals() {
        assert_eq!(string_literal("'prvReadAccount'").as_deref(), Some("prvReadAccount"));
        assert_eq!(string_literal("'O''Neil'").as_deref(), Some("O'Neil"));
        assert_eq!(string_literal("prvReadAccount"), None);
        assert_eq!(string_literal("'"), None);
    }

    #[test]
    fn reads_parameters_inline_and_through_aliases() {
        assert_eq!(parameter("PrivilegeName='prvReadAccount'", None, "PrivilegeName").unwrap(), "prvReadAccount");
        assert_eq!(parameter("PrivilegeName=@p1", Some("@p1='prvWriteContact'"), "PrivilegeName").unwrap(), "prvWriteContact");
        assert_eq!(parameter("", None, "PrivilegeName").unwrap_err().status, 400);
        assert!(parameter("PrivilegeName=@p2", Some("@p1='x'"), "PrivilegeName").unwrap_err().message.contains("@p2"));
    }
}
