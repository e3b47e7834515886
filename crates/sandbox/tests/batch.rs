//! `$batch` over HTTP: change sets that commit or roll back as a whole, Content-ID references,
//! continue-on-error, reads between writes, per-part authorization and hostile bodies.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value as Json};

/// A request part: method, URL, headers, JSON body.
struct Req<'a> {
    method: &'a str,
    url: String,
    headers: Vec<(&'a str, String)>,
    body: Option<Json>,
    content_id: Option<&'a str>,
}

fn req<'a>(method: &'a str, url: impl Into<String>, body: Option<Json>) -> Req<'a> {
    Req { method, url: url.into(), headers: Vec::new(), body, content_id: None }
}

impl<'a> Req<'a> {
    fn id(mut self, id: &'a str) -> Self {
        self.content_id = Some(id);
        self
    }

    fn header(mut self, name: &'a str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    fn part(&self) -> String {
        let mut text = String::from("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
        if let Some(id) = self.content_id {
            text.push_str(&format!("Content-ID: {id}\r\n"));
        }
        text.push_str(&format!("\r\n{} {} HTTP/1.1\r\n", self.method, self.url));
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        match &self.body {
            Some(body) => text.push_str(&format!("Content-Type: application/json; type=entry\r\n\r\n{body}\r\n")),
            None => text.push_str("\r\n"),
        }
        text
    }
}

enum Item<'a> {
    One(Req<'a>),
    ChangeSet(Vec<Req<'a>>),
}

fn batch_body(items: &[Item]) -> String {
    let mut text = String::new();
    for (i, item) in items.iter().enumerate() {
        text.push_str("--batch_AAA\r\n");
        match item {
            Item::One(r) => text.push_str(&r.part()),
            Item::ChangeSet(parts) => {
                let boundary = format!("changeset_{i}");
                text.push_str(&format!("Content-Type: multipart/mixed; boundary={boundary}\r\n\r\n"));
                for r in parts {
                    text.push_str(&format!("--{boundary}\r\n{}", r.part()));
                }
                text.push_str(&format!("--{boundary}--\r\n"));
            }
        }
    }
    text.push_str("--batch_AAA--\r\n");
    text
}

/// A response part, change sets flattened: status, Content-ID, JSON body.
#[derive(Debug)]
struct PartAnswer {
    status: u16,
    content_id: Option<String>,
    headers: String,
    body: Json,
}

struct BatchAnswer {
    status: u16,
    content_type: String,
    text: String,
    parts: Vec<PartAnswer>,
}

fn parse_parts(text: &str) -> Vec<PartAnswer> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("HTTP/1.1 ") {
        let before = &rest[..at];
        let content_id = before
            .rsplit("Content-Transfer-Encoding")
            .next()
            .and_then(|tail| tail.lines().find_map(|l| l.strip_prefix("Content-ID: ")))
            .map(str::to_string);
        let message = &rest[at..];
        let status = message[9..12].parse().unwrap();
        let end = message.find("\r\n--").unwrap_or(message.len());
        let message = &message[..end];
        let (headers, body) = message.split_once("\r\n\r\n").unwrap_or((message, ""));
        let body = if body.trim().is_empty() { Json::Null } else { serde_json::from_str(body.trim()).unwrap() };
        parts.push(PartAnswer { status, content_id, headers: headers.to_string(), body });
        rest = &rest[at + end..];
    }
    parts
}

async fn post_batch(t: &TestSandbox, persona: &str, body: String, prefer: Option<&str>) -> BatchAnswer {
    let mut request = t
        .request(Method::POST, persona, "$batch")
        .header("Content-Type", "multipart/mixed; boundary=\"batch_AAA\"")
        .body(body);
    if let Some(prefer) = prefer {
        request = request.header("Prefer", prefer);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let text = response.text().await.unwrap();
    let parts = parse_parts(&text);
    BatchAnswer { status, content_type, text, parts }
}

async fn account_names(t: &TestSandbox, like: &str) -> Vec<String> {
    let answer = t.get("admin", &format!("accounts?$select=name&$filter=startswith(name,'{like}')")).await;
    answer.body["value"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_change_set_commits_with_content_id_references() {
    let t = TestSandbox::start().await;
    let body = batch_body(&[Item::ChangeSet(vec![
        req("POST", "/api/data/v9.2/accounts", Some(json!({"name": "Batch Account"}))).id("1"),
        req("POST", format!("{}/api/data/v9.2/contacts", t.base_url), Some(json!({"lastname": "Batchley", "parentcustomerid_account@odata.bind": "$1"})))
            .id("2")
            .header("Prefer", "return=representation"),
        req("PATCH", "$1", Some(json!({"telephone1": "555-0199"}))).id("3"),
    ])]);
    let answer = post_batch(&t, "admin", body, None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert!(answer.content_type.starts_with("multipart/mixed; boundary=batchresponse_"), "{}", answer.content_type);
    assert!(answer.text.contains("Content-Type: multipart/mixed; boundary=changesetresponse_"), "{}", answer.text);
    let statuses: Vec<u16> = answer.parts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, vec![204, 201, 204], "{}", answer.text);
    let ids: Vec<Option<&str>> = answer.parts.iter().map(|p| p.content_id.as_deref()).collect();
    assert_eq!(ids, vec![Some("1"), Some("2"), Some("3")]);
    assert!(answer.parts[0].headers.contains("OData-EntityId: "), "{}", answer.parts[0].headers);

    let account = t.get("admin", "accounts?$select=telephone1&$filter=name eq 'Batch Account'").await;
    let account_id = account.body["value"][0]["accountid"].as_str().unwrap().to_string();
    assert_eq!(account.body["value"][0]["telephone1"], "555-0199", "PATCH $1 updated the new account");
    assert_eq!(answer.parts[1].body["_parentcustomerid_value"], account_id, "the bind resolved to the new account");
}

#[tokio::test]
async fn a_change_set_rolls_back_entirely_when_its_third_request_fails() {
    let t = TestSandbox::start().await;
    let body = batch_body(&[
        Item::ChangeSet(vec![
            req("POST", "accounts", Some(json!({"name": "Rollback One"}))).id("1"),
            req("POST", "accounts", Some(json!({"name": "Rollback Two"}))).id("2"),
            req("POST", "accounts", Some(json!({"name": "Rollback Three", "numberofemployees": "many"}))).id("3"),
        ]),
        Item::One(req("POST", "accounts", Some(json!({"name": "Rollback After"})))),
    ]);
    let answer = post_batch(&t, "admin", body, None).await;
    assert_eq!(answer.status, 400, "the batch status is the failure's: {}", answer.text);
    assert_eq!(answer.parts.len(), 1, "only the failing request answers: {}", answer.text);
    assert_eq!(answer.parts[0].status, 400);
    assert_eq!(answer.parts[0].body["error"]["code"], "0x80048d19");
    assert!(answer.parts[0].body["error"]["message"].as_str().unwrap().contains("numberofemployees"));
    assert_eq!(account_names(&t, "Rollback").await, Vec::<String>::new(), "nothing of the first two remains, and the batch stopped");
}

#[tokio::test]
async fn an_undeclared_content_id_fails_the_change_set() {
    let t = TestSandbox::start().await;
    let body = batch_body(&[Item::ChangeSet(vec![
        req("POST", "accounts", Some(json!({"name": "Ref One"}))).id("1"),
        req("POST", "contacts", Some(json!({"lastname": "Ref", "parentcustomerid_account@odata.bind": "$7"}))).id("2"),
    ])]);
    let answer = post_batch(&t, "admin", body, None).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.parts[0].body["error"]["message"],
        "Content-ID Reference: '$7' does not exist in the batch context."
    );
    assert!(account_names(&t, "Ref One").await.is_empty());
}

#[tokio::test]
async fn requests_outside_change_sets_run_in_order_and_reads_see_earlier_writes() {
    let t = TestSandbox::start().await;
    let body = batch_body(&[
        Item::One(req("POST", "accounts", Some(json!({"name": "Order One"})))),
        Item::One(req("GET", "accounts?$select=name&$filter=name%20eq%20'Order%20One'", None)),
        Item::One(req("GET", format!("contacts({MARIA})?$select=fullname"), None)),
        Item::One(req("GET", "WhoAmI", None)),
    ]);
    let answer = post_batch(&t, "sam", body, None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let statuses: Vec<u16> = answer.parts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, vec![204, 200, 200, 200]);
    assert_eq!(answer.parts[1].body["value"][0]["name"], "Order One");
    assert_eq!(answer.parts[2].body["fullname"], "Maria Campbell");
    assert_eq!(answer.parts[3].body["UserId"], SAM, "each part runs as the batch's token");
}

#[tokio::test]
async fn the_first_failure_stops_the_batch_unless_continue_on_error() {
    let t = TestSandbox::start().await;
    let items = || {
        vec![
            Item::One(req("POST", "accounts", Some(json!({"name": "Continue One"})))),
            // Sam may not delete contacts: a 403 for this part only.
            Item::One(req("DELETE", format!("contacts({MARIA})"), None)),
            Item::One(req("POST", "accounts", Some(json!({"name": "Continue Two"})))),
        ]
    };
    let stopped = post_batch(&t, "sam", batch_body(&items()), None).await;
    assert_eq!(stopped.status, 403, "{}", stopped.text);
    let statuses: Vec<u16> = stopped.parts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, vec![204, 403]);
    assert_eq!(stopped.parts[1].body["error"]["code"], "0x80040220");
    assert_eq!(account_names(&t, "Continue").await, vec!["Continue One"]);

    let continued = post_batch(&t, "sam", batch_body(&items()), Some("odata.continue-on-error")).await;
    assert_eq!(continued.status, 200, "{}", continued.text);
    let statuses: Vec<u16> = continued.parts.iter().map(|p| p.status).collect();
    assert_eq!(statuses, vec![204, 403, 204]);
    assert_eq!(account_names(&t, "Continue").await.len(), 3);
}

#[tokio::test]
async fn a_part_may_impersonate_with_its_own_header() {
    let t = TestSandbox::start().await;
    let body = batch_body(&[
        Item::One(req("GET", "WhoAmI", None).header("MSCRMCallerID", SAM)),
        Item::One(req("GET", "WhoAmI", None)),
    ]);
    let answer = post_batch(&t, "svc", body, None).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.parts[0].body["UserId"], SAM);
    assert_eq!(answer.parts[1].body["UserId"], SVC);
    // Sam may not impersonate: the part fails as the single request would.
    let body = batch_body(&[Item::One(req("GET", "WhoAmI", None).header("MSCRMCallerID", ADMIN))]);
    let answer = post_batch(&t, "sam", body, None).await;
    assert_eq!(answer.parts[0].status, 403);
    assert_eq!(answer.parts[0].body["error"]["code"], "0x8004A110");
}

#[tokio::test]
async fn malformed_batches_are_refused_before_anything_runs() {
    let t = TestSandbox::start().await;
    let send_raw = |content_type: &'static str, body: Vec<u8>| {
        let request = t.request(Method::POST, "admin", "$batch").header("Content-Type", content_type).body(body);
        send(request)
    };
    let no_boundary = send_raw("multipart/mixed", b"--x\r\n\r\n--x--".to_vec()).await;
    assert_eq!(no_boundary.status, 400);
    assert!(no_boundary.error_message().contains("no boundary"), "{}", no_boundary.error_message());

    let create = req("POST", "accounts", Some(json!({"name": "Never Created"}))).part();
    let unterminated = send_raw("multipart/mixed; boundary=batch_AAA", format!("--batch_AAA\r\n{create}").into_bytes()).await;
    assert_eq!(unterminated.status, 400);
    assert!(unterminated.error_message().contains("not terminated"), "{}", unterminated.error_message());
    assert!(account_names(&t, "Never").await.is_empty());

    let huge = send_raw("multipart/mixed; boundary=batch_AAA", vec![b'x'; 10 * 1024 * 1024]).await;
    assert_eq!(huge.status, 413);
    assert!(huge.error_message().contains("larger than"), "{}", huge.error_message());

    let not_http = send_raw("multipart/mixed; boundary=b", b"--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--".to_vec()).await;
    assert_eq!(not_http.status, 400);
    assert!(not_http.error_message().contains("application/http"), "{}", not_http.error_message());

    let garbage = send_raw("multipart/mixed; boundary=b", b"--b\r\nContent-Type: application/http\r\n\r\n\x00\x01 nonsense\r\n--b--".to_vec()).await;
    assert_eq!(garbage.status, 400, "{}", garbage.body);

    let get_in_change_set = post_batch(&t, "admin", batch_body(&[Item::ChangeSet(vec![req("GET", "accounts", None)])]), None).await;
    assert_eq!(get_in_change_set.status, 400);
    assert!(get_in_change_set.text.contains("cannot contain a GET"), "{}", get_in_change_set.text);

    let many: Vec<Item> = (0..1001).map(|_| Item::One(req("GET", "WhoAmI", None))).collect();
    let too_many = post_batch(&t, "admin", batch_body(&many), None).await;
    assert_eq!(too_many.status, 400);
    assert!(too_many.text.contains("more than 1000 requests"), "{}", too_many.text);

    let nested = post_batch(&t, "admin", batch_body(&[Item::One(req("POST", "$batch", None))]), None).await;
    assert_eq!(nested.parts[0].status, 400, "{}", nested.text);

    let unauthenticated = t.client.post(t.url("$batch")).header("Content-Type", "multipart/mixed; boundary=b").body("--b--").send().await.unwrap();
    assert_eq!(unauthenticated.status().as_u16(), 401);
    let get = t.get("admin", "$batch").await;
    assert_eq!(get.status, 405);
}
