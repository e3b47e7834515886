//! Autosave: the flow being edited, written after every change to a file of its own in the app's
//! data folder, so that an edit survives the app being killed. A clean save or a discard removes
//! the file. A file that cannot be read back is set aside (renamed), reported, and never loaded.
//!
//! Secrets are never written: literal passwords and client secrets of HTTP authentication, and
//! the default values of secure parameters, are blanked in the autosaved copy (the recovered flow
//! asks for them again).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use flowbench_core::files::write_atomically;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::{ApiError, ErrorCode};

/// The file format's version; a file of another version is set aside like a corrupt one.
const FORMAT: u32 = 1;

/// What an autosave file holds.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AutosaveFile {
    format: u32,
    key: String,
    name: String,
    path: Option<String>,
    saved_at: u64,
    flow_json: String,
    #[serde(default)]
    secrets_left_out: Vec<String>,
}

/// An autosaved flow the designer can offer back.
#[derive(Serialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AutosaveEntry {
    /// The file it belongs to, or an id of an unsaved flow.
    pub key: String,
    pub name: String,
    pub path: Option<String>,
    /// When it was written, in milliseconds since 1970.
    #[ts(type = "number")]
    pub saved_at: u64,
    /// Secret values that were left out of the autosave (by JSON pointer).
    pub secrets_left_out: Vec<String>,
}

/// The autosaves found, newest first, and the files that could not be read and were set aside.
#[derive(Serialize, TS, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AutosaveList {
    pub entries: Vec<AutosaveEntry>,
    /// One line per file set aside: where it now is and why.
    pub set_aside: Vec<String>,
}

pub struct AutosaveStore {
    dir: PathBuf,
    /// Writes, reads and removals one at a time, so a slow write cannot overtake a later one.
    lock: Mutex<()>,
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::Io, format!("autosave {}: {e}", path.display()))
}

impl AutosaveStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        AutosaveStore { dir: dir.into(), lock: Mutex::new(()) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file_of(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{:016x}.json", fnv1a(key.as_bytes())))
    }

    /// Writes (or replaces) the autosave of `key`, atomically. Returns the pointers of secrets
    /// left out.
    pub fn write(&self, key: &str, name: &str, path: Option<&str>, flow_json: &str) -> Result<Vec<String>, ApiError> {
        let (flow_json, left_out) = without_secrets(flow_json);
        let saved_at = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
        let file = AutosaveFile { format: FORMAT, key: key.into(), name: name.into(), path: path.map(Into::into), saved_at, flow_json, secrets_left_out: left_out.clone() };
        let text = serde_json::to_string(&file).map_err(|e| io_error(&self.dir, e))?;
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        std::fs::create_dir_all(&self.dir).map_err(|e| io_error(&self.dir, e))?;
        let target = self.file_of(key);
        write_atomically(&target, text.as_bytes()).map_err(|e| io_error(&target, e))?;
        Ok(left_out)
    }

    /// Every autosave that reads back, newest first; files that do not are renamed to
    /// `*.corrupt` and listed in `set_aside`.
    pub fn list(&self) -> Result<AutosaveList, ApiError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut list = AutosaveList::default();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(list),
            Err(e) => return Err(io_error(&self.dir, e)),
        };
        for entry in entries {
            let path = entry.map_err(|e| io_error(&self.dir, e))?.path();
            // Only finished files: temporaries start with a dot, set-aside ones end in `.corrupt`.
            let is_autosave = path.extension().is_some_and(|e| e == "json")
                && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if !is_autosave {
                continue;
            }
            match read_file(&path) {
                Ok(file) => list.entries.push(AutosaveEntry {
                    key: file.key,
                    name: file.name,
                    path: file.path,
                    saved_at: file.saved_at,
                    secrets_left_out: file.secrets_left_out,
                }),
                Err(reason) => list.set_aside.push(set_aside(&path, &reason)),
            }
        }
        list.entries.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| a.key.cmp(&b.key)));
        Ok(list)
    }

    /// The autosaved flow JSON of `key` with its name and path; `None` when there is none.
    pub fn read(&self, key: &str) -> Result<Option<(String, Option<String>, String)>, ApiError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let path = self.file_of(key);
        if !path.exists() {
            return Ok(None);
        }
        match read_file(&path) {
            Ok(file) if file.key == key => Ok(Some((file.name, file.path, file.flow_json))),
            Ok(_) => Ok(None),
            Err(reason) => Err(ApiError::new(ErrorCode::Io, set_aside(&path, &reason))),
        }
    }

    /// Removes the autosave of `key`; false when there was none.
    pub fn remove(&self, key: &str) -> Result<bool, ApiError> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let path = self.file_of(key);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error(&path, e)),
        }
    }
}

fn read_file(path: &Path) -> Result<AutosaveFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let file: AutosaveFile = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if file.format != FORMAT {
        return Err(format!("format {} is not {FORMAT}", file.format));
    }
    // The flow itself must be JSON; whether it is a valid flow is for the designer to say.
    serde_json::from_str::<Value>(&file.flow_json).map_err(|e| format!("the flow is not JSON: {e}"))?;
    Ok(file)
}

/// Renames a bad file out of the way and says so; if even that fails, says that.
fn set_aside(path: &Path, reason: &str) -> String {
    let aside = path.with_extension("json.corrupt");
    match std::fs::rename(path, &aside) {
        Ok(()) => format!("{} could not be read ({reason}) and was set aside", aside.display()),
        Err(e) => format!("{} could not be read ({reason}) nor set aside ({e})", path.display()),
    }
}

/// FNV-1a: a stable file name per key (the key itself is stored inside).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Keys holding a secret inside an `authentication` object.
const SECRET_KEYS: [&str; 4] = ["password", "pfx", "secret", "clientsecret"];

/// The flow JSON with literal secrets blanked, and the JSON pointers of what was blanked. An
/// expression (`@parameters('…')`) is a reference, not a secret, and is kept.
pub fn without_secrets(flow_json: &str) -> (String, Vec<String>) {
    let Ok(mut value) = serde_json::from_str::<Value>(flow_json) else {
        return (flow_json.to_owned(), Vec::new());
    };
    let mut left_out = Vec::new();
    blank(&mut value, String::new(), false, &mut left_out);
    if left_out.is_empty() {
        return (flow_json.to_owned(), left_out);
    }
    (serde_json::to_string_pretty(&value).unwrap_or_else(|_| flow_json.to_owned()), left_out)
}

fn blank(value: &mut Value, pointer: String, in_authentication: bool, left_out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let secure = map.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("securestring") || t.eq_ignore_ascii_case("secureobject"));
            for (key, child) in map.iter_mut() {
                let here = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                let literal = |v: &Value| match v {
                    Value::String(s) => !s.is_empty() && !s.starts_with('@'),
                    Value::Null => false,
                    Value::Object(o) => !o.is_empty(),
                    _ => true,
                };
                let secret = (in_authentication && SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()))
                    || (secure && key == "defaultValue");
                if secret && literal(child) {
                    *child = if child.is_object() { Value::Object(Default::default()) } else { Value::String(String::new()) };
                    left_out.push(here);
                } else {
                    blank(child, here, in_authentication || key.eq_ignore_ascii_case("authentication"), left_out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                blank(child, format!("{pointer}/{i}"), in_authentication, left_out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FLOW: &str = flowbench_core::sample::SAMPLE_FLOW_JSON;

    #[test]
    fn a_write_reads_back_and_replaces_the_previous_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = AutosaveStore::new(dir.path().join("autosave"));
        assert_eq!(store.list().unwrap(), AutosaveList::default(), "no folder yet is no autosave");
        store.write("/flows/a.json", "a", Some("/flows/a.json"), FLOW).unwrap();
        store.write("untitled-1", "Untitled flow", None, "{\"first\": 1}").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.write("untitled-1", "Untitled flow", None, "{\"second\": 2}").unwrap();
        let list = store.list().unwrap();
        assert_eq!(list.entries.len(), 2, "{list:?}");
        assert_eq!(list.entries[0].key, "untitled-1", "newest first");
        assert_eq!(list.entries[1].path.as_deref(), Some("/flows/a.json"));
        assert!(list.set_aside.is_empty());
        assert_eq!(store.read("untitled-1").unwrap(), Some(("Untitled flow".into(), None, "{\"second\": 2}".into())));
        assert_eq!(store.read("/flows/a.json").unwrap().unwrap().2, FLOW);
        assert_eq!(store.read("nothing").unwrap(), None);
        // Only the two files: no temporaries left behind.
        assert_eq!(std::fs::read_dir(store.dir()).unwrap().count(), 2);
        assert!(store.remove("untitled-1").unwrap());
        assert!(!store.remove("untitled-1").unwrap());
        assert_eq!(store.list().unwrap().entries.len(), 1);
    }

    #[test]
    fn a_corrupt_file_is_set_aside_and_reported_not_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let store = AutosaveStore::new(dir.path());
        store.write("good", "good", None, FLOW).unwrap();
        store.write("cut", "cut", None, FLOW).unwrap();
        // A file cut short, as a crash of something other than our atomic write might leave it.
        let cut = store.file_of("cut");
        let text = std::fs::read_to_string(&cut).unwrap();
        std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
        std::fs::write(dir.path().join("0000000000000000.json"), "{\"format\": 99}").unwrap();
        let list = store.list().unwrap();
        assert_eq!(list.entries.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(), ["good"]);
        assert_eq!(list.set_aside.len(), 2, "{list:?}");
        assert!(list.set_aside.iter().all(|s| s.contains("set aside")), "{list:?}");
        assert!(cut.with_extension("json.corrupt").exists());
        assert!(!cut.exists());
        // Set aside once: the next start is clean.
        assert!(store.list().unwrap().set_aside.is_empty());
    }

    #[test]
    fn a_corrupt_file_read_directly_is_an_error_and_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = AutosaveStore::new(dir.path());
        store.write("k", "k", None, FLOW).unwrap();
        std::fs::write(store.file_of("k"), "not json").unwrap();
        let err = store.read("k").unwrap_err();
        assert_eq!(err.code, ErrorCode::Io);
        assert!(err.message.contains("set aside"), "{}", err.message);
        assert_eq!(store.read("k").unwrap(), None);
    }

    #[test]
    fn secrets_are_never_written() {
        let flow = r#"{"properties": {"definition": {
            "parameters": {"apiKey": {"type": "SecureString", "defaultValue": "hunter2"}, "$authentication": {"type": "SecureObject", "defaultValue": {}}},
            "actions": {"Call": {"type": "Http", "inputs": {"uri": "https://x", "authentication": {"type": "Basic", "username": "me", "password": "hunter2"}}},
                        "Call_2": {"type": "Http", "inputs": {"authentication": {"type": "ActiveDirectoryOAuth", "secret": "@parameters('apiKey')"}}}}}}}"#;
        let dir = tempfile::tempdir().unwrap();
        let store = AutosaveStore::new(dir.path());
        let left_out = store.write("k", "k", None, flow).unwrap();
        assert_eq!(left_out, ["/properties/definition/parameters/apiKey/defaultValue", "/properties/definition/actions/Call/inputs/authentication/password"]);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            assert!(!text.contains("hunter2"), "{text}");
            assert!(text.contains("@parameters('apiKey')") && text.contains("username"), "{text}");
        }
        assert_eq!(store.list().unwrap().entries[0].secrets_left_out, left_out, "the offer says what to enter again");
    }
}
