//! What Flowbench reads from `customizations.xml` (flow-format.md §1.3): the `<Workflow>`
//! entries that name each flow file, and the declared `<connectionreferences>`.

use super::guid::normalize_guid;
use super::xml_tree::{XmlDocument, XmlElement};
use super::SolutionError;

/// A `<connectionreference>` declared in customizations.xml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredConnectionReference {
    pub logical_name: String,
    pub display_name: Option<String>,
    /// `/providers/Microsoft.PowerApps/apis/<api>`.
    pub connector_id: Option<String>,
}

/// One `<Workflow>` element: a cloud flow, or another kind of process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkflowEntry {
    pub workflow_id: Option<String>,
    pub name: Option<String>,
    /// The entry path of its definition file (`JsonFileName`, or `XamlFileName` for classic
    /// workflows) without the leading `/`.
    pub file_path: Option<String>,
    /// `<Category>`: 5 is a cloud flow; other kinds keep their files as opaque entries.
    pub category: Option<String>,
}

impl WorkflowEntry {
    pub fn is_cloud_flow(&self) -> bool {
        self.category.as_deref().is_none_or(|c| c == "5")
    }
}

pub(crate) struct Customizations {
    pub workflows: Vec<WorkflowEntry>,
    pub connection_references: Vec<DeclaredConnectionReference>,
}

impl Customizations {
    pub fn parse(path: &str, bytes: &[u8]) -> Result<Customizations, SolutionError> {
        let doc = XmlDocument::parse(path, bytes)?;
        check_root(&doc)?;
        let workflows = doc
            .root
            .child("Workflows")
            .map(|w| w.children_named("Workflow").map(WorkflowEntry::from_element).collect())
            .unwrap_or_default();
        Ok(Customizations { workflows, connection_references: declared_references(&doc)? })
    }
}

pub(crate) fn check_root(doc: &XmlDocument) -> Result<(), SolutionError> {
    if doc.root.name != "ImportExportXml" {
        return Err(doc.error_at(doc.root.span.start, format!("the root element is <{}>; expected <ImportExportXml>", doc.root.name)));
    }
    Ok(())
}

pub(crate) fn declared_references(doc: &XmlDocument) -> Result<Vec<DeclaredConnectionReference>, SolutionError> {
    let Some(list) = doc.root.child("connectionreferences") else { return Ok(Vec::new()) };
    list.children_named("connectionreference")
        .map(|element| {
            let logical_name = element
                .attribute("connectionreferencelogicalname")
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .ok_or_else(|| doc.error_at(element.span.start, "a <connectionreference> has no connectionreferencelogicalname"))?;
            Ok(DeclaredConnectionReference {
                logical_name: logical_name.to_owned(),
                display_name: element.child_text("connectionreferencedisplayname").map(str::to_owned),
                connector_id: element.child_text("connectorid").map(str::to_owned),
            })
        })
        .collect()
}

impl WorkflowEntry {
    pub fn from_element(element: &XmlElement) -> WorkflowEntry {
        WorkflowEntry {
            workflow_id: element.attribute("WorkflowId").and_then(normalize_guid),
            name: element.attribute("Name").map(str::to_owned),
            file_path: workflow_file_path(element),
            category: element.child_text("Category").map(str::to_owned),
        }
    }
}

/// `/Workflows/X.json` → `Workflows/X.json`.
pub(crate) fn workflow_file_path(element: &XmlElement) -> Option<String> {
    let named = element.child_text("JsonFileName").or_else(|| element.child_text("XamlFileName"))?;
    let path = named.strip_prefix('/').unwrap_or(named);
    (!path.is_empty()).then(|| path.to_owned())
}
