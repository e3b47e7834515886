//! The text of one node of an `xpath()` result, as .NET's `XPathNavigator.OuterXml` gives it:
//! an indenting `XmlWriter` (two spaces, CRLF line ends as on the Windows-hosted runtime) that
//! sees adjacent text and CDATA as one escaped text node, indents only where no text is mixed
//! in, and declares the namespaces the node borrows from its ancestors.

use super::dom::{Document, Element, Node};
use super::namespaces::Scope;
use super::write::{processing_instruction_markup, push_char_or_reference};

const NEW_LINE: &str = "\r\n";
const INDENT: &str = "  ";

/// The root node: the document's comments, processing instructions and element (XPath has no
/// declaration or document type node).
pub(super) fn document_text(document: &Document) -> String {
    let mut writer = FragmentWriter::default();
    writer.children(&document.children);
    writer.out
}

pub(super) fn element_text(element: &Element) -> String {
    let mut writer = FragmentWriter::default();
    writer.element(element);
    writer.out
}

pub(super) fn comment_text(text: &str) -> String {
    format!("<!--{}-->", with_new_lines(text))
}

pub(super) fn processing_instruction_text(target: &str, data: &str) -> String {
    processing_instruction_markup(target, &with_new_lines(data))
}

struct FragmentWriter {
    out: String,
    /// Where the last text ended: no indentation right after text.
    text_end: usize,
    level: usize,
    /// Inside an element with text content, where indentation would change the text.
    mixed: bool,
    mixed_stack: Vec<bool>,
    /// The namespaces declared in the text written so far.
    scope: Scope,
}

impl Default for FragmentWriter {
    fn default() -> Self {
        FragmentWriter { out: String::new(), text_end: 0, level: 0, mixed: false, mixed_stack: Vec::new(), scope: Scope::new() }
    }
}

impl FragmentWriter {
    fn children(&mut self, children: &[Node]) {
        let mut text_run = String::new();
        for child in children {
            match child {
                Node::Text(t) | Node::CData(t) | Node::SignificantWhitespace(t) | Node::Whitespace(t) => text_run.push_str(t),
                other => {
                    self.text(&std::mem::take(&mut text_run));
                    self.node(other);
                }
            }
        }
        self.text(&text_run);
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Element(element) => self.element(element),
            Node::Comment(text) => {
                self.indent_unless_mixed();
                self.out.push_str(&comment_text(text));
            }
            Node::ProcessingInstruction { target, data } => {
                self.indent_unless_mixed();
                self.out.push_str(&processing_instruction_text(target, data));
            }
            _ => {}
        }
    }

    fn indent_unless_mixed(&mut self) {
        if !self.mixed && self.text_end != self.out.len() {
            self.out.push_str(NEW_LINE);
            self.out.push_str(&INDENT.repeat(self.level));
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.mixed = true;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '\r' | '\n' => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    self.out.push_str(NEW_LINE);
                }
                _ => push_char_or_reference(&mut self.out, c),
            }
        }
        self.text_end = self.out.len();
    }

    fn element(&mut self, element: &Element) {
        self.indent_unless_mixed();
        let own_level = self.level;
        self.level += 1;
        self.mixed_stack.push(self.mixed);
        self.scope.push_frame();
        let name = element.name.qualified();
        self.out.push('<');
        self.out.push_str(&name);
        for attribute in element.plain_attributes() {
            self.attribute(&attribute.name.qualified(), &attribute.value);
        }
        for (prefix, uri) in element.namespace_declarations() {
            self.declare(prefix, uri);
        }
        // Namespaces declared on ancestors outside the fragment are declared here.
        let mut needed = vec![(element.name.prefix.as_str(), element.namespace.as_str())];
        needed.extend(
            element.plain_attributes().filter(|a| !a.name.prefix.is_empty()).map(|a| (a.name.prefix.as_str(), a.namespace.as_str())),
        );
        for (prefix, uri) in needed {
            if prefix != "xml" && self.scope.namespace_of(prefix) != Some(uri) {
                self.declare(prefix, uri);
            }
        }
        if element.children.is_empty() {
            self.out.push_str(if element.self_closing { " />" } else { "></" });
            if !element.self_closing {
                self.out.push_str(&name);
                self.out.push('>');
            }
        } else {
            self.out.push('>');
            let content_start = self.out.len();
            self.mixed = self.mixed_stack.last().copied().unwrap_or(false);
            self.children(&element.children);
            if !self.mixed && content_start != self.out.len() && self.text_end != self.out.len() {
                self.out.push_str(NEW_LINE);
                self.out.push_str(&INDENT.repeat(own_level));
            }
            self.out.push_str(&format!("</{name}>"));
        }
        self.level = own_level;
        self.mixed = self.mixed_stack.pop().unwrap_or(false);
        self.scope.pop_frame();
    }

    fn declare(&mut self, prefix: &str, uri: &str) {
        let name = if prefix.is_empty() { "xmlns".to_string() } else { format!("xmlns:{prefix}") };
        self.attribute(&name, uri);
        self.scope.declare(prefix, uri);
    }

    fn attribute(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        for c in value.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '"' => self.out.push_str("&quot;"),
                '\t' => self.out.push_str("&#x9;"),
                '\n' => self.out.push_str("&#xA;"),
                '\r' => self.out.push_str("&#xD;"),
                _ => push_char_or_reference(&mut self.out, c),
            }
        }
        self.out.push('"');
    }
}

/// Line ends in comments and processing instructions, as the writer's newline handling does.
fn with_new_lines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").replace('\n', NEW_LINE)
}
