use thiserror::Error;

/// Why an edit of the flow model was refused. The model is unchanged when an edit fails.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("there is no action named `{0}`")]
    NoSuchAction(String),
    #[error("`{0}` is not a container, or has no such branch")]
    NoSuchBranch(String),
    #[error("an action named `{0}` already exists: action names are unique across the whole flow")]
    DuplicateName(String),
    #[error("`{name}` is not a valid action name: {reason}")]
    InvalidName { name: String, reason: String },
    #[error("`{0}` is not a Dataverse action: only Dataverse actions have a connection choice")]
    NotDataverse(String),
    #[error("this flow has no connection references (a bare definition)")]
    NoConnectionReferences,
    #[error("`{0}` has no connection reference to take the invoker's connection from; pick a reference first")]
    InvokerNeedsReference(String),
    #[error("`{0}` cannot move inside itself")]
    IntoItself(String),
    #[error("the clipboard does not hold actions: {0}")]
    BadClipboard(String),
    #[error("`{0}` is not a connector step: only connector steps have parameters")]
    NoParameters(String),
    #[error("the flow has no Dataverse connection reference for a new Dataverse step to use; add one first")]
    NoDataverseReference,
    #[error("`{step}`: {reason}")]
    InvalidSetting { step: String, reason: String },
    #[error("`{step}` has no field `{pointer}` to set: {reason}")]
    InvalidField { step: String, pointer: String, reason: String },
}
