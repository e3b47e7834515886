//! Paths below a row that name a relationship (reference §1.8): associate and disassociate
//! through `$ref`.
//!
//! - `POST <set>(<id>)/<collection-nav>/$ref` with `{"@odata.id": "<set>(<id>)"}`
//! - `PUT <set>(<id>)/<single-nav>/$ref` with the same body
//! - `DELETE <set>(<id>)/<collection-nav>(<id>)/$ref`, `DELETE <set>(<id>)/<collection-nav>/$ref?$id=<uri>`
//! - `DELETE <set>(<id>)/<single-nav>/$ref`
//!
//! Every one answers 204.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method};
use serde_json::Value as Json;

use super::headers;
use super::resource::{self, Resource};
use super::responses::Reply;
use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::{Metadata, TableMeta};
use crate::operations;
use crate::payload::split_record_uri;
use crate::security::Caller;
use crate::Core;

/// A `$ref` request, resolved against the metadata: which relationship, which referencing row
/// (the one whose lookup is written), and the referenced row (None: whichever it points at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RefRequest {
    relationship: usize,
    referencing: Guid,
    referenced: Option<Guid>,
    associate: bool,
}

/// Answers a path below a row (`rest` follows `segment/`); other paths below a row get 501.
#[allow(clippy::too_many_arguments)]
pub(super) async fn answer(
    core: Arc<Core>,
    method: Method,
    segment: &str,
    rest: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Bytes,
    object_id: Guid,
) -> Result<Reply, ApiError> {
    let request = parse(&core.metadata, &method, segment, rest, query, &body)?;
    let impersonation = headers::impersonation(headers)?;
    let outcome = tokio::task::spawn_blocking(move || {
        let relationship = core.metadata.relationship(request.relationship);
        core.store.write(|tx| {
            let caller = Caller::resolve(tx, object_id, impersonation)?;
            if request.associate {
                let referenced = request.referenced.ok_or_else(|| ApiError::unexpected("associate without a row"))?;
                operations::associate(tx, &core.metadata, &caller, relationship, request.referencing, referenced)
            } else {
                operations::disassociate(tx, &core.metadata, &caller, relationship, request.referencing, request.referenced)
            }
        })
    })
    .await;
    match outcome {
        Ok(Ok(())) => Ok(Reply::new(204)),
        Ok(Err(e)) => Err(e),
        Err(join) => Err(ApiError::unexpected(format!("the request handler failed: {join}"))),
    }
}

fn parse(
    metadata: &Metadata,
    method: &Method,
    segment: &str,
    rest: &str,
    query: Option<&str>,
    body: &[u8],
) -> Result<RefRequest, ApiError> {
    let not_supported =
        || ApiError::not_implemented(format!("The path '{segment}/{rest}' (properties, bound functions and actions)"));
    let Some(navigation) = rest.strip_suffix("/$ref") else { return Err(not_supported()) };
    let Resource::Row(table_index, id) = resource::parse(metadata, segment)? else { return Err(not_supported()) };
    let table = metadata.table(table_index);
    // `<collection-nav>(<id>)` names one member of the collection.
    let (name, member) = match navigation.split_once('(') {
        Some((name, key)) => {
            let key = key
                .strip_suffix(')')
                .ok_or_else(|| ApiError::query(format!("The key in '{navigation}' has no closing parenthesis.")))?;
            let member = Guid::parse(key.trim())
                .map_err(|_| ApiError::query(format!("'{key}' is not a valid key in '{navigation}': expected a GUID.")))?;
            (name, Some(member))
        }
        None => (navigation, None),
    };
    let refuse_method = || ApiError::new(405, "", format!("The requested resource does not support http method '{method}'."));

    if let Some(relationship) = table.collection(name) {
        let referencing_table = metadata.table(metadata.relationship(relationship).referencing_table);
        let request = |referencing, associate| RefRequest { relationship, referencing, referenced: Some(id), associate };
        return match (method, member) {
            (&Method::POST, None) => {
                let (set, member) = body_reference(metadata, body)?;
                expect_set(referencing_table, &set, name)?;
                Ok(request(member, true))
            }
            (&Method::DELETE, Some(member)) => Ok(request(member, false)),
            (&Method::DELETE, None) => {
                let uri = query_id(query).ok_or_else(|| {
                    ApiError::query(format!(
                        "Removing a row from '{name}' needs its reference: DELETE {segment}/{name}(<id>)/$ref or {segment}/{name}/$ref?$id=<uri>."
                    ))
                })?;
                let (set, member) = split_record_uri(&uri)
                    .ok_or_else(|| ApiError::query(format!("$id '{uri}' is not a reference like {}(<id>).", referencing_table.entity_set_name)))?;
                expect_set(referencing_table, set, name)?;
                Ok(request(member, false))
            }
            (&Method::GET, _) => Err(ApiError::not_implemented(format!("Reading the references of '{name}'"))),
            _ => Err(refuse_method()),
        };
    }
    if let Some(nav) = table.navigation(name) {
        if member.is_some() {
            return Err(ApiError::query(format!("'{name}' is a single-valued navigation property; it takes no key.")));
        }
        let relationship = metadata
            .relationships()
            .iter()
            .position(|r| {
                r.referencing_table == table_index
                    && r.referencing_column == nav.column
                    && nav.target.is_none_or(|t| t == r.referenced_table)
            })
            .ok_or_else(|| ApiError::unexpected(format!("no relationship behind '{name}'")))?;
        let referenced_table = metadata.table(metadata.relationship(relationship).referenced_table);
        return match *method {
            Method::PUT => {
                let (set, referenced) = body_reference(metadata, body)?;
                expect_set(referenced_table, &set, name)?;
                Ok(RefRequest { relationship, referencing: id, referenced: Some(referenced), associate: true })
            }
            Method::DELETE => Ok(RefRequest { relationship, referencing: id, referenced: None, associate: false }),
            _ => Err(refuse_method()),
        };
    }
    Err(ApiError::query(format!("Could not find a property named '{name}' on type '{}'.", table.odata_type())))
}

/// The `{"@odata.id": "<set>(<id>)"}` body of an associate: the entity set and the id.
fn body_reference(metadata: &Metadata, body: &[u8]) -> Result<(String, Guid), ApiError> {
    let shape = "The request body must be {\"@odata.id\": \"<entity set>(<id>)\"}";
    let json: Json = serde_json::from_slice(body).map_err(|_| ApiError::payload(format!("{shape}.")))?;
    let uri = json.get("@odata.id").and_then(Json::as_str).ok_or_else(|| ApiError::payload(format!("{shape}.")))?;
    let (set, id) = split_record_uri(uri)
        .ok_or_else(|| ApiError::payload(format!("{shape}; '{uri}' is not a reference like accounts(<id>).")))?;
    if metadata.by_entity_set(set).is_none() {
        return Err(ApiError::resource_not_found(set));
    }
    Ok((set.to_string(), id))
}

fn expect_set(table: &TableMeta, set: &str, navigation: &str) -> Result<(), ApiError> {
    if set == table.entity_set_name {
        return Ok(());
    }
    Err(ApiError::payload(format!(
        "'{navigation}' relates {} rows; the reference names a row of {set}.",
        table.entity_set_name
    )))
}

/// The `$id` query option of a collection-valued disassociate.
fn query_id(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query.unwrap_or_default().as_bytes()).find(|(k, _)| k == "$id").map(|(_, v)| v.into_owned())
}
