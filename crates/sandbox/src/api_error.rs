//! Errors as the Web API answers them: an HTTP status and `{"error": {"code", "message"}}`.
//!
//! Codes and texts come from `shared/reference/dataverse-web-api.md` §1.11, §2.5 and §3 where
//! it lists them. Codes marked "observed" are what live environments answer for cases the
//! reference does not list; they are not from Microsoft's official code list.

use std::fmt;

/// ObjectDoesNotExist.
pub const OBJECT_DOES_NOT_EXIST: &str = "0x80040217";
/// PrivilegeDenied.
pub const PRIVILEGE_DENIED: &str = "0x80040220";
/// Row access check failure (SecLib::AccessCheckEx, hr -2147187962); the reference notes the
/// envelope code is unconfirmed, clients see this one or 0x80040220.
pub const ACCESS_CHECK_FAILED: &str = "0x80048306";
/// CannotActOnBehalfOfAnotherUser.
pub const CANNOT_ACT_ON_BEHALF: &str = "0x8004A110";
/// ConcurrencyVersionMismatch.
pub const CONCURRENCY_VERSION_MISMATCH: &str = "0x80060882";
/// DuplicateRecord (the reference marks it unverified against the official list).
pub const DUPLICATE_RECORD: &str = "0x80040237";
/// Observed: OData URI errors (unknown property in $select/$filter, syntax errors).
pub const QUERY_ERROR: &str = "0x80060888";
/// Observed: errors in a request body ("Error identified in Payload provided by the user").
pub const PAYLOAD_ERROR: &str = "0x80048d19";
/// Observed: "Resource not found for the segment '…'".
pub const RESOURCE_NOT_FOUND: &str = "0x8006088a";
/// Observed: the user behind a valid token is not a user of the environment.
pub const NOT_A_MEMBER: &str = "0x80072560";
/// UnExpected: the sandbox itself failed.
pub const UNEXPECTED: &str = "0x80040216";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    /// The body Dataverse sends.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "error": { "code": self.code, "message": self.message } })
    }

    pub fn not_found(table: &str, id: impl fmt::Display) -> ApiError {
        ApiError::new(404, OBJECT_DOES_NOT_EXIST, format!("{table} With Id = {id} Does Not Exist"))
    }

    pub fn version_mismatch() -> ApiError {
        ApiError::new(
            412,
            CONCURRENCY_VERSION_MISMATCH,
            "The version of the existing record doesn't match the RowVersion property provided.",
        )
    }

    pub fn duplicate_record() -> ApiError {
        ApiError::new(412, DUPLICATE_RECORD, "A record with matching key values already exists.")
    }

    pub fn cannot_act_on_behalf() -> ApiError {
        ApiError::new(403, CANNOT_ACT_ON_BEHALF, "User does not have the privilege to act on behalf another user.")
    }

    /// A bad URL or query option.
    pub fn query(message: impl Into<String>) -> ApiError {
        ApiError::new(400, QUERY_ERROR, message)
    }

    /// A bad request body.
    pub fn payload(message: impl Into<String>) -> ApiError {
        ApiError::new(400, PAYLOAD_ERROR, message)
    }

    /// No or a bad bearer token. Dataverse answers 401 without a code.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(401, "", message)
    }

    pub fn resource_not_found(segment: &str) -> ApiError {
        ApiError::new(404, RESOURCE_NOT_FOUND, format!("Resource not found for the segment '{segment}'."))
    }

    /// Something Dataverse does that this sandbox does not do yet.
    pub fn not_implemented(what: impl fmt::Display) -> ApiError {
        ApiError::new(501, "", format!("{what} is not supported by the Flowbench sandbox yet."))
    }

    pub fn unexpected(message: impl fmt::Display) -> ApiError {
        ApiError::new(500, UNEXPECTED, format!("An unexpected error occurred in the sandbox: {message}"))
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        ApiError::unexpected(format!("store: {e}"))
    }
}
