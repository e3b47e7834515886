//! A small element tree over quick-xml: FetchXML is a few hundred bytes of elements and
//! attributes, so the query model is built from a tree rather than from reader events.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// Deeper documents are refused rather than walked recursively (fetches nest a few levels).
const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// Text directly inside the element (a `<value>`'s value).
    pub text: String,
}

impl Element {
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Parses one document into its root element. The error says what is wrong and where.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position();
        let event = reader.read_event().map_err(|e| format!("{e} (at byte {at})"))?;
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                return Err(format!("'<{}>' follows the end of the root element", name_of(&start)));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("elements nest deeper than {MAX_DEPTH} levels"));
                }
                stack.push(element(&start)?);
            }
            Event::Empty(start) => {
                let element = element(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                // quick-xml checks that the end tag matches the start tag.
                let done = stack.pop().ok_or("an end tag has no start tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                let content = t.xml_content(XmlVersion::Implicit1_0);
                match stack.last_mut() {
                    Some(current) => current.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(format!("text '{}' outside the root element", content.trim())),
                }
            }
            Event::CData(c) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&c.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| format!("unknown entity '&{};'", &*r))?
                        .to_string(),
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => return Err("a DOCTYPE is not allowed in FetchXML".into()),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("the element '<{}>' is not closed", open.name));
    }
    root.ok_or_else(|| "the document has no root element".to_string())
}

fn name_of(start: &BytesStart) -> String {
    start.name().into_inner().to_string()
}

fn element(start: &BytesStart) -> Result<Element, String> {
    let name = name_of(start);
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("in '<{name}>': {e}"))?;
        let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|e| format!("in '<{name}>': {e}"))?;
        attributes.push((attribute.key.into_inner().to_string(), value.into_owned()));
    }
    Ok(Element { name, attributes, children: Vec::new(), text: String::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_tree_with_unescaped_attributes_and_text() {
        let root = parse(r#"<?xml version="1.0"?><fetch top="2"><entity name="a&amp;b"><value>x &lt; y</value><all-attributes/></entity></fetch>"#).unwrap();
        assert_eq!(root.name, "fetch");
        assert_eq!(root.attribute("top"), Some("2"));
        let entity = &root.children[0];
        assert_eq!(entity.attribute("name"), Some("a&b"));
        assert_eq!(entity.children[0].text, "x < y");
        assert_eq!(entity.children[1].name, "all-attributes");
    }

    #[test]
    fn malformed_documents_are_refused_with_a_reason() {
        for text in ["", "<fetch>", "<fetch></entity>", "<a/><b/>", "<a x='1' x='2'/>", "<a>&bogus;</a>", "just text", "<a x=1/>"] {
            assert!(parse(text).is_err(), "{text}");
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("deeper than"));
    }
}
