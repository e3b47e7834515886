//! Secrets (tokens, client secrets) live in the OS credential store and nowhere else: Secret
//! Service on Linux, the Keychain on macOS, Credential Manager on Windows.
//!
//! Windows caps a credential at 2,560 bytes (UTF-16, so 1,280 characters) and Entra refresh
//! tokens can be longer, so a long secret is split over several entries: the first holds a
//! marker with the number of parts, the parts follow as `<key>#1`, `<key>#2`...

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error};

use crate::error::AuthError;

const SERVICE: &str = "flowbench";
/// Characters an entry holds: under Windows' 1,280-character cap with room to spare.
const PART_CHARS: usize = 1_000;
const PARTS_MARKER: &str = "\u{1}flowbench-parts:";

#[derive(Clone)]
pub struct Secrets {
    store: Arc<CredentialStore>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets").field("store", &self.store.vendor()).finish()
    }
}

impl Secrets {
    /// The OS credential store. Never falls back to a file: without a store, nothing is kept.
    pub fn system() -> Result<Secrets, AuthError> {
        Ok(Secrets { store: platform_store().map_err(store_error)? })
    }

    /// An in-memory store for tests (keyring-core's mock).
    pub fn in_memory() -> Secrets {
        Secrets { store: keyring_core::mock::Store::new().expect("the mock store always opens") }
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, AuthError> {
        let Some(first) = self.read(key)? else { return Ok(None) };
        let Some(count) = first.strip_prefix(PARTS_MARKER) else { return Ok(Some(first)) };
        let count: usize = count
            .parse()
            .map_err(|_| AuthError::CredentialStore(format!("the entry '{key}' has a damaged part count")))?;
        let mut whole = String::new();
        for part in 1..=count {
            let piece = self.read(&part_key(key, part))?.ok_or_else(|| {
                AuthError::CredentialStore(format!("part {part} of {count} of the entry '{key}' is missing"))
            })?;
            whole.push_str(&piece);
        }
        Ok(Some(whole))
    }

    pub fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        self.delete(key)?;
        if value.chars().count() <= PART_CHARS && !value.starts_with(PARTS_MARKER) {
            return self.write(key, value);
        }
        let chars: Vec<char> = value.chars().collect();
        let parts: Vec<String> = chars.chunks(PART_CHARS).map(|c| c.iter().collect()).collect();
        for (index, part) in parts.iter().enumerate() {
            self.write(&part_key(key, index + 1), part)?;
        }
        // The marker goes last, so a failure half-way leaves no entry that claims to be whole.
        self.write(key, &format!("{PARTS_MARKER}{}", parts.len()))
    }

    /// Removes the entry and its parts; removing what is not there is fine.
    pub fn delete(&self, key: &str) -> Result<(), AuthError> {
        if let Some(first) = self.read(key)? {
            if let Some(count) = first.strip_prefix(PARTS_MARKER).and_then(|c| c.parse::<usize>().ok()) {
                for part in 1..=count {
                    self.remove(&part_key(key, part))?;
                }
            }
            self.remove(key)?;
        }
        Ok(())
    }

    fn entry(&self, key: &str) -> Result<Entry, AuthError> {
        Entry::new_in_store(&self.store, SERVICE, key).map_err(store_error)
    }

    fn read(&self, key: &str) -> Result<Option<String>, AuthError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn write(&self, key: &str, value: &str) -> Result<(), AuthError> {
        self.entry(key)?.set_password(value).map_err(store_error)
    }

    fn remove(&self, key: &str) -> Result<(), AuthError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(Error::NoEntry) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

fn part_key(key: &str, part: usize) -> String {
    format!("{key}#{part}")
}

fn store_error(e: Error) -> AuthError {
    AuthError::CredentialStore(e.to_string())
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(dbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Err(Error::NotSupportedByStore("no credential store is known for this operating system".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_secrets_take_one_entry_and_long_ones_are_split_and_joined() {
        let secrets = Secrets::in_memory();
        secrets.set("dev|ada", "short").unwrap();
        assert_eq!(secrets.get("dev|ada").unwrap().as_deref(), Some("short"));
        assert_eq!(secrets.read("dev|ada#1").unwrap(), None);

        let long: String = (0..4_321).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        secrets.set("dev|ada", &long).unwrap();
        assert_eq!(secrets.get("dev|ada").unwrap().as_deref(), Some(long.as_str()));
        for part in 1..=5 {
            let piece = secrets.read(&part_key("dev|ada", part)).unwrap().expect("each part is stored");
            assert!(piece.chars().count() <= PART_CHARS);
        }

        secrets.set("dev|ada", "short again").unwrap();
        assert_eq!(secrets.read("dev|ada#1").unwrap(), None, "old parts go when a secret shrinks");
        secrets.delete("dev|ada").unwrap();
        assert_eq!(secrets.get("dev|ada").unwrap(), None);
        secrets.delete("dev|ada").unwrap();
    }

    #[test]
    fn a_missing_part_is_reported_not_half_returned() {
        let secrets = Secrets::in_memory();
        let long = "x".repeat(2_500);
        secrets.set("k", &long).unwrap();
        secrets.remove("k#2").unwrap();
        let e = secrets.get("k").unwrap_err();
        assert!(e.to_string().contains("part 2 of 3"), "{e}");
    }

    #[test]
    fn a_failing_store_says_so() {
        let secrets = Secrets::in_memory();
        let entry = secrets.entry("k").unwrap();
        let mock: &keyring_core::mock::Cred = entry.as_any().downcast_ref().unwrap();
        mock.set_error(Error::NoStorageAccess(Box::new(std::io::Error::other("the collection is locked"))));
        let e = secrets.get("k").unwrap_err();
        assert!(e.to_string().contains("OS credential store is not usable"), "{e}");
    }
}
