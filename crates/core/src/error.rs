use thiserror::Error;

/// Why a flow document could not be read. Each variant says what and where.
#[derive(Debug, Error, PartialEq)]
pub enum FlowError {
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Json { line: usize, column: usize, message: String },
    #[error("not a flow: {0}")]
    NotAFlow(String),
    #[error("{pointer}: {message}")]
    Shape { pointer: String, message: String },
}

impl FlowError {
    pub fn shape(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        FlowError::Shape { pointer: pointer.into(), message: message.into() }
    }
}

impl From<serde_json::Error> for FlowError {
    fn from(e: serde_json::Error) -> Self {
        // serde_json's message ends with " at line L column C"; keep only the reason.
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_string(),
            None => full,
        };
        FlowError::Json { line: e.line(), column: e.column(), message }
    }
}
