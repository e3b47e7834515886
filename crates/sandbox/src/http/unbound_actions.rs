//! Unbound actions (reference §1.9): `POST /api/data/v9.2/<Action>` with JSON parameters. The
//! sandbox has the sharing ones: GrantAccess, ModifyAccess and RevokeAccess.

use serde_json::{Map, Value as Json};

use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::{Metadata, TableMeta};
use crate::operations::{self, ShareChange};
use crate::security::{Caller, PrincipalKind};

// The variants are Dataverse's action names.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnboundAction {
    GrantAccess,
    ModifyAccess,
    RevokeAccess,
}

impl UnboundAction {
    pub fn named(segment: &str) -> Option<UnboundAction> {
        match segment.strip_prefix("Microsoft.Dynamics.CRM.").unwrap_or(segment) {
            "GrantAccess" => Some(UnboundAction::GrantAccess),
            "ModifyAccess" => Some(UnboundAction::ModifyAccess),
            "RevokeAccess" => Some(UnboundAction::RevokeAccess),
            _ => None,
        }
    }
}

/// Runs `action` with the request body's parameters; Dataverse answers 204.
pub fn run(conn: &rusqlite::Connection, metadata: &Metadata, caller: &Caller, action: UnboundAction, body: &Map<String, Json>) -> Result<(), ApiError> {
    let (table, row) = entity(metadata, body.get("Target"), "Target")?;
    let change = match action {
        UnboundAction::RevokeAccess => {
            let principal = principal(body.get("Revokee"), "Revokee")?;
            return operations::share(conn, metadata, caller, table, row, principal, ShareChange::Revoke);
        }
        UnboundAction::GrantAccess => ShareChange::Grant,
        UnboundAction::ModifyAccess => ShareChange::Modify,
    };
    let access = body
        .get("PrincipalAccess")
        .and_then(Json::as_object)
        .ok_or_else(|| ApiError::payload("The action needs 'PrincipalAccess': {\"Principal\": {…}, \"AccessMask\": \"ReadAccess, …\"}."))?;
    let principal = principal(access.get("Principal"), "PrincipalAccess.Principal")?;
    let mask = operations::access_mask(access.get("AccessMask").and_then(Json::as_str).unwrap_or_default())?;
    operations::share(conn, metadata, caller, table, row, principal, change(mask))
}

/// `{"@odata.type": "Microsoft.Dynamics.CRM.account", "accountid": "…"}`: a row of a table.
fn entity<'m>(metadata: &'m Metadata, value: Option<&Json>, name: &str) -> Result<(&'m TableMeta, Guid), ApiError> {
    let object = value.and_then(Json::as_object).ok_or_else(|| ApiError::payload(format!("The action needs '{name}': a row with its @odata.type and id.")))?;
    let logical = object
        .get("@odata.type")
        .and_then(Json::as_str)
        .map(|t| t.trim_start_matches('#').trim_start_matches("Microsoft.Dynamics.CRM."))
        .ok_or_else(|| ApiError::payload(format!("{name}: EdmEntityObject passed should have the key property value set (give its @odata.type).")))?;
    let table = metadata.by_logical_name(logical).ok_or_else(|| ApiError::payload(format!("{name}: there is no table '{logical}'.")))?;
    let id = object
        .get(&table.primary_id)
        .and_then(Json::as_str)
        .and_then(|id| Guid::parse(id).ok())
        .ok_or_else(|| ApiError::payload(format!("{name}: EdmEntityObject passed should have the key property value set ('{}').", table.primary_id)))?;
    Ok((table, id))
}

/// A systemuser or a team.
fn principal(value: Option<&Json>, name: &str) -> Result<(Guid, PrincipalKind), ApiError> {
    let object = value.and_then(Json::as_object).ok_or_else(|| ApiError::payload(format!("The action needs '{name}': a systemuser or a team.")))?;
    let kind = match object.get("@odata.type").and_then(Json::as_str).map(|t| t.trim_start_matches('#').trim_start_matches("Microsoft.Dynamics.CRM.")) {
        Some("systemuser") => PrincipalKind::User,
        Some("team") => PrincipalKind::Team,
        other => {
            return Err(ApiError::payload(format!("{name} must be a systemuser or a team, not {}", other.unwrap_or("an object without @odata.type"))))
        }
    };
    let key = if kind == PrincipalKind::User { "systemuserid" } else { "teamid" };
    let id = object
        .get(key)
        .or_else(|| object.get("ownerid"))
        .and_then(Json::as_str)
        .and_then(|id| Guid::parse(id).ok())
        .ok_or_else(|| ApiError::payload(format!("{name}: EdmEntityObject passed should have the key property value set ('{key}').")))?;
    Ok((id, kind))
}
