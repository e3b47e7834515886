//! Server-driven paging: the opaque `$skiptoken` of `@odata.nextLink` and the keyset condition
//! that continues after it.
//!
//! The token holds the sort-key values of the last row served (with the primary id as the final
//! key), not an offset: rows created or deleted between pages then neither repeat nor go
//! missing among the rest, as with Dataverse's paging cookie.

use rusqlite::types::Value as SqlValue;
use serde_json::{json, Value as Json};

use crate::sql::SqlFragment;

#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The page the token leads to (2 for the first nextLink).
    pub page: u64,
    pub last_keys: Vec<SqlValue>,
}

pub fn encode(cursor: &Cursor) -> String {
    let keys: Vec<Json> = cursor
        .last_keys
        .iter()
        .map(|v| match v {
            SqlValue::Null => json!(["n"]),
            SqlValue::Integer(i) => json!(["i", i]),
            SqlValue::Real(f) => json!(["r", f]),
            SqlValue::Text(t) => json!(["t", t]),
            SqlValue::Blob(_) => json!(["n"]),
        })
        .collect();
    let text = json!({ "page": cursor.page, "keys": keys }).to_string();
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Reads a token made by [`encode`] for a query sorted by `key_count` keys.
pub fn decode(token: &str, key_count: usize) -> Result<Cursor, String> {
    let invalid =
        || "The $skiptoken is not valid for this query; follow @odata.nextLink exactly as it was returned".to_string();
    if !token.len().is_multiple_of(2) || token.len() > 200_000 {
        return Err(invalid());
    }
    let bytes: Vec<u8> = (0..token.len())
        .step_by(2)
        .map(|i| token.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect::<Option<_>>()
        .ok_or_else(invalid)?;
    let value: Json = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    let page = value.get("page").and_then(Json::as_u64).ok_or_else(invalid)?;
    let keys = value.get("keys").and_then(Json::as_array).ok_or_else(invalid)?;
    if keys.len() != key_count {
        return Err(invalid());
    }
    let mut last_keys = Vec::new();
    for key in keys {
        let parts = key.as_array().ok_or_else(invalid)?;
        let value = match (parts.first().and_then(Json::as_str), parts.get(1)) {
            (Some("n"), None) => SqlValue::Null,
            (Some("i"), Some(v)) => SqlValue::Integer(v.as_i64().ok_or_else(invalid)?),
            (Some("r"), Some(v)) => SqlValue::Real(v.as_f64().ok_or_else(invalid)?),
            (Some("t"), Some(v)) => SqlValue::Text(v.as_str().ok_or_else(invalid)?.to_string()),
            _ => return Err(invalid()),
        };
        last_keys.push(value);
    }
    Ok(Cursor { page, last_keys })
}

/// The condition for rows that sort after `last` under `keys` (quoted column, descending).
/// SQLite sorts NULL first ascending and last descending; the condition follows that order.
pub fn after(keys: &[(String, bool)], last: &[SqlValue]) -> SqlFragment {
    let mut alternatives = Vec::new();
    for (i, ((column, descending), value)) in keys.iter().zip(last).enumerate() {
        let mut parts: Vec<SqlFragment> = keys[..i]
            .iter()
            .zip(last)
            .map(|((earlier, _), earlier_value)| {
                SqlFragment::new(format!("{earlier} IS ?"), vec![earlier_value.clone()])
            })
            .collect();
        let strictly_after = match (descending, value) {
            (false, SqlValue::Null) => SqlFragment::new(format!("{column} IS NOT NULL"), vec![]),
            (false, v) => SqlFragment::new(format!("{column} > ?"), vec![v.clone()]),
            (true, SqlValue::Null) => SqlFragment::never(),
            (true, v) => SqlFragment::new(format!("{column} < ? OR {column} IS NULL"), vec![v.clone()]),
        };
        parts.push(strictly_after);
        alternatives.push(SqlFragment::all(parts));
    }
    SqlFragment::any(alternatives)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        let cursor = Cursor {
            page: 3,
            last_keys: vec![
                SqlValue::Null,
                SqlValue::Integer(-4),
                SqlValue::Real(1.25),
                SqlValue::Text("a'b\"c".into()),
            ],
        };
        assert_eq!(decode(&encode(&cursor), 4).unwrap(), cursor);
    }

    #[test]
    fn tampered_or_foreign_tokens_are_refused() {
        let token = encode(&Cursor { page: 2, last_keys: vec![SqlValue::Text("x".into())] });
        assert!(decode(&token, 2).is_err(), "key count must match the query");
        assert!(decode("zz", 1).is_err());
        assert!(decode("abc", 1).is_err());
        assert!(decode("7b7d", 1).is_err());
        assert!(decode("", 1).is_err());
    }

    #[test]
    fn keyset_condition_handles_directions_and_nulls() {
        let keys = vec![("\"a\"".to_string(), false), ("\"b\"".to_string(), true), ("\"id\"".to_string(), false)];
        let f = after(&keys, &[SqlValue::Integer(1), SqlValue::Null, SqlValue::Text("x".into())]);
        assert_eq!(
            f.sql,
            "((\"a\" > ?)) OR ((\"a\" IS ?) AND (0)) OR ((\"a\" IS ?) AND (\"b\" IS ?) AND (\"id\" > ?))"
        );
        assert_eq!(f.params.len(), 5);
    }

    #[test]
    fn keyset_condition_selects_exactly_the_rows_after() {
        // Checked against SQLite itself: for every row as the cursor, "after" must give
        // exactly the rows that follow it in ORDER BY.
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (a INTEGER, b TEXT COLLATE NOCASE, id TEXT);
             INSERT INTO t VALUES (1,'x','1'),(1,NULL,'2'),(NULL,'y','3'),(2,'X','4'),(2,'a','5'),(NULL,NULL,'6'),(1,'x','7');",
        )
        .unwrap();
        let keys = vec![("a".to_string(), true), ("b".to_string(), false), ("id".to_string(), false)];
        let ordered: Vec<(SqlValue, SqlValue, SqlValue)> = conn
            .prepare("SELECT a, b, id FROM t ORDER BY a DESC, b ASC, id ASC")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (i, (a, b, id)) in ordered.iter().enumerate() {
            let condition = after(&keys, &[a.clone(), b.clone(), id.clone()]);
            let sql = format!("SELECT id FROM t WHERE {} ORDER BY a DESC, b ASC, id ASC", condition.sql);
            let rest: Vec<SqlValue> = conn
                .prepare(&sql)
                .unwrap()
                .query_map(rusqlite::params_from_iter(condition.params.iter()), |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let expected: Vec<SqlValue> = ordered[i + 1..].iter().map(|(_, _, id)| id.clone()).collect();
            assert_eq!(rest, expected, "after row {i}");
        }
    }
}
