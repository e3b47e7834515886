//! An environment's tables and columns, for the designer's pickers and metadata-aware
//! validation, and its connection references, for binding. Tables are read once from
//! `EntityDefinitions` and cached on disk per environment; a refresh reads them again.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::error::AuthError;
use crate::oauth::now_seconds;
use crate::web_api::WebApi;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TableDefinition {
    pub logical_name: String,
    pub entity_set_name: String,
    pub primary_id: String,
    #[serde(default)]
    pub primary_name: Option<String>,
    pub columns: Vec<ColumnDefinition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnDefinition {
    pub logical_name: String,
    /// Dataverse's AttributeType: String, Memo, Integer, Picklist, Lookup…
    pub attribute_type: String,
    #[serde(default)]
    pub max_length: Option<u32>,
    /// Tables a lookup may point at.
    #[serde(default)]
    pub targets: Vec<String>,
    /// A choice's values, when the metadata carried them.
    #[serde(default)]
    #[ts(type = "Array<number> | null")]
    pub options: Option<Vec<i64>>,
    /// A choice's options with their labels (`OptionSet.Options[].Label.UserLocalizedLabel`),
    /// when the metadata carried labels.
    #[serde(default)]
    pub choices: Vec<ChoiceOption>,
    /// A lookup's navigation property per table it points at (`ManyToOneRelationships`'
    /// `ReferencingEntityNavigationPropertyName`): what `item/<nav>@odata.bind` names.
    #[serde(default)]
    pub navigation: Vec<LookupNavigation>,
}

/// The navigation property that binds a lookup to rows of `target`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LookupNavigation {
    pub target: String,
    pub property: String,
}

/// One option of a choice column: the value a flow writes and the label a maker picks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceOption {
    pub value: i64,
    pub label: String,
}

/// Tables as cached: for which environment URL, and when they were read (Unix seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableCache {
    pub environment_url: String,
    pub fetched_at: u64,
    pub tables: Vec<TableDefinition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReferenceInfo {
    pub logical_name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub connector_id: Option<String>,
}

/// `$FLOWBENCH_CACHE_DIR/metadata/<environment>.json`, else under `$XDG_CACHE_HOME/flowbench`
/// or `~/.cache/flowbench`.
pub fn cache_path(environment: &str) -> PathBuf {
    let base = std::env::var_os("FLOWBENCH_CACHE_DIR").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
            .or_else(|| std::env::var_os("LOCALAPPDATA").map(PathBuf::from))
            .unwrap_or_else(std::env::temp_dir)
            .join("flowbench")
    });
    base.join("metadata").join(format!("{}.json", environment.to_lowercase()))
}

/// The cached tables of the environment at `url`; none when absent, unreadable or for another URL.
pub fn cached_tables(path: &Path, url: &str) -> Option<TableCache> {
    let text = std::fs::read_to_string(path).ok()?;
    let cache: TableCache = serde_json::from_str(&text).ok()?;
    (cache.environment_url == url).then_some(cache)
}

/// The environment's tables: from the cache unless `refresh`, else read and cached.
pub async fn tables(api: &WebApi<'_>, url: &str, path: &Path, refresh: bool) -> Result<TableCache, AuthError> {
    if !refresh {
        if let Some(cache) = cached_tables(path, url) {
            return Ok(cache);
        }
    }
    let cache = TableCache { environment_url: url.to_string(), fetched_at: now_seconds(), tables: fetch_tables(api).await? };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| AuthError::Environment(format!("cannot create {}: {e}", dir.display())))?;
    }
    let text = serde_json::to_string(&cache).expect("tables serialise");
    flowbench_core::files::write_atomically(path, text.as_bytes())
        .map_err(|e| AuthError::Environment(format!("cannot write {}: {e}", path.display())))?;
    Ok(cache)
}

/// Reads the tables and their columns from `EntityDefinitions`, uncached.
pub async fn fetch_tables(api: &WebApi<'_>) -> Result<Vec<TableDefinition>, AuthError> {
    let body = api
        .get("EntityDefinitions?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute&$expand=Attributes,ManyToOneRelationships($select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName)")
        .await?;
    Ok(body
        .get("value")
        .and_then(Value::as_array)
        .ok_or_else(|| AuthError::Protocol("EntityDefinitions gave no list of tables".into()))?
        .iter()
        .filter_map(table)
        .collect())
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Tables without an entity set (intersect and virtual tables) cannot be used by flows.
fn table(entity: &Value) -> Option<TableDefinition> {
    let mut columns: Vec<ColumnDefinition> = entity
        .get("Attributes")
        .and_then(Value::as_array)
        .map(|attributes| attributes.iter().filter_map(column).collect())
        .unwrap_or_default();
    for relationship in entity.get("ManyToOneRelationships").and_then(Value::as_array).into_iter().flatten() {
        let (Some(attribute), Some(target), Some(property)) = (
            text(relationship, "ReferencingAttribute"),
            text(relationship, "ReferencedEntity"),
            text(relationship, "ReferencingEntityNavigationPropertyName"),
        ) else {
            continue;
        };
        if let Some(column) = columns.iter_mut().find(|c| c.logical_name == attribute) {
            if !column.navigation.iter().any(|n| n.target == target) {
                column.navigation.push(LookupNavigation { target, property });
            }
        }
    }
    Some(TableDefinition {
        logical_name: text(entity, "LogicalName")?,
        entity_set_name: text(entity, "EntitySetName")?,
        primary_id: text(entity, "PrimaryIdAttribute")?,
        primary_name: text(entity, "PrimaryNameAttribute"),
        columns,
    })
}

fn column(attribute: &Value) -> Option<ColumnDefinition> {
    // Dataverse nests choices under OptionSet.Options[].Value; the sandbox lists OptionValues.
    let options = attribute
        .pointer("/OptionSet/Options")
        .and_then(Value::as_array)
        .map(|options| options.iter().filter_map(|o| o.get("Value").and_then(Value::as_i64)).collect())
        .or_else(|| {
            attribute.get("OptionValues").and_then(Value::as_array).map(|values| {
                values.iter().filter_map(|v| v.as_i64().or_else(|| v.get("value").and_then(Value::as_i64))).collect()
            })
        });
    let choices = labelled_options(attribute);
    Some(ColumnDefinition {
        choices,
        navigation: Vec::new(),
        logical_name: text(attribute, "LogicalName")?,
        attribute_type: text(attribute, "AttributeType")?,
        max_length: attribute.get("MaxLength").and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok()),
        targets: attribute
            .get("Targets")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default(),
        options,
    })
}

/// A choice column's options with their labels: Dataverse's `OptionSet.Options[]`, each label
/// `Label.UserLocalizedLabel.Label` (the user's language), else the first `LocalizedLabels` entry;
/// an option without a label is left out.
fn labelled_options(attribute: &Value) -> Vec<ChoiceOption> {
    let Some(options) = attribute.pointer("/OptionSet/Options").and_then(Value::as_array) else { return Vec::new() };
    options
        .iter()
        .filter_map(|o| {
            let value = o.get("Value").and_then(Value::as_i64)?;
            let label = o
                .pointer("/Label/UserLocalizedLabel/Label")
                .or_else(|| o.pointer("/Label/LocalizedLabels/0/Label"))
                .and_then(Value::as_str)?;
            Some(ChoiceOption { value, label: label.to_string() })
        })
        .collect()
}

/// A choice column of a table and its labelled options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ColumnChoices {
    pub column: String,
    pub choices: Vec<ChoiceOption>,
}

/// The labelled options of a table's choice, status and state columns. `EntityDefinitions` with
/// `$expand=Attributes` leaves out the option sets (a navigation property of the choice column
/// types), so they are read per table through a cast to each type, `$expand=OptionSet`.
pub async fn choice_columns(api: &WebApi<'_>, logical_name: &str) -> Result<Vec<ColumnChoices>, AuthError> {
    if !logical_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(AuthError::Environment(format!("'{logical_name}' is not a table's logical name")));
    }
    let mut out = Vec::new();
    for cast in ["PicklistAttributeMetadata", "StateAttributeMetadata", "StatusAttributeMetadata"] {
        let body = api
            .get(&format!("EntityDefinitions(LogicalName='{logical_name}')/Attributes/Microsoft.Dynamics.CRM.{cast}?$select=LogicalName&$expand=OptionSet"))
            .await?;
        out.extend(each_row(&body, |attribute| {
            Some(ColumnChoices { column: text(attribute, "LogicalName")?, choices: labelled_options(attribute) })
        }));
    }
    Ok(out)
}

/// The environment's connection references (the `connectionreference` table).
pub async fn connection_references(api: &WebApi<'_>) -> Result<Vec<ConnectionReferenceInfo>, AuthError> {
    let body = api
        .get("connectionreferences?$select=connectionreferencelogicalname,connectionreferencedisplayname,connectorid&$orderby=connectionreferencelogicalname")
        .await?;
    Ok(each_row(&body, |row| {
        Some(ConnectionReferenceInfo {
            logical_name: text(row, "connectionreferencelogicalname")?,
            display_name: text(row, "connectionreferencedisplayname"),
            connector_id: text(row, "connectorid"),
        })
    }))
}

/// The rows of a collection reply (`value`), each read by `read`; rows it cannot read are left out.
fn each_row<T>(body: &Value, read: impl Fn(&Value) -> Option<T>) -> Vec<T> {
    body.get("value").and_then(Value::as_array).map(|rows| rows.iter().filter_map(read).collect()).unwrap_or_default()
}

/// A row to start a Dataverse-triggered run with: its id, its primary name, and the row itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RowChoice {
    pub id: String,
    pub name: Option<String>,
    #[ts(type = "unknown")]
    pub row: Value,
}

/// The first `top` rows of the table `logical_name` the signed-in user can read.
pub async fn rows(api: &WebApi<'_>, logical_name: &str, top: u32) -> Result<Vec<RowChoice>, AuthError> {
    if !logical_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(AuthError::Environment(format!("'{logical_name}' is not a table's logical name")));
    }
    let table = api
        .get(&format!("EntityDefinitions(LogicalName='{logical_name}')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute"))
        .await?;
    let (Some(set), Some(id_column)) = (text(&table, "EntitySetName"), text(&table, "PrimaryIdAttribute")) else {
        return Err(AuthError::Protocol(format!("the table '{logical_name}' has no entity set to read rows from")));
    };
    let name_column = text(&table, "PrimaryNameAttribute");
    let body = api.get(&format!("{set}?$top={top}")).await?;
    Ok(each_row(&body, |row| {
        Some(RowChoice { id: text(row, &id_column)?, name: name_column.as_deref().and_then(|c| text(row, c)), row: row.clone() })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn choice_labels_come_from_dataverse_option_sets() {
        let real = json!({"LogicalName": "industrycode", "AttributeType": "Picklist", "OptionSet": {"Options": [
            {"Value": 1, "Label": {"UserLocalizedLabel": {"Label": "Accounting", "LanguageCode": 1033}, "LocalizedLabels": []}},
            {"Value": 2, "Label": {"UserLocalizedLabel": null, "LocalizedLabels": [{"Label": "Agriculture", "LanguageCode": 1036}]}},
            {"Value": 3, "Label": {"UserLocalizedLabel": null, "LocalizedLabels": []}}
        ]}});
        let column = column(&real).unwrap();
        assert_eq!(column.options, Some(vec![1, 2, 3]));
        assert_eq!(
            column.choices,
            vec![ChoiceOption { value: 1, label: "Accounting".into() }, ChoiceOption { value: 2, label: "Agriculture".into() }]
        );
        let entity = json!({"LogicalName": "cr1_task", "EntitySetName": "cr1_tasks", "PrimaryIdAttribute": "cr1_taskid",
            "Attributes": [{"LogicalName": "cr1_project", "AttributeType": "Lookup", "Targets": ["cr1_project"]}],
            "ManyToOneRelationships": [
                {"ReferencingAttribute": "cr1_project", "ReferencedEntity": "cr1_project", "ReferencingEntityNavigationPropertyName": "cr1_Project"},
                {"ReferencingAttribute": "createdby", "ReferencedEntity": "systemuser", "ReferencingEntityNavigationPropertyName": "createdby"}
            ]});
        let task = table(&entity).unwrap();
        assert_eq!(task.columns[0].navigation, vec![LookupNavigation { target: "cr1_project".into(), property: "cr1_Project".into() }]);
        let short = json!({"LogicalName": "x", "AttributeType": "Picklist", "OptionValues": [5, 6]});
        let column = super::column(&short).unwrap();
        assert_eq!((column.options, column.choices), (Some(vec![5, 6]), vec![]));
    }
}
