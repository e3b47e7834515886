//! Signing in: the authorization code flow with PKCE through the system browser and a loopback
//! redirect, the device code flow for machines without a browser, and client credentials for
//! application users. Each ends with the account recorded in the book and its tokens in the
//! credential store.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::response::Html;
use oauth2::{StandardDeviceAuthorizationResponse, AuthorizationCode, CsrfToken, PkceCodeChallenge, RedirectUrl, Scope};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::accounts::{Account, AccountKind};
use crate::entra::{user_scopes, EntraError};
use crate::environments::{Environment, EnvironmentBook};
use crate::error::AuthError;
use crate::oauth::{client, request_error, token_set, transport, EntraTokenResponse};
use crate::secrets::Secrets;
use crate::tokens::{client_credentials, read_id_token, TokenSet};

/// A finished sign-in, not yet remembered.
#[derive(Debug)]
pub struct SignedIn {
    /// The environment the tokens are for.
    pub environment_url: String,
    pub account: Account,
    pub tokens: TokenSet,
    /// An application's client secret, kept so tokens can be renewed.
    client_secret: Option<String>,
}

impl SignedIn {
    /// Stores the secrets first, then records the account: a book never names an account whose
    /// secrets failed to store.
    pub fn remember(self, book: &mut EnvironmentBook, environment: &str, secrets: &Secrets) -> Result<Account, AuthError> {
        let name = book.get(environment)?.name.clone();
        if let Some(secret) = &self.client_secret {
            secrets.set(&self.account.client_secret_key(&name), secret)?;
        }
        self.tokens.store(secrets, &self.account.token_key(&name))?;
        book.get_mut(&name)?.remember(self.account.clone());
        book.save()?;
        Ok(self.account)
    }
}

/// Removes an account and its secrets.
pub fn sign_out(book: &mut EnvironmentBook, environment: &str, username: &str, secrets: &Secrets) -> Result<Account, AuthError> {
    let env = book.get_mut(environment)?;
    let name = env.name.clone();
    let account = env
        .forget(username)
        .ok_or_else(|| AuthError::NotSignedIn(format!("'{username}' is not signed in to '{name}'")))?;
    forget_secrets(&account, &name, secrets)?;
    book.save()?;
    Ok(account)
}

/// Deletes an account's tokens and client secret from the credential store.
fn forget_secrets(account: &Account, environment: &str, secrets: &Secrets) -> Result<(), AuthError> {
    secrets.delete(&account.token_key(environment))?;
    secrets.delete(&account.client_secret_key(environment))
}

/// Removes an environment and signs out of its accounts. The secrets go first: an environment
/// is never dropped from the book while its tokens stay behind in the credential store.
pub fn remove_environment(book: &mut EnvironmentBook, name: &str) -> Result<Environment, AuthError> {
    let environment = book.get(name)?.clone();
    if !environment.accounts.is_empty() {
        let secrets = Secrets::system()?;
        for account in &environment.accounts {
            forget_secrets(account, &environment.name, &secrets)?;
        }
    }
    let removed = book.remove(name)?;
    book.save()?;
    Ok(removed)
}

#[derive(Debug, Deserialize)]
struct RedirectReply {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

type Replies = Arc<Mutex<Option<mpsc::Sender<RedirectReply>>>>;

/// Signs in through the system browser. `open` is given the URL to show (it opens the browser,
/// or prints the URL); the sign-in waits for the redirect to the loopback for at most `wait`.
pub async fn interactive(
    environment: &Environment,
    http: &reqwest::Client,
    wait: Duration,
    open: impl FnOnce(&str),
) -> Result<SignedIn, AuthError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(|e| AuthError::Protocol(format!("cannot listen on 127.0.0.1 for the sign-in redirect: {e}")))?;
    let port = listener.local_addr().map_err(|e| AuthError::Protocol(e.to_string()))?.port();
    // Entra matches `http://localhost` redirects whatever the port (RFC 8252 §7.3).
    let redirect = format!("http://localhost:{port}/");
    let oauth = client(environment, &environment.client_id)?
        .set_redirect_uri(RedirectUrl::new(redirect.clone()).map_err(|e| AuthError::Protocol(e.to_string()))?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = oauth
        .authorize_url(CsrfToken::new_random)
        .add_scopes(user_scopes(&environment.url).into_iter().map(Scope::new))
        .set_pkce_challenge(challenge)
        .url();

    let (sender, mut receiver) = mpsc::channel(1);
    let replies: Replies = Arc::new(Mutex::new(Some(sender)));
    let app = axum::Router::new().route("/", axum::routing::get(redirect_page)).with_state(replies);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    open(url.as_str());
    let reply = tokio::time::timeout(wait, receiver.recv()).await;
    server.abort();
    let reply = match reply {
        Ok(Some(reply)) => reply,
        _ => {
            return Err(AuthError::Cancelled(format!(
                "the browser did not come back within {} s; the sign-in was abandoned",
                wait.as_secs()
            )))
        }
    };
    if reply.state.as_deref() != Some(state.secret().as_str()) {
        return Err(AuthError::Protocol("the sign-in reply belongs to another sign-in (its state differs); try again".into()));
    }
    if let Some(error) = reply.error {
        return Err(AuthError::Entra(EntraError::new(&error, reply.error_description.as_deref())));
    }
    let code = reply.code.ok_or_else(|| AuthError::Protocol("the sign-in reply has neither a code nor an error".into()))?;
    let tokens = oauth
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(&transport(http))
        .await
        .map_err(|e| request_error(oauth.token_uri().as_str(), e))?;
    user_sign_in(&tokens, environment)
}

async fn redirect_page(State(replies): State<Replies>, Query(reply): Query<RedirectReply>) -> Html<String> {
    let page = match (&reply.code, &reply.error) {
        (_, Some(error)) => format!(
            "<h1>Sign-in failed</h1><p>{}</p><p>Return to Flowbench.</p>",
            html_escape(&EntraError::new(error, reply.error_description.as_deref()).to_string())
        ),
        (Some(_), None) => "<h1>Signed in to Flowbench</h1><p>You can close this tab and return to Flowbench.</p>".into(),
        (None, None) => return Html("<h1>Flowbench sign-in</h1><p>This address only receives sign-in replies.</p>".into()),
    };
    let sender = replies.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(sender) = sender {
        let _ = sender.send(reply).await;
    }
    Html(format!("<!doctype html><meta charset=\"utf-8\"><title>Flowbench</title>{page}"))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// What to show the user during a device code sign-in.
#[derive(Debug, Clone)]
pub struct DeviceCodePrompt {
    pub verification_uri: String,
    pub user_code: String,
    pub expires_in_seconds: u64,
}

impl DeviceCodePrompt {
    pub fn message(&self) -> String {
        format!(
            "To sign in, open {} in a browser on any device and enter the code {} (it expires in {} minutes).",
            self.verification_uri,
            self.user_code,
            self.expires_in_seconds.div_ceil(60)
        )
    }
}

/// Signs in with a device code: `show` tells the user where to go; this polls until they have.
pub async fn device_code(
    environment: &Environment,
    http: &reqwest::Client,
    show: impl FnOnce(&DeviceCodePrompt),
) -> Result<SignedIn, AuthError> {
    let oauth = client(environment, &environment.client_id)?;
    let details: StandardDeviceAuthorizationResponse = oauth
        .exchange_device_code()
        .add_scopes(user_scopes(&environment.url).into_iter().map(Scope::new))
        .request_async(&transport(http))
        .await
        .map_err(|e| request_error(oauth.device_authorization_url().as_str(), e))?;
    show(&DeviceCodePrompt {
        verification_uri: details.verification_uri().to_string(),
        user_code: details.user_code().secret().clone(),
        expires_in_seconds: details.expires_in().as_secs(),
    });
    let tokens = oauth
        .exchange_device_access_token(&details)
        .request_async(&transport(http), tokio::time::sleep, None)
        .await
        .map_err(|e| request_error(oauth.token_uri().as_str(), e))?;
    user_sign_in(&tokens, environment)
}

/// Signs in as an application user with its client secret.
pub async fn application(
    environment: &Environment,
    http: &reqwest::Client,
    client_id: &str,
    client_secret: &str,
) -> Result<SignedIn, AuthError> {
    let tokens = client_credentials(environment, client_id, client_secret, http).await?;
    // Client credentials give no id token; the application user's id comes from WhoAmI.
    Ok(SignedIn {
        environment_url: environment.url.clone(),
        account: Account {
            username: client_id.to_string(),
            display_name: None,
            object_id: None,
            tenant_id: None,
            kind: AccountKind::Application { client_id: client_id.to_string() },
        },
        tokens,
        client_secret: Some(client_secret.to_string()),
    })
}

fn user_sign_in(reply: &EntraTokenResponse, environment: &Environment) -> Result<SignedIn, AuthError> {
    let tokens = token_set(reply, None);
    if tokens.refresh_token.is_none() {
        return Err(AuthError::Protocol(
            "the identity provider gave no refresh token (offline_access was not granted), so the sign-in could not be kept".into(),
        ));
    }
    let id_token = reply
        .extra_fields()
        .id_token
        .as_deref()
        .ok_or_else(|| AuthError::Protocol("the identity provider gave no id token, so the account is unknown".into()))?;
    let claims = read_id_token(id_token)?;
    let username = claims
        .preferred_username
        .or(claims.upn)
        .or(claims.sub)
        .ok_or_else(|| AuthError::Protocol("the id token names no user (no preferred_username, upn or sub)".into()))?;
    Ok(SignedIn {
        environment_url: environment.url.clone(),
        account: Account {
            username,
            display_name: claims.name,
            object_id: claims.oid,
            tenant_id: claims.tid,
            kind: AccountKind::User,
        },
        tokens,
        client_secret: None,
    })
}
