use std::path::Path;

use flowbench_core::{outline::outline_flow, sample, FlowOutline};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context, ErrorCode, NoArgs, SettingsPatch};

/// Larger flow files are refused before reading: the platform's own limit is far below this.
pub const MAX_FLOW_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A flow as the designer shows it.
#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct FlowDocument {
    pub name: String,
    /// Where it was read from; none for the built-in sample.
    pub path: Option<String>,
    pub outline: FlowOutline,
}

pub struct GetSampleFlow;

impl Command for GetSampleFlow {
    const NAME: &'static str = "sample_flow";
    type Request = NoArgs;
    type Response = FlowDocument;

    async fn run(_: &Context, _: NoArgs) -> Result<FlowDocument, ApiError> {
        let outline = outline_flow(sample::SAMPLE_FLOW_JSON)?;
        Ok(FlowDocument { name: sample::SAMPLE_FLOW_NAME.into(), path: None, outline })
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenFlowFileRequest {
    pub path: String,
}

pub struct OpenFlowFile;

impl Command for OpenFlowFile {
    const NAME: &'static str = "open_flow_file";
    type Request = OpenFlowFileRequest;
    type Response = FlowDocument;

    async fn run(ctx: &Context, request: OpenFlowFileRequest) -> Result<FlowDocument, ApiError> {
        let path = Path::new(&request.path);
        let text = read_limited(path)?;
        let outline = outline_flow(&text)
            .map_err(|e| ApiError::new(ErrorCode::FlowParse, format!("{}: {e}", path.display())))?;
        let name = outline.display_name.clone().unwrap_or_else(|| display_name_from_path(path));
        let mut settings = ctx.host.load_settings()?;
        settings.apply(SettingsPatch { opened_file: Some(request.path.clone()), ..Default::default() });
        ctx.host.save_settings(&settings)?;
        Ok(FlowDocument { name, path: Some(request.path), outline })
    }
}

fn read_limited(path: &Path) -> Result<String, ApiError> {
    let io = |e: std::io::Error| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FLOW_FILE_BYTES {
        return Err(ApiError::new(
            ErrorCode::Io,
            format!("{}: {size} bytes is over the {MAX_FLOW_FILE_BYTES}-byte limit for a flow file", path.display()),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|e| {
        ApiError::new(ErrorCode::FlowParse, format!("{}: not UTF-8 text (byte {})", path.display(), e.utf8_error().valid_up_to()))
    })
}

/// Solution exports are named `<Name>-<GUID>.json`: show the name.
fn display_name_from_path(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("Untitled flow");
    match stem.len().checked_sub(37) {
        Some(cut) if stem.as_bytes()[cut] == b'-' && stem[cut + 1..].chars().all(|c| c.is_ascii_hexdigit() || c == '-') => {
            stem[..cut].to_string()
        }
        _ => stem.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_solution_export_without_its_guid() {
        let p = Path::new("/x/IncidentAssignment-6E5A9197-E359-EE11-BE6F-000D3A45ED19.json");
        assert_eq!(display_name_from_path(p), "IncidentAssignment");
        assert_eq!(display_name_from_path(Path::new("my-flow.json")), "my-flow");
    }
}
