//! Namespace scopes: which URI a prefix means where (`XmlNamespaceManager`), used to resolve
//! the names of parsed and of JSON-built documents, and to name nodes in JSON.

use super::dom::{Element, XMLNS_NAMESPACE, XML_NAMESPACE};

pub(super) struct Scope {
    /// (prefix, uri), innermost last; `""` is the default namespace.
    declarations: Vec<(String, String)>,
    frames: Vec<usize>,
}

/// What an undeclared prefix means: an error in XML text, no namespace in JSON (where .NET
/// then writes the name without its prefix).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Undeclared {
    Error,
    NoNamespace,
}

impl Scope {
    pub fn new() -> Scope {
        let predefined = [("", ""), ("xml", XML_NAMESPACE), ("xmlns", XMLNS_NAMESPACE)];
        Scope { declarations: predefined.iter().map(|(p, u)| (p.to_string(), u.to_string())).collect(), frames: Vec::new() }
    }

    pub fn push_frame(&mut self) {
        self.frames.push(self.declarations.len());
    }

    pub fn pop_frame(&mut self) {
        if let Some(start) = self.frames.pop() {
            self.declarations.truncate(start);
        }
    }

    pub fn declare(&mut self, prefix: &str, uri: &str) {
        self.declarations.push((prefix.to_string(), uri.to_string()));
    }

    pub fn namespace_of(&self, prefix: &str) -> Option<&str> {
        self.declarations.iter().rev().find(|(p, _)| p == prefix).map(|(_, u)| u.as_str())
    }

    /// `XmlNamespaceManager.LookupPrefix`: the innermost prefix bound to `uri` that no inner
    /// declaration rebinds.
    pub fn prefix_of(&self, uri: &str) -> Option<&str> {
        self.declarations.iter().rev().find(|(prefix, u)| u == uri && self.namespace_of(prefix) == Some(uri)).map(|(p, _)| p.as_str())
    }

    /// Opens the element's frame, declares its namespaces and resolves the namespace of its
    /// name and attributes. The caller pops the frame once the element's content is done.
    pub fn enter(&mut self, element: &mut Element, undeclared: Undeclared) -> Result<(), String> {
        self.push_frame();
        let strict = undeclared == Undeclared::Error;
        for (prefix, uri) in element.namespace_declarations() {
            if strict {
                check_declaration(prefix, uri)?;
            }
            self.declarations.push((prefix.to_string(), uri.to_string()));
        }
        let element_prefix = element.name.prefix.clone();
        if strict && element_prefix == "xmlns" {
            return Err("The prefix 'xmlns' is reserved for namespace declarations and cannot name an element.".into());
        }
        element.namespace = self.resolve(&element_prefix, undeclared)?;
        for attribute in &mut element.attributes {
            attribute.namespace = match (attribute.name.prefix.as_str(), attribute.name.local.as_str()) {
                ("", "xmlns") | ("xmlns", _) => XMLNS_NAMESPACE.to_string(),
                // Unprefixed attributes are in no namespace, whatever the default namespace.
                ("", _) => String::new(),
                (prefix, _) => self.resolve(prefix, undeclared)?,
            };
        }
        if strict {
            for (i, attribute) in element.attributes.iter().enumerate() {
                let same =
                    |other: &&super::dom::Attribute| other.namespace == attribute.namespace && other.name.local == attribute.name.local;
                if element.attributes[..i].iter().any(|o| same(&o)) {
                    return Err(format!("'{}' is a duplicate attribute name.", attribute.name.qualified()));
                }
            }
        }
        Ok(())
    }

    fn resolve(&self, prefix: &str, undeclared: Undeclared) -> Result<String, String> {
        match self.namespace_of(prefix) {
            Some(uri) => Ok(uri.to_string()),
            None if undeclared == Undeclared::NoNamespace => Ok(String::new()),
            None => Err(format!("'{prefix}' is an undeclared prefix.")),
        }
    }
}

/// The rules of "Namespaces in XML" for one `xmlns`/`xmlns:prefix` attribute.
fn check_declaration(prefix: &str, uri: &str) -> Result<(), String> {
    if prefix == "xmlns" {
        return Err("The prefix 'xmlns' is reserved for use by XML.".into());
    }
    if (prefix == "xml") != (uri == XML_NAMESPACE) {
        return Err(format!("The prefix 'xml' is bound to the namespace name '{XML_NAMESPACE}' and no other prefix may be."));
    }
    if uri == XMLNS_NAMESPACE {
        return Err(format!("The namespace '{XMLNS_NAMESPACE}' cannot be declared."));
    }
    if !prefix.is_empty() && uri.is_empty() {
        return Err(format!("Cannot use a prefix with an empty namespace: 'xmlns:{prefix}'."));
    }
    Ok(())
}
