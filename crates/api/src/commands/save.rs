use std::path::Path;

use flowbench_core::files::write_atomically;
use flowbench_core::{export_flow_json, ExportError, Flow};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context, ErrorCode, SettingsPatch};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SaveFlowRequest {
    /// Where to write the flow JSON.
    pub path: String,
    pub flow_json: String,
}

/// Writes the flow as Power Automate would read it (export rules applied, invoker entries in the
/// form the trigger needs), atomically, and adds the file to the recent files.
pub struct SaveFlow;

impl Command for SaveFlow {
    const NAME: &'static str = "save_flow";
    type Request = SaveFlowRequest;
    type Response = String;

    async fn run(ctx: &Context, request: SaveFlowRequest) -> Result<String, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        let text = export_flow_json(&flow).map_err(|e: ExportError| ApiError::new(ErrorCode::ExportRefused, e.to_string()))?;
        let path = Path::new(&request.path);
        write_atomically(path, text.as_bytes()).map_err(|e| ApiError::new(ErrorCode::Io, format!("{}: {e}", path.display())))?;
        let mut settings = ctx.host.load_settings()?;
        settings.apply(SettingsPatch { opened_file: Some(request.path.clone()), ..Default::default() });
        ctx.host.save_settings(&settings)?;
        Ok(request.path)
    }
}
