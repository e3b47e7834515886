//! What running one action gives back before it becomes a [`StepRecord`](crate::record::StepRecord).

use serde_json::Value;

use crate::record::{HttpExchanges, IdentityUsed, RetryAttempt, RunRecord, StepError, StepStatus};

pub(crate) struct Outcome {
    pub status: StepStatus,
    pub code: Option<String>,
    pub inputs: Option<Value>,
    pub outputs: Option<Value>,
    pub error: Option<StepError>,
    pub identity: Option<IdentityUsed>,
    /// Attempts that failed and were retried before this outcome.
    pub retries: Vec<RetryAttempt>,
    /// The run of the child flow a Workflow action started.
    pub child_run: Option<Box<RunRecord>>,
    /// The requests a step sent and how long their answers took.
    pub http: Option<HttpExchanges>,
}

impl Outcome {
    pub fn succeeded(inputs: Option<Value>, outputs: Option<Value>) -> Self {
        Outcome { status: StepStatus::Succeeded, code: Some("OK".into()), inputs, outputs, error: None, identity: None, retries: Vec::new(), child_run: None, http: None }
    }

    pub fn failed(inputs: Option<Value>, error: StepError) -> Self {
        Outcome {
            status: StepStatus::Failed,
            code: Some(error.code.clone()),
            inputs,
            outputs: None,
            error: Some(error),
            identity: None,
            retries: Vec::new(),
            child_run: None,
            http: None,
        }
    }

    pub fn with_identity(mut self, identity: Option<IdentityUsed>) -> Self {
        self.identity = identity;
        self
    }
}

/// An expression that could not be evaluated: the runtime's `InvalidTemplate`, saying where.
pub(crate) fn invalid_template(action: &str, what: &str, error: impl std::fmt::Display) -> StepError {
    StepError::new(
        "InvalidTemplate",
        format!("Unable to process template language expressions in action '{action}' {what}: {error}"),
    )
}
