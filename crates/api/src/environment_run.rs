//! Test runs against a real environment: the signed-in accounts become the run's identities.
//! Each connection reference runs as the account bound to it (else the connection owner); the
//! invoker is a signed-in account, or any user of the environment reached through the owner's
//! token with `CallerObjectId` impersonation (the owner needs prvActOnBehalfOfAnotherUser).

use std::collections::BTreeMap;

use flowbench_core::Flow;
use flowbench_dataverse::tokens::access_token;
use flowbench_dataverse::web_api::WebApi;
use flowbench_dataverse::{Account, AuthError, Environment, Secrets};
use flowbench_engine::{Identities, Identity};

/// Who a run against `environment` runs as.
#[derive(Debug, Clone, Default)]
pub struct RunAs<'a> {
    /// The invoker: a signed-in account, or the sign-in name of any user to impersonate.
    pub invoker: Option<&'a str>,
    /// The account owning the connections of unbound references; the default account if absent.
    pub owner: Option<&'a str>,
    /// Reach the invoker through the owner's token even when they are signed in here too.
    pub impersonate: bool,
}

pub async fn environment_identities(
    environment: &Environment,
    secrets: &Secrets,
    http: &reqwest::Client,
    flow: &Flow,
    run_as: RunAs<'_>,
) -> Result<Identities, AuthError> {
    let owner = environment.choose_account(run_as.owner)?;
    let owner_identity = signed_in_identity(environment, owner, secrets, http).await?;
    let mut references = BTreeMap::new();
    for reference in flow.references() {
        let Some(logical) = reference.logical_name else { continue };
        let identity = match environment.bindings.get(&logical) {
            Some(bound) => signed_in_identity(environment, environment.choose_account(Some(bound))?, secrets, http).await?,
            None => owner_identity.clone(),
        };
        references.insert(logical, identity);
    }
    let invoker = match run_as.invoker {
        None => owner_identity.clone(),
        Some(name) => match environment.account(name).filter(|_| !run_as.impersonate) {
            Some(account) => signed_in_identity(environment, account, secrets, http).await?,
            None => {
                let user = WebApi::new(http, &environment.url, owner_identity.token.clone()).find_user(name).await?;
                Identity {
                    user: user.domain_name.unwrap_or_else(|| name.to_string()),
                    token: owner_identity.token.clone(),
                    object_id: user.object_id,
                    impersonated_by: Some(owner_identity.user.clone()),
                }
            }
        },
    };
    Ok(Identities { references, invoker: Some(invoker) })
}

async fn signed_in_identity(
    environment: &Environment,
    account: &Account,
    secrets: &Secrets,
    http: &reqwest::Client,
) -> Result<Identity, AuthError> {
    let token = access_token(environment, account, secrets, http).await?;
    Ok(Identity { user: account.username.clone(), token, object_id: account.object_id.clone(), impersonated_by: None })
}
