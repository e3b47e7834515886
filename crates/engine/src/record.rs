//! The run record, shaped like Power Automate's run history: the run's status, and per step its
//! status, times, evaluated inputs, outputs, error, the identity it used and its loop iterations.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// A step's status (the runtime's names; `runAfter` lists compare against them case-insensitively).
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Succeeded,
    Failed,
    Skipped,
    TimedOut,
    Cancelled,
}

impl StepStatus {
    pub fn name(self) -> &'static str {
        match self {
            StepStatus::Succeeded => "Succeeded",
            StepStatus::Failed => "Failed",
            StepStatus::Skipped => "Skipped",
            StepStatus::TimedOut => "TimedOut",
            StepStatus::Cancelled => "Cancelled",
        }
    }
}

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}

/// What went wrong: the runtime's code (`ActionFailed`, `InvalidTemplate`, or Dataverse's
/// `0x80040220`…) and a message that says what and where.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
pub struct StepError {
    pub code: String,
    pub message: String,
}

impl StepError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        StepError { code: code.into(), message: message.into() }
    }
}

/// How the identity of a connector step was chosen (`flow-format.md` §3).
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum IdentitySource {
    /// The owner of the connection bound to the connection reference.
    ConnectionReference { logical_name: String },
    /// The run's invoker, through `runtimeSource: invoker` (instant flows).
    RunOnlyUser { logical_name: Option<String> },
    /// The reference's connection impersonating the invoker (`CallerObjectId`), under the
    /// Dataverse trigger's "Run as".
    Impersonation { logical_name: String },
    /// A mock answered instead of a real call.
    Mock,
}

/// The identity a step used.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct IdentityUsed {
    /// Who the calls ran as (a persona or user name); for impersonation the impersonated user.
    pub user: String,
    pub object_id: Option<String>,
    /// For impersonation: whose connection made the call.
    pub caller: Option<String>,
    pub source: IdentitySource,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    pub name: String,
    /// The action's `type` as written.
    pub action_type: String,
    pub status: StepStatus,
    /// The runtime's status code (`OK`, `ActionFailed`, `ActionConditionFailed`, `Terminated`…).
    pub code: Option<String>,
    /// RFC 3339; absent for steps that never started.
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    #[ts(type = "unknown")]
    pub inputs: Option<Value>,
    #[ts(type = "unknown")]
    pub outputs: Option<Value>,
    pub error: Option<StepError>,
    pub identity: Option<IdentityUsed>,
    /// The inner steps of Scope, If and Switch (the branch not taken is there, Skipped).
    pub steps: Vec<StepRecord>,
    /// One entry per pass of Foreach and Until.
    pub iterations: Vec<IterationRecord>,
    /// The attempts that failed and were retried under the step's retry policy, oldest first
    /// (the runtime's `retryHistory`); the step's own status is its last attempt's.
    #[serde(default)]
    pub retry_history: Vec<RetryAttempt>,
    /// For a Workflow action ("Run a Child Flow"): the child flow's own run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub child_run: Option<Box<RunRecord>>,
    /// For a step that called out (Dataverse): how many requests it sent, retries included, and
    /// the time spent waiting for their answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub http: Option<HttpExchanges>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HttpExchanges {
    pub requests: u32,
    /// From sending each request to the end of its answer's body, summed.
    pub round_trip_ms: f64,
}

/// One attempt of a step that failed and was retried.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RetryAttempt {
    pub start_time: String,
    pub end_time: String,
    /// The answer's HTTP status name (`TooManyRequests`, `ServiceUnavailable`…), or
    /// `ConnectionFailure` when there was no answer.
    pub code: String,
    pub status_code: Option<u16>,
    pub error: Option<StepError>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct IterationRecord {
    pub index: u64,
    pub status: StepStatus,
    pub steps: Vec<StepRecord>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    pub status: RunStatus,
    /// Why the run failed: Terminate's `runError`, or the failure that could not start it.
    pub error: Option<StepError>,
    pub start_time: String,
    pub end_time: String,
    pub steps: Vec<StepRecord>,
    /// What the run answered its caller, when a Response action ran.
    #[serde(default)]
    pub response: Option<RunResponse>,
}

/// The run's answer to its caller, from its Response action.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunResponse {
    /// The Response action that answered.
    pub action: String,
    pub status_code: u16,
    #[ts(type = "Record<string, unknown>")]
    pub headers: Value,
    #[ts(type = "unknown")]
    pub body: Value,
}

impl RunRecord {
    /// The step called `name`, searched depth-first (inside loops: the last iteration's).
    pub fn step(&self, name: &str) -> Option<&StepRecord> {
        find_step(&self.steps, name)
    }
}

fn find_step<'a>(steps: &'a [StepRecord], name: &str) -> Option<&'a StepRecord> {
    for step in steps {
        if step.name == name {
            return Some(step);
        }
        let inner = find_step(&step.steps, name)
            .or_else(|| step.iterations.iter().rev().find_map(|it| find_step(&it.steps, name)));
        if inner.is_some() {
            return inner;
        }
    }
    None
}

pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl StepError {
    /// The same error, saying which action it comes from.
    pub(crate) fn with_place(mut self, action: &str) -> Self {
        self.message = format!("'{action}': {}", self.message);
        self
    }
}
