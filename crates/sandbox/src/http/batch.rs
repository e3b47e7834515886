//! `$batch` (reference §1.13): `multipart/mixed` of `application/http` requests and change
//! sets. Requests run in order, each with the batch's token (and its own or the batch's
//! impersonation header); a change set runs in one store transaction, all or nothing, and its
//! parts may refer to rows created before them as `$<Content-ID>`. The first failure stops the
//! batch unless `Prefer: odata.continue-on-error`.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Response};
use serde_json::Value as Json;

use super::headers::{self, Prefer};
use super::multipart::{self, Part};
use super::responses::{self, Reply};
use super::routes::{authenticate, error_reply, execute_on, read_request, AppState};
use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::representation::API_PATH;
use crate::Core;

/// Dataverse's limit on requests in one batch.
pub const MAX_REQUESTS: usize = 1000;
/// The body is read up to this size; larger batches are refused before parsing.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// One request of the batch, read but not yet run.
#[derive(Debug)]
struct PartRequest {
    method: Method,
    target: String,
    headers: HeaderMap,
    body: Bytes,
    content_id: Option<String>,
}

#[derive(Debug)]
enum Item {
    Request(PartRequest),
    ChangeSet(Vec<PartRequest>),
}

/// What answers one item: a response, or a change set's responses (with their Content-IDs).
enum Outcome {
    Single(Reply),
    ChangeSet(Vec<(Option<String>, Reply)>),
}

pub(super) async fn handle(State(state): State<AppState>, method: Method, headers: HeaderMap, body: Body) -> Response<Body> {
    let claims = match authenticate(&state, &headers) {
        Ok(claims) => claims,
        Err(e) => return error_reply(&state, &e),
    };
    if method != Method::POST {
        let e = ApiError::new(405, "", format!("The requested resource does not support http method '{method}'."));
        return error_reply(&state, &e);
    }
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            let e = ApiError::new(
                413,
                "",
                format!("The $batch request body is larger than the {} MB the sandbox accepts.", MAX_BODY_BYTES / (1024 * 1024)),
            );
            return error_reply(&state, &e);
        }
    };
    let items = match read_batch(&headers, &body) {
        Ok(items) => items,
        Err(e) => return error_reply(&state, &e),
    };
    let continue_on_error = Prefer::read(&headers).continue_on_error;
    // Parts without their own impersonation header act as the batch does.
    let batch_impersonation: Vec<(HeaderName, HeaderValue)> = ["callerobjectid", "mscrmcallerid"]
        .iter()
        .filter_map(|name| Some((HeaderName::from_static(name), headers.get(*name)?.clone())))
        .collect();
    let core = state.core.clone();
    let base_url = state.base_url.clone();
    let run = tokio::task::spawn_blocking(move || {
        run(&core, &base_url, claims.oid, &batch_impersonation, items, continue_on_error)
    })
    .await;
    match run {
        Ok((status, outcomes)) => respond(status, &outcomes),
        Err(join) => error_reply(&state, &ApiError::unexpected(format!("the batch handler failed: {join}"))),
    }
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::payload(message)
}

/// Reads the whole batch before running any of it, so a malformed part runs nothing.
fn read_batch(headers: &HeaderMap, body: &[u8]) -> Result<Vec<Item>, ApiError> {
    let boundary = multipart::boundary(headers::text(headers, "content-type")).map_err(bad)?;
    let mut items = Vec::new();
    let mut count = 0;
    for (index, part) in multipart::split(body, &boundary).map_err(bad)?.iter().enumerate() {
        let content_type = part.header("content-type").unwrap_or_default();
        if content_type.to_ascii_lowercase().starts_with("multipart/mixed") {
            let inner = multipart::boundary(Some(content_type)).map_err(|e| bad(format!("Change set {}: {e}", index + 1)))?;
            let mut requests = Vec::new();
            for part in multipart::split(part.content, &inner).map_err(|e| bad(format!("Change set {}: {e}", index + 1)))? {
                if part.header("content-type").unwrap_or_default().to_ascii_lowercase().starts_with("multipart/") {
                    return Err(bad("Change sets cannot be nested."));
                }
                let request = read_part(&part)?;
                if request.method == Method::GET {
                    return Err(bad(format!(
                        "A change set cannot contain a GET request ('GET {}'); put reads outside change sets.",
                        request.target
                    )));
                }
                requests.push(request);
            }
            count += requests.len();
            items.push(Item::ChangeSet(requests));
        } else {
            count += 1;
            items.push(Item::Request(read_part(part)?));
        }
        if count > MAX_REQUESTS {
            return Err(bad(format!("The batch has more than {MAX_REQUESTS} requests, the most one batch may hold.")));
        }
    }
    if items.is_empty() {
        return Err(bad("The batch holds no requests."));
    }
    Ok(items)
}

/// An `application/http` part: the request line, headers and body of one request.
fn read_part(part: &Part) -> Result<PartRequest, ApiError> {
    let content_type = part.header("content-type").unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("application/http") {
        return Err(bad(format!(
            "Each batch part must have Content-Type application/http (or multipart/mixed for a change set), not '{content_type}'."
        )));
    }
    // A request without a body often ends right after its headers: the empty line that would
    // end them is the line break the next delimiter takes. Complete it.
    let mut content = part.content.to_vec();
    {
        let mut raw_headers = [httparse::EMPTY_HEADER; 64];
        if let Ok(httparse::Status::Partial) = httparse::Request::new(&mut raw_headers).parse(&content) {
            content.extend_from_slice(if content.ends_with(b"\n") { b"\r\n" } else { b"\r\n\r\n" });
        }
    }
    let mut raw_headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut raw_headers);
    let body_at = match request.parse(&content) {
        Ok(httparse::Status::Complete(at)) => at,
        Ok(httparse::Status::Partial) => {
            return Err(bad("A batch part's request line or headers are incomplete."))
        }
        Err(e) => return Err(bad(format!("A batch part is not an HTTP request: {e}."))),
    };
    let method = request.method.unwrap_or_default();
    let method = Method::from_bytes(method.as_bytes()).map_err(|_| bad(format!("'{method}' is not an HTTP method.")))?;
    let mut headers = HeaderMap::new();
    for header in request.headers.iter() {
        let name = HeaderName::from_bytes(header.name.as_bytes()).map_err(|_| bad(format!("'{}' is not a header name.", header.name)))?;
        let value = HeaderValue::from_bytes(header.value).map_err(|_| bad(format!("The header {} has an invalid value.", header.name)))?;
        headers.append(name, value);
    }
    let content_id = part
        .header("content-id")
        .or_else(|| headers::text(&headers, "content-id"))
        .map(|id| id.trim().to_string());
    Ok(PartRequest {
        method,
        target: request.path.unwrap_or_default().to_string(),
        headers,
        body: Bytes::copy_from_slice(&content[body_at..]),
        content_id,
    })
}

fn run(
    core: &Core,
    base_url: &str,
    object_id: Guid,
    batch_impersonation: &[(HeaderName, HeaderValue)],
    items: Vec<Item>,
    continue_on_error: bool,
) -> (u16, Vec<Outcome>) {
    let mut outcomes = Vec::new();
    for item in items {
        let (outcome, failed) = match item {
            Item::Request(part) => {
                let reply = match prepare(core, base_url, object_id, batch_impersonation, part, &HashMap::new()) {
                    Ok(request) => {
                        let result = if request.method == Method::GET {
                            core.store.read(|conn| execute_on(conn, core, base_url, &request))
                        } else {
                            core.store.write(|tx| execute_on(tx, core, base_url, &request))
                        };
                        result.unwrap_or_else(|e| responses::error(&e))
                    }
                    Err(e) => responses::error(&e),
                };
                let failed = (reply.status() >= 400).then(|| reply.status());
                (Outcome::Single(reply), failed)
            }
            Item::ChangeSet(parts) => match change_set(core, base_url, object_id, batch_impersonation, parts) {
                Ok(replies) => (Outcome::ChangeSet(replies), None),
                Err(Failed(e)) => (Outcome::Single(responses::error(&e)), Some(e.status)),
            },
        };
        outcomes.push(outcome);
        if let (Some(status), false) = (failed, continue_on_error) {
            // Dataverse stops at the first failure and answers with its status.
            return (status, outcomes);
        }
    }
    (200, outcomes)
}

/// A change set's failure: the transaction is rolled back and only this error is answered.
struct Failed(ApiError);

impl From<rusqlite::Error> for Failed {
    fn from(e: rusqlite::Error) -> Failed {
        Failed(e.into())
    }
}

fn change_set(
    core: &Core,
    base_url: &str,
    object_id: Guid,
    batch_impersonation: &[(HeaderName, HeaderValue)],
    parts: Vec<PartRequest>,
) -> Result<Vec<(Option<String>, Reply)>, Failed> {
    core.store.write(|tx| {
        let mut locations: HashMap<String, String> = HashMap::new();
        let mut replies = Vec::new();
        for part in parts {
            let content_id = part.content_id.clone();
            let request = prepare(core, base_url, object_id, batch_impersonation, part, &locations).map_err(Failed)?;
            let reply = execute_on(tx, core, base_url, &request).map_err(Failed)?;
            if let (Some(id), Some(location)) = (&content_id, reply.written_location()) {
                locations.insert(id.clone(), location.to_string());
            }
            replies.push((content_id, reply));
        }
        Ok(replies)
    })
}

/// Reads one part into a request: `$n` in its URL and in `@odata.bind` values replaced by the
/// row that part n of the change set wrote.
fn prepare(
    core: &Core,
    base_url: &str,
    object_id: Guid,
    batch_impersonation: &[(HeaderName, HeaderValue)],
    mut part: PartRequest,
    locations: &HashMap<String, String>,
) -> Result<super::routes::ApiRequest, ApiError> {
    let mut target = part.target.clone();
    if let Some(reference) = target.strip_prefix('$').filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
        let (id, rest) = reference.split_at(reference.find(|c: char| !c.is_ascii_digit()).unwrap_or(reference.len()));
        target = format!("{}{rest}", resolve_reference(locations, id)?);
    }
    let (segment, query) = api_segment(base_url, &target)?;
    if part.body.contains(&b'$') {
        // Outside a change set a reference names nothing, and says so.
        part.body = bind_references(&part.body, locations)?;
    }
    for (name, value) in batch_impersonation {
        if !part.headers.contains_key("callerobjectid") && !part.headers.contains_key("mscrmcallerid") {
            part.headers.insert(name.clone(), value.clone());
        }
    }
    read_request(core, object_id, part.method, &segment, query.as_deref(), &part.headers, part.body)
}

fn resolve_reference<'l>(locations: &'l HashMap<String, String>, id: &str) -> Result<&'l str, ApiError> {
    locations.get(id).map(String::as_str).ok_or_else(|| {
        // Dataverse's wording.
        ApiError::payload(format!("Content-ID Reference: '${id}' does not exist in the batch context."))
    })
}

/// `@odata.bind` values that are `$n` become the URL of the row part n wrote.
fn bind_references(body: &[u8], locations: &HashMap<String, String>) -> Result<Bytes, ApiError> {
    let Ok(Json::Object(mut object)) = serde_json::from_slice::<Json>(body) else {
        // Not a JSON object: the request itself reports that.
        return Ok(Bytes::copy_from_slice(body));
    };
    let mut changed = false;
    for (key, value) in object.iter_mut() {
        if let (true, Some(reference)) = (key.ends_with("@odata.bind"), value.as_str().and_then(|v| v.strip_prefix('$'))) {
            if !reference.is_empty() && reference.chars().all(|c| c.is_ascii_digit()) {
                *value = Json::String(resolve_reference(locations, reference)?.to_string());
                changed = true;
            }
        }
    }
    if !changed {
        return Ok(Bytes::copy_from_slice(body));
    }
    Ok(Bytes::from(Json::Object(object).to_string()))
}

/// The segment after `/api/data/v9.2/` and the query of a part's URL, which may be absolute,
/// absolute-path or relative to the service root.
fn api_segment(base_url: &str, target: &str) -> Result<(String, Option<String>), ApiError> {
    let path = match target.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/').unwrap_or(rest.len())..],
        None => target,
    };
    let relative = match path.strip_prefix(API_PATH) {
        Some(rest) => rest.trim_start_matches('/'),
        None if path.starts_with('/') => return Err(ApiError::resource_not_found(path)),
        None => path,
    };
    let (path, query) = match relative.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (relative, None),
    };
    let segment = percent_decode(path);
    if segment == "$batch" {
        return Err(ApiError::payload("A batch cannot contain another $batch request."));
    }
    if segment.is_empty() {
        return Err(ApiError::resource_not_found(&format!("{base_url}{API_PATH}/")));
    }
    if segment.contains('/') {
        return Err(ApiError::not_implemented(format!(
            "The path '{segment}' (properties, $ref, bound functions and actions)"
        )));
    }
    Ok((segment, query))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `multipart/mixed` answer: one `batchresponse` part per item, in order.
fn respond(status: u16, outcomes: &[Outcome]) -> Response<Body> {
    let boundary = format!("batchresponse_{}", Guid::new_random());
    let mut text = String::new();
    for outcome in outcomes {
        text.push_str(&format!("--{boundary}\r\n"));
        match outcome {
            Outcome::Single(reply) => {
                text.push_str("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
                text.push_str(&reply.to_http());
            }
            Outcome::ChangeSet(replies) => {
                let inner = format!("changesetresponse_{}", Guid::new_random());
                text.push_str(&format!("Content-Type: multipart/mixed; boundary={inner}\r\n\r\n"));
                for (content_id, reply) in replies {
                    text.push_str(&format!("--{inner}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"));
                    if let Some(id) = content_id {
                        text.push_str(&format!("Content-ID: {id}\r\n"));
                    }
                    text.push_str("\r\n");
                    text.push_str(&reply.to_http());
                }
                text.push_str(&format!("--{inner}--\r\n"));
            }
        }
    }
    text.push_str(&format!("--{boundary}--\r\n"));
    Response::builder()
        .status(status)
        .header("OData-Version", "4.0")
        .header("Content-Type", format!("multipart/mixed; boundary={boundary}"))
        .body(Body::from(text))
        .unwrap_or_else(|_| Response::new(Body::from("the sandbox could not build a response")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_urls_may_be_absolute_rooted_or_relative() {
        let base = "http://127.0.0.1:1";
        assert_eq!(api_segment(base, "http://x.test/api/data/v9.2/contacts?$top=1").unwrap(), ("contacts".into(), Some("$top=1".into())));
        assert_eq!(api_segment(base, "/api/data/v9.2/contacts(c0000000-0000-4000-8000-000000000001)").unwrap().0, "contacts(c0000000-0000-4000-8000-000000000001)");
        assert_eq!(api_segment(base, "contacts").unwrap().0, "contacts");
        assert_eq!(api_segment(base, "/other/contacts").unwrap_err().status, 404);
        assert_eq!(api_segment(base, "$batch").unwrap_err().status, 400);
        assert_eq!(api_segment(base, "contacts(x)/fullname").unwrap_err().status, 501);
    }

    #[test]
    fn bind_references_resolve_or_name_the_missing_id() {
        let locations = HashMap::from([("1".to_string(), "http://h/api/data/v9.2/accounts(a)".to_string())]);
        let body = bind_references(br#"{"parentcustomerid_account@odata.bind":"$1","x":"$1"}"#, &locations).unwrap();
        let json: Json = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["parentcustomerid_account@odata.bind"], "http://h/api/data/v9.2/accounts(a)");
        assert_eq!(json["x"], "$1", "only binds are references");
        let err = bind_references(br#"{"a@odata.bind":"$2"}"#, &locations).unwrap_err();
        assert_eq!(err.message, "Content-ID Reference: '$2' does not exist in the batch context.");
    }
}
