//! XML values (reference §2.4 `xml`, §2.9 `xpath`, `json(<xml>)`): an XML value is the object
//! `{"$content-type": "application/xml;charset=utf-8", "$content": <base64 of the text>}`,
//! the text being what .NET's `XmlDocument` writes back. Conversions to and from JSON follow
//! Newtonsoft's conventions, as the runtime does.
//!
//! Limits: XML text over 16 MiB or nested over 256 levels is refused; a document type is kept
//! but never processed, so no entity is expanded and nothing external is read.

mod dom;
mod fragment;
mod from_json;
mod names;
mod namespaces;
mod parse;
mod to_json;
mod write;
mod xpath;

#[cfg(test)]
mod tests;

use super::binary::{content_bytes, content_text, encode_base64, Charset};
use super::{req, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "xml", group: Group::Conversion, params: &[req("value", "string|object")], returns: "xml", description: "An XML value from a string holding one well-formed XML document, from a JSON object (Newtonsoft conventions: @attribute, #text, arrays as repeated elements, ?xml), or from binary content.", implementation: Eager(xml) },
    Function { name: "xpath", group: Group::Manipulation, params: &[req("xml", "xml"), req("xpath", "string")], returns: "any", description: "Evaluates an XPath 1.0 expression over an XML value: a node-set becomes an array (text nodes as strings, other nodes as XML values), numbers, strings and booleans are returned as such.", implementation: Eager(xpath) },
];

/// Deeper documents are refused rather than risk the stack.
const MAX_DEPTH: usize = 256;
const MAX_TEXT_BYTES: usize = 16 << 20;
const XML_CONTENT_TYPE: &str = "application/xml;charset=utf-8";

fn xml(a: &Args) -> Result<Val, EvalError> {
    let value = a.arg(0);
    // Binary content is taken as it is, unchecked; only its content type changes.
    if let Some(decoded) = content_bytes(value) {
        let (_, bytes) = decoded.map_err(|e| a.error(format!("parameter is not valid: {e}")))?;
        return Ok(Val::content_value(XML_CONTENT_TYPE, encode_base64(&bytes)));
    }
    let document = match value {
        Val::String(text) => parse::parse_document(text)
            .map_err(|e| a.error(format!("parameter is not valid. The provided value cannot be parsed as XML: {e}")))?,
        Val::Object(object) => from_json::document_from_json(object)
            .map_err(|e| a.error(format!("parameter is not valid. The provided object cannot be converted to XML: {e}")))?,
        _ => return Err(a.type_error(0, "a string or an object")),
    };
    let text = write::document_text(&document).map_err(|e| a.error(format!("parameter cannot be written as XML: {e}")))?;
    Ok(xml_value(&text))
}

fn xpath(a: &Args) -> Result<Val, EvalError> {
    let text = xml_text(a.arg(0))
        .ok_or_else(|| a.type_error(0, "an XML object"))?
        .map_err(|e| a.error(format!("was invoked with an XML value whose content cannot be read: {e}")))?;
    let expression = a.string(1)?;
    let document =
        parse::parse_document(&text).map_err(|e| a.error(format!("was invoked with an XML value that cannot be parsed: {e}")))?;
    xpath::evaluate(&document, expression).map_err(|e| a.error(format!("parameter is not valid: {e}")))
}

/// `json(<xml value>)`.
pub(crate) fn json_from_xml(value: &Val) -> Result<Val, EvalError> {
    let fail = |detail: String| {
        EvalError::new(format!(
            "The template language function 'json' parameter is not valid. The provided XML cannot be converted to JSON: {detail}"
        ))
    };
    let text = xml_text(value).ok_or_else(|| fail("the value is not XML.".into()))?.map_err(fail)?;
    let document = parse::parse_document(&text).map_err(fail)?;
    check_declared_encoding(&document).map_err(fail)?;
    to_json::document_to_json(&document).map_err(fail)
}

pub(super) fn xml_value(text: &str) -> Val {
    Val::content_value(XML_CONTENT_TYPE, encode_base64(text.as_bytes()))
}

/// The text of an XML value (any `…/xml` or `…+xml` content type), decoded with its charset.
fn xml_text(value: &Val) -> Option<Result<String, String>> {
    let (content_type, _) = value.content()?;
    let media_type = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !(media_type.ends_with("/xml") || media_type.ends_with("+xml")) {
        return None;
    }
    content_text(value)
}

/// The runtime reads the text back with the encoding the declaration names: an unknown name
/// fails, and so do UTF-16 and UTF-32, which cannot describe the UTF-8 bytes an XML value holds.
fn check_declared_encoding(document: &dom::Document) -> Result<(), String> {
    let Some(dom::Node::Declaration(declaration)) = document.children.first() else {
        return Ok(());
    };
    let Some(name) = declaration.encoding.as_deref().filter(|e| !e.is_empty()) else {
        return Ok(());
    };
    match Charset::from_dotnet_name(name) {
        None => Err(format!("'{name}' is not a supported encoding name.")),
        Some(charset) if charset.is_multi_byte_unit() => {
            Err(format!("'{name}' is not a supported encoding for XML whose text is held as UTF-8."))
        }
        Some(_) => Ok(()),
    }
}
