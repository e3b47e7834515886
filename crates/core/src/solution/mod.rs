//! Dataverse solution packages (flow-format.md §1): the exported .zip and the unpacked folder
//! of `pac solution unpack` / SolutionPackager, read and written losslessly.
//!
//! A [`Solution`] keeps every entry's bytes in the original order and parses only what
//! Flowbench works on: the flows, the manifest basics and the declared connection references.
//! Writing puts back the edited flows and everything else verbatim. This module is the only
//! part of the crate that touches files, and only through its explicit folder functions.

mod connection_references;
mod content_types;
mod customizations;
mod entry_path;
mod error;
mod flow_file;
mod folder_package;
mod guid;
mod limits;
mod manifest;
mod new_solution;
mod text_edit;
mod unpacked_layout;
mod xml_tree;
mod zip_package;

use std::path::Path;

pub use connection_references::UndeclaredConnectionReference;
pub use customizations::DeclaredConnectionReference;
pub use error::SolutionError;
pub use flow_file::SolutionFlow;
pub use guid::new_guid;
pub use limits::ReadLimits;
pub use manifest::{Publisher, SolutionManifest};

use customizations::{Customizations, WorkflowEntry};
use folder_package::ExistingFolder;
use unpacked_layout::{DATA_XML_SUFFIX, FOLDER_CUSTOMIZATIONS, FOLDER_SOLUTION, ZIP_CUSTOMIZATIONS, ZIP_SOLUTION};
use xml_tree::XmlDocument;

use crate::Flow;

/// Which of the two layouts the solution was read in; it decides the entries' paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageLayout {
    /// The exported .zip: `solution.xml`, `customizations.xml`, `[Content_Types].xml`, ….
    Zip,
    /// The unpacked folder: `Other/Solution.xml`, `Other/Customizations.xml`,
    /// `Workflows/<file>.json.data.xml`, ….
    Folder,
}

/// One file of the package, as read. A path ending in `/` is a directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolutionEntry {
    pub path: String,
    pub bytes: Vec<u8>,
    modified: Option<zip::DateTime>,
}

impl SolutionEntry {
    pub(crate) fn new(path: String, bytes: Vec<u8>) -> Self {
        SolutionEntry { path, bytes, modified: None }
    }

    pub(crate) fn from_zip(path: String, bytes: Vec<u8>, modified: Option<zip::DateTime>) -> Self {
        SolutionEntry { path, bytes, modified }
    }

    pub(crate) fn renamed(self, path: &str) -> Self {
        SolutionEntry { path: path.to_owned(), ..self }
    }

    pub(crate) fn with_bytes(self, bytes: Vec<u8>) -> Self {
        SolutionEntry { bytes, ..self }
    }

    pub fn is_directory(&self) -> bool {
        self.path.ends_with('/')
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    layout: PackageLayout,
    entries: Vec<SolutionEntry>,
    flows: Vec<SolutionFlow>,
    manifest: SolutionManifest,
    connection_references: Vec<DeclaredConnectionReference>,
}

impl Solution {
    /// Reads an exported solution .zip, within the default [`ReadLimits`].
    pub fn read_zip(bytes: &[u8]) -> Result<Solution, SolutionError> {
        Solution::read_zip_with_limits(bytes, &ReadLimits::default())
    }

    pub fn read_zip_with_limits(bytes: &[u8], limits: &ReadLimits) -> Result<Solution, SolutionError> {
        Solution::from_entries(zip_package::read_entries(bytes, limits)?, PackageLayout::Zip)
    }

    /// Reads an unpacked solution folder (the one holding `Other/` and `Workflows/`).
    pub fn read_folder(path: impl AsRef<Path>) -> Result<Solution, SolutionError> {
        Solution::read_folder_with_limits(path, &ReadLimits::default())
    }

    pub fn read_folder_with_limits(path: impl AsRef<Path>, limits: &ReadLimits) -> Result<Solution, SolutionError> {
        Solution::from_entries(folder_package::read_entries(path.as_ref(), limits)?, PackageLayout::Folder)
    }

    /// The solution as an importable .zip. Declares any connection reference the flows use
    /// that customizations.xml lacks (exporter rule E2).
    pub fn write_zip(&self) -> Result<Vec<u8>, SolutionError> {
        let entries = self.entries_to_write()?;
        let entries = match self.layout {
            PackageLayout::Zip => entries,
            PackageLayout::Folder => unpacked_layout::pack(entries)?,
        };
        zip_package::write_entries(&entries)
    }

    /// Writes the unpacked layout into `path`, which must be absent or an empty folder.
    pub fn write_folder(&self, path: impl AsRef<Path>) -> Result<(), SolutionError> {
        self.write_folder_as(path.as_ref(), ExistingFolder::Refuse)
    }

    /// Like [`Solution::write_folder`], but replaces a non-empty folder (all at once, at the end).
    pub fn write_folder_replacing(&self, path: impl AsRef<Path>) -> Result<(), SolutionError> {
        self.write_folder_as(path.as_ref(), ExistingFolder::Replace)
    }

    /// A new solution holding one cloud flow, shaped like a real export (flow-format.md §1, E1).
    /// `name` is the flow's display name; `workflow_id` a GUID in any usual form;
    /// `publisher_prefix` the publisher's customization prefix (2–8 letters or digits).
    pub fn from_flow(flow: Flow, name: &str, workflow_id: &str, publisher_prefix: &str) -> Result<Solution, SolutionError> {
        let entries = new_solution::entries_for(flow, name, workflow_id, publisher_prefix)?;
        Solution::from_entries(entries, PackageLayout::Zip)
    }

    pub fn layout(&self) -> PackageLayout {
        self.layout
    }

    /// Every entry as read, in order. Flow entries hold the bytes as read; the writers use
    /// the flows as they are now.
    pub fn entries(&self) -> &[SolutionEntry] {
        &self.entries
    }

    pub fn entry(&self, path: &str) -> Option<&SolutionEntry> {
        self.entries.iter().find(|e| e.path == path)
    }

    pub fn flows(&self) -> &[SolutionFlow] {
        &self.flows
    }

    pub fn flows_mut(&mut self) -> &mut [SolutionFlow] {
        &mut self.flows
    }

    pub fn manifest(&self) -> &SolutionManifest {
        &self.manifest
    }

    /// The `<connectionreferences>` of customizations.xml as read.
    pub fn connection_references(&self) -> &[DeclaredConnectionReference] {
        &self.connection_references
    }

    /// The connection references the flows use that customizations.xml does not declare:
    /// what the writers will add (exporter rule E2).
    pub fn undeclared_connection_references(&self) -> Result<Vec<UndeclaredConnectionReference>, SolutionError> {
        let customizations = self.customizations_entry();
        connection_references::undeclared_references(&customizations.path, &customizations.bytes, &self.flows)
    }

    fn write_folder_as(&self, path: &Path, existing: ExistingFolder) -> Result<(), SolutionError> {
        let entries = self.entries_to_write()?;
        let entries = match self.layout {
            PackageLayout::Zip => unpacked_layout::unpack(entries)?,
            PackageLayout::Folder => entries,
        };
        folder_package::write_entries(&entries, path, existing)
    }

    /// The entries in this solution's own layout, with the flows serialised and E2 applied.
    fn entries_to_write(&self) -> Result<Vec<SolutionEntry>, SolutionError> {
        let customizations = self.customizations_entry();
        let declared = connection_references::declare_references(&customizations.path, &customizations.bytes, &self.flows)?;
        let customizations_path = customizations.path.clone();
        let mut entries = self.entries.clone();
        for entry in &mut entries {
            if let Some(flow) = self.flows.iter().find(|f| f.path() == entry.path) {
                entry.bytes = flow.file_bytes(&entry.bytes);
            } else if entry.path == customizations_path {
                if let Some(bytes) = &declared {
                    entry.bytes = bytes.clone();
                }
            }
        }
        Ok(entries)
    }

    fn customizations_entry(&self) -> &SolutionEntry {
        let path = match self.layout {
            PackageLayout::Zip => ZIP_CUSTOMIZATIONS,
            PackageLayout::Folder => FOLDER_CUSTOMIZATIONS,
        };
        self.entry(path).expect("checked when the solution was read")
    }

    fn from_entries(entries: Vec<SolutionEntry>, layout: PackageLayout) -> Result<Solution, SolutionError> {
        let (solution_path, customizations_path) = match layout {
            PackageLayout::Zip => (ZIP_SOLUTION, ZIP_CUSTOMIZATIONS),
            PackageLayout::Folder => (FOLDER_SOLUTION, FOLDER_CUSTOMIZATIONS),
        };
        let solution_xml = required_entry(&entries, solution_path, layout)?;
        let customizations_xml = required_entry(&entries, customizations_path, layout)?;
        let manifest = SolutionManifest::parse(solution_path, &solution_xml.bytes)?;
        let customizations = Customizations::parse(customizations_path, &customizations_xml.bytes)?;
        let mut workflows = customizations.workflows;
        if layout == PackageLayout::Folder {
            for data in entries.iter().filter(|e| unpacked_layout::is_workflow_data(&e.path)) {
                let doc = XmlDocument::parse(&data.path, &data.bytes)?;
                if doc.root.name != "Workflow" {
                    return Err(doc.error_at(doc.root.span.start, format!("the root element is <{}>; expected <Workflow>", doc.root.name)));
                }
                let mut workflow = WorkflowEntry::from_element(&doc.root);
                // The file's own name says which definition it belongs to.
                workflow.file_path = workflow.file_path.or_else(|| data.path.strip_suffix(DATA_XML_SUFFIX).map(str::to_owned));
                workflows.push(workflow);
            }
        }
        let mut flows = Vec::new();
        for entry in entries.iter().filter(|e| is_flow_file(&e.path)) {
            let workflow = workflows
                .iter()
                .find(|w| w.file_path.as_deref().is_some_and(|f| f.eq_ignore_ascii_case(&entry.path)));
            if workflow.is_some_and(|w| !w.is_cloud_flow()) {
                continue;
            }
            flows.push(SolutionFlow::parse(&entry.path, &entry.bytes, workflow)?);
        }
        Ok(Solution { layout, entries, flows, manifest, connection_references: customizations.connection_references })
    }
}

/// `Workflows/<file>.json`: a flow definition (other Workflows/ files are kept as they are).
fn is_flow_file(path: &str) -> bool {
    path.strip_prefix("Workflows/")
        .is_some_and(|file| !file.contains('/') && file.len() > ".json".len() && file.to_ascii_lowercase().ends_with(".json"))
}

fn required_entry<'e>(entries: &'e [SolutionEntry], path: &str, layout: PackageLayout) -> Result<&'e SolutionEntry, SolutionError> {
    if let Some(entry) = entries.iter().find(|e| e.path == path) {
        return Ok(entry);
    }
    let has = |p: &str| entries.iter().any(|e| e.path.eq_ignore_ascii_case(p));
    let hint = match layout {
        _ if has(path) => " (an entry differs from it only in letter case)",
        PackageLayout::Zip if has(FOLDER_SOLUTION) => {
            " (this zip holds an unpacked solution folder, Other/Solution.xml: unzip it and open the folder)"
        }
        PackageLayout::Folder if has(ZIP_SOLUTION) => " (this folder holds an extracted .zip, solution.xml: open the .zip itself)",
        PackageLayout::Zip => " (not a Dataverse solution .zip?)",
        PackageLayout::Folder => " (not an unpacked solution folder?)",
    };
    Err(SolutionError::Missing { what: path.to_owned(), hint: hint.to_owned() })
}
