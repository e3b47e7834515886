//! Reading a create/update body: column values, `@odata.bind` lookups, the owner and the id.

use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value as Json};

use crate::guid::Guid;
use crate::metadata::{ColumnKind, Metadata, Navigation, TableMeta};
use crate::values;

/// A row being pointed at: a table (index into the metadata) and an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef {
    pub table: usize,
    pub id: Guid,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LookupChange {
    pub column: usize,
    /// None clears the lookup.
    pub target: Option<RecordRef>,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Payload {
    pub id: Option<Guid>,
    /// Column index → value, for columns that are not references.
    pub values: Vec<(usize, SqlValue)>,
    pub lookups: Vec<LookupChange>,
    /// `ownerid@odata.bind`: assigning the row.
    pub owner: Option<RecordRef>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadError {
    pub message: String,
}

fn fail<T>(message: impl Into<String>) -> Result<T, PayloadError> {
    Err(PayloadError { message: message.into() })
}

pub fn parse(metadata: &Metadata, table: &TableMeta, body: &Map<String, Json>) -> Result<Payload, PayloadError> {
    let mut payload = Payload::default();
    let mut set_columns: Vec<usize> = Vec::new();
    let mut claim = |column: usize, property: &str| -> Result<(), PayloadError> {
        if set_columns.contains(&column) {
            return fail(format!("'{property}' sets column '{}' a second time", table.columns[column].name));
        }
        set_columns.push(column);
        Ok(())
    };
    for (key, value) in body {
        if let Some(navigation) = key.strip_suffix("@odata.bind") {
            let Some(nav) = table.navigation(navigation) else {
                return fail(unknown_navigation(table, navigation));
            };
            refuse_system_navigation(table, nav, key)?;
            claim(nav.column, key)?;
            let target = match value {
                Json::Null => None,
                Json::String(uri) => {
                    Some(parse_bind(metadata, table, navigation, nav.target, &table.columns[nav.column].kind, uri)?)
                }
                Json::Array(_) => {
                    return fail(format!(
                        "'{key}': binding a collection-valued navigation property is not supported by the sandbox yet"
                    ))
                }
                other => {
                    return fail(format!("'{key}' must be a string like \"/accounts(<id>)\" or null, not {other}"))
                }
            };
            if table.columns[nav.column].kind == ColumnKind::Owner {
                match target {
                    Some(owner) => payload.owner = Some(owner),
                    None => return fail("ownerid cannot be cleared: every row of a user-owned table has an owner"),
                }
            } else {
                payload.lookups.push(LookupChange { column: nav.column, target });
            }
            continue;
        }
        if key == "@odata.type" {
            let expected = table.odata_type();
            let given = value.as_str().unwrap_or_default().trim_start_matches('#');
            if given != expected {
                return fail(format!("@odata.type '{given}' does not match the entity set's type '{expected}'"));
            }
            continue;
        }
        // Other annotations (`@odata.etag`, `name@OData.Community.Display.V1.FormattedValue`)
        // are what clients echo from a retrieved row; Dataverse ignores them too.
        if key.contains('@') {
            continue;
        }
        if let Some(nav) = table.navigation(key) {
            // `"primarycontactid": null` disassociates; an object would be a deep insert.
            if !value.is_null() {
                return fail(format!("'{key}': creating related rows in the same request (deep insert) is not supported by the sandbox yet"));
            }
            if table.columns[nav.column].kind == ColumnKind::Owner {
                return fail("ownerid cannot be cleared: every row of a user-owned table has an owner");
            }
            refuse_system_navigation(table, nav, key)?;
            claim(nav.column, key)?;
            payload.lookups.push(LookupChange { column: nav.column, target: None });
            continue;
        }
        if key.starts_with('_') && key.ends_with("_value") && table.column_by_property(key).is_some() {
            // Dataverse's wording when a client writes the read-only lookup value property.
            return fail(format!(
                "CRM do not support direct update of Entity Reference properties, Use Navigation properties instead. (property '{key}')"
            ));
        }
        let Some((index, column)) = table.column_by_property(key) else {
            return fail(format!(
                "The property '{key}' does not exist on type '{}'. Make sure to only use property names that are defined by the type.",
                table.odata_type()
            ));
        };
        if column.system {
            return fail(format!("'{key}' is set by the system and cannot be written."));
        }
        claim(index, key)?;
        if column.kind == ColumnKind::PrimaryKey {
            let text =
                value.as_str().ok_or_else(|| PayloadError { message: format!("'{key}' must be a GUID string") })?;
            payload.id = Some(Guid::parse(text).map_err(|e| PayloadError { message: format!("'{key}': {e}") })?);
            continue;
        }
        let converted =
            values::json_to_sql(column, &table.logical_name, value).map_err(|message| PayloadError { message })?;
        payload.values.push((index, converted));
    }
    Ok(payload)
}

/// createdby, modifiedby, owningbusinessunit… are navigation properties for reading only; the
/// owner is the one system reference a payload may set (assigning).
fn refuse_system_navigation(table: &TableMeta, nav: Navigation, key: &str) -> Result<(), PayloadError> {
    let column = &table.columns[nav.column];
    if column.system && column.kind != ColumnKind::Owner {
        return fail(format!("'{key}' is set by the system and cannot be written."));
    }
    Ok(())
}

fn unknown_navigation(table: &TableMeta, navigation: &str) -> String {
    let hint = match table.column_by_name(navigation) {
        Some((_, c)) if matches!(c.kind, ColumnKind::Lookup { .. }) => format!(
            " '{navigation}' is a lookup with several target tables; bind it through one of its typed navigation properties."
        ),
        _ => String::new(),
    };
    format!(
        "An undeclared property '{navigation}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.{hint} The navigation properties of '{}' are: {}.",
        table.logical_name,
        table.navigation_names().join(", ")
    )
}

/// The entity set and id of `/accounts(<id>)`, `accounts(<id>)` or an absolute URL ending in
/// the same (`https://<org>/api/data/v9.2/accounts(<id>)`).
pub fn split_record_uri(uri: &str) -> Option<(&str, Guid)> {
    let path = match uri.find("/api/data/v") {
        Some(at) => {
            let rest = &uri[at + "/api/data/v".len()..];
            &rest[rest.find('/')? + 1..]
        }
        None => uri.trim_start_matches('/'),
    };
    let (set, key) = path.split_once('(')?;
    let id = Guid::parse(key.strip_suffix(')')?).ok()?;
    Some((set, id))
}

/// Reads `/accounts(<id>)`, `accounts(<id>)` or an absolute URL ending in the same.
fn parse_bind(
    metadata: &Metadata,
    table: &TableMeta,
    navigation: &str,
    fixed_target: Option<usize>,
    kind: &ColumnKind,
    uri: &str,
) -> Result<RecordRef, PayloadError> {
    let bad = || {
        PayloadError {
        message: format!("'{navigation}@odata.bind' value '{uri}' is not a reference like \"/accounts(00000000-0000-0000-0000-000000000000)\""),
    }
    };
    let (set, id) = split_record_uri(uri).ok_or_else(bad)?;
    let target = metadata.by_entity_set(set).ok_or_else(|| PayloadError {
        message: format!("'{navigation}@odata.bind': there is no entity set named '{set}'"),
    })?;
    let allowed: Vec<usize> = match (fixed_target, kind) {
        (Some(t), _) => vec![t],
        (None, ColumnKind::Owner) => ["systemuser", "team"].iter().filter_map(|n| metadata.table_index(n)).collect(),
        (None, ColumnKind::Lookup { targets }) => targets.clone(),
        (None, _) => Vec::new(),
    };
    if !allowed.contains(&target.index) {
        let names: Vec<&str> = allowed.iter().map(|&i| metadata.table(i).entity_set_name.as_str()).collect();
        return fail(format!(
            "'{navigation}@odata.bind' on '{}' must point at {}, not {set}",
            table.logical_name,
            names.join(" or ")
        ));
    }
    Ok(RecordRef { table: target.index, id })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use serde_json::json;

    fn parse_contact(body: Json) -> Result<Payload, PayloadError> {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let contact = metadata.by_logical_name("contact").unwrap();
        parse(&metadata, contact, body.as_object().unwrap())
    }

    #[test]
    fn reads_values_binds_and_owner() {
        let p = parse_contact(json!({
            "firstname": "Ann",
            "parentcustomerid_account@odata.bind": "/accounts(a0000000-0000-4000-8000-000000000001)",
            "ownerid@odata.bind": "https://x.test/api/data/v9.2/teams(7ea00000-0000-4000-8000-000000000001)",
            "firstname@OData.Community.Display.V1.FormattedValue": "ignored"
        }))
        .unwrap();
        assert_eq!(p.values.len(), 1);
        assert_eq!(p.lookups.len(), 1);
        assert!(p.owner.is_some());
    }

    #[test]
    fn refuses_unknown_properties_with_the_type_name() {
        let err = parse_contact(json!({"nickname": "x"})).unwrap_err();
        assert!(
            err.message.contains("'nickname' does not exist on type 'Microsoft.Dynamics.CRM.contact'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn refuses_writing_value_properties_and_system_columns() {
        assert!(parse_contact(json!({"_parentcustomerid_value": "a0000000-0000-4000-8000-000000000001"}))
            .unwrap_err()
            .message
            .contains("Navigation properties"));
        assert!(parse_contact(json!({"createdon": "2024-01-01"})).unwrap_err().message.contains("set by the system"));
        let bind = json!({"createdby@odata.bind": "/systemusers(5e000000-0000-4000-8000-000000000001)"});
        assert!(parse_contact(bind).unwrap_err().message.contains("set by the system"));
        assert!(parse_contact(json!({"modifiedby": null})).unwrap_err().message.contains("set by the system"));
    }

    #[test]
    fn checks_bind_targets() {
        let err = parse_contact(
            json!({"parentcustomerid_account@odata.bind": "/contacts(c0000000-0000-4000-8000-000000000001)"}),
        )
        .unwrap_err();
        assert!(err.message.contains("must point at accounts"), "{}", err.message);
        let err =
            parse_contact(json!({"parentcustomerid@odata.bind": "/accounts(a0000000-0000-4000-8000-000000000001)"}))
                .unwrap_err();
        assert!(err.message.contains("typed navigation properties"), "{}", err.message);
        let err = parse_contact(json!({"parentcustomerid_account@odata.bind": "/accounts(nope)"})).unwrap_err();
        assert!(err.message.contains("is not a reference"), "{}", err.message);
    }

    #[test]
    fn null_navigation_clears_and_owner_cannot_be_cleared() {
        let p = parse_contact(json!({"parentcustomerid_contact": null})).unwrap();
        assert_eq!(p.lookups[0].target, None);
        assert!(parse_contact(json!({"ownerid@odata.bind": null})).is_err());
    }
}
