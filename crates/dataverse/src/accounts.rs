//! Who is signed in to an environment: what the settings may know of an account (never a secret)
//! and where its secrets are kept in the credential store.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum AccountKind {
    /// A person, signed in with the browser or a device code; kept signed in by a refresh token.
    User,
    /// An application user: an app registration with a client secret (client credentials).
    Application { client_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The sign-in name (user principal name), or the application's client id.
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The Entra object id: `systemuser.azureactivedirectoryobjectid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    pub kind: AccountKind,
}

impl Account {
    /// The credential-store key of this account's tokens in `environment`.
    pub fn token_key(&self, environment: &str) -> String {
        format!("{environment}|{}|tokens", self.username.to_lowercase())
    }

    /// The credential-store key of an application's client secret.
    pub fn client_secret_key(&self, environment: &str) -> String {
        format!("{environment}|{}|client-secret", self.username.to_lowercase())
    }

    pub fn label(&self) -> String {
        match (&self.display_name, &self.kind) {
            (Some(name), AccountKind::User) => format!("{name} <{}>", self.username),
            (_, AccountKind::Application { .. }) => format!("application {}", self.username),
            (None, AccountKind::User) => self.username.clone(),
        }
    }
}
