//! Converting column values between Web API JSON and what the store keeps.
//!
//! Strings, memos and GUIDs are TEXT; integers, choices, booleans (0/1) and versions are
//! INTEGER; decimals and money are REAL (exact decimals are beyond this sandbox); date-times are
//! TEXT in the fixed UTC form of [`crate::datetime`].

use rusqlite::types::Value as SqlValue;
use serde_json::Value as Json;

use crate::datetime;
use crate::guid::Guid;
use crate::metadata::{ColumnKind, ColumnMeta};

/// Converts a payload value for `column`; the error says what was expected and what came.
pub fn json_to_sql(column: &ColumnMeta, table: &str, value: &Json) -> Result<SqlValue, String> {
    if value.is_null() {
        return Ok(SqlValue::Null);
    }
    let wrong = |expected: &str| {
        format!(
            "Cannot convert the value {} for column '{}' of table '{}': expected {} ({}).",
            short(value),
            column.name,
            table,
            expected,
            column.edm_type()
        )
    };
    match &column.kind {
        ColumnKind::String { max_length } | ColumnKind::Memo { max_length } => {
            let text = value.as_str().ok_or_else(|| wrong("a string"))?;
            if text.chars().count() > *max_length as usize {
                // Dataverse's own wording for this validation error.
                return Err(format!(
                    "A validation error occurred. The length of the '{}' attribute of the '{}' entity exceeded the maximum allowed length of '{}'.",
                    column.name, table, max_length
                ));
            }
            Ok(SqlValue::Text(text.to_string()))
        }
        ColumnKind::Integer => {
            let n = value.as_i64().ok_or_else(|| wrong("a whole number"))?;
            let n = i32::try_from(n).map_err(|_| wrong("a whole number between -2147483648 and 2147483647"))?;
            Ok(SqlValue::Integer(n.into()))
        }
        ColumnKind::BigInt => value.as_i64().map(SqlValue::Integer).ok_or_else(|| wrong("a whole number")),
        ColumnKind::Decimal | ColumnKind::Money => {
            value.as_f64().filter(|f| f.is_finite()).map(SqlValue::Real).ok_or_else(|| wrong("a number"))
        }
        ColumnKind::Boolean => {
            value.as_bool().map(|b| SqlValue::Integer(b.into())).ok_or_else(|| wrong("true or false"))
        }
        ColumnKind::DateTime => {
            let text = value.as_str().ok_or_else(|| wrong("a date-time string"))?;
            datetime::normalize(text)
                .map(SqlValue::Text)
                .map_err(|e| format!("Cannot convert the value for column '{}' of table '{}': {e}", column.name, table))
        }
        ColumnKind::Choice { options } => {
            let n = value
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| wrong("an option value (a whole number)"))?;
            if !options.contains(&n) {
                let accepted: Vec<String> = options.iter().map(|o| o.to_string()).collect();
                // Dataverse's wording for a value outside the option set.
                return Err(format!(
                    "A validation error occurred. The value {n} of '{}' on record of type '{}' is outside the valid range. Accepted Values: {}",
                    column.name,
                    table,
                    accepted.join(",")
                ));
            }
            Ok(SqlValue::Integer(n.into()))
        }
        ColumnKind::Guid | ColumnKind::PrimaryKey => {
            let text = value.as_str().ok_or_else(|| wrong("a GUID string"))?;
            let id = Guid::parse(text).map_err(|e| format!("Column '{}' of table '{}': {e}", column.name, table))?;
            Ok(SqlValue::Text(id.to_string()))
        }
        ColumnKind::Lookup { .. } | ColumnKind::Owner => Err(format!(
            "'{}' is a lookup: set it with \"<navigation property>@odata.bind\": \"/<entity set>(<id>)\"",
            column.name
        )),
    }
}

/// The Web API JSON for a stored value.
pub fn sql_to_json(column: &ColumnMeta, value: &SqlValue) -> Json {
    match (value, &column.kind) {
        (SqlValue::Null, _) => Json::Null,
        (SqlValue::Integer(n), ColumnKind::Boolean) => Json::Bool(*n != 0),
        (SqlValue::Integer(n), ColumnKind::Decimal | ColumnKind::Money) => Json::from(*n as f64),
        (SqlValue::Integer(n), _) => Json::from(*n),
        (SqlValue::Real(f), _) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        (SqlValue::Text(t), _) => Json::String(t.clone()),
        // The store never writes blobs; show one rather than fail if a file was edited by hand.
        (SqlValue::Blob(b), _) => Json::String(format!("<{} bytes>", b.len())),
    }
}

/// A value as it may be quoted in an error message: short, and never a whole document.
fn short(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(kind: ColumnKind) -> ColumnMeta {
        ColumnMeta { name: "c".into(), kind, system: false }
    }

    #[test]
    fn enforces_string_length_in_characters() {
        let c = column(ColumnKind::String { max_length: 3 });
        assert!(json_to_sql(&c, "t", &Json::from("äöü")).is_ok());
        let err = json_to_sql(&c, "t", &Json::from("abcd")).unwrap_err();
        assert!(err.contains("exceeded the maximum allowed length of '3'"), "{err}");
    }

    #[test]
    fn refuses_choice_values_outside_the_options() {
        let c = column(ColumnKind::Choice { options: vec![1, 2] });
        let err = json_to_sql(&c, "contact", &Json::from(9)).unwrap_err();
        assert!(err.contains("Accepted Values: 1,2"), "{err}");
    }

    #[test]
    fn integers_must_fit_int32() {
        let c = column(ColumnKind::Integer);
        assert!(json_to_sql(&c, "t", &Json::from(3_000_000_000i64)).is_err());
        assert!(json_to_sql(&c, "t", &Json::from(1.5)).is_err());
    }

    #[test]
    fn booleans_round_trip() {
        let c = column(ColumnKind::Boolean);
        let stored = json_to_sql(&c, "t", &Json::Bool(true)).unwrap();
        assert_eq!(sql_to_json(&c, &stored), Json::Bool(true));
    }
}
