//! Who a request acts as, and the checks every operation makes.
//!
//! Under impersonation (reference §3) the impersonated user is the acting user, and the
//! privileges used are the intersection of both users': each check must pass for both.

use rusqlite::Connection;

use crate::api_error::{ApiError, ACCESS_CHECK_FAILED, NOT_A_MEMBER, PRIVILEGE_DENIED};
use crate::guid::Guid;
use crate::metadata::TableMeta;
use crate::scenario::Right;
use crate::security::access::{has_row_access, read_scope, shared_access};
use crate::security::principal::privilege_id;
use crate::security::privileges::{table_privilege, ACT_ON_BEHALF_OF_ANOTHER_USER};
use crate::security::{BusinessUnitTree, Principal, PrincipalKind, RowSecurity};
use crate::sql::SqlFragment;

/// The user to impersonate, as the request names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impersonation {
    /// `CallerObjectId`: the Entra object id.
    ObjectId(Guid),
    /// `MSCRMCallerID`: the systemuserid.
    SystemUserId(Guid),
}

#[derive(Debug, Clone)]
pub struct Caller {
    /// The acting user: the impersonated one, or the authenticated one.
    pub user: Principal,
    /// The authenticated user when impersonating.
    pub impersonator: Option<Principal>,
    pub tree: BusinessUnitTree,
}

impl Caller {
    /// Resolves the authenticated user (by the token's `oid`) and any impersonation.
    pub fn resolve(
        conn: &Connection,
        object_id: Guid,
        impersonation: Option<Impersonation>,
    ) -> Result<Caller, ApiError> {
        let authenticated = Principal::load_user_by_object_id(conn, object_id)?.ok_or_else(|| {
            ApiError::new(
                403,
                NOT_A_MEMBER,
                format!("The user with Microsoft Entra object id {object_id} is not a member of the organization."),
            )
        })?;
        let tree = BusinessUnitTree::load(conn)?;
        let Some(impersonation) = impersonation else {
            return Ok(Caller { user: authenticated, impersonator: None, tree });
        };
        // Dataverse requires the privilege through the user's own roles, not a team's.
        if !authenticated.privileges.holds_directly(ACT_ON_BEHALF_OF_ANOTHER_USER) {
            return Err(ApiError::cannot_act_on_behalf());
        }
        let target = match impersonation {
            Impersonation::ObjectId(oid) => Principal::load_user_by_object_id(conn, oid)?
                .ok_or_else(|| ApiError::not_found("systemuser", format!("(azureactivedirectoryobjectid {oid})")))?,
            Impersonation::SystemUserId(id) => {
                Principal::load_user_by_id(conn, id)?.ok_or_else(|| ApiError::not_found("systemuser", id))?
            }
        };
        if target.id == authenticated.id {
            return Ok(Caller { user: authenticated, impersonator: None, tree });
        }
        Ok(Caller { user: target, impersonator: Some(authenticated), tree })
    }

    /// The real caller: who `createdonbehalfby` names when impersonating.
    pub fn on_behalf_of(&self) -> Option<Guid> {
        self.impersonator.as_ref().map(|p| p.id)
    }

    fn principals(&self) -> impl Iterator<Item = &Principal> {
        std::iter::once(&self.user).chain(self.impersonator.iter())
    }

    /// The privilege check (step 1): held at any depth, by both users when impersonating.
    pub fn require_privilege(&self, conn: &Connection, table: &TableMeta, right: Right) -> Result<(), ApiError> {
        let privilege = table_privilege(table, right);
        for principal in self.principals() {
            if !principal.privileges.holds(&privilege) {
                return Err(privilege_denied(conn, principal, self.context_caller(), &privilege, table, "")?);
            }
        }
        Ok(())
    }

    /// The row check (step 2) for an existing row.
    /// A row shared with the principal (GrantAccess) for `right` passes too, as long as the
    /// principal holds the privilege at all.
    pub fn require_row_access(&self, conn: &Connection, table: &TableMeta, right: Right, row: &RowSecurity) -> Result<(), ApiError> {
        let privilege = table_privilege(table, right);
        for principal in self.principals() {
            if has_row_access(principal, &self.tree, &privilege, row) {
                continue;
            }
            let shared = principal.privileges.holds(&privilege)
                && shared_access(conn, principal, row.id)? & right.access_mask() != 0;
            if !shared {
                return Err(access_denied(principal, table, right, row));
            }
        }
        Ok(())
    }

    /// The condition that keeps the rows out of reach out of a read.
    pub fn read_filter(&self, table: &TableMeta) -> Option<SqlFragment> {
        let privilege = table_privilege(table, Right::Read);
        let parts: Vec<SqlFragment> =
            self.principals().filter_map(|p| read_scope(p, &self.tree, &privilege).to_sql(table)).collect();
        if parts.is_empty() {
            None
        } else {
            Some(SqlFragment::all(parts))
        }
    }

    fn context_caller(&self) -> Guid {
        self.impersonator.as_ref().unwrap_or(&self.user).id
    }

    /// A row can only be given to an owner who may read it ("Read Privilege Check For Owner").
    pub fn require_owner_can_read(
        &self,
        conn: &Connection,
        table: &TableMeta,
        owner: &Principal,
    ) -> Result<(), ApiError> {
        let privilege = table_privilege(table, Right::Read);
        if owner.privileges.holds(&privilege) {
            return Ok(());
        }
        Err(privilege_denied(
            conn,
            owner,
            self.context_caller(),
            &privilege,
            table,
            "Read Privilege Check For Owner failed with exception: ",
        )?)
    }
}

/// 0x80040220 with the text Dataverse writes (reference §2.5, the documented form).
fn privilege_denied(
    conn: &Connection,
    principal: &Principal,
    context_caller: Guid,
    privilege: &str,
    table: &TableMeta,
    prefix: &str,
) -> Result<ApiError, ApiError> {
    // Every privilege name is seeded, so the fallback only shows for a hand-edited store.
    let privilege_id =
        privilege_id(conn, privilege)?.unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".to_string());
    let kind = match principal.kind {
        PrincipalKind::User => "user",
        PrincipalKind::Team => "team",
    };
    Ok(ApiError::new(
        403,
        PRIVILEGE_DENIED,
        format!(
            "{prefix}Principal {kind} (Id={}, type={}, roleCount={}, privilegeCount={}, accessMode=0), is missing {privilege} privilege (Id={privilege_id}) on OTC={} for entity '{}'. context.Caller={context_caller}",
            principal.id,
            principal.kind.type_code(),
            principal.role_count,
            principal.privileges.count(),
            table.object_type_code,
            table.logical_name,
        ),
    ))
}

/// The SecLib::AccessCheckEx text of reference §2.5.
fn access_denied(principal: &Principal, table: &TableMeta, right: Right, row: &RowSecurity) -> ApiError {
    let (owner, owner_type) = match row.owner {
        Some((id, kind)) => (id.to_string(), kind.type_code()),
        // Business-owned rows: the business unit stands in as owner (type 10).
        None => (row.business_unit.map(|b| b.to_string()).unwrap_or_default(), 10),
    };
    ApiError::new(
        403,
        ACCESS_CHECK_FAILED,
        format!(
            "SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: {}, OwnerId: {owner},  OwnerIdType: {owner_type} and CallingUser: {}. ObjectTypeCode: {}, objectBusinessUnitId: {}, AccessRights: {}",
            row.id,
            principal.id,
            table.object_type_code,
            row.business_unit.map(|b| b.to_string()).unwrap_or_default(),
            right.access_right_name(),
        ),
    )
}
