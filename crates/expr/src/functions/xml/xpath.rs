//! `xpath(xml, expression)`: XPath 1.0 (sxd-xpath) over the document, with results as the
//! runtime gives them: a node-set becomes an array in document order, a text node as its
//! string, any other node as an XML value of its `OuterXml`; numbers (always floats), strings
//! and booleans as such.

// sxd elements hash by node address, which mutating the document does not change.
#![allow(clippy::mutable_key_type)]

use std::collections::HashMap;

use sxd_document::{dom, Package, QName};
use sxd_xpath::nodeset::Node as XPathNode;
use sxd_xpath::{Context, Factory, Value};

use super::dom::{Document, Element, Node};
use super::{fragment, xml_value};
use crate::value::Val;

/// Longer or more deeply nested expressions are refused: sxd-xpath parses and evaluates them
/// recursively, and hostile input must not exhaust the stack.
const MAX_EXPRESSION_CHARS: usize = 4096;
const MAX_EXPRESSION_NESTING: usize = 32;
/// Each binary operator adds a level to a left-leaning tree.
const MAX_EXPRESSION_OPERATORS: usize = 128;

pub(super) fn evaluate(document: &Document, expression: &str) -> Result<Val, String> {
    check_expression(expression)?;
    let xpath = Factory::new()
        .build(expression)
        .map_err(|e| format!("'{expression}' is not a valid XPath expression: {e}."))?
        .ok_or_else(|| "The XPath expression is empty.".to_string())?;

    let package = Package::new();
    let xpath_document = package.as_document();
    let mut elements = HashMap::new();
    let root = xpath_document.root();
    for child in &document.children {
        match child {
            Node::Element(element) => root.append_child(build_element(xpath_document, element, &mut elements)),
            Node::Comment(text) => root.append_child(xpath_document.create_comment(text)),
            Node::ProcessingInstruction { target, data } => root.append_child(processing_instruction(xpath_document, target, data)),
            _ => {}
        }
    }
    let value = xpath
        .evaluate(&Context::new(), xpath_document.root())
        .map_err(|e| format!("The XPath expression '{expression}' cannot be evaluated: {e}."))?;
    Ok(match value {
        Value::Boolean(b) => Val::Bool(b),
        Value::Number(n) => Val::Float(n),
        Value::String(s) => Val::String(s),
        Value::Nodeset(nodes) => Val::Array(nodes.document_order().into_iter().map(|n| node_value(n, document, &elements)).collect()),
    })
}

/// Refuses what sxd-xpath cannot take safely: deep nesting (see above) and prefixed names,
/// which it can only evaluate with namespaces bound (it panics otherwise). The runtime binds
/// none either, so such expressions fail there too, with the message used here.
fn check_expression(expression: &str) -> Result<(), String> {
    if expression.chars().count() > MAX_EXPRESSION_CHARS {
        return Err(format!("The XPath expression is longer than {MAX_EXPRESSION_CHARS} characters."));
    }
    let (mut depth, mut deepest, mut quote) = (0usize, 0usize, None);
    let (mut minus_run, mut operators, mut word) = (0usize, 0usize, String::new());
    let chars: Vec<char> = expression.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        // Outside literals a colon is either half of an axis's `::` or a prefix's.
        let axis_colon = i > 0 && chars[i - 1] == ':' || chars.get(i + 1) == Some(&':');
        if quote.is_none() && c == ':' && !axis_colon {
            return Err("Namespace Manager or XsltContext needed. This query has a prefix, variable, or user-defined function.".into());
        }
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            _ => {}
        }
        // Counted generously: `*` may be a wildcard, `-` part of a name.
        if quote.is_none() && matches!(c, '+' | '-' | '*' | '=' | '<' | '>' | '|') {
            operators += 1;
        }
        if quote.is_none() && (c.is_alphanumeric() || c == '-' || c == '_' || c == '.') {
            word.push(c);
        } else if !word.is_empty() {
            operators += usize::from(matches!(word.as_str(), "and" | "or" | "div" | "mod"));
            word.clear();
        }
        // Each unary minus is one more level of recursion.
        minus_run = if quote.is_none() && c == '-' {
            minus_run + 1
        } else if c.is_whitespace() {
            minus_run
        } else {
            0
        };
        deepest = deepest.max(depth).max(minus_run);
    }
    operators += usize::from(matches!(word.as_str(), "and" | "or" | "div" | "mod"));
    if deepest > MAX_EXPRESSION_NESTING {
        return Err(format!("The XPath expression is nested more than {MAX_EXPRESSION_NESTING} levels deep."));
    }
    if operators > MAX_EXPRESSION_OPERATORS {
        return Err(format!("The XPath expression has more than {MAX_EXPRESSION_OPERATORS} operators."));
    }
    Ok(())
}

/// The sxd-xpath node for a child of an element; `None` for text (merged by `build_element`).
fn build_child<'d, 'x>(
    document: dom::Document<'d>,
    node: &'x Node,
    elements: &mut HashMap<dom::Element<'d>, &'x Element>,
) -> Option<dom::ChildOfElement<'d>> {
    match node {
        Node::Element(element) => Some(build_element(document, element, elements).into()),
        Node::Comment(text) => Some(document.create_comment(text).into()),
        Node::ProcessingInstruction { target, data } => Some(processing_instruction(document, target, data).into()),
        _ => None,
    }
}

fn processing_instruction<'d>(document: dom::Document<'d>, target: &str, data: &str) -> dom::ProcessingInstruction<'d> {
    document.create_processing_instruction(target, Some(data).filter(|d| !d.is_empty()))
}

fn build_element<'d, 'x>(
    document: dom::Document<'d>,
    element: &'x Element,
    elements: &mut HashMap<dom::Element<'d>, &'x Element>,
) -> dom::Element<'d> {
    let built = document.create_element(qname(&element.namespace, &element.name.local));
    if !element.name.prefix.is_empty() {
        built.set_preferred_prefix(Some(&element.name.prefix));
    }
    for (prefix, uri) in element.namespace_declarations() {
        if !prefix.is_empty() {
            built.register_prefix(prefix, uri);
        }
    }
    for attribute in element.plain_attributes() {
        let built_attribute = built.set_attribute_value(qname(&attribute.namespace, &attribute.name.local), &attribute.value);
        if !attribute.name.prefix.is_empty() {
            built_attribute.set_preferred_prefix(Some(&attribute.name.prefix));
        }
    }
    let mut text_run = String::new();
    for child in &element.children {
        match child {
            Node::Text(t) | Node::CData(t) | Node::SignificantWhitespace(t) | Node::Whitespace(t) => text_run.push_str(t),
            other => {
                if !text_run.is_empty() {
                    built.append_child(document.create_text(&std::mem::take(&mut text_run)));
                }
                if let Some(node) = build_child(document, other, elements) {
                    built.append_child(node);
                }
            }
        }
    }
    if !text_run.is_empty() {
        built.append_child(document.create_text(&text_run));
    }
    elements.insert(built, element);
    built
}

fn qname<'s>(namespace: &'s str, local: &'s str) -> QName<'s> {
    QName::with_namespace_uri(Some(namespace).filter(|ns| !ns.is_empty()), local)
}

fn node_value(node: XPathNode, document: &Document, elements: &HashMap<dom::Element, &Element>) -> Val {
    let text = match node {
        XPathNode::Text(text) => return Val::String(text.text().to_string()),
        XPathNode::Root(_) => fragment::document_text(document),
        XPathNode::Element(element) => match elements.get(&element) {
            Some(source) => fragment::element_text(source),
            None => String::new(),
        },
        // .NET gives attributes and namespaces as `name="value"`, unescaped.
        XPathNode::Attribute(attribute) => {
            let name = match attribute.preferred_prefix() {
                Some(prefix) => format!("{prefix}:{}", attribute.name().local_part()),
                None => attribute.name().local_part().to_string(),
            };
            format!("{name}=\"{}\"", attribute.value())
        }
        XPathNode::Namespace(namespace) if namespace.prefix().is_empty() => format!("xmlns=\"{}\"", namespace.uri()),
        XPathNode::Namespace(namespace) => format!("xmlns:{}=\"{}\"", namespace.prefix(), namespace.uri()),
        XPathNode::Comment(comment) => fragment::comment_text(comment.text()),
        XPathNode::ProcessingInstruction(pi) => fragment::processing_instruction_text(pi.target(), pi.value().unwrap_or_default()),
    };
    xml_value(&text)
}
