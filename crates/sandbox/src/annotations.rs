//! Annotations a client asks for with `Prefer: odata.include-annotations` (reference §1.10):
//! formatted values (choice labels, Yes/No, grouped numbers, currency, dates, and the primary
//! name of the row a lookup points at), and for lookups the target table and the navigation
//! property that sets them. Power Automate's Dataverse connector asks for all of them, and flows
//! read them (`_parentcustomerid_value@OData.Community.Display.V1.FormattedValue`).

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension};
use serde_json::{Map, Value as Json};

use crate::metadata::{quote_ident, ColumnKind, Metadata, TableMeta};
use crate::representation::selected_columns;
use crate::store::rows::StoredRow;

pub const FORMATTED_VALUE: &str = "OData.Community.Display.V1.FormattedValue";
pub const LOOKUP_LOGICAL_NAME: &str = "Microsoft.Dynamics.CRM.lookuplogicalname";
pub const ASSOCIATED_NAVIGATION_PROPERTY: &str = "Microsoft.Dynamics.CRM.associatednavigationproperty";

/// Which annotations the request asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wanted {
    pub formatted_values: bool,
    pub lookup_logical_names: bool,
    pub navigation_properties: bool,
}

impl Wanted {
    pub fn from(wants: impl Fn(&str) -> bool) -> Wanted {
        Wanted {
            formatted_values: wants(FORMATTED_VALUE),
            lookup_logical_names: wants(LOOKUP_LOGICAL_NAME),
            navigation_properties: wants(ASSOCIATED_NAVIGATION_PROPERTY),
        }
    }

    pub fn any(self) -> bool {
        self.formatted_values || self.lookup_logical_names || self.navigation_properties
    }
}

/// Adds the wanted annotations of the selected, non-null columns of `row` to `object`.
pub fn annotate(
    conn: &Connection,
    metadata: &Metadata,
    table: &TableMeta,
    row: &StoredRow,
    selection: Option<&[usize]>,
    wanted: Wanted,
    object: &mut Map<String, Json>,
) -> rusqlite::Result<()> {
    if !wanted.any() {
        return Ok(());
    }
    for index in selected_columns(table, selection) {
        let column = &table.columns[index];
        let value = &row.values[index];
        if matches!(value, SqlValue::Null) {
            continue;
        }
        let property = column.property_name();
        if column.is_reference() {
            let target = row.targets[index].as_deref().and_then(|t| metadata.table_index(t));
            if wanted.lookup_logical_names {
                if let Some(target) = &row.targets[index] {
                    object.insert(format!("{property}@{LOOKUP_LOGICAL_NAME}"), Json::String(target.clone()));
                }
            }
            if wanted.navigation_properties {
                if let Some(navigation) = table.navigation_of(index, target) {
                    object.insert(format!("{property}@{ASSOCIATED_NAVIGATION_PROPERTY}"), Json::String(navigation.to_string()));
                }
            }
            if wanted.formatted_values {
                if let (Some(target), SqlValue::Text(id)) = (target.map(|t| metadata.table(t)), value) {
                    if let Some(name) = primary_name(conn, target, id)? {
                        object.insert(format!("{property}@{FORMATTED_VALUE}"), Json::String(name));
                    }
                }
            }
            continue;
        }
        if !wanted.formatted_values {
            continue;
        }
        let formatted = match (&column.kind, value) {
            (ColumnKind::Choice { .. }, SqlValue::Integer(n)) => table.choice_label(index, *n).map(str::to_string),
            (ColumnKind::Boolean, SqlValue::Integer(n)) => Some(if *n != 0 { "Yes" } else { "No" }.to_string()),
            (ColumnKind::Integer, SqlValue::Integer(n)) => Some(grouped(*n as f64, 0)),
            (ColumnKind::Decimal, SqlValue::Integer(n)) => Some(grouped(*n as f64, 2)),
            (ColumnKind::Decimal, SqlValue::Real(f)) => Some(grouped(*f, 2)),
            (ColumnKind::Money, SqlValue::Integer(n)) => Some(currency(*n as f64)),
            (ColumnKind::Money, SqlValue::Real(f)) => Some(currency(*f)),
            (ColumnKind::DateTime, SqlValue::Text(t)) => date_time(t),
            _ => None,
        };
        if let Some(text) = formatted {
            object.insert(format!("{property}@{FORMATTED_VALUE}"), Json::String(text));
        }
    }
    Ok(())
}

/// The primary name of the row a lookup points at; none when it has no name or is gone.
fn primary_name(conn: &Connection, table: &TableMeta, id: &str) -> rusqlite::Result<Option<String>> {
    let Some(name_column) = &table.primary_name else { return Ok(None) };
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?1",
        quote_ident(name_column),
        quote_ident(&table.logical_name),
        quote_ident(&table.primary_id)
    );
    Ok(conn.prepare_cached(&sql)?.query_row([id], |r| r.get::<_, Option<String>>(0)).optional()?.flatten())
}

/// `1,234,567.50`: the en-US grouping Dataverse formats numbers with for an English user.
fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut out = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    if value < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

/// `$1,500,000.50`, the organization's base currency (US dollars in the sandbox).
fn currency(value: f64) -> String {
    let amount = grouped(value.abs(), 2);
    if value < 0.0 {
        format!("-${amount}")
    } else {
        format!("${amount}")
    }
}

/// `4/12/1985 2:05 PM` from the stored `1985-04-12T14:05:00Z` (users of the sandbox are on UTC).
fn date_time(stored: &str) -> Option<String> {
    let (date, time) = stored.trim_end_matches('Z').split_once('T')?;
    let mut date_parts = date.split('-').map(|p| p.parse::<u32>().ok());
    let (year, month, day) = (date_parts.next()??, date_parts.next()??, date_parts.next()??);
    let mut time_parts = time.split(':').map(|p| p.parse::<u32>().ok());
    let (hour, minute) = (time_parts.next()??, time_parts.next()??);
    let (hour12, meridiem) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    Some(format!("{month}/{day}/{year} {hour12}:{minute:02} {meridiem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_money_and_dates_read_as_an_english_user_sees_them() {
        assert_eq!(grouped(1200.0, 0), "1,200");
        assert_eq!(grouped(250.0, 0), "250");
        assert_eq!(grouped(-1234567.5, 2), "-1,234,567.50");
        assert_eq!(currency(1500000.5), "$1,500,000.50");
        assert_eq!(currency(-3.0), "-$3.00");
        assert_eq!(date_time("1985-04-12T00:00:00Z").as_deref(), Some("4/12/1985 12:00 AM"));
        assert_eq!(date_time("2026-11-26T14:05:09Z").as_deref(), Some("11/26/2026 2:05 PM"));
        assert_eq!(date_time("garbage"), None);
    }
}
