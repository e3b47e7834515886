//! The embedded Dataverse sandbox: a local Web API v9.2 that behaves like Dataverse for what
//! flows do, with Dataverse's security model, on SQLite.
//!
//! ```no_run
//! # async fn example() -> Result<(), flowbench_sandbox::SandboxError> {
//! use flowbench_sandbox::{Sandbox, Scenario};
//! let sandbox = Sandbox::open("/tmp/sandbox-data", Scenario::builtin())?;
//! let (address, serving) = sandbox.serve("127.0.0.1:0".parse().unwrap())?;
//! tokio::spawn(serving);
//! let token = sandbox.token_for("sam")?; // Authorization: Bearer <token>
//! println!("http://{address}/api/data/v9.2/ with {token}");
//! # Ok(()) }
//! ```
//!
//! The data directory holds `sandbox.db` (the store, seeded from the scenario on first open),
//! `token-signing.key` (signs persona tokens) and `base-url` (the URL of the last serve,
//! which tokens name as their audience).

mod annotations;
mod api_error;
mod audit;
mod auth;
mod datetime;
mod effective;
mod fetchxml;
mod guid;
mod http;
mod metadata;
mod odata;
mod operations;
mod payload;
mod relationships;
mod representation;
mod scenario;
mod security;
mod sql;
mod store;
mod values;

use std::fs;
use std::future::Future;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use api_error::ApiError;
pub use http::throttle::Throttle;
pub use auth::{KeyError, DEFAULT_LIFETIME_SECONDS};
pub use effective::{table_privilege_name, PrivilegeGrant};
pub use guid::{Guid, GuidParseError};
pub use scenario::{
    BusinessUnitDef, ChoiceOption, ColumnDef, ColumnType, Depth, Organization, Ownership, Problem, Right, RoleDef,
    RowDef, Scenario, ScenarioError, TableDef, TablePrivilegeGrant, TeamDef, UserDef,
};
pub use store::StoreError;

use auth::{Claims, SigningKey};
use metadata::Metadata;
use store::Store;

const STORE_FILE: &str = "sandbox.db";
const BASE_URL_FILE: &str = "base-url";

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot use {path} as the sandbox data directory: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("there is no persona named '{name}'; the personas are: {known}")]
    UnknownPersona { name: String, known: String },
    #[error(
        "the sandbox in {dir} has not been served yet, so a token has no environment URL to name as its audience; start the sandbox first"
    )]
    NotServed { dir: PathBuf },
    #[error("refusing to listen on {0}: the sandbox listens on 127.0.0.1 only")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot record the sandbox URL in {path}: {source}")]
    BaseUrl { path: PathBuf, source: std::io::Error },
    #[error("the sandbox server stopped: {0}")]
    Serve(std::io::Error),
}

/// A user of the scenario that tokens can be asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Persona {
    pub name: String,
    pub description: Option<String>,
    pub full_name: String,
    pub domain_name: String,
    pub system_user_id: Guid,
    pub azure_active_directory_object_id: Guid,
    pub business_unit: String,
    pub roles: Vec<String>,
    pub teams: Vec<String>,
}

/// How to mint a token other than the default (for tests of the sandbox's refusals, mostly).
#[derive(Debug, Clone, Default)]
pub struct TokenOptions {
    /// Defaults to the URL the sandbox is served at.
    pub audience: Option<String>,
    /// Unix seconds; defaults to an hour from now.
    pub expires_at: Option<u64>,
}

/// What the HTTP layer shares with the public handle.
pub(crate) struct Core {
    data_dir: PathBuf,
    scenario: Scenario,
    metadata: Metadata,
    store: Store,
    key: SigningKey,
    trusted_issuers: std::sync::RwLock<Vec<auth::TrustedIssuer>>,
    served_base_url: Mutex<Option<String>>,
    throttling: Arc<http::throttle::Throttling>,
}

impl Core {
    pub(crate) fn verify_token(&self, token: &str, audience: &str) -> Result<Claims, auth::TokenRejection> {
        let trusted = self.trusted_issuers.read().unwrap_or_else(|p| p.into_inner());
        auth::verify_token(&self.key, &trusted, token, audience, self.scenario.organization.tenant_id)
    }
}

/// An opened sandbox: cheap to clone, shareable across threads.
#[derive(Clone)]
pub struct Sandbox {
    core: Arc<Core>,
}

impl Sandbox {
    /// Opens the sandbox in `data_dir` (created if missing), seeding the store from `scenario`
    /// on first use. A store seeded from a different scenario is refused: see [`Sandbox::open_reset`].
    pub fn open(data_dir: impl AsRef<Path>, scenario: Scenario) -> Result<Sandbox, SandboxError> {
        Sandbox::open_with(data_dir.as_ref(), scenario, false)
    }

    /// Opens the sandbox and restores the store to `scenario`, whatever it held.
    pub fn open_reset(data_dir: impl AsRef<Path>, scenario: Scenario) -> Result<Sandbox, SandboxError> {
        Sandbox::open_with(data_dir.as_ref(), scenario, true)
    }

    fn open_with(data_dir: &Path, scenario: Scenario, reset: bool) -> Result<Sandbox, SandboxError> {
        fs::create_dir_all(data_dir)
            .map_err(|source| SandboxError::DataDir { path: data_dir.to_path_buf(), source })?;
        let metadata = Metadata::from_scenario(&scenario);
        let store = Store::open(&data_dir.join(STORE_FILE), &scenario, &metadata, reset)?;
        let key = SigningKey::load_or_create(data_dir)?;
        Ok(Sandbox {
            core: Arc::new(Core {
                data_dir: data_dir.to_path_buf(),
                scenario,
                metadata,
                store,
                key,
                trusted_issuers: Default::default(),
                served_base_url: Mutex::new(None),
                throttling: Default::default(),
            }),
        })
    }

    /// Accepts tokens of another identity provider (an OpenID Connect server standing in for
    /// Entra ID): `jwks_json` is its published key set. Tokens must still name this environment
    /// as audience and its tenant as `tid`; `oid` picks the user.
    pub fn trust_issuer(&self, issuer: &str, jwks_json: &str) -> Result<(), SandboxError> {
        let trusted = auth::TrustedIssuer::new(issuer, jwks_json)?;
        let mut issuers = self.core.trusted_issuers.write().unwrap_or_else(|p| p.into_inner());
        issuers.retain(|i| i.issuer() != issuer);
        issuers.push(trusted);
        Ok(())
    }

    /// Answers requests with Dataverse's service-protection 429 as `throttle` says (or, with
    /// `None`, never); takes effect at once, also while serving.
    pub fn set_throttle(&self, throttle: Option<Throttle>) {
        self.core.throttling.set(throttle);
    }

    pub fn throttle(&self) -> Option<Throttle> {
        self.core.throttling.rule()
    }

    /// Restores the store to the scenario, in one transaction; tokens stay valid.
    pub fn reset(&self) -> Result<(), SandboxError> {
        self.core.store.reseed(&self.core.scenario, &self.core.metadata)?;
        Ok(())
    }

    /// Binds `addr` (127.0.0.1 only; port 0 picks a free one) and returns the bound address and
    /// the future that serves until dropped. The URL is recorded for [`Sandbox::token_for`].
    pub fn serve(
        &self,
        addr: SocketAddr,
    ) -> Result<(SocketAddr, impl Future<Output = Result<(), SandboxError>> + Send + 'static), SandboxError> {
        if addr.ip() != IpAddr::V4(Ipv4Addr::LOCALHOST) {
            return Err(SandboxError::NotLoopback(addr));
        }
        let listener = std::net::TcpListener::bind(addr).map_err(|source| SandboxError::Bind { addr, source })?;
        listener.set_nonblocking(true).map_err(|source| SandboxError::Bind { addr, source })?;
        let bound = listener.local_addr().map_err(|source| SandboxError::Bind { addr, source })?;
        let base_url = format!("http://127.0.0.1:{}", bound.port());
        self.record_base_url(&base_url)?;
        let router = http::router(self.core.clone(), base_url)
            .layer(axum::middleware::from_fn_with_state(self.core.throttling.clone(), http::throttle::limit));
        let serving = async move {
            // Registering with the reactor needs the runtime, so it happens once polled.
            let listener = tokio::net::TcpListener::from_std(listener).map_err(SandboxError::Serve)?;
            axum::serve(listener, router).await.map_err(SandboxError::Serve)
        };
        Ok((bound, serving))
    }

    fn record_base_url(&self, base_url: &str) -> Result<(), SandboxError> {
        let path = self.core.data_dir.join(BASE_URL_FILE);
        let temporary = path.with_extension("tmp");
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&temporary)?;
            file.write_all(base_url.as_bytes())?;
            file.sync_all()?;
            fs::rename(&temporary, &path)
        };
        write().map_err(|source| SandboxError::BaseUrl { path: path.clone(), source })?;
        *self.core.served_base_url.lock().unwrap_or_else(|p| p.into_inner()) = Some(base_url.to_string());
        Ok(())
    }

    /// The environment URL (`http://127.0.0.1:<port>`) of the latest serve, from this process or
    /// recorded in the data directory by another.
    pub fn base_url(&self) -> Option<String> {
        if let Some(url) = self.core.served_base_url.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return Some(url);
        }
        fs::read_to_string(self.core.data_dir.join(BASE_URL_FILE))
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// A bearer token for a persona, valid for an hour against the served sandbox.
    pub fn token_for(&self, persona: &str) -> Result<String, SandboxError> {
        self.token_with(persona, TokenOptions::default())
    }

    pub fn token_with(&self, persona: &str, options: TokenOptions) -> Result<String, SandboxError> {
        let user = self.core.scenario.user(persona).ok_or_else(|| SandboxError::UnknownPersona {
            name: persona.to_string(),
            known: self.core.scenario.users.iter().map(|u| u.persona.as_str()).collect::<Vec<_>>().join(", "),
        })?;
        let audience = match options.audience {
            Some(audience) => audience,
            None => self.base_url().ok_or_else(|| SandboxError::NotServed { dir: self.core.data_dir.clone() })?,
        };
        let now = auth::now_seconds();
        let expires_at = options.expires_at.unwrap_or(now + DEFAULT_LIFETIME_SECONDS);
        let tenant = self.core.scenario.organization.tenant_id;
        let claims = Claims {
            aud: audience,
            iss: auth::issuer(tenant),
            iat: now.min(expires_at),
            nbf: now.min(expires_at),
            exp: expires_at,
            oid: user.azure_active_directory_object_id,
            tid: tenant,
            sub: user.azure_active_directory_object_id.to_string(),
            name: user.full_name.clone(),
            upn: user.domain_name.clone(),
            ver: "2.0".to_string(),
        };
        Ok(self.core.key.sign(&claims)?)
    }

    pub fn personas(&self) -> Vec<Persona> {
        self.core
            .scenario
            .users
            .iter()
            .map(|u| Persona {
                name: u.persona.clone(),
                description: u.description.clone(),
                full_name: u.full_name.clone(),
                domain_name: u.domain_name.clone(),
                system_user_id: u.system_user_id,
                azure_active_directory_object_id: u.azure_active_directory_object_id,
                business_unit: u.business_unit.clone(),
                roles: u.roles.clone(),
                teams: u.teams.clone(),
            })
            .collect()
    }

    pub fn scenario(&self) -> &Scenario {
        &self.core.scenario
    }

    pub fn data_dir(&self) -> &Path {
        &self.core.data_dir
    }
}
