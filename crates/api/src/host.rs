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
    /// Opens a web address in the system browser; false when the shell leaves that to the UI
    /// (browser mode: the page opens a tab itself).
    fn open_in_browser(&self, _url: &str) -> bool {
        false
    }
}
