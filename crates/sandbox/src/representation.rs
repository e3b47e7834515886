//! Rows as the Web API writes them: `@odata.etag`, the selected columns (lookups as
//! `_<name>_value`), the primary id always; and the `@odata.context` URLs.

use serde_json::{Map, Value as Json};

use crate::metadata::{Metadata, TableMeta};
use crate::odata::expand::ExpandItem;
use crate::operations::Expanded;
use crate::store::rows::StoredRow;
use crate::values;

pub const API_PATH: &str = "/api/data/v9.2";

/// The JSON object for a row; `selection` None means every column.
pub fn row_json(table: &TableMeta, row: &StoredRow, selection: Option<&[usize]>) -> Map<String, Json> {
    let mut object = Map::new();
    // Tables without a row version (audit) have no ETag.
    if table.has_column("versionnumber") {
        object.insert("@odata.etag".into(), Json::String(row.etag(table)));
    }
    for index in selected_columns(table, selection) {
        let column = &table.columns[index];
        object.insert(column.property_name(), values::sql_to_json(column, &row.values[index]));
    }
    // The primary key comes back whether selected or not.
    let primary = &table.columns[0];
    object.entry(primary.property_name()).or_insert_with(|| values::sql_to_json(primary, &row.values[0]));
    object
}

/// The column indexes a `$select` chose, or every column.
pub fn selected_columns<'a>(table: &TableMeta, selection: Option<&'a [usize]>) -> Box<dyn Iterator<Item = usize> + 'a> {
    match selection {
        Some(columns) => Box::new(columns.iter().copied()),
        None => Box::new(0..table.columns.len()),
    }
}

/// `…/$metadata#contacts(fullname,emailaddress1)`: what a collection response describes.
pub fn collection_context(base_url: &str, table: &TableMeta, select: Option<&str>) -> String {
    match select.map(|s| s.split(',').map(str::trim).collect::<Vec<_>>().join(",")) {
        Some(list) if !list.is_empty() && list != "*" => {
            format!("{base_url}{API_PATH}/$metadata#{}({list})", table.entity_set_name)
        }
        _ => format!("{base_url}{API_PATH}/$metadata#{}", table.entity_set_name),
    }
}

/// The expanded navigation properties of one row: an object or null for a single-valued one,
/// an array for a collection-valued one.
pub fn expanded_json(metadata: &Metadata, items: &[ExpandItem], expanded: &[Expanded]) -> Map<String, Json> {
    let mut object = Map::new();
    for (item, related) in items.iter().zip(expanded) {
        let table = metadata.table(item.table);
        let value = match related {
            Expanded::Single(None) => Json::Null,
            Expanded::Single(Some(row)) => Json::Object(row_json(table, row, item.select.as_deref())),
            Expanded::Collection(rows) => {
                rows.iter().map(|row| Json::Object(row_json(table, row, item.select.as_deref()))).collect()
            }
        };
        object.insert(item.property.clone(), value);
    }
    object
}

/// `…/$metadata#accounts(name,primarycontactid(fullname))`: the selected columns and, per
/// expanded navigation property, its own selection (empty parentheses for all columns).
pub fn expanded_collection_context(base_url: &str, table: &TableMeta, select: Option<&str>, items: &[ExpandItem]) -> String {
    if items.is_empty() {
        return collection_context(base_url, table, select);
    }
    let mut parts: Vec<String> = select
        .map(|s| s.split(',').map(str::trim).filter(|p| !p.is_empty() && *p != "*").map(str::to_string).collect())
        .unwrap_or_default();
    for item in items {
        let inner = item.select_text.as_deref().map(|s| s.split(',').map(str::trim).collect::<Vec<_>>().join(","));
        parts.push(format!("{}({})", item.property, inner.unwrap_or_default()));
    }
    format!("{base_url}{API_PATH}/$metadata#{}({})", table.entity_set_name, parts.join(","))
}

pub fn entity_context(base_url: &str, table: &TableMeta, select: Option<&str>) -> String {
    format!("{}/$entity", collection_context(base_url, table, select))
}

/// `…/api/data/v9.2/contacts(<id>)`: the OData-EntityId of a row.
pub fn entity_id(base_url: &str, table: &TableMeta, id: impl std::fmt::Display) -> String {
    format!("{base_url}{API_PATH}/{}({id})", table.entity_set_name)
}
