//! Request headers the Web API reads: Prefer, the impersonation headers, the preconditions.

use axum::http::HeaderMap;

use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::odata::options::MAX_PAGE_SIZE;
use crate::security::Impersonation;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prefer {
    pub return_representation: bool,
    /// A valid `odata.maxpagesize` (1..=5000); larger or malformed values are ignored, as
    /// Dataverse ignores them.
    pub max_page_size: Option<usize>,
    /// `odata.include-annotations="…"`: the list as given (`*`, names, `Prefix.*`).
    pub include_annotations: Option<String>,
    /// `odata.continue-on-error` (for `$batch`).
    pub continue_on_error: bool,
}

impl Prefer {
    pub fn read(headers: &HeaderMap) -> Prefer {
        let mut prefer = Prefer::default();
        for value in headers.get_all("prefer").iter().filter_map(|v| v.to_str().ok()) {
            for item in split_outside_quotes(value) {
                let (name, argument) = match item.split_once('=') {
                    Some((n, a)) => (n.trim(), a.trim().trim_matches('"')),
                    None => (item.trim(), ""),
                };
                match (name.to_ascii_lowercase().as_str(), argument) {
                    ("return", "representation") => prefer.return_representation = true,
                    ("odata.maxpagesize", size) => {
                        prefer.max_page_size = size.parse::<usize>().ok().filter(|n| (1..=MAX_PAGE_SIZE).contains(n));
                    }
                    ("odata.include-annotations", list) => prefer.include_annotations = Some(list.to_string()),
                    ("odata.continue-on-error", "" | "true") => prefer.continue_on_error = true,
                    _ => {}
                }
            }
        }
        prefer
    }

    /// Whether the annotation `name` (like `Microsoft.Dynamics.CRM.morerecords`) was asked for.
    pub fn wants_annotation(&self, name: &str) -> bool {
        self.include_annotations.as_deref().is_some_and(|list| {
            list.split(',').map(str::trim).any(|item| {
                item == "*" || item == name || item.strip_suffix('*').is_some_and(|prefix| name.starts_with(prefix))
            })
        })
    }
}

/// Splits a Prefer value on commas that are not inside quotes
/// (`odata.include-annotations="a,b"` is one preference).
fn split_outside_quotes(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&value[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

/// `CallerObjectId` (preferred) or `MSCRMCallerID`.
pub fn impersonation(headers: &HeaderMap) -> Result<Option<Impersonation>, ApiError> {
    let read = |name: &str| -> Result<Option<Guid>, ApiError> {
        let Some(value) = headers.get(name) else { return Ok(None) };
        let text = value.to_str().unwrap_or_default().trim().trim_matches(|c| c == '{' || c == '}');
        Guid::parse(text)
            .map(Some)
            .map_err(|_| ApiError::payload(format!("The {name} header must be a GUID, not '{text}'.")))
    };
    if let Some(oid) = read("CallerObjectId")? {
        return Ok(Some(Impersonation::ObjectId(oid)));
    }
    Ok(read("MSCRMCallerID")?.map(Impersonation::SystemUserId))
}

pub fn text<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_preferences_including_quoted_commas() {
        let mut headers = HeaderMap::new();
        headers.append("Prefer", HeaderValue::from_static("odata.include-annotations=\"a,b\", return=representation"));
        headers.append("Prefer", HeaderValue::from_static("odata.maxpagesize=25"));
        let prefer = Prefer::read(&headers);
        assert!(prefer.return_representation);
        assert_eq!(prefer.max_page_size, Some(25));
        assert_eq!(prefer.include_annotations.as_deref(), Some("a,b"));
        assert!(prefer.wants_annotation("a") && !prefer.wants_annotation("c"));
        headers.insert("Prefer", HeaderValue::from_static("odata.include-annotations=\"Microsoft.Dynamics.CRM.*\", odata.continue-on-error"));
        let prefer = Prefer::read(&headers);
        assert!(prefer.wants_annotation("Microsoft.Dynamics.CRM.morerecords") && prefer.continue_on_error);
    }

    #[test]
    fn ignores_page_sizes_out_of_range() {
        for value in ["odata.maxpagesize=0", "odata.maxpagesize=5001", "odata.maxpagesize=abc"] {
            let mut headers = HeaderMap::new();
            headers.insert("Prefer", HeaderValue::from_static(value));
            assert_eq!(Prefer::read(&headers).max_page_size, None, "{value}");
        }
    }

    #[test]
    fn reads_impersonation_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("MSCRMCallerID", HeaderValue::from_static("{5E000000-0000-4000-8000-000000000002}"));
        assert!(matches!(impersonation(&headers), Ok(Some(Impersonation::SystemUserId(_)))));
        headers.insert("CallerObjectId", HeaderValue::from_static("nope"));
        assert!(impersonation(&headers).unwrap_err().message.contains("CallerObjectId header must be a GUID"));
    }
}
