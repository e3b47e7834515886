//! The basics of `solution.xml` (`<SolutionManifest>`, flow-format.md §1.2).

use super::xml_tree::{XmlDocument, XmlElement};
use super::SolutionError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionManifest {
    pub unique_name: String,
    /// `1.0.0.0` and the like, as written.
    pub version: String,
    pub managed: bool,
    pub publisher: Publisher,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub unique_name: String,
    /// The prefix of every component's name, e.g. `pnp` in `pnp_sharedsharepointonline_eefbc`.
    pub customization_prefix: String,
}

impl SolutionManifest {
    pub(crate) fn parse(path: &str, bytes: &[u8]) -> Result<SolutionManifest, SolutionError> {
        let doc = XmlDocument::parse(path, bytes)?;
        let manifest = required_child(&doc, &doc.root, "SolutionManifest")?;
        let managed = match required_text(&doc, manifest, "Managed")? {
            "0" => false,
            "1" => true,
            other => {
                let at = manifest.child("Managed").map_or(manifest.span.start, |m| m.span.start);
                return Err(doc.error_at(at, format!("<Managed> is \"{other}\"; expected 0 or 1")));
            }
        };
        let publisher = required_child(&doc, manifest, "Publisher")?;
        Ok(SolutionManifest {
            unique_name: required_text(&doc, manifest, "UniqueName")?.to_owned(),
            version: required_text(&doc, manifest, "Version")?.to_owned(),
            managed,
            publisher: Publisher {
                unique_name: required_text(&doc, publisher, "UniqueName")?.to_owned(),
                customization_prefix: required_text(&doc, publisher, "CustomizationPrefix")?.to_owned(),
            },
        })
    }
}

fn required_child<'e>(doc: &XmlDocument, parent: &'e XmlElement, name: &str) -> Result<&'e XmlElement, SolutionError> {
    parent.child(name).ok_or_else(|| doc.error_at(parent.span.start, format!("<{}> has no <{name}>", parent.name)))
}

fn required_text<'e>(doc: &XmlDocument, parent: &'e XmlElement, name: &str) -> Result<&'e str, SolutionError> {
    let text = required_child(doc, parent, name)?.text.trim();
    if text.is_empty() {
        let at = parent.child(name).map_or(parent.span.start, |c| c.span.start);
        return Err(doc.error_at(at, format!("<{name}> in <{}> is empty", parent.name)));
    }
    Ok(text)
}
