//! `json(<xml>)`: the document as JSON by Newtonsoft's `SerializeXmlNode`, which the runtime
//! uses: attributes as `@name`, text as `#text`, `#cdata-section`, `?xml`, `!DOCTYPE`, children
//! grouped by name into arrays, `null` for `<x/>` and `""` for `<x></x>`, namespace prefixes as
//! the innermost declaration names them, `_xHHHH_` escapes decoded. Comments vanish, but a
//! group of two or more comments leaves `"#comment": []`: the runtime's JSON writer drops
//! comment tokens, not the array Newtonsoft opened around them.

use indexmap::IndexMap;

use super::dom::{Document, Element, Node, XMLNS_NAMESPACE};
use super::names::decode_name;
use super::namespaces::Scope;
use crate::value::Val;

/// Newtonsoft's own namespace: `json:Array="true"` forces an array, other `json:` attributes
/// become `$name` properties.
const JSON_NAMESPACE: &str = "http://james.newtonking.com/projects/json";

pub(super) fn document_to_json(document: &Document) -> Result<Val, String> {
    let mut root = IndexMap::new();
    let mut converter = Converter { scope: Scope::new() };
    converter.grouped_nodes(&document.children, &mut Sink::Object(&mut root))?;
    Ok(Val::Object(root))
}

/// Where a value goes: a property of the object being built, or the next item of an array
/// (where Newtonsoft writes no property name).
enum Sink<'a> {
    Object(&'a mut IndexMap<String, Val>),
    Array(&'a mut Vec<Val>),
}

impl Sink<'_> {
    fn put(&mut self, name: &str, value: Val) {
        match self {
            // A repeated name replaces the value where it first stood, as the runtime's JSON reader does.
            Sink::Object(map) => {
                map.insert(name.to_string(), value);
            }
            Sink::Array(items) => items.push(value),
        }
    }
}

struct Converter {
    scope: Scope,
}

impl Converter {
    /// `SerializeGroupedNodes`: one property per distinct name, in order of first appearance.
    fn grouped_nodes(&mut self, nodes: &[Node], sink: &mut Sink) -> Result<(), String> {
        let mut groups: IndexMap<String, Vec<&Node>> = IndexMap::new();
        for node in nodes {
            groups.entry(self.property_name(node)).or_default().push(node);
        }
        for (name, group) in groups {
            if group.len() == 1 && !is_forced_array(group[0])? {
                self.node(group[0], sink)?;
            } else {
                let mut items = Vec::new();
                for node in group {
                    self.node(node, &mut Sink::Array(&mut items))?;
                }
                sink.put(&name, Val::Array(items));
            }
        }
        Ok(())
    }

    /// `SerializeNode`.
    fn node(&mut self, node: &Node, sink: &mut Sink) -> Result<(), String> {
        match node {
            Node::Element(element) => self.element(element, sink)?,
            // Written as a JSON comment, which the runtime drops.
            Node::Comment(_) => {}
            Node::Text(text) | Node::CData(text) | Node::SignificantWhitespace(text) | Node::Whitespace(text) => {
                sink.put(&self.property_name(node), Val::String(text.clone()))
            }
            Node::ProcessingInstruction { data, .. } => sink.put(&self.property_name(node), Val::String(data.clone())),
            Node::Declaration(declaration) => {
                let properties = [
                    ("@version", Some(&declaration.version)),
                    ("@encoding", declaration.encoding.as_ref()),
                    ("@standalone", declaration.standalone.as_ref()),
                ];
                sink.put("?xml", non_empty_strings(&properties));
            }
            Node::DocType(doctype) => {
                let properties = [
                    ("@name", Some(&doctype.name)),
                    ("@public", doctype.public_id.as_ref()),
                    ("@system", doctype.system_id.as_ref()),
                    ("@internalSubset", doctype.internal_subset.as_ref()),
                ];
                sink.put("!DOCTYPE", non_empty_strings(&properties));
            }
        }
        Ok(())
    }

    fn element(&mut self, element: &Element, sink: &mut Sink) -> Result<(), String> {
        let all_children_share_its_name = element.children.iter().all(|c| local_name(c) == element.name.local);
        if is_forced_array_element(element)? && all_children_share_its_name && !element.children.is_empty() {
            return self.grouped_nodes(&element.children, sink);
        }
        self.scope.push_frame();
        for (prefix, uri) in element.namespace_declarations() {
            self.scope.declare(&decode_name(prefix), uri);
        }
        let name = self.property_name_of_element(element);
        let value = match element.children.as_slice() {
            [Node::Text(text)] if !has_value_attributes(element) => Val::String(text.clone()),
            [] if element.attributes.is_empty() => {
                if element.self_closing {
                    Val::Null
                } else {
                    Val::String(String::new())
                }
            }
            _ => {
                let mut map = IndexMap::new();
                let mut object = Sink::Object(&mut map);
                for attribute in &element.attributes {
                    let is_json_declaration = attribute.namespace == XMLNS_NAMESPACE && attribute.value == JSON_NAMESPACE;
                    let is_array_flag = attribute.namespace == JSON_NAMESPACE && attribute.name.local == "Array";
                    if is_json_declaration || is_array_flag {
                        continue;
                    }
                    let key = if attribute.namespace == JSON_NAMESPACE {
                        format!("${}", attribute.name.local)
                    } else {
                        format!("@{}", self.full_name(&attribute.namespace, &attribute.name.local))
                    };
                    object.put(&key, Val::String(attribute.value.clone()));
                }
                self.grouped_nodes(&element.children, &mut object)?;
                Val::Object(map)
            }
        };
        sink.put(&name, value);
        self.scope.pop_frame();
        Ok(())
    }

    fn property_name(&self, node: &Node) -> String {
        match node {
            Node::Element(element) => self.property_name_of_element(element),
            Node::Text(_) => "#text".into(),
            Node::CData(_) => "#cdata-section".into(),
            Node::Comment(_) => "#comment".into(),
            Node::SignificantWhitespace(_) => "#significant-whitespace".into(),
            Node::Whitespace(_) => "#whitespace".into(),
            Node::ProcessingInstruction { target, .. } => format!("?{}", decode_name(target)),
            Node::Declaration(_) => "?xml".into(),
            Node::DocType(_) => "!DOCTYPE".into(),
        }
    }

    fn property_name_of_element(&self, element: &Element) -> String {
        if element.namespace == JSON_NAMESPACE {
            format!("${}", element.name.local)
        } else {
            self.full_name(&element.namespace, &element.name.local)
        }
    }

    /// `ResolveFullName`: the prefix the scope gives the namespace (not necessarily the one
    /// written), then the decoded local name.
    fn full_name(&self, namespace: &str, local: &str) -> String {
        let is_default_declaration = local == "xmlns" && namespace == XMLNS_NAMESPACE;
        let prefix = if is_default_declaration { None } else { self.scope.prefix_of(namespace) };
        match prefix {
            Some(prefix) if !prefix.is_empty() => format!("{prefix}:{}", decode_name(local)),
            _ => decode_name(local),
        }
    }
}

fn non_empty_strings(properties: &[(&str, Option<&String>)]) -> Val {
    let map = properties
        .iter()
        .filter_map(|(key, value)| value.filter(|v| !v.is_empty()).map(|v| (key.to_string(), Val::String(v.clone()))))
        .collect();
    Val::Object(map)
}

/// Any attribute other than Newtonsoft's own markers keeps an element from being a plain string.
fn has_value_attributes(element: &Element) -> bool {
    element.attributes.iter().any(|a| a.namespace != JSON_NAMESPACE && !(a.namespace == XMLNS_NAMESPACE && a.value == JSON_NAMESPACE))
}

fn is_forced_array(node: &Node) -> Result<bool, String> {
    match node {
        Node::Element(element) => is_forced_array_element(element),
        _ => Ok(false),
    }
}

/// `json:Array="true"`, read as `XmlConvert.ToBoolean` reads it.
fn is_forced_array_element(element: &Element) -> Result<bool, String> {
    let Some(flag) = element.attributes.iter().find(|a| a.namespace == JSON_NAMESPACE && a.name.local == "Array") else {
        return Ok(false);
    };
    match flag.value.trim_matches(super::dom::is_xml_whitespace) {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(format!("The string '{other}' is not a valid Boolean value.")),
    }
}

/// The node's `LocalName` as .NET reports it.
fn local_name(node: &Node) -> &str {
    match node {
        Node::Element(element) => &element.name.local,
        Node::Text(_) => "#text",
        Node::CData(_) => "#cdata-section",
        Node::Comment(_) => "#comment",
        Node::SignificantWhitespace(_) => "#significant-whitespace",
        Node::Whitespace(_) => "#whitespace",
        Node::ProcessingInstruction { target, .. } => target,
        Node::Declaration(_) => "xml",
        Node::DocType(doctype) => &doctype.name,
    }
}
