//! URI encoding (reference §2.4) and URI parsing (§2.8), with .NET `Uri` semantics: components
//! of an absolute URI, default ports by scheme, `/` as the path of an authority without one.

use super::binary::{encode_base64, hex_pair, OCTET_STREAM};
use super::{req, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "encodeUriComponent", group: Group::Conversion, params: &[req("value", "string")], returns: "string", description: "The string with every character except letters, digits and - . _ ~ percent-encoded (UTF-8).", implementation: Eager(encode_uri_component) },
    Function { name: "uriComponent", group: Group::Conversion, params: &[req("value", "string")], returns: "string", description: "The string with every character except letters, digits and - . _ ~ percent-encoded (UTF-8).", implementation: Eager(encode_uri_component) },
    Function { name: "decodeUriComponent", group: Group::Conversion, params: &[req("value", "string")], returns: "string", description: "The string with percent-encoded characters decoded.", implementation: Eager(decode_uri_component) },
    Function { name: "uriComponentToString", group: Group::Conversion, params: &[req("value", "string")], returns: "string", description: "The string with percent-encoded characters decoded.", implementation: Eager(decode_uri_component) },
    Function { name: "uriComponentToBinary", group: Group::Conversion, params: &[req("value", "string")], returns: "binary", description: "The binary value of a percent-encoded string, decoded.", implementation: Eager(uri_component_to_binary) },
    Function { name: "uriHost", group: Group::UriParsing, params: &[req("uri", "string")], returns: "string", description: "The host of an absolute URI, lower-cased.", implementation: Eager(uri_host) },
    Function { name: "uriPath", group: Group::UriParsing, params: &[req("uri", "string")], returns: "string", description: "The path of an absolute URI ('/' when it has none).", implementation: Eager(uri_path) },
    Function { name: "uriPathAndQuery", group: Group::UriParsing, params: &[req("uri", "string")], returns: "string", description: "The path and query of an absolute URI.", implementation: Eager(uri_path_and_query) },
    Function { name: "uriPort", group: Group::UriParsing, params: &[req("uri", "string")], returns: "integer", description: "The port of an absolute URI, or the scheme's default port (-1 when it has none).", implementation: Eager(uri_port) },
    Function { name: "uriQuery", group: Group::UriParsing, params: &[req("uri", "string")], returns: "string", description: "The query of an absolute URI with its leading '?' ('' when it has none).", implementation: Eager(uri_query) },
    Function { name: "uriScheme", group: Group::UriParsing, params: &[req("uri", "string")], returns: "string", description: "The scheme of an absolute URI, lower-cased.", implementation: Eager(uri_scheme) },
];

/// The text of a scalar argument: strings as they are, numbers and booleans as `@{…}` shows them.
fn scalar_text(a: &Args, i: usize) -> Result<String, EvalError> {
    match a.arg(i) {
        Val::String(s) => Ok(s.clone()),
        v @ (Val::Int(_) | Val::Float(_) | Val::Decimal(_) | Val::Bool(_)) => Ok(v.to_interpolated()),
        _ => Err(a.type_error(i, "of type string")),
    }
}

fn encode_uri_component(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(escape_data_string(&scalar_text(a, 0)?)))
}

fn decode_uri_component(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(unescape_data_string(&scalar_text(a, 0)?)))
}

fn uri_component_to_binary(a: &Args) -> Result<Val, EvalError> {
    let text = unescape_data_string(&scalar_text(a, 0)?);
    Ok(Val::content_value(OCTET_STREAM, encode_base64(text.as_bytes())))
}

/// .NET `Uri.EscapeDataString` (RFC 3986): only unreserved characters stay as they are.
fn escape_data_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// .NET `Uri.UnescapeDataString`: `%XX` sequences that form UTF-8 are decoded; others, and `+`,
/// stay as written.
fn unescape_data_string(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        // A run of %XX escapes, decoded together so multi-byte characters come out whole.
        let start = i;
        let mut decoded = Vec::new();
        while i + 2 < bytes.len() && bytes[i] == b'%' {
            match hex_pair(bytes[i + 1], bytes[i + 2]) {
                Some(b) => decoded.push(b),
                None => break,
            }
            i += 3;
        }
        if decoded.is_empty() {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8().max(1);
            continue;
        }
        push_utf8_or_escapes(&mut out, &decoded, &text[start..i]);
    }
    out
}

/// Appends the decoded bytes; bytes that are not valid UTF-8 keep their `%XX` spelling.
fn push_utf8_or_escapes(out: &mut String, mut bytes: &[u8], mut written: &str) {
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                out.push_str(text);
                return;
            }
            Err(e) => {
                let valid = e.valid_up_to();
                out.push_str(std::str::from_utf8(&bytes[..valid]).unwrap_or_default());
                let bad = e.error_len().unwrap_or(bytes.len() - valid);
                // Each decoded byte came from three characters.
                out.push_str(&written[valid * 3..(valid + bad) * 3]);
                bytes = &bytes[valid + bad..];
                written = &written[(valid + bad) * 3..];
                if bytes.is_empty() {
                    return;
                }
            }
        }
    }
}

fn uri_host(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(parse_uri(a)?.host))
}

fn uri_path(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(parse_uri(a)?.path))
}

fn uri_path_and_query(a: &Args) -> Result<Val, EvalError> {
    let uri = parse_uri(a)?;
    Ok(Val::String(uri.path + &uri.query))
}

fn uri_port(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Int(parse_uri(a)?.port))
}

fn uri_query(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(parse_uri(a)?.query))
}

fn uri_scheme(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::String(parse_uri(a)?.scheme))
}

fn parse_uri(a: &Args) -> Result<AbsoluteUri, EvalError> {
    let text = a.string(0)?;
    AbsoluteUri::parse(text).ok_or_else(|| {
        a.error(format!("expects its parameter to be a well-formed absolute URI. The provided value was '{text}'."))
    })
}

#[derive(Debug, PartialEq)]
struct AbsoluteUri {
    scheme: String,
    host: String,
    /// The explicit port, else the scheme's default, else -1.
    port: i64,
    path: String,
    /// With its leading `?`; empty when there is none.
    query: String,
}

impl AbsoluteUri {
    fn parse(text: &str) -> Option<AbsoluteUri> {
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let (scheme, rest) = text.split_once(':')?;
        let mut scheme_chars = scheme.chars();
        if !scheme_chars.next()?.is_ascii_alphabetic() || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
            return None;
        }
        let scheme = scheme.to_ascii_lowercase();
        let (before_fragment, _) = rest.split_once('#').unwrap_or((rest, ""));
        let (before_query, query) = match before_fragment.split_once('?') {
            Some((head, query)) => (head, format!("?{}", escape_uri_text(query))),
            None => (before_fragment, String::new()),
        };
        let slashes_are_separators = matches!(scheme.as_str(), "http" | "https" | "ftp" | "file" | "ws" | "wss");
        let normalised;
        let before_query = if slashes_are_separators {
            normalised = before_query.replace('\\', "/");
            normalised.as_str()
        } else {
            before_query
        };
        let Some(hierarchical) = before_query.strip_prefix("//") else {
            // No authority (`mailto:`, `urn:`): everything is the path.
            if slashes_are_separators && scheme != "file" {
                return None;
            }
            let port = default_port(&scheme);
            return Some(AbsoluteUri { scheme, host: String::new(), port, path: escape_uri_text(before_query), query });
        };
        let (authority, path) = match hierarchical.find('/') {
            Some(slash) => hierarchical.split_at(slash),
            None => (hierarchical, ""),
        };
        let host_and_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port_text) = if let Some(bracketed) = host_and_port.strip_prefix('[') {
            let (inside, after) = bracketed.split_once(']')?;
            if !inside.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.')) {
                return None;
            }
            (format!("[{}]", inside.to_ascii_lowercase()), after.strip_prefix(':').or(if after.is_empty() { None } else { Some(after) }))
        } else {
            match host_and_port.split_once(':') {
                Some((host, port)) => (host.to_lowercase(), Some(port)),
                None => (host_and_port.to_lowercase(), None),
            }
        };
        let forbidden_in_host = |c: char| c.is_whitespace() || c.is_control() || "<>\"{}|^`%\\@[]".contains(c);
        if !host.starts_with('[') && host.chars().any(forbidden_in_host) {
            return None;
        }
        if host.is_empty() && scheme != "file" && slashes_are_separators {
            return None;
        }
        let port = match port_text {
            None | Some("") => default_port(&scheme),
            Some(digits) if digits.chars().all(|c| c.is_ascii_digit()) => digits.parse::<u32>().ok().filter(|p| *p <= 65535)?.into(),
            Some(_) => return None,
        };
        let path = if path.is_empty() { "/".to_string() } else { escape_uri_text(&remove_dot_segments(path)) };
        Some(AbsoluteUri { scheme, host, port, path, query })
    }
}

fn default_port(scheme: &str) -> i64 {
    match scheme {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        "ftp" => 21,
        "gopher" => 70,
        "nntp" => 119,
        "telnet" => 23,
        "ldap" => 389,
        "mailto" => 25,
        "net.tcp" => 808,
        _ => -1,
    }
}

/// RFC 3986 §5.2.4, as `Uri` applies it to hierarchical paths.
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (i, segment) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        match *segment {
            "." | "%2e" | "%2E" => {
                if last {
                    segments.push("");
                }
            }
            ".." => {
                segments.pop();
                if last {
                    segments.push("");
                }
            }
            s => segments.push(s),
        }
    }
    format!("/{}", segments.join("/"))
}

/// Characters `Uri` escapes in a path or query: spaces, controls, non-ASCII (as UTF-8) and
/// `" < > ^ ` { | }`. Existing `%XX` escapes stay.
fn escape_uri_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() && !matches!(c, ' ' | '"' | '<' | '>' | '^' | '`' | '{' | '|' | '}') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> AbsoluteUri {
        AbsoluteUri::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn components_of_an_absolute_uri() {
        let u = uri("https://www.localhost.com:8080");
        assert_eq!((u.scheme.as_str(), u.host.as_str(), u.port, u.path.as_str(), u.query.as_str()), ("https", "www.localhost.com", 8080, "/", ""));
        let u = uri("HTTP://User:Pw@WWW.Contoso.COM/catalog/shownew.htm?date=today#top");
        assert_eq!(u.scheme, "http");
        assert_eq!(u.host, "www.contoso.com");
        assert_eq!(u.port, 80);
        assert_eq!(u.path, "/catalog/shownew.htm");
        assert_eq!(u.query, "?date=today");
        assert_eq!(uri("https://a.b/x/./y/../z").path, "/x/z");
        assert_eq!(uri("https://a.b/a b?q=1 2").path, "/a%20b");
        assert_eq!(uri("https://a.b/a b?q=1 2").query, "?q=1%202");
        assert_eq!(uri("http://[::1]:81/").host, "[::1]");
        assert_eq!(uri("http://[::1]:81/").port, 81);
        assert_eq!(uri("ftp://files.example.org").port, 21);
        assert_eq!(uri("custom://host/p").port, -1);
        assert_eq!(uri("https://h/p\\q").path, "/p/q");
    }

    #[test]
    fn uris_without_authority_have_the_rest_as_path() {
        let u = uri("urn:isbn:0451450523");
        assert_eq!((u.host.as_str(), u.path.as_str(), u.port), ("", "isbn:0451450523", -1));
        assert_eq!(uri("mailto:someone@example.com").port, 25);
    }

    #[test]
    fn relative_or_broken_uris_are_rejected() {
        for text in ["/relative/path", "www.example.com", "", "1http://x", "http://", "http://host:99999/", "http://host:8o/", "http:no-slashes", "http://a b/"] {
            assert!(AbsoluteUri::parse(text).is_none(), "{text:?} should not parse");
        }
    }

    #[test]
    fn component_escaping_round_trips() {
        assert_eq!(escape_data_string("https://contoso.com"), "https%3A%2F%2Fcontoso.com");
        assert_eq!(escape_data_string("a b+c~é"), "a%20b%2Bc~%C3%A9");
        assert_eq!(unescape_data_string("https%3A%2F%2Fcontoso.com"), "https://contoso.com");
        assert_eq!(unescape_data_string("a+b%20c%C3%A9"), "a+b cé");
        // Not UTF-8, or not an escape: kept as written.
        assert_eq!(unescape_data_string("%FF%41%zz%"), "%FFA%zz%");
        assert_eq!(unescape_data_string("%C3"), "%C3");
        assert_eq!(unescape_data_string("100%"), "100%");
    }
}
