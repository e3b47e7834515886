//! List rows with FetchXML: the read privilege on every table the query touches, the
//! caller's read filter on each (in the plan), then one page by paging cookie or page number.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection};
use serde_json::{Map, Value as Json};

use crate::api_error::ApiError;
use crate::fetchxml::model::Fetch;
use crate::fetchxml::{cookie, plan};
use crate::metadata::{ColumnMeta, Metadata, TableMeta};
use crate::odata::options::MAX_PAGE_SIZE;
use crate::odata::paging;
use crate::scenario::Right;
use crate::security::Caller;
use crate::sql::SqlFragment;
use crate::values;

#[derive(Debug)]
pub struct FetchPage {
    /// Rows as the Web API returns FetchXML results: null values left out.
    pub rows: Vec<Map<String, Json>>,
    pub page: usize,
    /// More rows follow this page (paged queries only).
    pub more: bool,
    /// The paging cookie of this page, while more rows follow.
    pub cookie: Option<String>,
    /// Every matching row the caller may read (at most 5,000), when asked for.
    pub total: Option<i64>,
}

pub fn fetch(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    fetch: &Fetch,
    want_total: bool,
) -> Result<FetchPage, ApiError> {
    for index in plan::tables_of(metadata, fetch)? {
        caller.require_privilege(conn, metadata.table(index), Right::Read)?;
    }
    let plan = plan::build(metadata, caller, table, fetch)?;
    let main = metadata.table(plan.main);

    // `top` returns at most that many rows and never pages; otherwise pages of `count`.
    let (size, paged) = match fetch.top {
        Some(top) => (top.min(MAX_PAGE_SIZE), false),
        None => (fetch.count.unwrap_or(MAX_PAGE_SIZE).min(MAX_PAGE_SIZE), true),
    };
    let page = if paged { fetch.page.unwrap_or(1) } else { 1 };
    let key_columns: Option<Vec<&ColumnMeta>> =
        plan.keyset.as_ref().map(|keys| keys.iter().map(|&i| &main.columns[i]).collect());
    let key_sql: Vec<(String, bool)> = plan.order.clone();

    let mut condition = plan.condition.clone();
    let mut offset = 0usize;
    if paged && page > 1 {
        // The cookie of the previous page continues after its last row; without one (or with
        // one from another query) the page is found by its number.
        let after = match (&key_columns, &fetch.paging_cookie) {
            (Some(keys), Some(text)) => cookie::decode(text, keys).filter(|(p, _)| *p + 1 == page).map(|(_, last)| last),
            _ => None,
        };
        match after {
            Some(last) => condition = SqlFragment::all(vec![condition, paging::after(&key_sql, &last)]),
            None => offset = (page - 1).saturating_mul(size),
        }
    }

    let mut columns: Vec<String> = plan.outputs.iter().map(|o| o.sql.clone()).collect();
    let key_at = columns.len();
    if let Some(keys) = &key_columns {
        columns.extend(keys.iter().map(|c| plan::column_sql("t0", c)));
    }
    let distinct = if fetch.distinct { "DISTINCT " } else { "" };
    let order_by = if key_sql.is_empty() {
        String::new()
    } else {
        let keys: Vec<String> = key_sql.iter().map(|(c, desc)| format!("{c} {}", if *desc { "DESC" } else { "ASC" })).collect();
        format!(" ORDER BY {}", keys.join(", "))
    };
    let sql = format!(
        "SELECT {distinct}{} FROM {} WHERE {}{order_by} LIMIT {} OFFSET {offset}",
        columns.join(", "),
        plan.from.sql,
        condition.sql,
        size + 1
    );
    let params: Vec<SqlValue> = plan.from.params.iter().chain(condition.params.iter()).cloned().collect();
    let mut statement = conn.prepare(&sql)?;
    let width = columns.len();
    let mut found: Vec<Vec<SqlValue>> = statement
        .query_map(params_from_iter(params.iter()), |row| (0..width).map(|i| row.get::<_, SqlValue>(i)).collect())?
        .collect::<Result<_, _>>()?;
    let more = paged && found.len() > size;
    found.truncate(size);

    let cookie = match (more, &key_columns, found.first(), found.last()) {
        (true, Some(keys), Some(first), Some(last)) => Some(cookie::encode(page, keys, &first[key_at..], &last[key_at..])),
        // Offset-paged queries (distinct, link-entities) still hand out a cookie with the page.
        (true, _, _, _) => Some(format!("<cookie page=\"{page}\" />")),
        _ => None,
    };

    let rows = found.iter().map(|values| row_json(&plan, values)).collect();
    let total = if want_total {
        let count_sql = format!(
            "SELECT COUNT(*) FROM (SELECT {distinct}{} FROM {} WHERE {})",
            columns[..key_at.max(1)].join(", "),
            plan.from.sql,
            plan.condition.sql
        );
        let params: Vec<SqlValue> = plan.from.params.iter().chain(plan.condition.params.iter()).cloned().collect();
        let count: i64 = conn.prepare(&count_sql)?.query_row(params_from_iter(params.iter()), |row| row.get(0))?;
        Some(count)
    } else {
        None
    };
    Ok(FetchPage { rows, page, more, cookie, total })
}

fn row_json(plan: &plan::Plan, values: &[SqlValue]) -> Map<String, Json> {
    let mut object = Map::new();
    if let Some(SqlValue::Integer(version)) = plan.version_output.map(|i| &values[i]) {
        object.insert("@odata.etag".into(), Json::String(format!("W/\"{version}\"")));
    }
    for (output, value) in plan.outputs.iter().zip(values) {
        // FetchXML results leave out null values (OData lists include them).
        if output.hidden || matches!(value, SqlValue::Null) {
            continue;
        }
        object.insert(output.key.clone(), values::sql_to_json(&output.column, value));
    }
    object
}
