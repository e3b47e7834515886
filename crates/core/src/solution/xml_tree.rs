//! A small read-only element tree over an XML part, built with quick-xml. Every element keeps
//! the byte ranges of its text, so edits can splice the original text and leave the rest of
//! the file byte-identical.

use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::SolutionError;

const BOM: &str = "\u{feff}";
/// Deeper nesting than any solution part has; refusing it keeps recursion and drops bounded.
const MAX_DEPTH: usize = 256;

pub(crate) struct XmlDocument<'a> {
    pub path: &'a str,
    /// The whole part, byte-order mark included; every range indexes into it.
    pub text: &'a str,
    pub root: XmlElement,
}

#[derive(Debug)]
pub(crate) struct XmlElement {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<XmlElement>,
    /// The element's own text content, unescaped (children's text not included).
    pub text: String,
    /// From `<` of the start tag to `>` of the end tag (or of `/>`).
    pub span: Range<usize>,
    pub start_tag: Range<usize>,
    /// Between the tags; empty at the end of the start tag for `<x />`.
    pub inner: Range<usize>,
}

impl XmlElement {
    pub fn child(&self, name: &str) -> Option<&XmlElement> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s XmlElement> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The trimmed text of a child element, when the child exists.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

impl<'a> XmlDocument<'a> {
    pub fn parse(path: &'a str, bytes: &'a [u8]) -> Result<XmlDocument<'a>, SolutionError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| SolutionError::NotUtf8 { path: path.to_owned(), offset: e.valid_up_to() })?;
        let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
        let mut reader = Reader::from_str(&text[base..]);
        reader.config_mut().trim_text(false);
        let mut open: Vec<XmlElement> = Vec::new();
        let mut root: Option<XmlElement> = None;
        let error_at = |offset: usize, detail: String| error_at(path, text, offset, detail);
        loop {
            let before = base + reader.buffer_position() as usize;
            let event = reader.read_event().map_err(|e| error_at(base + reader.error_position() as usize, e.to_string()))?;
            let after = base + reader.buffer_position() as usize;
            match event {
                Event::Start(_) | Event::Empty(_) if root.is_some() => {
                    return Err(error_at(before, "a second root element".into()));
                }
                Event::Start(tag) => {
                    if open.len() >= MAX_DEPTH {
                        return Err(error_at(before, format!("elements nest deeper than {MAX_DEPTH} levels")));
                    }
                    open.push(element(&tag, before..after, after..after).map_err(|d| error_at(before, d))?);
                }
                Event::Empty(tag) => {
                    let done = element(&tag, before..after, after..after).map_err(|d| error_at(before, d))?;
                    attach(done, &mut open, &mut root);
                }
                Event::End(_) => {
                    // quick-xml has checked that the end tag matches the open element.
                    let mut done = open.pop().ok_or_else(|| error_at(before, "an end tag without a start tag".into()))?;
                    done.inner = done.start_tag.end..before;
                    done.span = done.span.start..after;
                    attach(done, &mut open, &mut root);
                }
                Event::Text(t) => {
                    if let Some(current) = open.last_mut() {
                        current.text.push_str(&t.xml10_content());
                    }
                }
                Event::CData(t) => {
                    if let Some(current) = open.last_mut() {
                        current.text.push_str(&t);
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref().map_err(|e| error_at(before, e.to_string()))? {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&r)
                            .ok_or_else(|| error_at(before, format!("unknown entity `&{};`", &*r)))?
                            .to_owned(),
                    };
                    if let Some(current) = open.last_mut() {
                        current.text.push_str(&resolved);
                    }
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        if let Some(unclosed) = open.last() {
            return Err(error_at(unclosed.span.start, format!("<{}> is never closed", unclosed.name)));
        }
        let root = root.ok_or_else(|| error_at(text.len(), "there is no root element".into()))?;
        Ok(XmlDocument { path, text, root })
    }

    /// An error pointing at `offset` of this part.
    pub fn error_at(&self, offset: usize, detail: impl Into<String>) -> SolutionError {
        error_at(self.path, self.text, offset, detail.into())
    }

    pub fn slice(&self, range: Range<usize>) -> &'a str {
        &self.text[range]
    }

    pub fn has_bom(&self) -> bool {
        self.text.starts_with(BOM)
    }
}

fn element(tag: &BytesStart, start_tag: Range<usize>, inner: Range<usize>) -> Result<XmlElement, String> {
    let mut attributes = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
        attributes.push((attribute.key.as_ref().to_owned(), value.into_owned()));
    }
    Ok(XmlElement {
        name: tag.name().as_ref().to_owned(),
        attributes,
        children: Vec::new(),
        text: String::new(),
        span: start_tag.clone(),
        start_tag,
        inner,
    })
}

fn attach(done: XmlElement, open: &mut [XmlElement], root: &mut Option<XmlElement>) {
    match open.last_mut() {
        Some(parent) => parent.children.push(done),
        None => *root = Some(done),
    }
}

pub(crate) fn error_at(path: &str, text: &str, offset: usize, detail: String) -> SolutionError {
    let (line, column) = line_and_column(text, offset);
    SolutionError::Xml { path: path.to_owned(), line, column, detail }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].trim_start_matches(BOM).chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_the_original_text() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\r\n<a x=\"1 &amp; 2\">\r\n  <b />\r\n  <c>t&lt;u</c>\r\n</a>";
        let doc = XmlDocument::parse("t.xml", xml.as_bytes()).unwrap();
        assert_eq!(doc.root.name, "a");
        assert_eq!(doc.root.attribute("x"), Some("1 & 2"));
        assert_eq!(doc.slice(doc.root.children[0].span.clone()), "<b />");
        assert_eq!(doc.root.children[0].span, doc.root.children[0].start_tag);
        let c = &doc.root.children[1];
        assert_eq!(doc.slice(c.span.clone()), "<c>t&lt;u</c>");
        assert_eq!(c.text, "t<u");
        assert_eq!(doc.slice(c.inner.clone()), "t&lt;u");
        assert!(doc.slice(doc.root.span.clone()).starts_with("<a x") && doc.slice(doc.root.span.clone()).ends_with("</a>"));
    }

    #[test]
    fn errors_name_the_part_line_and_column() {
        let err = XmlDocument::parse("customizations.xml", b"<a>\n  <b></c>\n</a>").err().unwrap();
        match err {
            SolutionError::Xml { path, line, .. } => {
                assert_eq!(path, "customizations.xml");
                assert_eq!(line, 2);
            }
            other => panic!("{other}"),
        }
        assert!(matches!(XmlDocument::parse("x", b"<a>").err().unwrap(), SolutionError::Xml { .. }));
        assert!(matches!(XmlDocument::parse("x", b"").err().unwrap(), SolutionError::Xml { .. }));
        assert!(matches!(XmlDocument::parse("x", b"<a/><b/>").err().unwrap(), SolutionError::Xml { .. }));
        assert!(matches!(XmlDocument::parse("x", b"\xff<a/>").err().unwrap(), SolutionError::NotUtf8 { .. }));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "<a>".repeat(100_000);
        assert!(matches!(XmlDocument::parse("x", deep.as_bytes()).err().unwrap(), SolutionError::Xml { .. }));
    }
}
