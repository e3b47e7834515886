//! `EntityDefinitions`: the table and column metadata a designer's pickers need
//! (`dataverse-web-api.md` §1.12). Any signed-in user may read it.

use serde_json::{json, Value as Json};

use crate::api_error::ApiError;
use crate::metadata::{ColumnKind, Metadata, TableMeta};
use crate::representation::API_PATH;
use crate::scenario::Scenario;

/// Answers `EntityDefinitions`, `EntityDefinitions(LogicalName='x')` and
/// `EntityDefinitions(LogicalName='x')/Attributes`; `expand_attributes` for `$expand=Attributes`.
pub fn answer(
    metadata: &Metadata,
    scenario: &Scenario,
    base_url: &str,
    segment: &str,
    below: Option<&str>,
    expand_attributes: bool,
) -> Result<Json, ApiError> {
    let context = format!("{base_url}{API_PATH}/$metadata#EntityDefinitions");
    let key = segment.strip_prefix("EntityDefinitions").unwrap_or_default();
    if key.is_empty() {
        if below.is_some() {
            return Err(ApiError::resource_not_found(segment));
        }
        let value: Vec<Json> = metadata.tables().iter().map(|t| entity(t, scenario, metadata, expand_attributes)).collect();
        return Ok(json!({ "@odata.context": context, "value": value }));
    }
    let logical = key
        .strip_prefix("(LogicalName='")
        .and_then(|k| k.strip_suffix("')"))
        .ok_or_else(|| ApiError::query(format!("'{segment}': use EntityDefinitions(LogicalName='<table>').")))?;
    let table = metadata
        .by_logical_name(logical)
        .ok_or_else(|| ApiError::new(404, "0x80040217", format!("Could not find an entity with the logical name '{logical}'.")))?;
    match below {
        None => {
            let mut body = entity(table, scenario, metadata, expand_attributes);
            body["@odata.context"] = json!(format!("{context}/$entity"));
            Ok(body)
        }
        Some("Attributes") => Ok(json!({ "@odata.context": format!("{context}('{logical}')/Attributes"), "value": attributes(table, metadata) })),
        Some(other) => Err(ApiError::not_implemented(format!("'EntityDefinitions(…)/{other}'"))),
    }
}

fn entity(table: &TableMeta, scenario: &Scenario, metadata: &Metadata, expand_attributes: bool) -> Json {
    let primary_name = scenario.tables.iter().find(|t| t.logical_name == table.logical_name).map(|t| t.primary_name_column.clone());
    let mut body = json!({
        "LogicalName": table.logical_name,
        "SchemaName": table.schema_name,
        "EntitySetName": table.entity_set_name,
        "ObjectTypeCode": table.object_type_code,
        "PrimaryIdAttribute": table.primary_id,
        "PrimaryNameAttribute": primary_name,
        "OwnershipType": match table.ownership {
            crate::scenario::Ownership::Organization => "OrganizationOwned",
            crate::scenario::Ownership::Business => "BusinessOwned",
            crate::scenario::Ownership::User => "UserOwned",
        },
    });
    if expand_attributes {
        body["Attributes"] = json!(attributes(table, metadata));
    }
    body
}

fn attributes(table: &TableMeta, metadata: &Metadata) -> Vec<Json> {
    table
        .columns
        .iter()
        .map(|c| {
            let (kind, extra) = match &c.kind {
                ColumnKind::PrimaryKey | ColumnKind::Guid => ("Uniqueidentifier", json!({})),
                ColumnKind::String { max_length } => ("String", json!({ "MaxLength": max_length })),
                ColumnKind::Memo { max_length } => ("Memo", json!({ "MaxLength": max_length })),
                ColumnKind::Integer => ("Integer", json!({})),
                ColumnKind::BigInt => ("BigInt", json!({})),
                ColumnKind::Decimal => ("Decimal", json!({})),
                ColumnKind::Money => ("Money", json!({})),
                ColumnKind::Boolean => ("Boolean", json!({})),
                ColumnKind::DateTime => ("DateTime", json!({})),
                ColumnKind::Choice { options } => ("Picklist", json!({ "OptionValues": options })),
                ColumnKind::Lookup { targets } => {
                    let names: Vec<&str> = targets.iter().map(|&i| metadata.table(i).logical_name.as_str()).collect();
                    ("Lookup", json!({ "Targets": names }))
                }
                ColumnKind::Owner => ("Owner", json!({ "Targets": ["systemuser", "team"] })),
            };
            let mut attribute = json!({ "LogicalName": c.name, "AttributeType": kind, "IsValidForCreate": !c.system, "IsValidForUpdate": !c.system });
            if let (Some(a), Some(e)) = (attribute.as_object_mut(), extra.as_object()) {
                a.extend(e.clone());
            }
            attribute
        })
        .collect()
}
