//! Entra-specific behaviour no local OpenID provider reproduces, against recorded replies of
//! login.microsoftonline.com: AADSTS error bodies, `.default` scopes, refresh token rotation, and
//! token endpoints that answer HTML or not at all.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use flowbench_dataverse::tokens::{access_token, TokenSet};
use flowbench_dataverse::{Account, AccountKind, Environment, ErrorCode, Secrets};
use serde_json::{json, Value};

const TENANT: &str = "7e000000-0000-4000-8000-000000000001";
const ENVIRONMENT_URL: &str = "https://contoso.crm4.dynamics.com";

/// A recorded reply: status, content type, body.
type Reply = (u16, &'static str, String);

#[derive(Clone, Default)]
struct TokenEndpoint {
    replies: Arc<Mutex<Vec<Reply>>>,
    requests: Arc<Mutex<Vec<HashMap<String, String>>>>,
}

async fn token(State(endpoint): State<TokenEndpoint>, headers: axum::http::HeaderMap, body: String) -> impl IntoResponse {
    let mut form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    if let Some(basic) = headers.get("authorization") {
        form.insert("authorization".into(), basic.to_str().unwrap_or("").to_string());
    }
    endpoint.requests.lock().unwrap().push(form);
    let (status, content_type, body) = endpoint.replies.lock().unwrap().remove(0);
    (StatusCode::from_u16(status).unwrap(), [("content-type", content_type)], body)
}

async fn serve(replies: Vec<Reply>) -> (Environment, TokenEndpoint) {
    let endpoint = TokenEndpoint { replies: Arc::new(Mutex::new(replies)), ..Default::default() };
    let app = axum::Router::new()
        .route(&format!("/{TENANT}/oauth2/v2.0/token"), axum::routing::post(token))
        .with_state(endpoint.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (environment(&format!("http://127.0.0.1:{port}/{TENANT}")), endpoint)
}

fn environment(authority: &str) -> Environment {
    serde_json::from_value(json!({
        "name": "contoso", "url": ENVIRONMENT_URL, "authority": authority,
        "clientId": "51f81489-12ee-4a9e-aaae-a2591f45987d"
    }))
    .unwrap()
}

fn ada() -> Account {
    Account {
        username: "ada@contoso.com".into(),
        display_name: Some("Ada".into()),
        object_id: None,
        tenant_id: None,
        kind: AccountKind::User,
    }
}

fn signed_in_with_expired_access(secrets: &Secrets, env: &Environment, account: &Account) {
    TokenSet { access_token: "old-access".into(), refresh_token: Some("old-refresh".into()), expires_at: 1 }
        .store(secrets, &account.token_key(&env.name))
        .unwrap();
}

/// Entra's error body: the AADSTS line, then trace lines, and arrays the OAuth spec does not name.
fn entra_error(error: &str, code: u32, text: &str) -> String {
    json!({
        "error": error,
        "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: 0b1f0000-0000-4000-8000-000000000001\r\nCorrelation ID: 0c1f0000-0000-4000-8000-000000000002\r\nTimestamp: 2026-11-26 08:00:00Z"),
        "error_codes": [code],
        "timestamp": "2026-11-26 08:00:00Z",
        "trace_id": "0b1f0000-0000-4000-8000-000000000001",
        "correlation_id": "0c1f0000-0000-4000-8000-000000000002",
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}")
    })
    .to_string()
}

fn entra_tokens(refresh_token: Option<&str>) -> String {
    let mut body = json!({
        "token_type": "Bearer",
        "scope": format!("{ENVIRONMENT_URL}/user_impersonation"),
        "expires_in": 4763,
        "ext_expires_in": 4763,
        "access_token": "new-access"
    });
    if let Some(rt) = refresh_token {
        body["refresh_token"] = Value::from(rt);
    }
    body.to_string()
}

#[tokio::test]
async fn a_refresh_asks_for_the_environment_scope_and_the_rotated_token_replaces_the_old() {
    let (env, endpoint) = serve(vec![(200, "application/json", entra_tokens(Some("rotated-refresh")))]).await;
    let secrets = Secrets::in_memory();
    signed_in_with_expired_access(&secrets, &env, &ada());
    let http = reqwest::Client::new();

    let token = access_token(&env, &ada(), &secrets, &http).await.unwrap();
    assert_eq!(token, "new-access");
    let request = endpoint.requests.lock().unwrap()[0].clone();
    assert_eq!(request["grant_type"], "refresh_token");
    assert_eq!(request["refresh_token"], "old-refresh");
    assert_eq!(request["scope"], format!("{ENVIRONMENT_URL}/user_impersonation"));
    assert_eq!(request["client_id"], "51f81489-12ee-4a9e-aaae-a2591f45987d");

    let stored = TokenSet::load(&secrets, &ada().token_key("contoso")).unwrap().unwrap();
    assert_eq!(stored.refresh_token.as_deref(), Some("rotated-refresh"));
    // The expiry counts from this machine's clock and `expires_in`, whatever the server's clock says.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    assert!((now + 4763).abs_diff(stored.expires_at) <= 5, "{} vs {}", stored.expires_at, now + 4763);

    // A fresh token is handed out again without asking Entra.
    assert_eq!(access_token(&env, &ada(), &secrets, &http).await.unwrap(), "new-access");
    assert_eq!(endpoint.requests.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_reply_without_a_new_refresh_token_keeps_the_old_one() {
    let (env, _endpoint) = serve(vec![(200, "application/json", entra_tokens(None))]).await;
    let secrets = Secrets::in_memory();
    signed_in_with_expired_access(&secrets, &env, &ada());
    access_token(&env, &ada(), &secrets, &reqwest::Client::new()).await.unwrap();
    let stored = TokenSet::load(&secrets, &ada().token_key("contoso")).unwrap().unwrap();
    assert_eq!(stored.refresh_token.as_deref(), Some("old-refresh"));
}

#[tokio::test]
async fn an_expired_refresh_token_is_forgotten_and_says_sign_in_again() {
    let body = entra_error("invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on 2026-08-01T00:00:00.0000000Z and was inactive for 90.00:00:00.");
    let (env, _endpoint) = serve(vec![(400, "application/json; charset=utf-8", body)]).await;
    let secrets = Secrets::in_memory();
    signed_in_with_expired_access(&secrets, &env, &ada());

    let e = access_token(&env, &ada(), &secrets, &reqwest::Client::new()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::SignInExpired);
    assert!(e.to_string().starts_with("the sign-in has expired or was revoked (AADSTS700082: The refresh token has expired"), "{e}");
    assert!(e.to_string().ends_with("; sign in again"), "{e}");
    assert!(!e.to_string().contains("Trace ID"), "{e}");
    assert_eq!(secrets.get(&ada().token_key("contoso")).unwrap(), None, "the dead tokens are gone");
}

#[tokio::test]
async fn consent_and_conditional_access_replies_are_explained() {
    let replies = vec![
        (400, "application/json", entra_error("invalid_grant", 65001, "The user or administrator has not consented to use the application with ID '51f81489-12ee-4a9e-aaae-a2591f45987d' named 'Flowbench'.")),
        (400, "application/json", entra_error("invalid_grant", 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access 'Dataverse'.")),
    ];
    let (env, _endpoint) = serve(replies).await;
    let http = reqwest::Client::new();
    let secrets = Secrets::in_memory();

    signed_in_with_expired_access(&secrets, &env, &ada());
    let consent = access_token(&env, &ada(), &secrets, &http).await.unwrap_err();
    assert!(consent.to_string().contains("the app needs consent in this tenant"), "{consent}");
    assert_eq!(consent.code(), ErrorCode::Refused);
    assert!(secrets.get(&ada().token_key("contoso")).unwrap().is_some(), "consent can be granted later: the sign-in is kept");

    let mfa = access_token(&env, &ada(), &secrets, &http).await.unwrap_err();
    assert_eq!(mfa.code(), ErrorCode::SignInExpired);
    assert!(mfa.to_string().contains("multi-factor authentication"), "{mfa}");
}

#[tokio::test]
async fn client_credentials_ask_for_the_default_scope_and_a_wrong_secret_is_named() {
    let body = entra_error("invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app 'a0000000-0000-4000-8000-00000000a9b1'.");
    let (env, endpoint) = serve(vec![(401, "application/json", body)]).await;
    let app = Account {
        username: "a0000000-0000-4000-8000-00000000a9b1".into(),
        display_name: None,
        object_id: None,
        tenant_id: None,
        kind: AccountKind::Application { client_id: "a0000000-0000-4000-8000-00000000a9b1".into() },
    };
    let secrets = Secrets::in_memory();
    secrets.set(&app.client_secret_key("contoso"), "the-id-not-the-value").unwrap();

    let e = access_token(&env, &app, &secrets, &reqwest::Client::new()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Refused);
    assert!(e.to_string().starts_with("the client secret is wrong or has expired (AADSTS7000215"), "{e}");
    let request = endpoint.requests.lock().unwrap()[0].clone();
    assert_eq!(request["grant_type"], "client_credentials");
    assert_eq!(request["scope"], format!("{ENVIRONMENT_URL}/.default"));
    assert!(request["authorization"].starts_with("Basic "), "the secret goes in the Authorization header, not the URL");
}

#[tokio::test]
async fn an_html_page_or_a_vanished_server_is_reported_as_such() {
    let portal = "<html><body>Sign in to the hotel Wi-Fi first</body></html>".to_string();
    let (env, _endpoint) = serve(vec![(200, "text/html", portal)]).await;
    let secrets = Secrets::in_memory();
    signed_in_with_expired_access(&secrets, &env, &ada());
    let e = access_token(&env, &ada(), &secrets, &reqwest::Client::new()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Protocol);
    assert!(e.to_string().contains("did not answer as an OAuth token endpoint"), "{e}");
    assert!(e.to_string().contains("text/html"), "{e}");

    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let gone = environment(&format!("http://127.0.0.1:{port}/{TENANT}"));
    signed_in_with_expired_access(&secrets, &gone, &ada());
    let e = access_token(&gone, &ada(), &secrets, &reqwest::Client::new()).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::Network);
    assert!(e.to_string().starts_with(&format!("cannot reach http://127.0.0.1:{port}/")), "{e}");
    assert!(secrets.get(&ada().token_key("contoso")).unwrap().is_some(), "a network failure forgets nothing");
}
