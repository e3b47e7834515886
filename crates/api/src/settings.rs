//! User settings. Never secrets: tokens live in the OS credential store, not here.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How many recent files the File menu keeps.
pub const RECENT_FILES_LIMIT: usize = 10;

#[derive(Serialize, Deserialize, TS, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub window: Option<WindowSize>,
    /// Most recent first.
    pub recent_files: Vec<String>,
    /// The environment the last run used; the embedded sandbox when unset.
    pub last_environment: Option<String>,
}

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowSize {
    pub width: u32,
    pub height: u32,
}

/// A change to settings; absent fields stay as they are.
#[derive(Serialize, Deserialize, TS, Clone, Debug, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct SettingsPatch {
    #[ts(optional)]
    pub window: Option<WindowSize>,
    /// A file just opened or saved: it moves to the top of the recent files.
    #[ts(optional)]
    pub opened_file: Option<String>,
    #[ts(optional)]
    pub last_environment: Option<String>,
}

impl Settings {
    pub fn apply(&mut self, patch: SettingsPatch) {
        if let Some(window) = patch.window {
            self.window = Some(window);
        }
        if let Some(file) = patch.opened_file {
            self.recent_files.retain(|f| f != &file);
            self.recent_files.insert(0, file);
            self.recent_files.truncate(RECENT_FILES_LIMIT);
        }
        if let Some(env) = patch.last_environment {
            self.last_environment = Some(env);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_keep_the_latest_first_without_duplicates() {
        let mut s = Settings::default();
        for f in ["a.json", "b.json", "a.json"] {
            s.apply(SettingsPatch { opened_file: Some(f.into()), ..Default::default() });
        }
        assert_eq!(s.recent_files, ["a.json", "b.json"]);
        for i in 0..20 {
            s.apply(SettingsPatch { opened_file: Some(format!("{i}.json")), ..Default::default() });
        }
        assert_eq!(s.recent_files.len(), RECENT_FILES_LIMIT);
        assert_eq!(s.recent_files[0], "19.json");
    }

    #[test]
    fn a_patch_leaves_absent_fields_alone() {
        let mut s = Settings { last_environment: Some("sandbox".into()), ..Default::default() };
        s.apply(SettingsPatch { window: Some(WindowSize { width: 1200, height: 800 }), ..Default::default() });
        assert_eq!(s.last_environment.as_deref(), Some("sandbox"));
        assert_eq!(s.window, Some(WindowSize { width: 1200, height: 800 }));
    }
}
