use flowbench_core::import::ImportError;
use flowbench_core::ExportError;

/// A failure the CLI reports as `error[code]: message`; the code is stable for scripts and CI.
#[derive(Debug)]
pub struct CliError {
    pub code: &'static str,
    pub message: String,
}

impl CliError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        CliError { code, message: message.into() }
    }
}

impl From<ImportError> for CliError {
    fn from(e: ImportError) -> Self {
        let code = match &e {
            ImportError::Io { .. } => "io",
            ImportError::TooLarge { .. } => "too_large",
            ImportError::Flow { .. } | ImportError::NotUtf8 { .. } => "flow_parse",
            ImportError::Solution { source, .. } => source.code(),
        };
        CliError::new(code, e.to_string())
    }
}

impl From<ExportError> for CliError {
    fn from(e: ExportError) -> Self {
        CliError::new("export_refused", e.to_string())
    }
}

impl From<flowbench_dataverse::AuthError> for CliError {
    fn from(e: flowbench_dataverse::AuthError) -> Self {
        CliError::new(e.code().as_str(), e.to_string())
    }
}

impl From<flowbench_api::ApiError> for CliError {
    fn from(e: flowbench_api::ApiError) -> Self {
        CliError::new(e.code.as_str(), e.message)
    }
}
