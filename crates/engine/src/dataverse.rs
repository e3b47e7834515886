//! The Dataverse connector's row operations through the Web API v9.2 (the same client for the
//! sandbox and a real environment). Outputs take the connector's shape `{statusCode, headers, body}`;
//! a failure carries the error code and message of Dataverse's response body.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::identity::ChosenIdentity;
use crate::record::StepError;

/// Everything but the characters OData query values may keep as they are.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The result of one operation: outputs, or an error with whatever outputs the response had.
pub(crate) type OperationResult = Result<Value, (StepError, Option<Value>)>;

/// What the run record shows of the request (never its Authorization header).
pub(crate) fn request_summary(environment_url: &str, operation: &str, parameters: &Map<String, Value>) -> Option<Value> {
    let request = build_request(environment_url, operation, parameters).ok()?;
    Some(json!({ "method": request.method.as_str(), "uri": request.url }))
}

pub(crate) async fn run_operation(
    client: &reqwest::Client,
    environment_url: &str,
    operation: &str,
    parameters: &Map<String, Value>,
    identity: &ChosenIdentity,
) -> OperationResult {
    let request = build_request(environment_url, operation, parameters).map_err(|e| (e, None))?;
    let mut builder = client
        .request(request.method, &request.url)
        .bearer_auth(&identity.token)
        .header("Accept", "application/json")
        .header("OData-MaxVersion", "4.0")
        .header("OData-Version", "4.0");
    if let Some(object_id) = &identity.caller_object_id {
        builder = builder.header("CallerObjectId", object_id);
    }
    // The connector asks for every annotation: flows read choice labels and the names of looked-up
    // rows from them (`…@OData.Community.Display.V1.FormattedValue`).
    builder = builder.header(
        "Prefer",
        if request.return_representation {
            "return=representation,odata.include-annotations=\"*\""
        } else {
            "odata.include-annotations=\"*\""
        },
    );
    if request.if_match_any {
        builder = builder.header("If-Match", "*");
    }
    if let Some(body) = &request.body {
        builder = builder.json(body);
    }
    let response = builder.send().await.map_err(|e| {
        (StepError::new("ServiceUnavailable", format!("{operation}: the request to {} failed: {e}", request.url)), None)
    })?;
    let status = response.status().as_u16();
    let headers: Map<String, Value> = response
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_string(), Value::String(v.to_str().ok()?.to_string()))))
        .collect();
    let text = response.text().await.unwrap_or_default();
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    let outputs = json!({ "statusCode": status, "headers": headers, "body": body });
    if (200..300).contains(&status) {
        Ok(outputs)
    } else {
        let code = body.pointer("/error/code").and_then(Value::as_str).unwrap_or("ActionFailed").to_string();
        let message = body
            .pointer("/error/message")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{operation} answered HTTP {status}"));
        Err((StepError::new(code, message), Some(outputs)))
    }
}

struct Request {
    method: Method,
    url: String,
    body: Option<Value>,
    return_representation: bool,
    if_match_any: bool,
}

fn build_request(environment_url: &str, operation: &str, parameters: &Map<String, Value>) -> Result<Request, StepError> {
    let operation = in_this_environment(environment_url, operation, parameters)?;
    let base = format!("{}/api/data/v9.2", environment_url.trim_end_matches('/'));
    let text = |key: &str| -> Option<String> {
        match parameters.get(key)? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    };
    // Unbound actions name no table.
    let entity_set = if operation == "PerformUnboundAction" {
        String::new()
    } else {
        let entity_set = text("entityName").ok_or_else(|| missing(operation, "entityName"))?;
        check_segment(operation, "entityName", &entity_set)?;
        entity_set
    };
    let row = || -> Result<String, StepError> {
        let id = text("recordId").ok_or_else(|| missing(operation, "recordId"))?;
        check_segment(operation, "recordId", &id)?;
        Ok(format!("{base}/{entity_set}({id})"))
    };
    let action = || -> Result<String, StepError> {
        let name = text("actionName").ok_or_else(|| missing(operation, "actionName"))?;
        check_segment(operation, "actionName", &name)?;
        Ok(name)
    };
    let relationship = || -> Result<String, StepError> {
        let name = text("associationEntityRelationship").ok_or_else(|| missing(operation, "associationEntityRelationship"))?;
        check_segment(operation, "associationEntityRelationship", &name)?;
        Ok(name)
    };
    let query = |keys: &[&str]| -> String {
        let pairs: Vec<String> = keys
            .iter()
            .filter_map(|k| text(k).filter(|v| !v.is_empty()).map(|v| format!("{k}={}", utf8_percent_encode(&v, QUERY_VALUE))))
            .collect();
        if pairs.is_empty() { String::new() } else { format!("?{}", pairs.join("&")) }
    };
    Ok(match operation {
        "CreateRecord" => Request {
            method: Method::POST,
            url: format!("{base}/{entity_set}"),
            body: Some(row_body(parameters)),
            return_representation: true,
            if_match_any: false,
        },
        "GetItem" => Request {
            method: Method::GET,
            url: format!("{}{}", row()?, query(&["$select", "$expand"])),
            body: None,
            return_representation: false,
            if_match_any: false,
        },
        "ListRecords" => Request {
            method: Method::GET,
            // A FetchXML query carries its own columns, filter, order and row count, and the Web
            // API refuses it alongside the OData options, so it goes alone (url-encoded).
            url: match text("fetchXml").filter(|f| !f.trim().is_empty()) {
                Some(_) => format!("{base}/{entity_set}{}", query(&["fetchXml"])),
                None => format!("{base}/{entity_set}{}", query(&["$select", "$filter", "$orderby", "$expand", "$top", "$skiptoken"])),
            },
            body: None,
            return_representation: false,
            if_match_any: false,
        },
        // Relate rows: POST <row>/<relationship>/$ref with the related row's reference.
        "AssociateEntities" => {
            let relationship = relationship()?;
            let related = parameters
                .get("item/@odata.id")
                .or_else(|| parameters.get("item").and_then(|item| item.get("@odata.id")))
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| missing(operation, "item/@odata.id"))?;
            Request {
                method: Method::POST,
                url: format!("{}/{relationship}/$ref", row()?),
                body: Some(json!({ "@odata.id": related })),
                return_representation: false,
                if_match_any: false,
            }
        }
        // Unrelate rows: DELETE <row>/<relationship>/$ref?$id=<the related row's reference>.
        "DisassociateEntities" => {
            let relationship = relationship()?;
            let related = text("$id").filter(|v| !v.is_empty()).ok_or_else(|| missing(operation, "$id"))?;
            Request {
                method: Method::DELETE,
                url: format!("{}/{relationship}/$ref?$id={}", row()?, utf8_percent_encode(&related, QUERY_VALUE)),
                body: None,
                return_representation: false,
                if_match_any: false,
            }
        }
        "UpdateRecord" => Request {
            method: Method::PATCH,
            url: row()?,
            body: Some(row_body(parameters)),
            return_representation: true,
            if_match_any: false,
        },
        // Update only: `If-Match: *` makes a missing row a 404 instead of an upsert.
        "UpdateOnlyRecord" => Request {
            method: Method::PATCH,
            url: row()?,
            body: Some(row_body(parameters)),
            return_representation: true,
            if_match_any: true,
        },
        "DeleteRecord" => Request { method: Method::DELETE, url: row()?, body: None, return_representation: false, if_match_any: false },
        // Bound actions need their namespace in the path; the connector's names usually carry it.
        "PerformBoundAction" => {
            let name = action()?;
            let qualified = if name.contains('.') { name } else { format!("Microsoft.Dynamics.CRM.{name}") };
            Request {
                method: Method::POST,
                url: format!("{}/{qualified}", row()?),
                body: Some(row_body(parameters)),
                return_representation: false,
                if_match_any: false,
            }
        }
        "PerformUnboundAction" => Request {
            method: Method::POST,
            url: format!("{base}/{}", action()?),
            body: Some(row_body(parameters)),
            return_representation: false,
            if_match_any: false,
        },
        other => {
            return Err(StepError::new(
                "NotImplemented",
                format!("the Dataverse operation '{other}' is not implemented by the engine yet; give the step a mock"),
            ))
        }
    })
}

/// The "… in selected environment" operations (`CreateRecordWithOrganization`, …) are the plain ones
/// with an `organization` URL. A test run has one environment: the step runs when it names that
/// one (or none), and otherwise fails saying which it named, rather than writing elsewhere.
fn in_this_environment<'o>(environment_url: &str, operation: &'o str, parameters: &Map<String, Value>) -> Result<&'o str, StepError> {
    let Some(plain) = operation.strip_suffix("WithOrganization") else { return Ok(operation) };
    let same = |url: &str| url.trim_end_matches('/').eq_ignore_ascii_case(environment_url.trim_end_matches('/'));
    match parameters.get("organization").and_then(Value::as_str).filter(|o| !o.is_empty()) {
        Some(organization) if !same(organization) => Err(StepError::new(
            "OtherEnvironment",
            format!("{operation}: the step works in the environment {organization}, and this run is in {environment_url}; run it against that environment, or give the step a mock"),
        )),
        _ => Ok(plain),
    }
}

/// The row's columns from the `item/<column>` parameters (and an `item` object, when given whole).
fn row_body(parameters: &Map<String, Value>) -> Value {
    let mut row = parameters.get("item").and_then(Value::as_object).cloned().unwrap_or_default();
    for (key, value) in parameters {
        if let Some(column) = key.strip_prefix("item/") {
            row.insert(column.to_string(), value.clone());
        }
    }
    Value::Object(row)
}

/// A path segment taken from the flow must not reach elsewhere in the Web API.
fn check_segment(operation: &str, parameter: &str, value: &str) -> Result<(), StepError> {
    if value.is_empty() || value.chars().any(|c| matches!(c, '/' | '?' | '#' | '(' | ')' | '%' | '\\') || c.is_whitespace()) {
        return Err(StepError::new(
            "BadRequest",
            format!(
                "{operation}: the parameter '{parameter}' is not a valid {}: '{value}'",
                match parameter {
                    "recordId" => "row id",
                    "associationEntityRelationship" => "relationship name",
                    _ => "table name",
                }
            ),
        ));
    }
    Ok(())
}

fn missing(operation: &str, parameter: &str) -> StepError {
    StepError::new("BadRequest", format!("{operation} needs the parameter '{parameter}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn list_rows_encodes_its_query_options() {
        let request = build_request(
            "http://127.0.0.1:9/",
            "ListRecords",
            &parameters(json!({ "entityName": "contacts", "$filter": "lastname eq 'O''Neil & Co'", "$top": 5, "$select": "" })),
        )
        .unwrap();
        assert_eq!(request.method, Method::GET);
        assert_eq!(
            request.url,
            "http://127.0.0.1:9/api/data/v9.2/contacts?$filter=lastname%20eq%20%27O%27%27Neil%20%26%20Co%27&$top=5"
        );
    }

    #[test]
    fn operations_in_a_selected_environment_run_only_in_the_run_s_own() {
        let here = build_request("http://h/", "ListRecordsWithOrganization", &parameters(json!({ "organization": "http://H", "entityName": "contacts" }))).unwrap();
        assert_eq!(here.url, "http://h/api/data/v9.2/contacts");
        let unnamed = build_request("http://h", "GetItemWithOrganization", &parameters(json!({ "entityName": "contacts", "recordId": "1" }))).unwrap();
        assert_eq!(unnamed.url, "http://h/api/data/v9.2/contacts(1)");
        let elsewhere = build_request("http://h", "CreateRecordWithOrganization", &parameters(json!({ "organization": "https://other.crm.dynamics.com", "entityName": "contacts" })))
            .err()
            .unwrap();
        assert_eq!(elsewhere.code, "OtherEnvironment");
        assert!(elsewhere.message.contains("https://other.crm.dynamics.com"), "{}", elsewhere.message);
    }

    #[test]
    fn list_and_get_pass_expand_and_the_skiptoken() {
        let list = build_request(
            "http://h",
            "ListRecords",
            &parameters(json!({ "entityName": "accounts", "$expand": "contact_customer_accounts($select=fullname)", "$skiptoken": "a b", "$top": 2 })),
        )
        .unwrap();
        assert_eq!(
            list.url,
            "http://h/api/data/v9.2/accounts?$expand=contact_customer_accounts%28%24select%3Dfullname%29&$top=2&$skiptoken=a%20b"
        );
        let get = build_request("http://h", "GetItem", &parameters(json!({ "entityName": "contacts", "recordId": "1", "$expand": "createdby" }))).unwrap();
        assert_eq!(get.url, "http://h/api/data/v9.2/contacts(1)?$expand=createdby");
    }

    #[test]
    fn relate_and_unrelate_address_the_relationship_s_ref() {
        let relate = build_request(
            "http://h",
            "AssociateEntities",
            &parameters(json!({ "entityName": "accounts", "recordId": "1", "associationEntityRelationship": "contact_customer_accounts", "item/@odata.id": "https://org.crm.dynamics.com/api/data/v9.1/contacts(2)" })),
        )
        .unwrap();
        assert_eq!((relate.method.clone(), relate.url.as_str()), (Method::POST, "http://h/api/data/v9.2/accounts(1)/contact_customer_accounts/$ref"));
        assert_eq!(relate.body, Some(json!({ "@odata.id": "https://org.crm.dynamics.com/api/data/v9.1/contacts(2)" })));
        let unrelate = build_request(
            "http://h",
            "DisassociateEntities",
            &parameters(json!({ "entityName": "accounts", "recordId": "1", "associationEntityRelationship": "contact_customer_accounts", "$id": "contacts(2)" })),
        )
        .unwrap();
        assert_eq!(unrelate.method, Method::DELETE);
        assert_eq!(unrelate.url, "http://h/api/data/v9.2/accounts(1)/contact_customer_accounts/$ref?$id=contacts%282%29");
        let sneaky = build_request(
            "http://h",
            "AssociateEntities",
            &parameters(json!({ "entityName": "accounts", "recordId": "1", "associationEntityRelationship": "x/../../WhoAmI", "item/@odata.id": "contacts(2)" })),
        )
        .err()
        .unwrap();
        assert!(sneaky.message.contains("not a valid relationship name"), "{}", sneaky.message);
        let without = build_request(
            "http://h",
            "DisassociateEntities",
            &parameters(json!({ "entityName": "accounts", "recordId": "1", "associationEntityRelationship": "contact_customer_accounts" })),
        )
        .err()
        .unwrap();
        assert!(without.message.contains("'$id'"), "{}", without.message);
    }

    #[test]
    fn list_rows_with_fetchxml_sends_only_the_fetch() {
        let fetch = "<fetch top=\"2\"><entity name=\"contact\"><filter><condition attribute=\"fullname\" operator=\"like\" value=\"%a & b%\"/></filter></entity></fetch>";
        let request = build_request(
            "http://h",
            "ListRecords",
            &parameters(json!({ "entityName": "contacts", "fetchXml": fetch, "$filter": "x eq 1", "$top": 5 })),
        )
        .unwrap();
        assert_eq!(
            request.url,
            "http://h/api/data/v9.2/contacts?fetchXml=%3Cfetch%20top%3D%222%22%3E%3Centity%20name%3D%22contact%22%3E%3Cfilter%3E%3Ccondition%20attribute%3D%22fullname%22%20operator%3D%22like%22%20value%3D%22%25a%20%26%20b%25%22%2F%3E%3C%2Ffilter%3E%3C%2Fentity%3E%3C%2Ffetch%3E"
        );
        let blank = build_request("http://h", "ListRecords", &parameters(json!({ "entityName": "contacts", "fetchXml": " ", "$top": 5 }))).unwrap();
        assert_eq!(blank.url, "http://h/api/data/v9.2/contacts?$top=5");
    }

    #[test]
    fn create_sends_the_item_columns_as_the_row() {
        let request = build_request(
            "http://h",
            "CreateRecord",
            &parameters(json!({ "entityName": "contacts", "item/lastname": "Lovelace", "item/parentcustomerid_account@odata.bind": "accounts(1)" })),
        )
        .unwrap();
        assert_eq!(request.method, Method::POST);
        assert!(request.return_representation);
        assert_eq!(request.body, Some(json!({ "lastname": "Lovelace", "parentcustomerid_account@odata.bind": "accounts(1)" })));
    }

    #[test]
    fn ids_and_table_names_cannot_reach_elsewhere() {
        for (entity, id) in [("contacts", "1)/../systemusers(2"), ("contacts/x", "1"), ("", "1"), ("contacts", "a b")] {
            let error = build_request("http://h", "GetItem", &parameters(json!({ "entityName": entity, "recordId": id }))).err().unwrap();
            assert_eq!(error.code, "BadRequest", "{entity} {id}");
        }
        let missing = build_request("http://h", "DeleteRecord", &parameters(json!({ "entityName": "contacts" }))).err().unwrap();
        assert!(missing.message.contains("recordId"));
        let unnamed = build_request("http://h", "PerformBoundAction", &parameters(json!({ "entityName": "contacts", "recordId": "1" }))).err().unwrap();
        assert!(unnamed.message.contains("actionName"), "{}", unnamed.message);
        let sneaky = build_request("http://h", "PerformUnboundAction", &parameters(json!({ "actionName": "../WhoAmI" }))).err().unwrap();
        assert_eq!(sneaky.code, "BadRequest");
        let other = build_request("http://h", "GetEntityFileImageFieldContent", &parameters(json!({ "entityName": "contacts" }))).err().unwrap();
        assert_eq!(other.code, "NotImplemented");
    }
}
