//! FetchXML's paging cookie: `<cookie page="1"><fullname last="…" first="…"/><contactid
//! last="{…}" first="{…}"/></cookie>`, the sort-key values of the page's first and last rows.
//! The next page continues after `last`, as OData's `$skiptoken` does (`odata::paging`).

use rusqlite::types::Value as SqlValue;

use super::xml;
use crate::guid::Guid;
use crate::metadata::{ColumnKind, ColumnMeta};

/// The cookie for a page: one element per sort key, named by its column.
pub fn encode(page: usize, keys: &[&ColumnMeta], first: &[SqlValue], last: &[SqlValue]) -> String {
    let mut text = format!("<cookie page=\"{page}\">");
    for ((column, first), last) in keys.iter().zip(first).zip(last) {
        text.push_str(&format!("<{}", column.name));
        // A null key has no `last`/`first` attribute.
        for (name, value) in [("last", last), ("first", first)] {
            if let Some(v) = render(column, value) {
                text.push_str(&format!(" {name}=\"{}\"", quick_xml::escape::escape(v.as_str())));
            }
        }
        text.push_str(" />");
    }
    text.push_str("</cookie>");
    text
}

fn render(column: &ColumnMeta, value: &SqlValue) -> Option<String> {
    match value {
        SqlValue::Null | SqlValue::Blob(_) => None,
        SqlValue::Integer(n) => Some(n.to_string()),
        SqlValue::Real(f) => Some(f.to_string()),
        // Dataverse writes ids in braces, upper case.
        SqlValue::Text(t) if is_id(column) => Some(format!("{{{}}}", t.to_uppercase())),
        SqlValue::Text(t) => Some(t.clone()),
    }
}

fn is_id(column: &ColumnMeta) -> bool {
    matches!(column.kind, ColumnKind::PrimaryKey | ColumnKind::Guid | ColumnKind::Lookup { .. } | ColumnKind::Owner)
}

/// The cookie's page number and the `last` value of each sort key; None when the cookie does
/// not fit these keys (then the page is found by its number).
pub fn decode(cookie: &str, keys: &[&ColumnMeta]) -> Option<(usize, Vec<SqlValue>)> {
    let root = xml::parse(cookie).ok()?;
    if root.name != "cookie" || root.children.len() != keys.len() {
        return None;
    }
    let page = root.attribute("page")?.parse::<usize>().ok()?;
    let mut last = Vec::new();
    for (element, column) in root.children.iter().zip(keys) {
        if element.name != column.name {
            return None;
        }
        let value = match element.attribute("last") {
            None => SqlValue::Null,
            Some(text) => match &column.kind {
                ColumnKind::Integer | ColumnKind::Choice { .. } | ColumnKind::Boolean | ColumnKind::BigInt => {
                    SqlValue::Integer(text.parse().ok()?)
                }
                ColumnKind::Decimal | ColumnKind::Money => SqlValue::Real(text.parse().ok()?),
                _ if is_id(column) => SqlValue::Text(Guid::parse(text.trim_matches(|c| c == '{' || c == '}')).ok()?.to_string()),
                _ => SqlValue::Text(text.to_string()),
            },
        };
        last.push(value);
    }
    Some((page, last))
}

/// `%xx` for every byte but unreserved ones, lower-case hex as Dataverse writes it.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!*()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_round_trip_and_foreign_ones_are_ignored() {
        let name = ColumnMeta { name: "fullname".into(), kind: ColumnKind::String { max_length: 10 }, system: false };
        let id = ColumnMeta { name: "contactid".into(), kind: ColumnKind::PrimaryKey, system: false };
        let last = vec![SqlValue::Text("O'Neil & <Co>".into()), SqlValue::Text("c0000000-0000-4000-8000-00000000000a".into())];
        let cookie = encode(2, &[&name, &id], &[SqlValue::Null, last[1].clone()], &last);
        assert!(cookie.contains("last=\"{C0000000-0000-4000-8000-00000000000A}\""), "{cookie}");
        assert_eq!(decode(&cookie, &[&name, &id]), Some((2, last)));
        assert_eq!(decode(&cookie, &[&id]), None);
        assert_eq!(decode("<cookie page='x'/>", &[]), None);
        assert_eq!(decode("not xml", &[&id]), None);
    }

    #[test]
    fn encodes_like_dataverse() {
        assert_eq!(url_encode("<cookie page=\"1\">"), "%3ccookie%20page%3d%221%22%3e");
        assert_eq!(url_encode(&url_encode("<")), "%253c");
    }
}
