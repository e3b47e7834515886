//! System query options ($select, $filter, $orderby, $top, $count, $skiptoken, $expand) read from the
//! URL and checked against the table.

use crate::api_error::ApiError;
use crate::metadata::TableMeta;
use crate::odata::filter;
use crate::odata::translate::{self, MeaningError};
use crate::sql::SqlFragment;

/// Dataverse's cap on rows per page and on `$top`.
pub const MAX_PAGE_SIZE: usize = 5000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryOptions {
    pub select: Option<String>,
    pub filter: Option<String>,
    pub orderby: Option<String>,
    pub top: Option<String>,
    pub count: Option<String>,
    pub skiptoken: Option<String>,
    pub expand: Option<String>,
    /// `fetchXml`: a FetchXML query instead of the OData options.
    pub fetch_xml: Option<String>,
    /// Every decoded pair in order; a nextLink repeats them with a new $skiptoken.
    pub pairs: Vec<(String, String)>,
}

/// Reads the query string. Option names are case-sensitive, as in Dataverse.
pub fn parse_query(raw: Option<&str>) -> Result<QueryOptions, ApiError> {
    let mut options = QueryOptions::default();
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let (name, value) = (name.into_owned(), value.into_owned());
        let slot = match name.as_str() {
            "$select" => &mut options.select,
            "$filter" => &mut options.filter,
            "$orderby" => &mut options.orderby,
            "$top" => &mut options.top,
            "$count" => &mut options.count,
            "$skiptoken" => &mut options.skiptoken,
            "$expand" => &mut options.expand,
            "fetchXml" => &mut options.fetch_xml,
            "$apply" | "savedQuery" | "userQuery" => {
                return Err(ApiError::not_implemented(format!("The query option {name}")));
            }
            n if n.starts_with('$') => {
                // Dataverse's wording for $skip, $search, $format and unknown options.
                return Err(ApiError::query(format!("The query parameter {n} is not supported")));
            }
            n if n.starts_with('@') => {
                return Err(ApiError::not_implemented(format!("The parameter alias {n}")));
            }
            // Custom query options are allowed by OData and mean nothing here.
            _ => {
                options.pairs.push((name, value));
                continue;
            }
        };
        if slot.is_some() {
            return Err(ApiError::query(format!(
                "Query option '{name}' was specified more than once, but it must be specified at most once."
            )));
        }
        *slot = Some(value.clone());
        options.pairs.push((name, value));
    }
    if options.fetch_xml.is_some() {
        // FetchXML carries its own columns, filter, order and paging.
        for (name, given) in [
            ("$select", &options.select),
            ("$filter", &options.filter),
            ("$orderby", &options.orderby),
            ("$top", &options.top),
            ("$skiptoken", &options.skiptoken),
        ] {
            if given.is_some() {
                return Err(ApiError::query(format!(
                    "The query option {name} cannot be combined with fetchXml; put it in the FetchXML instead"
                )));
            }
        }
    }
    Ok(options)
}

impl QueryOptions {
    /// Options a single-row request cannot take.
    pub fn refuse_collection_options(&self) -> Result<(), ApiError> {
        for (name, given) in [
            ("$filter", &self.filter),
            ("$orderby", &self.orderby),
            ("$top", &self.top),
            ("$count", &self.count),
            ("$skiptoken", &self.skiptoken),
            ("fetchXml", &self.fetch_xml),
        ] {
            if given.is_some() {
                return Err(ApiError::query(format!(
                    "The query option {name} applies to collections, not to a single row"
                )));
            }
        }
        Ok(())
    }
}

/// Which columns to return (indexes into the table's columns); None means all.
pub fn resolve_select(table: &TableMeta, select: Option<&str>) -> Result<Option<Vec<usize>>, ApiError> {
    let Some(text) = select else { return Ok(None) };
    let mut columns = Vec::new();
    for item in text.split(',') {
        let item = item.trim();
        if item == "*" {
            return Ok(None);
        }
        if item.is_empty() {
            return Err(ApiError::query(format!("$select '{text}' has an empty item")));
        }
        let column = translate::resolve_property(table, item, 0)
            .map_err(|e| ApiError::query(format!("{} (in $select)", e.message)))?;
        let index = table.columns.iter().position(|c| c.name == column.name).expect("resolved from this table");
        if !columns.contains(&index) {
            columns.push(index);
        }
    }
    Ok(Some(columns))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderKey {
    pub column: usize,
    pub descending: bool,
}

pub fn resolve_orderby(table: &TableMeta, orderby: Option<&str>) -> Result<Vec<OrderKey>, ApiError> {
    let Some(text) = orderby else { return Ok(Vec::new()) };
    let mut keys = Vec::new();
    for item in text.split(',') {
        let words: Vec<&str> = item.split_whitespace().collect();
        let (property, descending) = match words.as_slice() {
            [property] => (*property, false),
            [property, "asc"] => (*property, false),
            [property, "desc"] => (*property, true),
            [] => return Err(ApiError::query(format!("$orderby '{text}' has an empty item"))),
            _ => {
                return Err(ApiError::query(format!(
                    "$orderby item '{}' must be a property, optionally followed by asc or desc",
                    item.trim()
                )))
            }
        };
        let column = translate::resolve_property(table, property, 0)
            .map_err(|e| ApiError::query(format!("{} (in $orderby)", e.message)))?;
        let index = table.columns.iter().position(|c| c.name == column.name).expect("resolved from this table");
        keys.push(OrderKey { column: index, descending });
    }
    Ok(keys)
}

pub fn resolve_top(top: Option<&str>) -> Result<Option<usize>, ApiError> {
    let Some(text) = top else { return Ok(None) };
    match text.trim().parse::<usize>() {
        Ok(n) => Ok(Some(n.min(MAX_PAGE_SIZE))),
        Err(_) => Err(ApiError::query(format!(
            "Invalid value '{text}' for $top query option found. The $top query option requires a non-negative integer value."
        ))),
    }
}

pub fn resolve_count(count: Option<&str>) -> Result<bool, ApiError> {
    match count {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => {
            Err(ApiError::query(format!("'{other}' is not a valid count option; use $count=true or $count=false")))
        }
    }
}

/// Parses and translates `$filter`; errors say what is wrong and where.
pub fn resolve_filter(table: &TableMeta, filter_text: Option<&str>) -> Result<Option<SqlFragment>, ApiError> {
    let Some(text) = filter_text else { return Ok(None) };
    let expr = filter::parse(text).map_err(|e| ApiError::query(e.describe(text)))?;
    let sql = translate::translate(&expr, table).map_err(|e: MeaningError| ApiError::query(e.describe(text)))?;
    Ok(Some(sql))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Metadata;
    use crate::scenario::Scenario;

    #[test]
    fn decodes_options_and_keeps_custom_ones() {
        let o =
            parse_query(Some("$select=fullname,firstname&$filter=firstname%20eq%20'A%26B'&$top=5&custom=1")).unwrap();
        assert_eq!(o.select.as_deref(), Some("fullname,firstname"));
        assert_eq!(o.filter.as_deref(), Some("firstname eq 'A&B'"));
        assert_eq!(o.pairs.len(), 4);
    }

    #[test]
    fn refuses_unsupported_and_repeated_options() {
        assert_eq!(parse_query(Some("$skip=2")).unwrap_err().message, "The query parameter $skip is not supported");
        assert!(parse_query(Some("$top=1&$top=2")).unwrap_err().message.contains("more than once"));
        assert_eq!(parse_query(Some("$apply=x")).unwrap_err().status, 501);
    }

    #[test]
    fn select_and_orderby_check_properties() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let contact = metadata.by_logical_name("contact").unwrap();
        assert_eq!(resolve_select(contact, Some("fullname, _parentcustomerid_value")).unwrap().unwrap().len(), 2);
        let err = resolve_select(contact, Some("fullname,nickname")).unwrap_err();
        assert!(err.message.contains("'nickname'") && err.message.contains("$select"), "{}", err.message);
        let keys = resolve_orderby(contact, Some("lastname desc, firstname")).unwrap();
        assert!(keys[0].descending && !keys[1].descending);
        assert!(resolve_orderby(contact, Some("lastname descending")).unwrap_err().message.contains("asc or desc"));
    }

    #[test]
    fn top_and_count_values_are_checked() {
        assert_eq!(resolve_top(Some("10")).unwrap(), Some(10));
        assert_eq!(resolve_top(Some("99999")).unwrap(), Some(MAX_PAGE_SIZE));
        assert!(resolve_top(Some("-1")).unwrap_err().message.contains("non-negative integer"));
        assert!(resolve_count(Some("yes")).is_err());
    }
}
