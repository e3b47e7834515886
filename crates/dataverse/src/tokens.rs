//! Tokens: kept in the credential store as one JSON secret per account, handed out while fresh,
//! refreshed silently when not (the refresh token rotates), and forgotten when the sign-in is over.

use base64::Engine;
use oauth2::{ClientSecret, RefreshToken, Scope};
use serde::{Deserialize, Serialize};

use crate::accounts::{Account, AccountKind};
use crate::entra::{application_scope, refresh_scopes};
use crate::environments::Environment;
use crate::error::AuthError;
use crate::oauth::{client, now_seconds, request_error, token_set, transport};
use crate::secrets::Secrets;

/// A token is refreshed this long before it expires, so a step never starts with one that dies.
const REFRESH_MARGIN_SECONDS: u64 = 120;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenSet {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Unix seconds, on this machine's clock.
    pub expires_at: u64,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<secret>")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<secret>"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl TokenSet {
    pub fn is_fresh(&self, now: u64) -> bool {
        now + REFRESH_MARGIN_SECONDS < self.expires_at
    }

    pub fn store(&self, secrets: &Secrets, key: &str) -> Result<(), AuthError> {
        secrets.set(key, &serde_json::to_string(self).expect("tokens serialise"))
    }

    pub fn load(secrets: &Secrets, key: &str) -> Result<Option<TokenSet>, AuthError> {
        let Some(text) = secrets.get(key)? else { return Ok(None) };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| AuthError::CredentialStore(format!("the stored tokens under '{key}' are damaged ({e}); sign in again")))
    }
}

/// The claims of an id token that name the account. Read without checking the signature: the
/// token came straight from the token endpoint over TLS (OpenID Connect Core §3.1.3.7).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IdClaims {
    #[serde(default)]
    pub oid: Option<String>,
    #[serde(default)]
    pub tid: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub upn: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub sub: Option<String>,
}

pub fn read_id_token(id_token: &str) -> Result<IdClaims, AuthError> {
    let payload = id_token
        .split('.')
        .nth(1)
        .ok_or_else(|| AuthError::Protocol("the id token is not a JWT".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| AuthError::Protocol(format!("the id token's payload is not base64url: {e}")))?;
    serde_json::from_slice(&bytes).map_err(|e| AuthError::Protocol(format!("the id token's claims are not JSON: {e}")))
}

/// A bearer token for `account` in `environment`: the stored one while fresh, else a new one
/// (refresh token for users, client credentials for applications), stored before it is returned.
/// An expired or revoked sign-in is forgotten and reported as such.
pub async fn access_token(
    environment: &Environment,
    account: &Account,
    secrets: &Secrets,
    http: &reqwest::Client,
) -> Result<String, AuthError> {
    let key = account.token_key(&environment.name);
    let stored = TokenSet::load(secrets, &key)?;
    if let Some(tokens) = stored.as_ref().filter(|t| t.is_fresh(now_seconds())) {
        return Ok(tokens.access_token.clone());
    }
    let renewed = match &account.kind {
        AccountKind::User => {
            let refresh_token = stored.as_ref().and_then(|t| t.refresh_token.clone()).ok_or_else(|| {
                AuthError::NotSignedIn(format!(
                    "{} has no stored sign-in for '{}'; run `flowbench login --env {}`",
                    account.username, environment.name, environment.name
                ))
            })?;
            refresh(environment, &refresh_token, http).await
        }
        AccountKind::Application { client_id } => {
            let secret = secrets.get(&account.client_secret_key(&environment.name))?.ok_or_else(|| {
                AuthError::NotSignedIn(format!(
                    "the client secret of application {client_id} is not in the credential store; run `flowbench login --env {} --application {client_id}`",
                    environment.name
                ))
            })?;
            client_credentials(environment, client_id, &secret, http).await
        }
    };
    match renewed {
        Ok(tokens) => {
            tokens.store(secrets, &key)?;
            Ok(tokens.access_token)
        }
        Err(AuthError::Entra(e)) if e.means_sign_in_again() => {
            secrets.delete(&key)?;
            Err(AuthError::Entra(e))
        }
        Err(e) => Err(e),
    }
}

pub(crate) async fn refresh(environment: &Environment, refresh_token: &str, http: &reqwest::Client) -> Result<TokenSet, AuthError> {
    let oauth = client(environment, &environment.client_id)?;
    let token = RefreshToken::new(refresh_token.to_string());
    let reply = oauth
        .exchange_refresh_token(&token)
        .add_scopes(refresh_scopes(&environment.url).into_iter().map(Scope::new))
        .request_async(&transport(http))
        .await
        .map_err(|e| request_error(oauth.token_uri().as_str(), e))?;
    Ok(token_set(&reply, Some(refresh_token)))
}

pub(crate) async fn client_credentials(
    environment: &Environment,
    client_id: &str,
    secret: &str,
    http: &reqwest::Client,
) -> Result<TokenSet, AuthError> {
    let oauth = client(environment, client_id)?.set_client_secret(ClientSecret::new(secret.to_string()));
    let reply = oauth
        .exchange_client_credentials()
        .add_scope(Scope::new(application_scope(&environment.url)))
        .request_async(&transport(http))
        .await
        .map_err(|e| request_error(oauth.token_uri().as_str(), e))?;
    Ok(token_set(&reply, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_never_show_in_debug_output() {
        let tokens = TokenSet { access_token: "eyJ.secret".into(), refresh_token: Some("rt-secret".into()), expires_at: 10 };
        let shown = format!("{tokens:?}");
        assert!(!shown.contains("secret\"") && !shown.contains("eyJ") && !shown.contains("rt-"), "{shown}");
    }

    #[test]
    fn freshness_leaves_a_margin_before_expiry() {
        let tokens = TokenSet { access_token: "a".into(), refresh_token: None, expires_at: 1_000 };
        assert!(tokens.is_fresh(1_000 - REFRESH_MARGIN_SECONDS - 1));
        assert!(!tokens.is_fresh(1_000 - REFRESH_MARGIN_SECONDS));
    }

    #[test]
    fn id_token_claims_are_read() {
        let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"oid":"0d00","tid":"7e00","preferred_username":"ada@contoso.com","name":"Ada"}"#);
        let parsed = read_id_token(&format!("h.{claims}.s")).unwrap();
        assert_eq!(parsed.preferred_username.as_deref(), Some("ada@contoso.com"));
        assert_eq!(parsed.oid.as_deref(), Some("0d00"));
        assert!(read_id_token("garbage").unwrap_err().to_string().contains("not a JWT"));
    }
}
