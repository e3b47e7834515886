//! The document model shared by the parser, the writers, both JSON conversions and XPath: the
//! nodes .NET's `XmlDocument` keeps when it loads text without preserving whitespace.

pub(super) const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";
pub(super) const XMLNS_NAMESPACE: &str = "http://www.w3.org/2000/xmlns/";

#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Document {
    /// Declaration, document type, comments, processing instructions and at most one element.
    pub children: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    Declaration(Declaration),
    DocType(DocType),
    Element(Element),
    Text(String),
    CData(String),
    Comment(String),
    ProcessingInstruction {
        target: String,
        data: String,
    },
    /// Whitespace-only text inside `xml:space="preserve"` (or `#significant-whitespace` in JSON).
    SignificantWhitespace(String),
    /// Whitespace-only text given as `#whitespace` in JSON; loading text drops such runs.
    Whitespace(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Declaration {
    pub version: String,
    pub encoding: Option<String>,
    pub standalone: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct DocType {
    pub name: String,
    pub public_id: Option<String>,
    pub system_id: Option<String>,
    /// `Some("")` when the text had no `[…]`: .NET then writes `[]` back.
    pub internal_subset: Option<String>,
}

/// A qualified name; `prefix` is empty when there is none.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Name {
    pub prefix: String,
    pub local: String,
}

impl Name {
    /// Splits `prefix:local`; `None` when a colon leaves an empty part or appears twice.
    pub fn parse(qualified: &str) -> Option<Name> {
        match qualified.split_once(':') {
            None => Some(Name { prefix: String::new(), local: qualified.to_string() }),
            Some((prefix, local)) if !prefix.is_empty() && !local.is_empty() && !local.contains(':') => {
                Some(Name { prefix: prefix.to_string(), local: local.to_string() })
            }
            Some(_) => None,
        }
    }

    pub fn qualified(&self) -> String {
        if self.prefix.is_empty() {
            self.local.clone()
        } else {
            format!("{}:{}", self.prefix, self.local)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Element {
    pub name: Name,
    /// The namespace URI the prefix (or the default namespace) resolves to; empty for none.
    pub namespace: String,
    /// In document order, namespace declarations included.
    pub attributes: Vec<Attribute>,
    pub children: Vec<Node>,
    /// Written `<x/>`: .NET's `IsEmpty`, which decides between `<x />` and `<x></x>` and
    /// between JSON `null` and `""`.
    pub self_closing: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Attribute {
    pub name: Name,
    pub namespace: String,
    pub value: String,
}

impl Attribute {
    /// The prefix an `xmlns`/`xmlns:p` attribute declares (`""` for the default namespace).
    pub fn declared_prefix(&self) -> Option<&str> {
        match (self.name.prefix.as_str(), self.name.local.as_str()) {
            ("", "xmlns") => Some(""),
            ("xmlns", prefix) => Some(prefix),
            _ => None,
        }
    }
}

impl Element {
    pub fn new(name: Name) -> Element {
        Element { name, namespace: String::new(), attributes: Vec::new(), children: Vec::new(), self_closing: true }
    }

    /// Attributes as XPath sees them: namespace declarations are not attributes there.
    pub fn plain_attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.iter().filter(|a| a.declared_prefix().is_none())
    }

    pub fn namespace_declarations(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attributes.iter().filter_map(|a| a.declared_prefix().map(|p| (p, a.value.as_str())))
    }
}

pub(super) fn is_xml_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}
