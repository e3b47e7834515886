use std::path::PathBuf;
use std::sync::Mutex;

use flowbench_api::{ApiError, ErrorCode, Host, HostKind, Settings};

/// Browser-mode host: settings in a JSON file (the desktop keeps them in tauri-plugin-store).
pub struct FileHost {
    path: PathBuf,
    // Serialises read-modify-write of the file between concurrent requests.
    lock: Mutex<()>,
}

impl FileHost {
    pub fn new(path: PathBuf) -> Self {
        FileHost { path, lock: Mutex::new(()) }
    }

    fn error(&self, what: impl std::fmt::Display) -> ApiError {
        ApiError::new(ErrorCode::Settings, format!("{}: {what}", self.path.display()))
    }
}

impl Host for FileHost {
    fn kind(&self) -> HostKind {
        HostKind::Browser
    }

    fn load_settings(&self) -> Result<Settings, ApiError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| self.error(e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(self.error(e)),
        }
    }

    fn save_settings(&self, settings: &Settings) -> Result<(), ApiError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| self.error(e))?;
        }
        let text = serde_json::to_string_pretty(settings).map_err(|e| self.error(e))?;
        flowbench_core::files::write_atomically(&self.path, text.as_bytes()).map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_settings_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, "{ not json").unwrap();
        let host = FileHost::new(path.clone());
        let err = host.load_settings().unwrap_err();
        assert_eq!(err.code, ErrorCode::Settings);
        assert!(err.message.contains("settings.json"), "{}", err.message);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
    }

    #[test]
    fn settings_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/settings.json");
        let mut settings = Settings::default();
        settings.recent_files.push("/flows/a.json".into());
        FileHost::new(path.clone()).save_settings(&settings).unwrap();
        assert_eq!(FileHost::new(path).load_settings().unwrap(), settings);
    }
}
