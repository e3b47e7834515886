//! `EntityDefinitions`: the table and column metadata a designer's pickers need
//! (`dataverse-web-api.md` §1.12). Any signed-in user may read it.

use serde_json::{json, Value as Json};

use crate::api_error::ApiError;
use crate::metadata::{ColumnKind, Metadata, TableMeta};
use crate::representation::API_PATH;
use crate::scenario::Scenario;

/// What `$expand` asks to include with each table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expand {
    pub attributes: bool,
    pub one_to_many: bool,
    pub many_to_one: bool,
}

impl Expand {
    /// Reads `$expand=Attributes,OneToManyRelationships,…` (options inside parentheses ignored).
    pub fn read(query: Option<&str>) -> Expand {
        let mut expand = Expand::default();
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if key != "$expand" {
                continue;
            }
            for item in value.split(',') {
                match item.trim().split('(').next().unwrap_or_default() {
                    "Attributes" => expand.attributes = true,
                    "OneToManyRelationships" => expand.one_to_many = true,
                    "ManyToOneRelationships" => expand.many_to_one = true,
                    _ => {}
                }
            }
        }
        expand
    }
}

/// Answers `EntityDefinitions`, `EntityDefinitions(LogicalName='x')` and
/// `EntityDefinitions(LogicalName='x')/Attributes` (or `/OneToManyRelationships`,
/// `/ManyToOneRelationships`).
pub fn answer(
    metadata: &Metadata,
    scenario: &Scenario,
    base_url: &str,
    segment: &str,
    below: Option<&str>,
    expand: Expand,
) -> Result<Json, ApiError> {
    let context = format!("{base_url}{API_PATH}/$metadata#EntityDefinitions");
    let key = segment.strip_prefix("EntityDefinitions").unwrap_or_default();
    if key.is_empty() {
        if below.is_some() {
            return Err(ApiError::resource_not_found(segment));
        }
        let value: Vec<Json> = metadata.tables().iter().map(|t| entity(t, scenario, metadata, expand)).collect();
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
            let mut body = entity(table, scenario, metadata, expand);
            body["@odata.context"] = json!(format!("{context}/$entity"));
            Ok(body)
        }
        Some("Attributes") => Ok(json!({ "@odata.context": format!("{context}('{logical}')/Attributes"), "value": attributes(table, metadata) })),
        // A cast to one kind of column, as Dataverse takes it for type-specific properties:
        // `Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata` lists the choice columns.
        Some(cast) if cast.starts_with("Attributes/Microsoft.Dynamics.CRM.") => {
            let type_name = &cast["Attributes/Microsoft.Dynamics.CRM.".len()..];
            let kind = type_name
                .strip_suffix("AttributeMetadata")
                .ok_or_else(|| ApiError::not_implemented(format!("'EntityDefinitions(…)/{cast}'")))?;
            let value: Vec<Json> = attributes(table, metadata).into_iter().filter(|a| a["AttributeType"] == kind).collect();
            Ok(json!({ "@odata.context": format!("{context}('{logical}')/Attributes/Microsoft.Dynamics.CRM.{type_name}"), "value": value }))
        }
        Some(kind @ ("OneToManyRelationships" | "ManyToOneRelationships")) => Ok(json!({
            "@odata.context": format!("{context}('{logical}')/{kind}"),
            "value": relationships(table, metadata, kind == "OneToManyRelationships"),
        })),
        Some(other) => Err(ApiError::not_implemented(format!("'EntityDefinitions(…)/{other}'"))),
    }
}

fn entity(table: &TableMeta, scenario: &Scenario, metadata: &Metadata, expand: Expand) -> Json {
    let primary_name = scenario.tables.iter().find(|t| t.logical_name == table.logical_name).map(|t| t.primary_name_column.clone());
    let mut body = json!({
        "LogicalName": table.logical_name,
        "SchemaName": table.schema_name,
        "EntitySetName": table.entity_set_name,
        "ObjectTypeCode": table.object_type_code,
        "PrimaryIdAttribute": table.primary_id,
        "PrimaryNameAttribute": primary_name,
        "OwnershipType": match table.ownership {
            _ if table.kind == crate::metadata::TableKind::Audit => "None",
            crate::scenario::Ownership::Organization => "OrganizationOwned",
            crate::scenario::Ownership::Business => "BusinessOwned",
            crate::scenario::Ownership::User => "UserOwned",
        },
    });
    if expand.attributes {
        body["Attributes"] = json!(attributes(table, metadata));
    }
    if expand.one_to_many {
        body["OneToManyRelationships"] = json!(relationships(table, metadata, true));
    }
    if expand.many_to_one {
        body["ManyToOneRelationships"] = json!(relationships(table, metadata, false));
    }
    body
}

/// The table's one-to-many relationships (it is the referenced, "one" side) or its many-to-one
/// relationships (it holds the lookup), in Dataverse's OneToManyRelationshipMetadata shape.
fn relationships(table: &TableMeta, metadata: &Metadata, one_to_many: bool) -> Vec<Json> {
    metadata
        .relationships()
        .iter()
        .filter(|r| if one_to_many { r.referenced_table == table.index } else { r.referencing_table == table.index })
        .map(|r| {
            let (referenced, referencing) = (metadata.table(r.referenced_table), metadata.table(r.referencing_table));
            json!({
                "SchemaName": r.schema_name,
                "RelationshipType": "OneToManyRelationship",
                "ReferencedEntity": referenced.logical_name,
                "ReferencedAttribute": referenced.primary_id,
                "ReferencingEntity": referencing.logical_name,
                "ReferencingAttribute": referencing.columns[r.referencing_column].name,
                "ReferencedEntityNavigationPropertyName": r.schema_name,
                "ReferencingEntityNavigationPropertyName": r.referencing_navigation,
                "IsCustomRelationship": false,
            })
        })
        .collect()
}

fn attributes(table: &TableMeta, metadata: &Metadata) -> Vec<Json> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(index, c)| {
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
                // OptionValues is the sandbox's short form; OptionSet is Dataverse's, with labels.
                ColumnKind::Choice { options } => {
                    let labelled: Vec<Json> = options
                        .iter()
                        .map(|&value| {
                            let label = match table.choice_label(index, i64::from(value)) {
                                Some(label) => json!({ "UserLocalizedLabel": { "Label": label, "LanguageCode": 1033 } }),
                                None => json!({ "UserLocalizedLabel": null, "LocalizedLabels": [] }),
                            };
                            json!({ "Value": value, "Label": label })
                        })
                        .collect();
                    ("Picklist", json!({ "OptionValues": options, "OptionSet": { "Options": labelled } }))
                }
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
