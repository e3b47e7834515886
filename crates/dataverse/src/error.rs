//! Sign-in and environment failures, each with a stable code the CLI and the UI map.

use crate::entra::EntraError;

/// Stable codes: scripts and the UI match these, never the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The environment book is unreadable, or an environment name or URL is wrong.
    Environment,
    /// No account is signed in for what was asked.
    NotSignedIn,
    /// The stored sign-in expired or was revoked: sign in again.
    SignInExpired,
    /// The user cancelled, declined consent, or the browser never came back.
    SignInCancelled,
    /// Entra (or the identity provider) refused the request for another reason.
    Refused,
    /// The OS credential store is missing, locked or failing.
    CredentialStore,
    /// The identity provider or the environment could not be reached.
    Network,
    /// The environment answered, but not as Dataverse does.
    Protocol,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Environment => "environment",
            ErrorCode::NotSignedIn => "not_signed_in",
            ErrorCode::SignInExpired => "signin_expired",
            ErrorCode::SignInCancelled => "signin_cancelled",
            ErrorCode::Refused => "signin_refused",
            ErrorCode::CredentialStore => "credential_store",
            ErrorCode::Network => "network",
            ErrorCode::Protocol => "protocol",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("{0}")]
    Environment(String),
    #[error("{0}")]
    NotSignedIn(String),
    #[error("{0}")]
    Entra(#[from] EntraError),
    #[error("{0}")]
    Cancelled(String),
    #[error(
        "the OS credential store is not usable ({0}); Flowbench keeps tokens only there. On Linux, start a Secret Service such as gnome-keyring or KeePassXC and unlock it"
    )]
    CredentialStore(String),
    #[error("cannot reach {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("{0}")]
    Protocol(String),
}

impl AuthError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AuthError::Environment(_) => ErrorCode::Environment,
            AuthError::NotSignedIn(_) => ErrorCode::NotSignedIn,
            AuthError::Entra(e) if e.means_sign_in_again() => ErrorCode::SignInExpired,
            AuthError::Entra(e) if e.means_cancelled() => ErrorCode::SignInCancelled,
            AuthError::Entra(_) => ErrorCode::Refused,
            AuthError::Cancelled(_) => ErrorCode::SignInCancelled,
            AuthError::CredentialStore(_) => ErrorCode::CredentialStore,
            AuthError::Network { .. } => ErrorCode::Network,
            AuthError::Protocol(_) => ErrorCode::Protocol,
        }
    }
}
