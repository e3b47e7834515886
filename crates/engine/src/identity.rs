//! Which identity a Dataverse step calls as. The rules are `flowbench_core::connection::runs_as`;
//! this maps them onto the tokens the run was given. An invoker connection never falls back to
//! the reference's owner: a missing identity fails the step.

use flowbench_core::{Action, Flow, RunsAs};

use crate::options::{Identities, Identity};
use crate::record::{IdentitySource, IdentityUsed, StepError};

/// The token to send, the `CallerObjectId` to impersonate (if any), and what the record shows.
pub(crate) struct ChosenIdentity {
    pub token: String,
    pub caller_object_id: Option<String>,
    pub used: IdentityUsed,
}

pub(crate) fn choose_identity(flow: &Flow, action: &Action, identities: &Identities) -> Result<ChosenIdentity, StepError> {
    let connection = action.connection_name().ok_or_else(|| {
        identity_error(format!("'{}' names no connection (inputs.host.connectionName)", action.name))
    })?;
    let runs_as = flowbench_core::connection::runs_as(flow.connection_references(), connection, flow.trigger_identity());
    match runs_as {
        RunsAs::ConnectionReference { logical_name } => {
            let logical_name = logical_name.unwrap_or_else(|| connection.to_string());
            let owner = reference_identity(identities, &logical_name, &action.name)?;
            Ok(ChosenIdentity {
                token: owner.token.clone(),
                caller_object_id: impersonated_object_id(owner, &action.name)?,
                used: IdentityUsed {
                    user: owner.user.clone(),
                    object_id: owner.object_id.clone(),
                    caller: owner.impersonated_by.clone(),
                    source: IdentitySource::ConnectionReference { logical_name },
                },
            })
        }
        RunsAs::RunOnlyUser { logical_name } => {
            let invoker = invoker_identity(identities, &action.name)?;
            Ok(ChosenIdentity {
                token: invoker.token.clone(),
                caller_object_id: impersonated_object_id(invoker, &action.name)?,
                used: IdentityUsed {
                    user: invoker.user.clone(),
                    object_id: invoker.object_id.clone(),
                    caller: invoker.impersonated_by.clone(),
                    source: IdentitySource::RunOnlyUser { logical_name },
                },
            })
        }
        RunsAs::TriggerRunAs { logical_name, .. } => {
            // The runtime keeps the reference's connection and impersonates the trigger's "Run as"
            // user, who is the invoker the run was given.
            let logical_name = logical_name.unwrap_or_else(|| connection.to_string());
            let owner = reference_identity(identities, &logical_name, &action.name)?;
            let invoker = invoker_identity(identities, &action.name)?;
            let object_id = invoker.object_id.clone().ok_or_else(|| {
                identity_error(format!(
                    "'{}' impersonates the invoker '{}', whose object id was not given (needed for CallerObjectId)",
                    action.name, invoker.user
                ))
            })?;
            Ok(ChosenIdentity {
                token: owner.token.clone(),
                caller_object_id: Some(object_id.clone()),
                used: IdentityUsed {
                    user: invoker.user.clone(),
                    object_id: Some(object_id),
                    caller: Some(owner.user.clone()),
                    source: IdentitySource::Impersonation { logical_name },
                },
            })
        }
        RunsAs::Unresolved { reason } => Err(identity_error(format!("'{}' has no identity: {reason}", action.name))),
    }
}

/// The `CallerObjectId` to send when the identity is reached through another user's token.
fn impersonated_object_id(identity: &Identity, action: &str) -> Result<Option<String>, StepError> {
    if identity.impersonated_by.is_none() {
        return Ok(None);
    }
    identity.object_id.clone().map(Some).ok_or_else(|| {
        identity_error(format!(
            "'{action}' runs as '{}' through impersonation, but their object id was not given (needed for CallerObjectId)",
            identity.user
        ))
    })
}

fn reference_identity<'a>(identities: &'a Identities, logical_name: &str, action: &str) -> Result<&'a Identity, StepError> {
    identities.references.get(logical_name).ok_or_else(|| {
        identity_error(format!(
            "'{action}' uses the connection reference '{logical_name}', but the run was given no identity for it"
        ))
    })
}

fn invoker_identity<'a>(identities: &'a Identities, action: &str) -> Result<&'a Identity, StepError> {
    identities.invoker.as_ref().ok_or_else(|| {
        identity_error(format!(
            "'{action}' runs as the invoker, but the run was given no invoker (the engine never falls back to the connection's owner)"
        ))
    })
}

fn identity_error(message: String) -> StepError {
    StepError::new("ConnectionAuthorizationFailed", message)
}
