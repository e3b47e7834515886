//! A piece of SQL with its parameters. Values only ever travel as parameters; the text holds
//! identifiers from the metadata and `?` placeholders.

use rusqlite::types::Value as SqlValue;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlFragment {
    pub sql: String,
    pub params: Vec<SqlValue>,
}

impl SqlFragment {
    pub fn new(sql: impl Into<String>, params: Vec<SqlValue>) -> SqlFragment {
        SqlFragment { sql: sql.into(), params }
    }

    /// Always false: what a scope that reaches no row becomes.
    pub fn never() -> SqlFragment {
        SqlFragment::new("0", Vec::new())
    }

    /// `column IN (?, ?, …)`, or false for an empty list (SQLite accepts `IN ()`, but an
    /// explicit false reads better in a query plan).
    pub fn in_list(column: &str, values: impl IntoIterator<Item = String>) -> SqlFragment {
        let params: Vec<SqlValue> = values.into_iter().map(SqlValue::Text).collect();
        if params.is_empty() {
            return SqlFragment::never();
        }
        let marks = vec!["?"; params.len()].join(", ");
        SqlFragment::new(format!("{column} IN ({marks})"), params)
    }

    /// Joins fragments with AND (true when empty).
    pub fn all(parts: Vec<SqlFragment>) -> SqlFragment {
        SqlFragment::join(parts, " AND ", "1")
    }

    /// Joins fragments with OR (false when empty).
    pub fn any(parts: Vec<SqlFragment>) -> SqlFragment {
        SqlFragment::join(parts, " OR ", "0")
    }

    fn join(parts: Vec<SqlFragment>, separator: &str, empty: &str) -> SqlFragment {
        if parts.is_empty() {
            return SqlFragment::new(empty, Vec::new());
        }
        let mut sql = Vec::new();
        let mut params = Vec::new();
        for part in parts {
            sql.push(format!("({})", part.sql));
            params.extend(part.params);
        }
        SqlFragment::new(sql.join(separator), params)
    }
}
