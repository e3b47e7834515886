//! Dataverse environments and signing in to them: the environment book (settings, no secrets),
//! Microsoft Entra ID sign-in (authorization code with PKCE on a loopback redirect, device code,
//! client credentials), tokens kept only in the OS credential store with silent refresh, and the
//! few Web API calls sign-in needs (WhoAmI, users, connection references).

pub mod accounts;
pub mod entra;
pub mod environments;
pub mod error;
pub mod metadata;
pub mod secrets;
pub mod security;
pub mod sign_in;
pub mod tokens;
mod oauth;
pub mod web_api;

pub use accounts::{Account, AccountKind};
pub use environments::{Environment, EnvironmentBook, SANDBOX};
pub use error::{AuthError, ErrorCode};
pub use secrets::Secrets;
pub use tokens::TokenSet;
