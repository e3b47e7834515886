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

/// A host keeping its settings in memory, for the crate's own tests.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct TestHost(std::sync::Mutex<crate::Settings>);

#[cfg(test)]
impl Host for TestHost {
    fn kind(&self) -> HostKind {
        HostKind::Browser
    }
    fn load_settings(&self) -> Result<crate::Settings, crate::ApiError> {
        Ok(self.0.lock().unwrap().clone())
    }
    fn save_settings(&self, settings: &crate::Settings) -> Result<(), crate::ApiError> {
        *self.0.lock().unwrap() = settings.clone();
        Ok(())
    }
}
