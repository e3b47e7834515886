use std::path::PathBuf;

use thiserror::Error;

use crate::FlowError;

/// Why a solution package could not be read or written. Each message says what and where;
/// [`SolutionError::code`] gives a stable code for the UI to map.
#[derive(Debug, Error)]
pub enum SolutionError {
    /// The bytes are not a zip archive we can read, or one entry cannot be inflated.
    #[error("{}", zip_message(entry.as_deref(), detail))]
    Zip { entry: Option<String>, detail: String },

    /// An entry's path could escape the target folder or collide with another entry.
    #[error("refused entry \"{path}\": {reason}")]
    UnsafePath { path: String, reason: String },

    /// A size, count or compression-ratio limit was passed (zip bomb protection).
    #[error("{what} (limit: {limit})")]
    TooLarge { what: String, limit: String },

    /// A part every solution has is not there.
    #[error("{what} is missing{hint}")]
    Missing { what: String, hint: String },

    /// An XML part is not well-formed, or lacks an element it must have.
    #[error("{path}, line {line}, column {column}: {detail}")]
    Xml { path: String, line: usize, column: usize, detail: String },

    /// A text part is not UTF-8.
    #[error("{path} is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { path: String, offset: usize },

    /// A flow file does not parse as a flow.
    #[error("{path}: {source}")]
    Flow {
        path: String,
        #[source]
        source: FlowError,
    },

    /// A connection reference a flow uses cannot be declared in customizations.xml.
    #[error("connection reference \"{logical_name}\": {detail}")]
    ConnectionReference { logical_name: String, detail: String },

    /// An argument given to build a solution is not acceptable.
    #[error("{what}")]
    Invalid { what: String },

    /// The folder to write into exists and holds something (or is not a folder).
    #[error("{}: {detail}; nothing was written", path.display())]
    TargetExists { path: PathBuf, detail: String },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn zip_message(entry: Option<&str>, detail: &str) -> String {
    match entry {
        Some(entry) => format!("zip entry \"{entry}\" cannot be read: {detail}"),
        None => format!("not a readable solution zip: {detail}"),
    }
}

impl SolutionError {
    /// A code that stays the same across releases, for the UI to pick its wording and help.
    pub fn code(&self) -> &'static str {
        match self {
            SolutionError::Zip { .. } => "solution.zip",
            SolutionError::UnsafePath { .. } => "solution.unsafe_path",
            SolutionError::TooLarge { .. } => "solution.too_large",
            SolutionError::Missing { .. } => "solution.missing",
            SolutionError::Xml { .. } => "solution.xml",
            SolutionError::NotUtf8 { .. } => "solution.not_utf8",
            SolutionError::Flow { .. } => "solution.flow",
            SolutionError::ConnectionReference { .. } => "solution.connection_reference",
            SolutionError::Invalid { .. } => "solution.invalid",
            SolutionError::TargetExists { .. } => "solution.target_exists",
            SolutionError::Io { .. } => "solution.io",
        }
    }

    pub(crate) fn zip(entry: Option<&str>, detail: impl ToString) -> Self {
        SolutionError::Zip { entry: entry.map(str::to_owned), detail: detail.to_string() }
    }

    pub(crate) fn unsafe_path(path: &str, reason: impl Into<String>) -> Self {
        SolutionError::UnsafePath { path: path.to_owned(), reason: reason.into() }
    }

    pub(crate) fn missing(what: impl Into<String>) -> Self {
        SolutionError::Missing { what: what.into(), hint: String::new() }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SolutionError::Io { path: path.into(), source }
    }
}
