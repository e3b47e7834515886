//! A flow file of a solution (`Workflows/<Name>-<GUID>.json`) and how it is written back.

use super::customizations::WorkflowEntry;
use super::guid::guid_from_file_name;
use super::text_edit::line_ending_of;
use super::SolutionError;
use crate::Flow;

const BOM: &str = "\u{feff}";

/// A cloud flow of the solution. Edit `flow`; the writers serialise it back into `path`.
#[derive(Debug, Clone, PartialEq)]
pub struct SolutionFlow {
    path: String,
    workflow_id: Option<String>,
    name: Option<String>,
    pub flow: Flow,
    layout: TextLayout,
    /// The flow as read, in compact JSON: while the flow still serialises to it, the original
    /// bytes are written back, so even formatting serde_json would not produce survives.
    compact_as_read: Option<String>,
}

/// How the file's text was laid out around the JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TextLayout {
    bom: bool,
    crlf: bool,
    final_newline: bool,
}

/// Real exports: CRLF, no byte-order mark, no newline after the closing brace.
const EXPORT_LAYOUT: TextLayout = TextLayout { bom: false, crlf: true, final_newline: false };

impl SolutionFlow {
    /// The entry path, e.g. `Workflows/Createfolderwithlinkbacktolist-BD0B9CDF-….json`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Lower case, without braces; from the `<Workflow WorkflowId>` or else the file name.
    pub fn workflow_id(&self) -> Option<&str> {
        self.workflow_id.as_deref()
    }

    /// The `<Workflow Name>`: the display name Power Automate shows.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    pub(crate) fn parse(path: &str, bytes: &[u8], workflow: Option<&WorkflowEntry>) -> Result<SolutionFlow, SolutionError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| SolutionError::NotUtf8 { path: path.to_owned(), offset: e.valid_up_to() })?;
        let flow = Flow::parse(text).map_err(|source| SolutionError::Flow { path: path.to_owned(), source })?;
        let compact = serde_json::to_string(&flow.to_json()).expect("a JSON value always serialises");
        let layout = TextLayout {
            bom: text.starts_with(BOM),
            crlf: line_ending_of(text) != "\n",
            final_newline: text.ends_with('\n'),
        };
        Ok(SolutionFlow {
            path: path.to_owned(),
            workflow_id: workflow.and_then(|w| w.workflow_id.clone()).or_else(|| guid_from_file_name(path)),
            name: workflow.and_then(|w| w.name.clone()),
            flow,
            layout,
            compact_as_read: Some(compact),
        })
    }

    pub(crate) fn new(path: String, workflow_id: String, name: String, flow: Flow) -> SolutionFlow {
        SolutionFlow {
            path,
            workflow_id: Some(workflow_id),
            name: Some(name),
            flow,
            layout: EXPORT_LAYOUT,
            compact_as_read: None,
        }
    }

    /// Whether the flow differs from what was read (always true for a flow made here).
    pub fn is_modified(&self) -> bool {
        let compact = serde_json::to_string(&self.flow.to_json()).expect("a JSON value always serialises");
        self.compact_as_read.as_deref() != Some(compact.as_str())
    }

    /// The file's bytes: `as_read` when the flow is unchanged, else pretty JSON laid out as the
    /// file was (CRLF for new files, as real exports are).
    pub(crate) fn file_bytes(&self, as_read: &[u8]) -> Vec<u8> {
        if !self.is_modified() {
            return as_read.to_vec();
        }
        let pretty = self.flow.to_pretty_json();
        // JSON strings escape their line breaks, so every raw '\n' here is layout.
        let mut text = if self.layout.crlf { pretty.replace('\n', "\r\n") } else { pretty };
        if self.layout.final_newline {
            text.push_str(if self.layout.crlf { "\r\n" } else { "\n" });
        }
        if self.layout.bom {
            text.insert_str(0, BOM);
        }
        text.into_bytes()
    }
}
