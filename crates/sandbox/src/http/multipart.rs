//! `multipart/mixed` bodies (RFC 2046 §5.1) as `$batch` sends them: the boundary from the
//! Content-Type, parts split on `--boundary` at the start of a line, each part's MIME headers
//! and content. Lines may end in CRLF or LF, as clients differ.

/// One part: its MIME headers (names lower-cased) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    pub headers: Vec<(String, String)>,
    pub content: &'a [u8],
}

impl Part<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The boundary of a `multipart/mixed` Content-Type; the error says what is missing.
pub fn boundary(content_type: Option<&str>) -> Result<String, String> {
    let content_type = content_type.ok_or("The $batch request has no Content-Type; send multipart/mixed with a boundary")?;
    let mut items = content_type.split(';').map(str::trim);
    let media = items.next().unwrap_or_default();
    if !media.eq_ignore_ascii_case("multipart/mixed") {
        return Err(format!("The Content-Type '{media}' is not multipart/mixed"));
    }
    for item in items {
        if let Some((name, value)) = item.split_once('=') {
            if name.trim().eq_ignore_ascii_case("boundary") {
                let value = value.trim().trim_matches('"');
                // RFC 2046: 1 to 70 characters.
                if value.is_empty() || value.len() > 70 {
                    return Err(format!("The multipart boundary '{value}' must be 1 to 70 characters long"));
                }
                return Ok(value.to_string());
            }
        }
    }
    Err("The multipart/mixed Content-Type has no boundary parameter".into())
}

/// Splits a body into its parts. A body without its closing `--boundary--` is refused, so a
/// truncated request is never half run.
pub fn split<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut at = first_delimiter(body, delimiter).ok_or_else(|| format!("The body has no part starting with '--{boundary}'"))?;
    let mut parts = Vec::new();
    loop {
        at += delimiter.len();
        let rest = &body[at..];
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        // Transport padding, then the line break that ends the delimiter line.
        let padding = rest.iter().take_while(|b| **b == b' ' || **b == b'\t').count();
        let start = at + padding + line_break(&body[at + padding..]).ok_or_else(|| {
            format!("The delimiter '--{boundary}' must be followed by a line break or '--'")
        })?;
        let (end, next) = next_delimiter(body, start, delimiter)
            .ok_or_else(|| format!("A part is not terminated: the body ends before the closing '--{boundary}--'"))?;
        parts.push(part(&body[start..end])?);
        at = next;
    }
}

fn first_delimiter(body: &[u8], delimiter: &[u8]) -> Option<usize> {
    if body.starts_with(delimiter) {
        return Some(0);
    }
    next_delimiter(body, 0, delimiter).map(|(_, at)| at)
}

/// The end of the current part's content and the position of the next delimiter, which must
/// start a line (the line break before it belongs to the delimiter).
fn next_delimiter(body: &[u8], from: usize, delimiter: &[u8]) -> Option<(usize, usize)> {
    let mut search = from;
    while let Some(found) = find(&body[search..], delimiter) {
        let at = search + found;
        if at > from && body[at - 1] == b'\n' {
            let end = if at > from + 1 && body[at - 2] == b'\r' { at - 2 } else { at - 1 };
            return Some((end, at));
        }
        if at == from {
            // An empty part directly after the delimiter line.
            return Some((at, at));
        }
        search = at + 1;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn line_break(text: &[u8]) -> Option<usize> {
    if text.starts_with(b"\r\n") {
        Some(2)
    } else if text.starts_with(b"\n") {
        Some(1)
    } else {
        None
    }
}

/// A part's MIME headers up to the first empty line, then its content.
fn part(text: &[u8]) -> Result<Part<'_>, String> {
    let mut headers = Vec::new();
    let mut at = 0;
    loop {
        if let Some(n) = line_break(&text[at..]) {
            at += n;
            break;
        }
        if at >= text.len() {
            // Headers only, no content.
            break;
        }
        let line_end = text[at..].iter().position(|b| *b == b'\n').map(|p| at + p).unwrap_or(text.len());
        let line = String::from_utf8_lossy(&text[at..line_end]);
        let line = line.trim_end_matches('\r');
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("The part header line '{}' is not 'Name: value'", short(line)))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        at = (line_end + 1).min(text.len());
        if line_end >= text.len() {
            break;
        }
    }
    Ok(Part { headers, content: &text[at.min(text.len())..] })
}

fn short(text: &str) -> String {
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_boundary() {
        assert_eq!(boundary(Some("multipart/mixed; boundary=\"batch_1\"")).unwrap(), "batch_1");
        assert_eq!(boundary(Some("multipart/mixed;boundary=b")).unwrap(), "b");
        assert!(boundary(Some("multipart/mixed")).unwrap_err().contains("no boundary"));
        assert!(boundary(Some("application/json")).unwrap_err().contains("not multipart/mixed"));
        assert!(boundary(None).is_err());
        assert!(boundary(Some(&format!("multipart/mixed; boundary={}", "x".repeat(71)))).is_err());
    }

    #[test]
    fn splits_parts_with_crlf_or_lf_and_ignores_preamble() {
        let body = b"preamble\r\n--b\r\nContent-Type: application/http\r\n\r\nGET x HTTP/1.1\r\n\r\n--b\nContent-ID: 2\n\nbody two\n--b--\r\nepilogue";
        let parts = split(body, "b").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].header("content-type"), Some("application/http"));
        assert_eq!(parts[0].content, b"GET x HTTP/1.1\r\n");
        assert_eq!(parts[1].header("Content-ID"), Some("2"));
        assert_eq!(parts[1].content, b"body two");
    }

    #[test]
    fn a_boundary_inside_a_line_does_not_split() {
        let body = b"--b\r\n\r\nvalue --b inside\r\n--b--";
        assert_eq!(split(body, "b").unwrap()[0].content, b"value --b inside");
    }

    #[test]
    fn hostile_bodies_are_refused_with_a_reason() {
        assert!(split(b"", "b").unwrap_err().contains("no part"));
        assert!(split(b"no delimiters at all", "b").unwrap_err().contains("no part"));
        assert!(split(b"--b\r\nContent-Type: x\r\n\r\nunterminated", "b").unwrap_err().contains("not terminated"));
        assert!(split(b"--bogus\r\n", "b").is_err());
        assert!(split(b"--b\r\nno colon here\r\n\r\nx\r\n--b--", "b").unwrap_err().contains("not 'Name: value'"));
        // Big and without structure: refused quickly, not walked part by part.
        let big = vec![b'a'; 10 * 1024 * 1024];
        assert!(split(&big, "b").is_err());
        let mut big = b"--b\r\n\r\n".to_vec();
        big.extend(std::iter::repeat_n(b'-', 10 * 1024 * 1024));
        assert!(split(&big, "b").is_err());
    }
}
