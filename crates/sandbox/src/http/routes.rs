//! Request handling: authenticate, read the request, run the operation on a blocking thread
//! (SQLite is synchronous), and answer in the Web API's shapes.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, Response};
use axum::routing::{any, get};
use axum::Router;
use serde_json::{json, Map, Value as Json};

use super::bound_operations;
use super::headers::{self, Prefer};
use super::resource::{self, Resource};
use super::responses::{self, Reply};
use crate::annotations;
use crate::api_error::ApiError;
use crate::auth::{self, issuer, TokenRejection};
use crate::guid::Guid;
use crate::odata::expand;
use crate::odata::options::{self, QueryOptions};
use crate::operations::{self, ListRequest, Preconditions, Retrieved, Upserted};
use crate::representation::{
    entity_context, entity_id, expanded_collection_context, expanded_json, row_json, API_PATH,
};
use crate::security::{Caller, Impersonation};
use crate::Core;

#[derive(Clone)]
pub(super) struct AppState {
    pub(super) core: Arc<Core>,
    /// `http://127.0.0.1:<port>`: the environment URL, which tokens must name as audience.
    pub(super) base_url: Arc<str>,
}

pub fn router(core: Arc<Core>, base_url: String) -> Router {
    let state = AppState { core, base_url: base_url.into() };
    Router::new()
        .route("/api/data/v9.2", get(service_document))
        .route("/api/data/v9.2/", get(service_document))
        .route("/api/data/v9.2/$batch", any(super::batch::handle))
        .route("/api/data/v9.2/{segment}", any(resource))
        .route("/api/data/v9.2/{segment}/{*rest}", any(below_resource))
        .fallback(unknown_path)
        .with_state(state)
}

/// Everything one request needs, owned, so it can move to a blocking thread.
pub(super) struct ApiRequest {
    pub(super) method: Method,
    pub(super) resource: Resource,
    pub(super) options: QueryOptions,
    pub(super) prefer: Prefer,
    pub(super) if_match: Option<String>,
    pub(super) if_none_match: Option<String>,
    pub(super) body: Bytes,
    pub(super) object_id: Guid,
    pub(super) impersonation: Option<Impersonation>,
}

async fn resource(
    State(state): State<AppState>,
    method: Method,
    Path(segment): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    if segment.starts_with("EntityDefinitions") && method == Method::GET {
        return definitions(&state, &segment, None, query.as_deref(), &headers);
    }
    let prepared = prepare(&state, method, &segment, query.as_deref(), &headers, body);
    let request = match prepared {
        Ok(request) => request,
        Err(e) => return error_reply(&state, &e),
    };
    let core = state.core.clone();
    let base_url = state.base_url.clone();
    let outcome = tokio::task::spawn_blocking(move || execute(&core, &base_url, request)).await;
    match outcome {
        Ok(Ok(reply)) => reply.build(),
        Ok(Err(e)) => error_reply(&state, &e),
        Err(join) => error_reply(&state, &ApiError::unexpected(format!("the request handler failed: {join}"))),
    }
}

/// Everything that needs no store: the token, the resource, the method, the options.
fn prepare(
    state: &AppState,
    method: Method,
    segment: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<ApiRequest, ApiError> {
    let claims = authenticate(state, headers)?;
    read_request(&state.core, claims.oid, method, segment, query, headers, body)
}

/// An authenticated request read into an [`ApiRequest`] (also each part of a `$batch`).
pub(super) fn read_request(
    core: &Core,
    object_id: Guid,
    method: Method,
    segment: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<ApiRequest, ApiError> {
    let resource = resource::parse(&core.metadata, segment)?;
    check_method(&method, resource)?;
    Ok(ApiRequest {
        method,
        resource,
        options: options::parse_query(query)?,
        prefer: Prefer::read(headers),
        if_match: headers::text(headers, "if-match").map(str::to_string),
        if_none_match: headers::text(headers, "if-none-match").map(str::to_string),
        body,
        object_id,
        impersonation: headers::impersonation(headers)?,
    })
}

async fn below_resource(
    State(state): State<AppState>,
    method: Method,
    Path((segment, rest)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    if segment.starts_with("EntityDefinitions") && method == Method::GET {
        return definitions(&state, &segment, Some(&rest), query.as_deref(), &headers);
    }
    if bound_operations::is_bound_operation(&rest) {
        return bound_operation(&state, method, &segment, &rest, query.as_deref(), &headers, body).await;
    }
    let claims = match authenticate(&state, &headers) {
        Ok(claims) => claims,
        Err(e) => return error_reply(&state, &e),
    };
    // `$ref` paths (associate, disassociate); every other path below a row answers 501 there.
    let core = state.core.clone();
    match super::relations::answer(core, method, &segment, &rest, query.as_deref(), &headers, body, claims.oid).await {
        Ok(reply) => reply.build(),
        Err(e) => error_reply(&state, &e),
    }
}

/// `<set>(<id>)/Microsoft.Dynamics.CRM.<Operation>`: a function or action bound to the row.
async fn bound_operation(
    state: &AppState,
    method: Method,
    segment: &str,
    rest: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
) -> Response<Body> {
    let prepared = authenticate(state, headers).and_then(|claims| {
        let operation = bound_operations::parse(&state.core, &method, segment, rest, query)?;
        Ok((claims.oid, headers::impersonation(headers)?, operation))
    });
    let (object_id, impersonation, operation) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => return error_reply(state, &e),
    };
    let core = state.core.clone();
    let base_url = state.base_url.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let caller = core.store.read(|conn| Caller::resolve(conn, object_id, impersonation))?;
        bound_operations::execute(&core, &base_url, &caller, operation, &body)
    })
    .await;
    match outcome {
        Ok(Ok(reply)) => reply.build(),
        Ok(Err(e)) => error_reply(state, &e),
        Err(join) => error_reply(state, &ApiError::unexpected(format!("the request handler failed: {join}"))),
    }
}

fn definitions(state: &AppState, segment: &str, below: Option<&str>, query: Option<&str>, headers: &HeaderMap) -> Response<Body> {
    if let Err(e) = authenticate(state, headers) {
        return error_reply(state, &e);
    }
    let expand = super::definitions::Expand::read(query);
    match super::definitions::answer(&state.core.metadata, &state.core.scenario, &state.base_url, segment, below, expand) {
        Ok(body) => Reply::json(200, body).build(),
        Err(e) => error_reply(state, &e),
    }
}

async fn service_document(State(state): State<AppState>, headers: HeaderMap) -> Response<Body> {
    if let Err(e) = authenticate(&state, &headers) {
        return error_reply(&state, &e);
    }
    let sets: Vec<Json> = state
        .core
        .metadata
        .tables()
        .iter()
        .map(|t| json!({ "name": t.entity_set_name, "kind": "EntitySet", "url": t.entity_set_name }))
        .collect();
    Reply::json(200, json!({ "@odata.context": format!("{}{API_PATH}/$metadata", state.base_url), "value": sets }))
        .build()
}

async fn unknown_path(State(state): State<AppState>, headers: HeaderMap, uri: axum::http::Uri) -> Response<Body> {
    let e = match authenticate(&state, &headers) {
        Err(e) => e,
        Ok(_) => ApiError::resource_not_found(uri.path()),
    };
    error_reply(&state, &e)
}

pub(super) fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<auth::Claims, ApiError> {
    let unauthorized = |r: TokenRejection| ApiError::unauthorized(r.to_string());
    let token = auth::bearer_token(headers::text(headers, "authorization")).map_err(unauthorized)?;
    state.core.verify_token(token, &state.base_url).map_err(unauthorized)
}

pub(super) fn error_reply(state: &AppState, e: &ApiError) -> Response<Body> {
    let mut reply = responses::error(e);
    if e.status == 401 {
        // Dataverse tells clients where to get a token and for which resource.
        let tenant = state.core.scenario.organization.tenant_id;
        let authority = issuer(tenant).trim_end_matches("/v2.0").to_string();
        reply = reply.header(
            "WWW-Authenticate",
            format!("Bearer authorization_uri={authority}/oauth2/authorize, resource_id={}", state.base_url),
        );
    }
    reply.build()
}

fn check_method(method: &Method, resource: Resource) -> Result<(), ApiError> {
    let allowed: &[Method] = match resource {
        Resource::WhoAmI => &[Method::GET],
        Resource::UnboundAction(_) => &[Method::POST],
        Resource::Collection(_) => &[Method::GET, Method::POST],
        Resource::Row(..) => &[Method::GET, Method::PATCH, Method::DELETE],
    };
    if allowed.contains(method) {
        Ok(())
    } else {
        Err(ApiError::new(405, "", format!("The requested resource does not support http method '{method}'.")))
    }
}

/// One request in its own store transaction (a write) or on the connection (a read).
fn execute(core: &Core, base_url: &str, request: ApiRequest) -> Result<Reply, ApiError> {
    if request.method == Method::GET {
        core.store.read(|conn| execute_on(conn, core, base_url, &request))
    } else {
        core.store.write(|tx| execute_on(tx, core, base_url, &request))
    }
}

/// Runs one request on `conn`, which a single request or a `$batch` change set holds open.
pub(super) fn execute_on(
    conn: &rusqlite::Connection,
    core: &Core,
    base_url: &str,
    request: &ApiRequest,
) -> Result<Reply, ApiError> {
    let metadata = &core.metadata;
    let resolve = |conn: &rusqlite::Connection| Caller::resolve(conn, request.object_id, request.impersonation);
    match request.resource {
        Resource::UnboundAction(action) => {
            let body = json_object(&request.body)?;
            super::unbound_actions::run(conn, metadata, &resolve(conn)?, action, &body)?;
            Ok(Reply::new(204))
        }
        Resource::WhoAmI => {
            let who = resolve(conn).map(|caller| operations::who_am_i(&caller, core.scenario.organization.id))?;
            Ok(Reply::json(
                200,
                json!({
                    "@odata.context": format!("{base_url}{API_PATH}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse"),
                    "BusinessUnitId": who.business_unit_id,
                    "UserId": who.user_id,
                    "OrganizationId": who.organization_id,
                }),
            ))
        }
        Resource::Collection(table_index) => {
            let table = metadata.table(table_index);
            let select = options::resolve_select(table, request.options.select.as_deref())?;
            if request.method == Method::POST {
                request.options.refuse_collection_options()?;
                let body = json_object(&request.body)?;
                let row = operations::create(conn, metadata, &resolve(conn)?, table, &body, None)?;
                return written(conn, metadata, base_url, table, &row, true, request, select.as_deref());
            }
            if let Some(fetch_xml) = &request.options.fetch_xml {
                return super::fetch::list(conn, core, base_url, &resolve(conn)?, table, request, fetch_xml);
            }
            let expand = expand::resolve_expand(metadata, table, request.options.expand.as_deref())?;
            let list_request = ListRequest {
                filter: options::resolve_filter(table, request.options.filter.as_deref())?,
                order: options::resolve_orderby(table, request.options.orderby.as_deref())?,
                top: options::resolve_top(request.options.top.as_deref())?,
                count: options::resolve_count(request.options.count.as_deref())?,
                max_page_size: request.prefer.max_page_size,
                skiptoken: request.options.skiptoken.clone(),
            };
            let caller = resolve(conn)?;
            let page = operations::list(conn, &caller, table, &list_request)?;
            operations::check_expand(conn, metadata, &caller, &expand)?;
            let expanded = page
                .rows
                .iter()
                .map(|row| operations::expand(conn, metadata, &caller, table, row, &expand))
                .collect::<Result<Vec<_>, ApiError>>()?;
            let mut object = Map::new();
            object.insert(
                "@odata.context".into(),
                expanded_collection_context(base_url, table, request.options.select.as_deref(), &expand).into(),
            );
            if let Some(count) = page.count {
                object.insert("@odata.count".into(), count.into());
            }
            let wanted = annotations_wanted(request);
            let mut values: Vec<Json> = Vec::with_capacity(page.rows.len());
            for (row, related) in page.rows.iter().zip(&expanded) {
                let mut object = row_json(table, row, select.as_deref());
                annotations::annotate(conn, metadata, table, row, select.as_deref(), wanted, &mut object)?;
                object.extend(expanded_json(metadata, &expand, related));
                values.push(Json::Object(object));
            }
            object.insert("value".into(), values.into());
            if let Some(token) = &page.next {
                object.insert(
                    "@odata.nextLink".into(),
                    next_link(base_url, &table.entity_set_name, &request.options, token).into(),
                );
            }
            let mut reply = annotations_applied(Reply::json(200, Json::Object(object)), request);
            if let Some(size) = request.prefer.max_page_size {
                reply = reply.header("Preference-Applied", format!("odata.maxpagesize={size}"));
            }
            Ok(reply)
        }
        Resource::Row(table_index, id) => {
            let table = metadata.table(table_index);
            request.options.refuse_collection_options()?;
            let select = options::resolve_select(table, request.options.select.as_deref())?;
            match request.method {
                Method::GET => {
                    let expand = expand::resolve_expand(metadata, table, request.options.expand.as_deref())?;
                    // Never 304 with $expand: the related rows may have changed (reference §1.3).
                    let if_none_match = request.if_none_match.as_deref().filter(|_| expand.is_empty());
                    let caller = resolve(conn)?;
                    let retrieved = match operations::retrieve(conn, &caller, table, id, if_none_match)? {
                        Retrieved::Row(row) => {
                            operations::check_expand(conn, metadata, &caller, &expand)?;
                            let related = operations::expand(conn, metadata, &caller, table, &row, &expand)?;
                            Some((row, related))
                        }
                        Retrieved::NotModified => None,
                    };
                    match retrieved {
                        None => Ok(Reply::new(304)),
                        Some((row, related)) => {
                            let mut object = Map::new();
                            let context = expanded_collection_context(
                                base_url,
                                table,
                                request.options.select.as_deref(),
                                &expand,
                            );
                            object.insert("@odata.context".into(), format!("{context}/$entity").into());
                            object.extend(row_json(table, &row, select.as_deref()));
                            let wanted = annotations_wanted(request);
                            annotations::annotate(conn, metadata, table, &row, select.as_deref(), wanted, &mut object)?;
                            object.extend(expanded_json(metadata, &expand, &related));
                            Ok(annotations_applied(Reply::json(200, Json::Object(object)), request))
                        }
                    }
                }
                Method::PATCH => {
                    let body = json_object(&request.body)?;
                    let preconditions = Preconditions {
                        if_match: request.if_match.clone(),
                        if_none_match: request.if_none_match.clone(),
                    };
                    let outcome = operations::upsert(conn, metadata, &resolve(conn)?, table, id, &body, &preconditions)?;
                    Ok(match outcome {
                        Upserted::Created(row) => written(conn, metadata, base_url, table, &row, true, request, select.as_deref())?,
                        Upserted::Updated(row) => written(conn, metadata, base_url, table, &row, false, request, select.as_deref())?,
                    })
                }
                _ => {
                    operations::delete(conn, metadata, &resolve(conn)?, table, id, request.if_match.as_deref())?;
                    Ok(Reply::new(204))
                }
            }
        }
    }
}

/// The answer to a create or update: 204 with OData-EntityId, or the row with
/// `Prefer: return=representation` (201 for a create, 200 for an update).
#[allow(clippy::too_many_arguments)]
fn written(
    conn: &rusqlite::Connection,
    metadata: &crate::metadata::Metadata,
    base_url: &str,
    table: &crate::metadata::TableMeta,
    row: &crate::store::rows::StoredRow,
    created: bool,
    request: &ApiRequest,
    select: Option<&[usize]>,
) -> Result<Reply, ApiError> {
    let id = row.id().map(|g| g.to_string()).unwrap_or_default();
    let location = entity_id(base_url, table, &id);
    if !request.prefer.return_representation {
        return Ok(Reply::new(204).header("OData-EntityId", location.clone()).location(location));
    }
    let mut object = Map::new();
    object.insert("@odata.context".into(), entity_context(base_url, table, request.options.select.as_deref()).into());
    object.extend(row_json(table, row, select));
    annotations::annotate(conn, metadata, table, row, select, annotations_wanted(request), &mut object)?;
    let reply = Reply::json(if created { 201 } else { 200 }, Json::Object(object))
        .header("Preference-Applied", "return=representation")
        .location(location);
    Ok(annotations_applied(reply, request))
}

fn annotations_wanted(request: &ApiRequest) -> annotations::Wanted {
    annotations::Wanted::from(|name| request.prefer.wants_annotation(name))
}

/// Dataverse echoes the annotations preference it honoured.
fn annotations_applied(reply: Reply, request: &ApiRequest) -> Reply {
    match &request.prefer.include_annotations {
        Some(list) if annotations_wanted(request).any() => reply.header("Preference-Applied", format!("odata.include-annotations=\"{list}\"")),
        _ => reply,
    }
}

fn json_object(body: &[u8]) -> Result<Map<String, Json>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::payload("The request body is empty; send the row's columns as a JSON object."));
    }
    match serde_json::from_slice::<Json>(body) {
        Ok(Json::Object(map)) => Ok(map),
        Ok(other) => Err(ApiError::payload(format!(
            "The request body must be a JSON object of column values, not {}.",
            match other {
                Json::Array(_) => "an array",
                Json::String(_) => "a string",
                Json::Number(_) => "a number",
                Json::Bool(_) => "a boolean",
                _ => "null",
            }
        ))),
        Err(e) => Err(ApiError::payload(format!("The request body is not valid JSON: {e}."))),
    }
}

/// The same request with the next page's `$skiptoken`.
fn next_link(base_url: &str, entity_set: &str, options: &QueryOptions, token: &str) -> String {
    let mut query: Vec<String> = options
        .pairs
        .iter()
        .filter(|(name, _)| name != "$skiptoken")
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect();
    query.push(format!("$skiptoken={}", encode(token)));
    format!("{base_url}{API_PATH}/{entity_set}?{}", query.join("&"))
}

fn encode(text: &str) -> String {
    // `$` is kept readable in option names; everything else is percent-encoded.
    form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace("%24", "$")
}
