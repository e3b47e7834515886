//! List rows (GET on an entity set): filter, security filter, order, paging and count.

use rusqlite::{params_from_iter, Connection};

use crate::api_error::ApiError;
use crate::metadata::{quote_ident, TableMeta};
use crate::odata::options::{OrderKey, MAX_PAGE_SIZE};
use crate::odata::paging::{self, Cursor};
use crate::scenario::Right;
use crate::security::Caller;
use crate::sql::SqlFragment;
use crate::store::rows::{self, StoredRow};

#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub filter: Option<SqlFragment>,
    pub order: Vec<OrderKey>,
    pub top: Option<usize>,
    pub count: bool,
    /// `Prefer: odata.maxpagesize`, already limited to 1..=5000.
    pub max_page_size: Option<usize>,
    pub skiptoken: Option<String>,
}

#[derive(Debug)]
pub struct ListPage {
    pub rows: Vec<StoredRow>,
    /// `@odata.count` when asked for: every matching row the caller may read.
    pub count: Option<i64>,
    /// The `$skiptoken` of the next page, while rows remain.
    pub next: Option<String>,
}

pub fn list(
    conn: &Connection,
    caller: &Caller,
    table: &TableMeta,
    request: &ListRequest,
) -> Result<ListPage, ApiError> {
    // A caller without the read privilege gets the privilege error; a caller who has it gets
    // only the rows its depth reaches (reference §2.4).
    caller.require_privilege(conn, table, Right::Read)?;
    let mut conditions: Vec<SqlFragment> = request.filter.iter().cloned().collect();
    conditions.extend(caller.read_filter(table));

    // The primary id ends every order, so that the order is total and paging is exact.
    let mut keys: Vec<(String, bool)> =
        request.order.iter().map(|k| (quote_ident(&table.columns[k.column].name), k.descending)).collect();
    if !request.order.iter().any(|k| k.column == 0) {
        keys.push((quote_ident(&table.primary_id), false));
    }

    let count = if request.count { Some(count_rows(conn, table, &conditions)?) } else { None };

    let mut page_number = 1;
    let mut paged_conditions = conditions.clone();
    if let Some(token) = &request.skiptoken {
        let cursor = paging::decode(token, keys.len()).map_err(ApiError::query)?;
        page_number = cursor.page;
        paged_conditions.push(paging::after(&keys, &cursor.last_keys));
    }

    // Paging applies with a page-size preference (and then $top is ignored) or past 5,000
    // rows; $top alone returns at most that many rows and no nextLink.
    let (limit, pages) = match (request.max_page_size, request.top) {
        (Some(size), _) => (size, true),
        (None, Some(top)) => (top, false),
        (None, None) => (MAX_PAGE_SIZE, true),
    };
    let condition = SqlFragment::all(paged_conditions);
    let order_by: Vec<String> =
        keys.iter().map(|(c, desc)| format!("{c} {}", if *desc { "DESC" } else { "ASC" })).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {}",
        rows::select_list(table),
        quote_ident(&table.logical_name),
        condition.sql,
        order_by.join(", "),
        limit + 1
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let mut found: Vec<StoredRow> = statement
        .query_map(params_from_iter(condition.params.iter()), |row| rows::read(row, table))?
        .collect::<Result<_, _>>()?;
    let more = found.len() > limit;
    found.truncate(limit);

    let next = match (more && pages, found.last()) {
        (true, Some(last)) => {
            let last_keys = keys
                .iter()
                .map(|(quoted, _)| {
                    let index = table
                        .columns
                        .iter()
                        .position(|c| quote_ident(&c.name) == *quoted)
                        .expect("keys come from this table");
                    last.values[index].clone()
                })
                .collect();
            Some(paging::encode(&Cursor { page: page_number + 1, last_keys }))
        }
        _ => None,
    };
    Ok(ListPage { rows: found, count, next })
}

fn count_rows(conn: &Connection, table: &TableMeta, conditions: &[SqlFragment]) -> Result<i64, ApiError> {
    let condition = SqlFragment::all(conditions.to_vec());
    let sql = format!("SELECT COUNT(*) FROM {} WHERE {}", quote_ident(&table.logical_name), condition.sql);
    let count: i64 = conn.prepare_cached(&sql)?.query_row(params_from_iter(condition.params.iter()), |row| row.get(0))?;
    // Dataverse counts at most 5,000 rows.
    Ok(count.min(MAX_PAGE_SIZE as i64))
}
