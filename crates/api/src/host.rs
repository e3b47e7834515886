use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Settings};

/// Which shell serves the commands.
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum HostKind {
    Desktop,
    Browser,
}

/// The narrow seam between commands and the shell they run in (Tauri or the HTTP server).
pub trait Host: Send + Sync {
    fn kind(&self) -> HostKind;
    fn load_settings(&self) -> Result<Settings, ApiError>;
    fn save_settings(&self, settings: &Settings) -> Result<(), ApiError>;
}
