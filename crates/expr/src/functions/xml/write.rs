//! `Document` → text, as .NET's `XmlDocument.OuterXml` writes it (the text of every XML
//! value): nothing added between nodes, `<x />` for an element written empty, attributes in
//! double quotes, `>` escaped everywhere.

use super::dom::{Attribute, Document, Element, Node};
use super::MAX_TEXT_BYTES;

pub(super) fn document_text(document: &Document) -> Result<String, String> {
    let mut out = String::new();
    for node in &document.children {
        write_node(&mut out, node)?;
        if out.len() > MAX_TEXT_BYTES {
            return Err(format!("The XML text would be larger than the {} MiB this runtime handles.", MAX_TEXT_BYTES >> 20));
        }
    }
    Ok(out)
}

fn write_node(out: &mut String, node: &Node) -> Result<(), String> {
    match node {
        Node::Declaration(declaration) => {
            out.push_str(&format!("<?xml version=\"{}\"", declaration.version));
            if let Some(encoding) = declaration.encoding.as_deref().filter(|e| !e.is_empty()) {
                out.push_str(&format!(" encoding=\"{encoding}\""));
            }
            if let Some(standalone) = declaration.standalone.as_deref().filter(|s| !s.is_empty()) {
                out.push_str(&format!(" standalone=\"{standalone}\""));
            }
            out.push_str("?>");
        }
        Node::DocType(doctype) => {
            out.push_str("<!DOCTYPE ");
            out.push_str(&doctype.name);
            match (&doctype.public_id, &doctype.system_id) {
                (Some(public_id), system_id) => {
                    out.push_str(&format!(" PUBLIC \"{public_id}\" \"{}\"", system_id.as_deref().unwrap_or_default()))
                }
                (None, Some(system_id)) => out.push_str(&format!(" SYSTEM \"{system_id}\"")),
                (None, None) => {}
            }
            if let Some(subset) = &doctype.internal_subset {
                out.push_str(&format!("[{subset}]"));
            }
            out.push('>');
        }
        Node::Element(element) => write_element(out, element)?,
        Node::Text(text) => escape_text(out, text),
        Node::CData(text) => {
            if text.contains("]]>") {
                return Err("Cannot have ']]>' inside an XML CDATA block.".into());
            }
            out.push_str(&format!("<![CDATA[{text}]]>"));
        }
        Node::Comment(text) => {
            if text.contains("--") || text.ends_with('-') {
                return Err("An XML comment cannot contain '--', and '-' cannot be the last character.".into());
            }
            out.push_str(&format!("<!--{text}-->"));
        }
        Node::ProcessingInstruction { target, data } => {
            if data.contains("?>") {
                return Err("Cannot have '?>' inside an XML processing instruction.".into());
            }
            out.push_str(&processing_instruction_markup(target, data));
        }
        Node::SignificantWhitespace(text) | Node::Whitespace(text) => out.push_str(text),
    }
    Ok(())
}

pub(super) fn processing_instruction_markup(target: &str, data: &str) -> String {
    if data.is_empty() {
        format!("<?{target}?>")
    } else {
        format!("<?{target} {data}?>")
    }
}

fn write_element(out: &mut String, element: &Element) -> Result<(), String> {
    let name = written_element_name(element);
    out.push('<');
    out.push_str(&name);
    for attribute in &element.attributes {
        out.push(' ');
        out.push_str(&written_attribute_name(attribute));
        out.push_str("=\"");
        escape_attribute(out, &attribute.value);
        out.push('"');
    }
    if element.children.is_empty() && element.self_closing {
        out.push_str(" />");
        return Ok(());
    }
    out.push('>');
    for child in &element.children {
        write_node(out, child)?;
    }
    out.push_str(&format!("</{name}>"));
    Ok(())
}

/// A prefix that names no namespace (possible only in JSON-built documents) is not written,
/// as .NET's writer drops it: `{"ro:ot": "text"}` gives `<ot>text</ot>`.
fn written_element_name(element: &Element) -> String {
    if element.namespace.is_empty() {
        element.name.local.clone()
    } else {
        element.name.qualified()
    }
}

fn written_attribute_name(attribute: &Attribute) -> String {
    if attribute.namespace.is_empty() {
        attribute.name.local.clone()
    } else {
        attribute.name.qualified()
    }
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => push_char_or_reference(out, c),
        }
    }
}

fn escape_attribute(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            _ => push_char_or_reference(out, c),
        }
    }
}

/// Characters XML cannot hold literally (control characters from JSON) become references.
pub(super) fn push_char_or_reference(out: &mut String, c: char) {
    if super::names::is_xml_char(c) {
        out.push(c);
    } else {
        out.push_str(&format!("&#x{:X};", c as u32));
    }
}
