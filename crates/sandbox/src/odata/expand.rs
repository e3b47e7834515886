//! `$expand` (one level, reference §1.3/§1.5): `primarycontactid($select=fullname)` on a
//! single-valued navigation property, `contact_customer_accounts($select=…;$filter=…;$orderby=…;$top=…)`
//! on a collection-valued one. Resolved against the metadata before the store is touched.

use crate::api_error::ApiError;
use crate::metadata::{Metadata, TableMeta};
use crate::odata::options::{self, OrderKey};
use crate::sql::SqlFragment;

/// One expanded navigation property, resolved.
#[derive(Debug, Clone)]
pub struct ExpandItem {
    /// The navigation property as the request names it, which is the key in the answer.
    pub property: String,
    pub kind: ExpandKind,
    /// The related table (index into the metadata).
    pub table: usize,
    /// Columns of the related table to return; None means all.
    pub select: Option<Vec<usize>>,
    /// The `$select` text, for `@odata.context`.
    pub select_text: Option<String>,
    pub filter: Option<SqlFragment>,
    pub order: Vec<OrderKey>,
    pub top: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpandKind {
    /// The row's lookup column (index into this table's columns).
    Single { column: usize },
    /// A relationship (index into the metadata's) whose rows point at this row.
    Collection { relationship: usize },
}

/// Parses and resolves `$expand` for `table`; an empty list when absent.
pub fn resolve_expand(metadata: &Metadata, table: &TableMeta, expand: Option<&str>) -> Result<Vec<ExpandItem>, ApiError> {
    let Some(text) = expand else { return Ok(Vec::new()) };
    let mut items: Vec<ExpandItem> = Vec::new();
    for part in split_top_level(text, ',').map_err(ApiError::query)? {
        let part = part.trim();
        if part.is_empty() {
            return Err(ApiError::query(format!("$expand '{text}' has an empty item")));
        }
        let (name, inner) = match part.split_once('(') {
            Some((name, rest)) => {
                let inner = rest.strip_suffix(')').ok_or_else(|| {
                    ApiError::query(format!("The $expand item '{part}' has no closing parenthesis."))
                })?;
                (name.trim(), Some(inner))
            }
            None => (part, None),
        };
        if items.iter().any(|i| i.property == name) {
            return Err(ApiError::query(format!("The navigation property '{name}' is expanded more than once.")));
        }
        let item = resolve_item(metadata, table, name, inner)?;
        items.push(item);
    }
    Ok(items)
}

fn resolve_item(metadata: &Metadata, table: &TableMeta, name: &str, inner: Option<&str>) -> Result<ExpandItem, ApiError> {
    let (kind, related) = if let Some(nav) = table.navigation(name) {
        // ownerid points at a user or a team (Dataverse's `owner` type), which has no entity set.
        let target = nav.target.ok_or_else(|| {
            ApiError::not_implemented(format!("$expand of '{name}' (a user or a team)"))
        })?;
        (ExpandKind::Single { column: nav.column }, target)
    } else if let Some(relationship) = table.collection(name) {
        (ExpandKind::Collection { relationship }, metadata.relationship(relationship).referencing_table)
    } else if table.column_by_property(name).is_some() || table.column_by_name(name).is_some() {
        return Err(ApiError::query(format!(
            "Property '{name}' on type '{}' is not a navigation property or complex property. Only navigation properties can be expanded.",
            table.odata_type()
        )));
    } else {
        return Err(ApiError::query(format!("Could not find a property named '{name}' on type '{}'.", table.odata_type())));
    };
    let related_table = metadata.table(related);
    let mut item = ExpandItem {
        property: name.to_string(),
        kind,
        table: related,
        select: None,
        select_text: None,
        filter: None,
        order: Vec::new(),
        top: None,
    };
    let mut seen: Vec<&str> = Vec::new();
    for option in split_top_level(inner.unwrap_or_default(), ';').map_err(ApiError::query)? {
        let option = option.trim();
        if option.is_empty() {
            continue;
        }
        let (key, value) = option.split_once('=').ok_or_else(|| {
            ApiError::query(format!("'{option}' in $expand of '{name}' must be an option like $select=name"))
        })?;
        let key = key.trim();
        if seen.contains(&key) {
            return Err(ApiError::query(format!(
                "Query option '{key}' was specified more than once in $expand of '{name}', but it must be specified at most once."
            )));
        }
        seen.push(key);
        let single = matches!(kind, ExpandKind::Single { .. });
        match key {
            "$select" => {
                item.select = options::resolve_select(related_table, Some(value))?;
                item.select_text = Some(value.to_string());
            }
            "$filter" | "$orderby" | "$top" if single => {
                return Err(ApiError::query(format!(
                    "The query option {key} cannot be applied to the single-valued navigation property '{name}'; only $select can."
                )));
            }
            "$filter" => item.filter = options::resolve_filter(related_table, Some(value))?,
            "$orderby" => item.order = options::resolve_orderby(related_table, Some(value))?,
            "$top" => item.top = options::resolve_top(Some(value))?,
            "$expand" => return Err(ApiError::not_implemented(format!("A nested $expand (in '{name}')"))),
            other => {
                return Err(ApiError::query(format!(
                    "The query option {other} is not supported in $expand of '{name}'; use $select, $filter, $orderby or $top."
                )))
            }
        }
    }
    Ok(item)
}

/// Splits on `separator` outside parentheses and quoted text.
fn split_top_level(text: &str, separator: char) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    for (at, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("$expand '{text}' closes a parenthesis it did not open"));
                }
            }
            c if c == separator && depth == 0 && !quoted => {
                parts.push(&text[start..at]);
                start = at + c.len_utf8();
            }
            _ => {}
        }
    }
    if depth != 0 || quoted {
        return Err(format!("$expand '{text}' has an unclosed parenthesis or quote"));
    }
    parts.push(&text[start..]);
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn resolves_single_and_collection_navigation_properties_with_their_options() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let account = metadata.by_logical_name("account").unwrap();
        let items = resolve_expand(
            &metadata,
            account,
            Some("primarycontactid($select=fullname),contact_customer_accounts($select=fullname;$filter=contains(fullname,'a,b');$orderby=fullname desc;$top=2)"),
        )
        .unwrap();
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0].kind, ExpandKind::Single { .. }));
        assert_eq!(items[0].select.as_ref().unwrap().len(), 1);
        assert!(matches!(items[1].kind, ExpandKind::Collection { .. }));
        assert_eq!(items[1].table, metadata.table_index("contact").unwrap());
        assert_eq!((items[1].top, items[1].order.len(), items[1].filter.is_some()), (Some(2), 1, true));
    }

    #[test]
    fn unknown_properties_columns_and_misplaced_options_are_refused() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let contact = metadata.by_logical_name("contact").unwrap();
        let err = resolve_expand(&metadata, contact, Some("x")).unwrap_err();
        assert_eq!(err.message, "Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.contact'.");
        assert!(resolve_expand(&metadata, contact, Some("fullname")).unwrap_err().message.contains("not a navigation property"));
        let err = resolve_expand(&metadata, contact, Some("parentcustomerid_account($top=1)")).unwrap_err();
        assert!(err.message.contains("single-valued"), "{}", err.message);
        assert!(resolve_expand(&metadata, contact, Some("parentcustomerid_account($select=nope)")).is_err());
        assert!(resolve_expand(&metadata, contact, Some("parentcustomerid_account($select=name")).is_err());
        assert_eq!(resolve_expand(&metadata, contact, Some("Contact_Tasks($expand=x)")).unwrap_err().status, 501);
    }
}
