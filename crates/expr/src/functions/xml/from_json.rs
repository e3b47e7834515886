//! `xml(<object>)`: a JSON object as an XML document by Newtonsoft's `DeserializeXmlNode`,
//! which the runtime uses: `@name` properties are attributes (`@xmlns:p` declares a
//! namespace), `#text`, `#cdata-section`, `#whitespace` and `#significant-whitespace` are such
//! nodes, `?xml` the declaration, `?name` a processing instruction, `!DOCTYPE` the document
//! type, an array repeats its property's element, and any other key is an element named by
//! `XmlConvert.EncodeName` (`#comment` too: the runtime gives it no special meaning).

use indexmap::IndexMap;

use super::dom::{is_xml_whitespace, Attribute, Declaration, DocType, Document, Element, Name, Node};
use super::names::{encode_name, is_valid_name};
use super::namespaces::{Scope, Undeclared};
use super::MAX_DEPTH;
use crate::value::{format_float, Val};

const MORE_THAN_ONE_ROOT: &str =
    "More than one root element: an XML document has exactly one, so the JSON object may have only one property besides '?xml', '!DOCTYPE' and processing instructions, and its value may not be an array of several items.";

pub(super) fn document_from_json(object: &IndexMap<String, Val>) -> Result<Document, String> {
    let mut document = Document::default();
    properties(&mut Parent::Document(&mut document.children), object, 0)?;
    let mut scope = Scope::new();
    for node in &mut document.children {
        if let Node::Element(element) = node {
            resolve_namespaces(element, &mut scope)?;
        }
    }
    Ok(document)
}

/// What the properties of an object become part of.
enum Parent<'a> {
    Document(&'a mut Vec<Node>),
    Element(&'a mut Element),
}

impl Parent<'_> {
    fn has_root(&self) -> bool {
        matches!(self, Parent::Document(children) if children.iter().any(|n| matches!(n, Node::Element(_))))
    }

    /// Appends as `XmlDocument` allows: one element, the declaration first, the document type
    /// before the element, no text at the top.
    fn append(&mut self, node: Node) -> Result<(), String> {
        const WRONG_TYPE: &str =
            "The specified node cannot be inserted as the valid child of this node, because the specified node is the wrong type.";
        const WRONG_PLACE: &str = "Cannot insert the node in the specified location.";
        let has_root = self.has_root();
        match (self, node) {
            (Parent::Document(_), Node::Element(_)) if has_root => Err(MORE_THAN_ONE_ROOT.into()),
            (Parent::Document(_), Node::Text(_) | Node::CData(_)) => Err(WRONG_TYPE.into()),
            (Parent::Document(children), node @ Node::Declaration(_)) if children.is_empty() => {
                children.push(node);
                Ok(())
            }
            (Parent::Document(_), Node::Declaration(_)) => Err(WRONG_PLACE.into()),
            (Parent::Document(children), Node::DocType(_)) if has_root || children.iter().any(|n| matches!(n, Node::DocType(_))) => {
                Err(WRONG_PLACE.into())
            }
            (Parent::Document(children), node) => {
                children.push(node);
                Ok(())
            }
            (Parent::Element(_), Node::Declaration(_) | Node::DocType(_)) => Err(WRONG_TYPE.into()),
            (Parent::Element(element), node) => {
                element.children.push(node);
                Ok(())
            }
        }
    }
}

/// `DeserializeNode`: each property in order; an array repeats its property.
fn properties(parent: &mut Parent, object: &IndexMap<String, Val>, depth: usize) -> Result<(), String> {
    for (name, value) in object {
        if parent.has_root() {
            return Err(MORE_THAN_ONE_ROOT.into());
        }
        match value {
            Val::Array(items) => {
                for item in items {
                    property(parent, name, item, depth)?;
                }
            }
            _ => property(parent, name, value, depth)?,
        }
    }
    Ok(())
}

/// `DeserializeValue`: one property (or one item of an array property).
fn property(parent: &mut Parent, name: &str, value: &Val, depth: usize) -> Result<(), String> {
    match name {
        "#text" => parent.append(Node::Text(xml_text(value)?.unwrap_or_default())),
        "#cdata-section" => parent.append(Node::CData(xml_text(value)?.unwrap_or_default())),
        "#whitespace" => parent.append(Node::Whitespace(whitespace(value)?)),
        "#significant-whitespace" => parent.append(Node::SignificantWhitespace(whitespace(value)?)),
        "?xml" => parent.append(Node::Declaration(declaration(value)?)),
        _ if name.starts_with('?') => {
            let target = &name[1..];
            if !is_valid_name(target) || target.contains(':') || target.eq_ignore_ascii_case("xml") {
                return Err(format!("'{target}' cannot name a processing instruction."));
            }
            let data = xml_text(value)?.unwrap_or_default();
            parent.append(Node::ProcessingInstruction { target: target.to_string(), data })
        }
        _ if name.eq_ignore_ascii_case("!DOCTYPE") => parent.append(Node::DocType(doctype(value)?)),
        _ if name.starts_with('@') => attribute(parent, &name[1..], value),
        _ => {
            if name.is_empty() {
                return Err("A JSON property with an empty name cannot become XML.".into());
            }
            if depth >= MAX_DEPTH {
                return Err(format!("The JSON is nested more than {MAX_DEPTH} levels deep to become XML."));
            }
            let mut element = Element::new(element_name(name));
            match value {
                // An array inside an array: an element holding one element per item.
                Val::Array(items) => {
                    for item in items {
                        property(&mut Parent::Element(&mut element), name, item, depth + 1)?;
                    }
                }
                Val::Object(object) => properties(&mut Parent::Element(&mut element), object, depth + 1)?,
                scalar => {
                    if let Some(text) = xml_text(scalar)? {
                        element.children.push(Node::Text(text));
                    }
                }
            }
            parent.append(Node::Element(element))
        }
    }
}

fn attribute(parent: &mut Parent, name: &str, value: &Val) -> Result<(), String> {
    let Parent::Element(element) = parent else {
        return Err(format!("The attribute '@{name}' cannot be at the top of the JSON object: it needs an element."));
    };
    if name.is_empty() {
        return Err("A JSON property named '@' cannot become an attribute.".into());
    }
    let name = element_name(name);
    let value = xml_text(value)?.unwrap_or_default();
    // Setting an attribute that exists replaces its value, as `SetAttributeNode` does.
    match element.attributes.iter_mut().find(|a| a.name == name) {
        Some(existing) => existing.value = value,
        None => element.attributes.push(Attribute { name, namespace: String::new(), value }),
    }
    Ok(())
}

/// `XmlConvert.EncodeName`, then split at the colon as `XmlDocument.CreateElement` does (a
/// colon first or last is part of the local name).
fn element_name(json_name: &str) -> Name {
    let encoded = encode_name(json_name);
    match encoded.find(':') {
        Some(at) if at > 0 && at < encoded.len() - 1 => Name { prefix: encoded[..at].to_string(), local: encoded[at + 1..].to_string() },
        _ => Name { prefix: String::new(), local: encoded },
    }
}

/// A JSON value as XML text (`ConvertTokenToXmlValue`): `None` for null.
fn xml_text(value: &Val) -> Result<Option<String>, String> {
    Ok(Some(match value {
        Val::Null => return Ok(None),
        Val::String(s) => s.clone(),
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) if f.is_nan() => "NaN".into(),
        Val::Float(f) if f.is_infinite() => {
            if *f > 0.0 {
                "INF".into()
            } else {
                "-INF".into()
            }
        }
        Val::Float(f) => format_float(*f),
        Val::Decimal(d) => d.to_string(),
        Val::Array(_) => return Err("Cannot get an XML string value from token type 'StartArray'.".into()),
        Val::Object(_) => return Err("Cannot get an XML string value from token type 'StartObject'.".into()),
    }))
}

fn whitespace(value: &Val) -> Result<String, String> {
    let text = xml_text(value)?.unwrap_or_default();
    if !text.chars().all(is_xml_whitespace) {
        return Err("The string for white space contains an invalid character.".into());
    }
    Ok(text)
}

fn declaration(value: &Val) -> Result<Declaration, String> {
    let Val::Object(object) = value else {
        return Err("'?xml' must be an object with '@version', '@encoding' and '@standalone'.".into());
    };
    let (mut version, mut encoding, mut standalone) = (None, None, None);
    for (key, value) in object {
        let slot = match key.as_str() {
            "@version" => &mut version,
            "@encoding" => &mut encoding,
            "@standalone" => &mut standalone,
            _ => return Err(format!("Unexpected property name encountered while deserializing XmlDeclaration: {key}")),
        };
        *slot = xml_text(value)?;
    }
    if version.as_deref() != Some("1.0") {
        return Err("The XML declaration's '@version' must be '1.0'.".into());
    }
    if !matches!(standalone.as_deref(), None | Some("" | "yes" | "no")) {
        return Err("The XML declaration's '@standalone' must be 'yes' or 'no'.".into());
    }
    Ok(Declaration { version: "1.0".into(), encoding, standalone })
}

fn doctype(value: &Val) -> Result<DocType, String> {
    let Val::Object(object) = value else {
        return Err("'!DOCTYPE' must be an object with '@name', '@public', '@system' and '@internalSubset'.".into());
    };
    let (mut name, mut public_id, mut system_id, mut internal_subset) = (None, None, None, None);
    for (key, value) in object {
        let slot = match key.as_str() {
            "@name" => &mut name,
            "@public" => &mut public_id,
            "@system" => &mut system_id,
            "@internalSubset" => &mut internal_subset,
            _ => return Err(format!("Unexpected property name encountered while deserializing XmlDocumentType: {key}")),
        };
        *slot = xml_text(value)?;
    }
    let name = name.filter(|n| is_valid_name(n)).ok_or("The document type needs a valid '@name'.")?;
    if internal_subset.as_deref().is_some_and(|s| s.contains(']'))
        || [&public_id, &system_id].iter().any(|id| id.as_deref().is_some_and(|s| s.contains('"')))
    {
        return Err("The document type's identifiers and internal subset cannot be written as XML.".into());
    }
    Ok(DocType { name, public_id, system_id, internal_subset })
}

/// Which namespace each name means; a prefix declared nowhere means none, and the writer then
/// leaves it out.
fn resolve_namespaces(element: &mut Element, scope: &mut Scope) -> Result<(), String> {
    scope.enter(element, Undeclared::NoNamespace)?;
    for child in &mut element.children {
        if let Node::Element(child) = child {
            resolve_namespaces(child, scope)?;
        }
    }
    scope.pop_frame();
    Ok(())
}
