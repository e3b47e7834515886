//! A sandbox served on 127.0.0.1:0 for one test, and a small client for it.

#![allow(dead_code)] // Each test file uses part of this.

use flowbench_sandbox::{Sandbox, Scenario};
use reqwest::{Method, RequestBuilder};
use serde_json::Value as Json;

pub const SAM: &str = "5e000000-0000-4000-8000-000000000002";
pub const NORA: &str = "5e000000-0000-4000-8000-000000000003";
pub const ADMIN: &str = "5e000000-0000-4000-8000-000000000001";
pub const AUDREY: &str = "5e000000-0000-4000-8000-000000000004";
pub const SVC: &str = "5e000000-0000-4000-8000-000000000005";
pub const SAM_OID: &str = "0d000000-0000-4000-8000-000000000002";
pub const ADMIN_OID: &str = "0d000000-0000-4000-8000-000000000001";
pub const ROOT_BU: &str = "b0000000-0000-4000-8000-000000000001";
pub const SALES_BU: &str = "b0000000-0000-4000-8000-000000000002";
pub const SALES_TEAM: &str = "7ea00000-0000-4000-8000-000000000001";
pub const CONTOSO: &str = "a0000000-0000-4000-8000-000000000001";
pub const FABRIKAM: &str = "a0000000-0000-4000-8000-000000000002";
pub const MARIA: &str = "c0000000-0000-4000-8000-000000000001";
pub const THOMAS: &str = "c0000000-0000-4000-8000-000000000002";
pub const NANCY: &str = "c0000000-0000-4000-8000-000000000003";
pub const YVONNE: &str = "c0000000-0000-4000-8000-000000000004";
pub const PAUL: &str = "c0000000-0000-4000-8000-000000000005";

pub struct TestSandbox {
    pub sandbox: Sandbox,
    pub base_url: String,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Json,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    pub fn error_message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }

    /// One text column of a collection answer (the primary ids, the names…), in order.
    pub fn ids(&self, key: &str) -> Vec<String> {
        self.body["value"]
            .as_array()
            .map(|rows| rows.iter().map(|r| r[key].as_str().unwrap_or_default().to_string()).collect())
            .unwrap_or_default()
    }
}

/// `names` in alphabetical order, to compare answers whose order does not matter.
#[allow(dead_code)] // not every test file compares names
pub fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

/// The expected names, sorted.
#[allow(dead_code)]
pub fn list(names: &[&str]) -> Vec<String> {
    sorted(names.iter().map(|s| s.to_string()).collect())
}

impl Drop for TestSandbox {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestSandbox {
    pub async fn start() -> TestSandbox {
        TestSandbox::start_with(Scenario::builtin()).await
    }

    pub async fn start_with(scenario: Scenario) -> TestSandbox {
        let dir = tempfile::tempdir().unwrap();
        let sandbox = Sandbox::open(dir.path(), scenario).unwrap();
        let (address, serving) = sandbox.serve("127.0.0.1:0".parse().unwrap()).unwrap();
        let server = tokio::spawn(async move {
            let _ = serving.await;
        });
        TestSandbox {
            sandbox,
            base_url: format!("http://{address}"),
            client: reqwest::Client::new(),
            server,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/data/v9.2/{path}", self.base_url)
    }

    pub fn token(&self, persona: &str) -> String {
        self.sandbox.token_for(persona).unwrap()
    }

    /// A request as `persona`, with the headers Dataverse clients send.
    pub fn request(&self, method: Method, persona: &str, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(self.token(persona))
            .header("Accept", "application/json")
            .header("OData-MaxVersion", "4.0")
            .header("OData-Version", "4.0")
    }

    pub async fn get(&self, persona: &str, path: &str) -> Answer {
        send(self.request(Method::GET, persona, path)).await
    }

    pub async fn post(&self, persona: &str, path: &str, body: Json) -> Answer {
        send(self.request(Method::POST, persona, path).json(&body)).await
    }

    pub async fn patch(&self, persona: &str, path: &str, body: Json) -> Answer {
        send(self.request(Method::PATCH, persona, path).json(&body)).await
    }

    pub async fn delete(&self, persona: &str, path: &str) -> Answer {
        send(self.request(Method::DELETE, persona, path)).await
    }

    /// Creates a row and returns its id (from OData-EntityId).
    pub async fn create(&self, persona: &str, entity_set: &str, body: Json) -> String {
        let answer = self.post(persona, entity_set, body).await;
        assert_eq!(answer.status, 204, "create in {entity_set} as {persona}: {}", answer.body);
        let entity_id = answer.header("OData-EntityId").expect("OData-EntityId");
        entity_id.rsplit('(').next().unwrap().trim_end_matches(')').to_string()
    }
}

pub async fn send(request: RequestBuilder) -> Answer {
    let response = request.send().await.expect("the sandbox answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() { Json::Null } else { serde_json::from_str(&text).unwrap_or(Json::String(text)) };
    Answer { status, headers, body }
}

/// The built-in scenario as JSON, to derive variants from.
pub fn builtin_json() -> Json {
    serde_json::to_value(Scenario::builtin()).unwrap()
}
