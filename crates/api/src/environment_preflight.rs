//! Permission preflight against a signed-in environment: its security is read through the Web
//! API with the connection owner's token (business units, each subject's privileges through
//! RetrieveUserPrivileges / RetrieveTeamPrivileges, the tables' schema names and ownership),
//! snapshotted as a scenario, and checked exactly as in the sandbox.

use std::collections::{BTreeMap, BTreeSet};

use flowbench_core::Flow;
use flowbench_dataverse::metadata::{cache_path, tables};
use flowbench_dataverse::security::RolePrivilege;
use flowbench_dataverse::tokens::access_token;
use flowbench_dataverse::web_api::WebApi;
use flowbench_dataverse::{AuthError, Environment, Secrets};
use flowbench_preflight::snapshot::{ownership_of, HeldPrivilege, SecuritySnapshot, SnapshotPrincipal, SnapshotTable, SnapshotUnit, SubjectKind};
use flowbench_preflight::subjects::{ROLE_PREFIX, TEAM_PREFIX};
use flowbench_preflight::{preflight, Matrix, Options};
use flowbench_sandbox::Depth;

use crate::{ApiError, ErrorCode};

/// `subjects`: sign-in names of users, or `team:NAME`. `owner`: the account owning the
/// connections of unbound references (the default account when absent).
pub async fn environment_preflight(
    environment: &Environment,
    secrets: &Secrets,
    http: &reqwest::Client,
    flow: &Flow,
    subjects: &[String],
    owner: Option<&str>,
) -> Result<Matrix, ApiError> {
    let owner_account = environment.choose_account(owner)?;
    let snapshot = snapshot(environment, secrets, http, flow, subjects, owner).await?;
    let options = Options {
        reference_owners: environment.bindings.clone(),
        default_reference_owner: owner_account.username.clone(),
        flow_owner: owner_account.username.clone(),
    };
    preflight(flow, &snapshot.to_scenario(), subjects, &options).map_err(|e| ApiError::new(ErrorCode::InvalidArguments, e.to_string()))
}

/// The security of everyone the verdicts depend on: the subjects, the flow owner and the
/// accounts bound to the flow's references.
pub async fn snapshot(
    environment: &Environment,
    secrets: &Secrets,
    http: &reqwest::Client,
    flow: &Flow,
    subjects: &[String],
    owner: Option<&str>,
) -> Result<SecuritySnapshot, ApiError> {
    if let Some(role) = subjects.iter().find(|s| s.starts_with(ROLE_PREFIX)) {
        return Err(ApiError::new(
            ErrorCode::InvalidArguments,
            format!("'{role}': roles are checked in the sandbox only; in an environment, name users or teams (team:NAME)"),
        ));
    }
    let owner_account = environment.choose_account(owner)?;
    let token = access_token(environment, owner_account, secrets, http).await?;
    let api = WebApi::new(http, &environment.url, token);
    let mut names: BTreeSet<String> = subjects.iter().cloned().collect();
    names.insert(owner_account.username.clone());
    for reference in flow.references() {
        if let Some(bound) = reference.logical_name.and_then(|l| environment.bindings.get(&l).cloned()) {
            names.insert(bound);
        }
    }
    let mut principals = Vec::new();
    for name in names {
        principals.push(principal(&api, &name).await?);
    }
    let lookups = lookups(&api, environment).await?;
    let tables = api
        .table_security()
        .await?
        .into_iter()
        .filter_map(|t| {
            Some(SnapshotTable {
                lookups: lookups.get(&t.logical_name).cloned().unwrap_or_default(),
                entity_set_name: t.entity_set_name?,
                ownership: ownership_of(t.ownership_type.as_deref()),
                logical_name: t.logical_name,
                schema_name: t.schema_name,
            })
        })
        .collect();
    let business_units = api
        .business_units()
        .await?
        .into_iter()
        .map(|u| SnapshotUnit { name: u.name.unwrap_or_else(|| u.id.clone()), id: u.id, parent_id: u.parent_id })
        .collect();
    Ok(SecuritySnapshot { tables, business_units, principals })
}

async fn principal(api: &WebApi<'_>, name: &str) -> Result<SnapshotPrincipal, AuthError> {
    let (kind, business_unit_id, held) = match name.strip_prefix(TEAM_PREFIX) {
        Some(team_name) => {
            let team = api.find_team(team_name).await?;
            let held = api.team_privileges(&team.id).await?;
            (SubjectKind::Team, team.business_unit_id, held)
        }
        None => {
            let user = api.find_user(name).await?;
            let held = api.user_privileges(&user.id).await?;
            (SubjectKind::User, user.business_unit_id, held)
        }
    };
    let business_unit_id =
        business_unit_id.ok_or_else(|| AuthError::Protocol(format!("'{name}' belongs to no business unit the environment shows")))?;
    Ok(SnapshotPrincipal { name: name.to_string(), kind, business_unit_id, privileges: held.iter().filter_map(held_privilege).collect() })
}

/// Depths other than the four (RecordFilter) grant nothing the preflight can reason about.
fn held_privilege(p: &RolePrivilege) -> Option<HeldPrivilege> {
    let depth = match p.depth.as_str() {
        "Basic" => Depth::Basic,
        "Local" => Depth::Local,
        "Deep" => Depth::Deep,
        "Global" => Depth::Global,
        _ => return None,
    };
    Some(HeldPrivilege { name: p.privilege_name.clone(), depth, business_unit_id: p.business_unit_id.clone() })
}

/// Lookup columns and their targets, from the table definitions the pickers use (cached per
/// environment, read once when absent).
async fn lookups(api: &WebApi<'_>, environment: &Environment) -> Result<BTreeMap<String, Vec<(String, Vec<String>)>>, AuthError> {
    let cache = tables(api, &environment.url, &cache_path(&environment.name), false).await?;
    Ok(cache
        .tables
        .into_iter()
        .map(|t| {
            let lookups = t.columns.into_iter().filter(|c| !c.targets.is_empty()).map(|c| (c.logical_name, c.targets)).collect();
            (t.logical_name, lookups)
        })
        .collect())
}
