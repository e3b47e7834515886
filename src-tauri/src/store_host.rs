use std::path::PathBuf;
use std::sync::Arc;

use flowbench_api::{ApiError, ErrorCode, Host, HostKind, Settings};
use serde_json::Value;
use tauri::{AppHandle, Wry};
use tauri_plugin_store::{Store, StoreExt};

/// Desktop host: settings in tauri-plugin-store's `settings.json` (in the app's data folder,
/// or `$FLOWBENCH_CONFIG_DIR` for tests). One key per setting; never a secret.
pub struct StoreHost {
    store: Arc<Store<Wry>>,
}

const KEYS: [&str; 3] = ["window", "recentFiles", "lastEnvironment"];

impl StoreHost {
    pub fn open(app: &AppHandle) -> Result<Self, Box<dyn std::error::Error>> {
        let path = match std::env::var_os("FLOWBENCH_CONFIG_DIR") {
            Some(dir) => PathBuf::from(dir).join("settings.json"),
            None => PathBuf::from("settings.json"),
        };
        Ok(StoreHost { store: app.store(path)? })
    }
}

fn error(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Settings, format!("settings store: {e}"))
}

impl Host for StoreHost {
    fn kind(&self) -> HostKind {
        HostKind::Desktop
    }

    fn load_settings(&self) -> Result<Settings, ApiError> {
        let mut object = serde_json::Map::new();
        for key in KEYS {
            if let Some(value) = self.store.get(key) {
                object.insert(key.to_string(), value);
            }
        }
        serde_json::from_value(Value::Object(object)).map_err(error)
    }

    /// The sign-in page opens in the system browser, where the user's accounts and passkeys
    /// are, never in the app's own webview.
    fn open_in_browser(&self, url: &str) -> bool {
        open::that_detached(url).is_ok()
    }

    fn save_settings(&self, settings: &Settings) -> Result<(), ApiError> {
        let Value::Object(object) = serde_json::to_value(settings).map_err(error)? else {
            return Err(error("settings are not an object"));
        };
        for (key, value) in object {
            self.store.set(key, value);
        }
        self.store.save().map_err(error)
    }
}
