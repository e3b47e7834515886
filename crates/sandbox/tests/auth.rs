//! Authentication: every request needs a valid bearer token for this environment.

mod common;

use common::*;
use flowbench_sandbox::{Sandbox, Scenario, TokenOptions};
use reqwest::Method;

fn assert_unauthorized(answer: &Answer, expected: &str) {
    assert_eq!(answer.status, 401, "{}", answer.body);
    assert!(answer.error_message().contains(expected), "{}", answer.error_message());
    let challenge = answer.header("WWW-Authenticate").unwrap_or_default();
    assert!(challenge.starts_with("Bearer authorization_uri=https://login.microsoftonline.com/"), "{challenge}");
}

#[tokio::test]
async fn a_request_without_a_token_is_401() {
    let t = TestSandbox::start().await;
    for path in ["contacts", "WhoAmI", "", "contacts(c0000000-0000-4000-8000-000000000001)/fullname"] {
        let answer = send(t.client.get(t.url(path))).await;
        assert_unauthorized(&answer, "no Authorization header");
    }
    let answer = send(t.client.get(format!("{}/somewhere/else", t.base_url))).await;
    assert_eq!(answer.status, 401, "even unknown paths need a token");
    let answer = send(t.client.post(t.url("contacts")).body("{}")).await;
    assert_eq!(answer.status, 401);
}

#[tokio::test]
async fn a_non_bearer_authorization_is_401() {
    let t = TestSandbox::start().await;
    let answer = send(t.client.get(t.url("contacts")).header("Authorization", "Basic YWRtaW46YWRtaW4=")).await;
    assert_unauthorized(&answer, "not a bearer token");
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let t = TestSandbox::start().await;
    let token =
        t.sandbox.token_with("admin", TokenOptions { expires_at: Some(1_000_000_000), ..Default::default() }).unwrap();
    let answer = send(t.client.get(t.url("contacts")).bearer_auth(token)).await;
    assert_unauthorized(&answer, "expired");
}

#[tokio::test]
async fn a_token_for_another_environment_is_401() {
    let t = TestSandbox::start().await;
    let token = t
        .sandbox
        .token_with(
            "admin",
            TokenOptions { audience: Some("https://contoso.crm.dynamics.com".into()), ..Default::default() },
        )
        .unwrap();
    let answer = send(t.client.get(t.url("contacts")).bearer_auth(token)).await;
    assert_unauthorized(&answer, "audience is not this environment");
    // The environment URL with a trailing slash is the same audience.
    let token = t
        .sandbox
        .token_with("admin", TokenOptions { audience: Some(format!("{}/", t.base_url)), ..Default::default() })
        .unwrap();
    assert_eq!(send(t.client.get(t.url("WhoAmI")).bearer_auth(token)).await.status, 200);
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_401() {
    let t = TestSandbox::start().await;
    let other_dir = tempfile::tempdir().unwrap();
    let other = Sandbox::open(other_dir.path(), Scenario::builtin()).unwrap();
    let forged =
        other.token_with("admin", TokenOptions { audience: Some(t.base_url.clone()), ..Default::default() }).unwrap();
    let answer = send(t.client.get(t.url("contacts")).bearer_auth(forged)).await;
    assert_unauthorized(&answer, "signature is not valid");
}

#[tokio::test]
async fn a_tampered_token_is_401() {
    let t = TestSandbox::start().await;
    // Swap sam's claims for the admin's, keeping sam's signature.
    let sam = t.token("sam");
    let admin = t.token("admin");
    let sam_parts: Vec<&str> = sam.split('.').collect();
    let admin_parts: Vec<&str> = admin.split('.').collect();
    let forged = format!("{}.{}.{}", sam_parts[0], admin_parts[1], sam_parts[2]);
    let answer = send(t.client.get(t.url("contacts")).bearer_auth(forged)).await;
    assert_unauthorized(&answer, "signature is not valid");
    for garbage in ["abc", "a.b.c", "....", ""] {
        let answer = send(t.client.get(t.url("contacts")).header("Authorization", format!("Bearer {garbage}"))).await;
        assert_eq!(answer.status, 401, "{garbage:?}");
    }
}

#[tokio::test]
async fn a_valid_token_works_for_every_persona() {
    let t = TestSandbox::start().await;
    for persona in t.sandbox.personas() {
        let answer = send(t.request(Method::GET, &persona.name, "WhoAmI")).await;
        assert_eq!(answer.status, 200, "{}", persona.name);
        assert_eq!(answer.body["UserId"], persona.system_user_id.to_string());
    }
}
