//! The environment book: the Dataverse environments a maker works with, who is signed in to each,
//! and which account each connection reference runs as. It is a settings file and holds no
//! secret; tokens are in the credential store (see `secrets`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::accounts::Account;
use crate::entra::{is_loopback, DEFAULT_AUTHORITY, SAMPLE_CLIENT_ID};
use crate::error::AuthError;

/// The embedded sandbox: always present, the default, and never removed.
pub const SANDBOX: &str = "sandbox";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub name: String,
    /// The environment URL, e.g. `https://contoso.crm.dynamics.com`.
    pub url: String,
    /// The Entra authority: `https://login.microsoftonline.com/<tenant>`.
    pub authority: String,
    pub client_id: String,
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The account used when none is named: the latest signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_account: Option<String>,
    /// Connection reference logical name → the username of the account it runs as.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bindings: BTreeMap<String, String>,
}

impl Environment {
    pub fn account(&self, username: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.username.eq_ignore_ascii_case(username))
    }

    /// The named account, or the default one.
    pub fn choose_account(&self, username: Option<&str>) -> Result<&Account, AuthError> {
        let wanted = username.or(self.default_account.as_deref());
        let found = match wanted {
            Some(name) => self.account(name),
            None => self.accounts.first(),
        };
        found.ok_or_else(|| {
            AuthError::NotSignedIn(match wanted {
                Some(name) => format!(
                    "'{name}' is not signed in to '{}'; run `flowbench login --env {}`",
                    self.name, self.name
                ),
                None => format!("nobody is signed in to '{}'; run `flowbench login --env {}`", self.name, self.name),
            })
        })
    }

    /// Records a sign-in, replacing an earlier one of the same account, and makes it the default.
    pub fn remember(&mut self, account: Account) {
        self.accounts.retain(|a| !a.username.eq_ignore_ascii_case(&account.username));
        self.default_account = Some(account.username.clone());
        self.accounts.push(account);
    }

    /// Makes a signed-in account the default: the owner of unbound connection references.
    pub fn make_default(&mut self, username: &str) -> Result<&Account, AuthError> {
        let name = self.choose_account(Some(username))?.username.clone();
        self.default_account = Some(name);
        self.choose_account(None)
    }

    pub fn forget(&mut self, username: &str) -> Option<Account> {
        let index = self.accounts.iter().position(|a| a.username.eq_ignore_ascii_case(username))?;
        let account = self.accounts.remove(index);
        if self.default_account.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(username)) {
            self.default_account = self.accounts.last().map(|a| a.username.clone());
        }
        self.bindings.retain(|_, bound| !bound.eq_ignore_ascii_case(username));
        Some(account)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BookFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current: Option<String>,
    #[serde(default)]
    environments: Vec<Environment>,
}

#[derive(Debug, Clone)]
pub struct EnvironmentBook {
    path: PathBuf,
    file: BookFile,
}

/// What `add` is given; authority and client id default to Entra's multi-tenant endpoint and
/// Microsoft's documented sample client.
#[derive(Debug, Clone, Default)]
pub struct NewEnvironment {
    pub name: String,
    pub url: String,
    pub authority: Option<String>,
    pub client_id: Option<String>,
}

impl EnvironmentBook {
    /// `$FLOWBENCH_CONFIG_DIR/environments.json`, else under `$XDG_CONFIG_HOME/flowbench` or
    /// `~/.config/flowbench`.
    pub fn default_path() -> PathBuf {
        if let Some(dir) = std::env::var_os("FLOWBENCH_CONFIG_DIR") {
            return PathBuf::from(dir).join("environments.json");
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))
            .or_else(|| std::env::var_os("APPDATA").map(PathBuf::from))
            .unwrap_or_else(std::env::temp_dir);
        base.join("flowbench").join("environments.json")
    }

    /// Reads the book; a missing file is an empty book, a damaged one is reported and left alone.
    pub fn load(path: &Path) -> Result<EnvironmentBook, AuthError> {
        let file = match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                AuthError::Environment(format!(
                    "{} is not a valid environment list ({e}); fix or remove it (nothing was changed)",
                    path.display()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BookFile::default(),
            Err(e) => return Err(AuthError::Environment(format!("cannot read {}: {e}", path.display()))),
        };
        Ok(EnvironmentBook { path: path.to_path_buf(), file })
    }

    pub fn save(&self) -> Result<(), AuthError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| AuthError::Environment(format!("cannot create {}: {e}", dir.display())))?;
        }
        let text = serde_json::to_string_pretty(&self.file).expect("the book serialises");
        flowbench_core::files::write_atomically(&self.path, text.as_bytes())
            .map_err(|e| AuthError::Environment(format!("cannot write {}: {e}", self.path.display())))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn environments(&self) -> &[Environment] {
        &self.file.environments
    }

    /// The environment in use: `sandbox` unless another was chosen.
    pub fn current(&self) -> &str {
        self.file.current.as_deref().unwrap_or(SANDBOX)
    }

    pub fn get(&self, name: &str) -> Result<&Environment, AuthError> {
        self.file.environments.iter().find(|e| e.name.eq_ignore_ascii_case(name)).ok_or_else(|| self.unknown(name))
    }

    pub fn get_mut(&mut self, name: &str) -> Result<&mut Environment, AuthError> {
        let unknown = self.unknown(name);
        self.file.environments.iter_mut().find(|e| e.name.eq_ignore_ascii_case(name)).ok_or(unknown)
    }

    fn unknown(&self, name: &str) -> AuthError {
        let known: Vec<&str> =
            std::iter::once(SANDBOX).chain(self.file.environments.iter().map(|e| e.name.as_str())).collect();
        AuthError::Environment(format!("there is no environment '{name}' (known: {})", known.join(", ")))
    }

    pub fn add(&mut self, new: NewEnvironment) -> Result<&Environment, AuthError> {
        check_name(&new.name)?;
        if new.name.eq_ignore_ascii_case(SANDBOX) || self.get(&new.name).is_ok() {
            return Err(AuthError::Environment(format!("an environment named '{}' exists already", new.name)));
        }
        let url = environment_url(&new.url)?;
        let authority = new.authority.unwrap_or_else(|| DEFAULT_AUTHORITY.to_string());
        crate::entra::Endpoints::for_authority(&authority)?;
        self.file.environments.push(Environment {
            name: new.name,
            url,
            authority: authority.trim_end_matches('/').to_string(),
            client_id: new.client_id.unwrap_or_else(|| SAMPLE_CLIENT_ID.to_string()),
            accounts: Vec::new(),
            default_account: None,
            bindings: BTreeMap::new(),
        });
        Ok(self.file.environments.last().expect("just pushed"))
    }

    /// Removes an environment and returns it, so the caller can delete its accounts' secrets.
    pub fn remove(&mut self, name: &str) -> Result<Environment, AuthError> {
        if name.eq_ignore_ascii_case(SANDBOX) {
            return Err(AuthError::Environment("the embedded sandbox cannot be removed".into()));
        }
        let index = self
            .file
            .environments
            .iter()
            .position(|e| e.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| self.unknown(name))?;
        let removed = self.file.environments.remove(index);
        if self.file.current.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            self.file.current = None;
        }
        Ok(removed)
    }

    pub fn use_environment(&mut self, name: &str) -> Result<(), AuthError> {
        if name.eq_ignore_ascii_case(SANDBOX) {
            self.file.current = None;
            return Ok(());
        }
        let canonical = self.get(name)?.name.clone();
        self.file.current = Some(canonical);
        Ok(())
    }
}

fn check_name(name: &str) -> Result<(), AuthError> {
    let fine = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if fine {
        Ok(())
    } else {
        Err(AuthError::Environment(format!(
            "'{name}' is not a usable environment name: use 1 to 64 letters, digits, '-', '_' or '.'"
        )))
    }
}

/// The environment URL as Dataverse names the resource: scheme and host (and port), nothing else.
pub fn environment_url(text: &str) -> Result<String, AuthError> {
    let url = Url::parse(text.trim())
        .map_err(|e| AuthError::Environment(format!("'{text}' is not an environment URL: {e}")))?;
    if url.scheme() != "https" && !(url.scheme() == "http" && is_loopback(&url)) {
        return Err(AuthError::Environment(format!(
            "'{text}' must use https, like https://contoso.crm.dynamics.com (plain http is allowed on 127.0.0.1 only)"
        )));
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() {
        return Err(AuthError::Environment(format!(
            "'{text}' should be the environment's root URL, like https://contoso.crm.dynamics.com (without /api/data)"
        )));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::AccountKind;

    fn user(name: &str) -> Account {
        Account { username: name.into(), display_name: None, object_id: None, tenant_id: None, kind: AccountKind::User }
    }

    #[test]
    fn environments_are_added_used_and_removed_and_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("environments.json");
        let mut book = EnvironmentBook::load(&path).unwrap();
        assert_eq!(book.current(), SANDBOX);
        let added = book
            .add(NewEnvironment { name: "dev".into(), url: "https://contoso.crm.dynamics.com/".into(), ..Default::default() })
            .unwrap();
        assert_eq!(added.url, "https://contoso.crm.dynamics.com");
        assert_eq!(added.client_id, SAMPLE_CLIENT_ID);
        book.use_environment("DEV").unwrap();
        book.get_mut("dev").unwrap().remember(user("ada@contoso.com"));
        book.save().unwrap();

        let mut again = EnvironmentBook::load(&path).unwrap();
        assert_eq!(again.current(), "dev");
        assert_eq!(again.get("dev").unwrap().choose_account(None).unwrap().username, "ada@contoso.com");
        let removed = again.remove("dev").unwrap();
        assert_eq!(removed.accounts.len(), 1);
        assert_eq!(again.current(), SANDBOX);
    }

    #[test]
    fn bad_names_urls_and_duplicates_are_refused_with_the_reason() {
        let mut book = EnvironmentBook::load(Path::new("/nonexistent/environments.json")).unwrap();
        let add = |book: &mut EnvironmentBook, name: &str, url: &str| {
            book.add(NewEnvironment { name: name.into(), url: url.into(), ..Default::default() }).map(|_| ()).unwrap_err().to_string()
        };
        assert!(add(&mut book, "my env", "https://a.crm.dynamics.com").contains("not a usable environment name"));
        assert!(add(&mut book, "sandbox", "https://a.crm.dynamics.com").contains("exists already"));
        assert!(add(&mut book, "a", "http://a.crm.dynamics.com").contains("must use https"));
        assert!(add(&mut book, "a", "https://a.crm.dynamics.com/api/data/v9.2").contains("without /api/data"));
        assert!(add(&mut book, "a", "not a url").contains("not an environment URL"));
        assert!(book.remove("sandbox").unwrap_err().to_string().contains("cannot be removed"));
        assert!(book.use_environment("nope").unwrap_err().to_string().contains("known: sandbox"));
    }

    #[test]
    fn a_damaged_book_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("environments.json");
        std::fs::write(&path, "{ not json").unwrap();
        let e = EnvironmentBook::load(&path).unwrap_err();
        assert!(e.to_string().contains("not a valid environment list"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
    }

    #[test]
    fn forgetting_an_account_moves_the_default_and_drops_its_bindings() {
        let mut env = Environment {
            name: "dev".into(),
            url: "https://a.crm.dynamics.com".into(),
            authority: DEFAULT_AUTHORITY.into(),
            client_id: SAMPLE_CLIENT_ID.into(),
            accounts: vec![],
            default_account: None,
            bindings: BTreeMap::new(),
        };
        env.remember(user("a@x"));
        env.remember(user("b@x"));
        assert_eq!(env.make_default("A@X").unwrap().username, "a@x");
        assert!(env.make_default("c@x").is_err());
        env.make_default("b@x").unwrap();
        env.bindings.insert("cr_dataverse".into(), "b@x".into());
        assert!(env.forget("B@X").is_some());
        assert_eq!(env.default_account.as_deref(), Some("a@x"));
        assert!(env.bindings.is_empty());
        let e = env.choose_account(Some("c@x")).unwrap_err();
        assert!(e.to_string().contains("run `flowbench login --env dev`"), "{e}");
    }
}
