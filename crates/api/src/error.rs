use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable error codes: the UI maps these to words and actions, never the message text.
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No command has that name.
    UnknownCommand,
    /// The request did not match the command's request type.
    InvalidArguments,
    /// The browser-mode request lacked the session secret, or carried a wrong one.
    Unauthorized,
    /// The request came from another origin or named another host.
    ForbiddenOrigin,
    /// A file could not be read or written.
    Io,
    /// A flow document is malformed.
    FlowParse,
    /// A solution package is malformed, unsafe or too large.
    Solution,
    /// Settings could not be loaded or saved.
    Settings,
    /// The environment (the sandbox or a real one) is not available or refused the request.
    Environment,
    /// The flow has no valid export form (the invoker's connection under an automated trigger…).
    ExportRefused,
    /// An edit of the flow was refused (a duplicate name, a missing action…); the flow is unchanged.
    EditRefused,
    /// Nobody is signed in to the environment for what was asked.
    NotSignedIn,
    /// The stored sign-in expired or was revoked: sign in again.
    SignInExpired,
    /// The sign-in was cancelled, declined, or the browser never came back.
    SignInCancelled,
    /// The identity provider refused (wrong secret, missing consent, unknown app…).
    SignInRefused,
    /// The OS credential store is missing or locked: tokens are kept nowhere else.
    CredentialStore,
    /// The identity provider or the environment could not be reached.
    Network,
    /// A bug: the message says what failed.
    Internal,
}

impl ErrorCode {
    /// The code as it is serialised: what the CLI prints in `error[code]`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnknownCommand => "unknown_command",
            ErrorCode::InvalidArguments => "invalid_arguments",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::ForbiddenOrigin => "forbidden_origin",
            ErrorCode::Io => "io",
            ErrorCode::FlowParse => "flow_parse",
            ErrorCode::Solution => "solution",
            ErrorCode::Settings => "settings",
            ErrorCode::Environment => "environment",
            ErrorCode::ExportRefused => "export_refused",
            ErrorCode::EditRefused => "edit_refused",
            ErrorCode::NotSignedIn => "not_signed_in",
            ErrorCode::SignInExpired => "sign_in_expired",
            ErrorCode::SignInCancelled => "sign_in_cancelled",
            ErrorCode::SignInRefused => "sign_in_refused",
            ErrorCode::CredentialStore => "credential_store",
            ErrorCode::Network => "network",
            ErrorCode::Internal => "internal",
        }
    }
}

/// The one error shape every command returns, over IPC and HTTP alike.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }
}

impl From<flowbench_core::FlowError> for ApiError {
    fn from(e: flowbench_core::FlowError) -> Self {
        ApiError::new(ErrorCode::FlowParse, e.to_string())
    }
}

impl From<flowbench_dataverse::AuthError> for ApiError {
    fn from(e: flowbench_dataverse::AuthError) -> Self {
        use flowbench_dataverse::ErrorCode as Auth;
        let code = match e.code() {
            Auth::Environment | Auth::Protocol => ErrorCode::Environment,
            Auth::NotSignedIn => ErrorCode::NotSignedIn,
            Auth::SignInExpired => ErrorCode::SignInExpired,
            Auth::SignInCancelled => ErrorCode::SignInCancelled,
            Auth::Refused => ErrorCode::SignInRefused,
            Auth::CredentialStore => ErrorCode::CredentialStore,
            Auth::Network => ErrorCode::Network,
        };
        ApiError::new(code, e.to_string())
    }
}

#[cfg(test)]
mod code_tests {
    use super::ErrorCode;

    #[test]
    fn printed_codes_are_the_serialised_ones() {
        use ErrorCode::*;
        for code in [
            UnknownCommand, InvalidArguments, Unauthorized, ForbiddenOrigin, Io, FlowParse, Solution, Settings, Environment,
            ExportRefused, EditRefused, NotSignedIn, SignInExpired, SignInCancelled, SignInRefused, CredentialStore, Network,
            Internal,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
