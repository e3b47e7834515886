//! What a run is given: identities for its connections, mocks, the environment, limits.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::child_flow::ChildFlows;
use crate::progress::{Cancellation, ProgressSink};
use crate::record::StepStatus;

/// A user the engine can call Dataverse as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// What the run record shows (a persona name, a user principal name).
    pub user: String,
    /// The bearer token for the environment.
    pub token: String,
    /// The Entra object id, needed to impersonate this user (`CallerObjectId`).
    pub object_id: Option<String>,
    /// Set when `token` is another user's, who acts on behalf of this one: every call then
    /// carries `CallerObjectId: <object_id>` (Dataverse impersonation). Names that user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonated_by: Option<String>,
}

/// Who each connection runs as.
#[derive(Clone, Debug, Default)]
pub struct Identities {
    /// By connection reference logical name: the owner of the connection bound to it.
    pub references: BTreeMap<String, Identity>,
    /// The run's user (the signed-in user, or a chosen user): used by invoker connections.
    pub invoker: Option<Identity>,
}

/// A canned answer for an action, instead of running it (`definition.staticResults` in spirit).
#[derive(Clone, Debug, PartialEq)]
pub struct Mock {
    pub status: StepStatus,
    pub outputs: Value,
}

/// Limits that keep a run bounded whatever the flow says.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Items a Foreach, Query or Select may take, and passes an Until may make. The runtime allows
    /// 100,000 items and 5,000 Until passes; 5,000 keeps test runs short.
    pub max_iterations: usize,
    /// Containers inside containers; deeper steps fail instead of exhausting the stack. Power
    /// Automate allows 8 levels (the validator says so); 32 runs flows past that rule while
    /// keeping the deepest run far from the end of a 2 MiB thread stack, debug builds included.
    pub max_nesting: usize,
    /// Steps one run may start in all (nested loops multiply): past it the run ends Failed with
    /// `ActionLimitExceeded`, as if terminated.
    pub max_steps: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_iterations: 5_000, max_nesting: 32, max_steps: 100_000 }
    }
}

#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The Dataverse environment URL (`http://127.0.0.1:<port>` for the sandbox). Dataverse steps
    /// without a mock fail when it is missing.
    pub environment_url: Option<String>,
    pub identities: Identities,
    /// By action name.
    pub mocks: BTreeMap<String, Mock>,
    pub limits: Limits,
    /// Told of each step as it starts and ends.
    pub progress: Option<ProgressSink>,
    pub cancellation: Cancellation,
    /// Wait actions end at once instead of waiting (their record says what they would have
    /// waited), so a flow with long delays can be test-run.
    pub skip_waits: bool,
    /// The flows Workflow actions may run as child flows (the other flows of the solution).
    pub child_flows: ChildFlows,
    /// The HTTP client for Dataverse and HTTP steps: the caller's, to reuse its connections and
    /// TLS setup across runs; else the run makes one when a step first needs it.
    pub http_client: Option<reqwest::Client>,
}
