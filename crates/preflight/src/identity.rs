//! Who a Dataverse step calls as, statically: the rules of `flowbench_core::connection::runs_as`,
//! with the persona behind each connection reference and the flow owner as inputs, and the
//! invoker left open until a user is chosen.

use flowbench_core::connection::{runs_as, TriggerRunAs};
use flowbench_core::{Action, Flow, RunsAs};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::options::Options;

/// The identity a step uses, before a user is chosen.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum StepIdentity {
    /// The owner of the connection bound to the reference: the same persona for every user.
    ConnectionReference { logical_name: String, owner: String },
    /// The run-only user (`runtimeSource: invoker` on an instant flow): the user being checked.
    Invoker { logical_name: Option<String> },
    /// The reference's owner impersonating the Dataverse trigger's "Run as" user
    /// (`impersonation.source: invoker`); every check must pass for both (reference §3).
    Impersonation { logical_name: String, caller: String, run_as: TriggerRunAs },
    /// No identity can be derived (undeclared connection, invoker without an invoker).
    Unresolved { reason: String },
}

/// The principals a step's checks apply to, for one chosen user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acting {
    /// The effective user: who owns what the step creates.
    pub user: String,
    /// The connection's owner when impersonating: needs prvActOnBehalfOfAnotherUser itself.
    pub caller: Option<String>,
}

impl StepIdentity {
    pub fn of(flow: &Flow, action: &Action, options: &Options) -> StepIdentity {
        let Some(connection) = action.connection_name() else {
            return StepIdentity::Unresolved { reason: "the step names no connection (inputs.host.connectionName)".into() };
        };
        match runs_as(flow.connection_references(), connection, flow.trigger_identity()) {
            RunsAs::ConnectionReference { logical_name } => {
                let logical_name = logical_name.unwrap_or_else(|| connection.to_string());
                let owner = options.reference_owner(&logical_name).to_string();
                StepIdentity::ConnectionReference { logical_name, owner }
            }
            RunsAs::RunOnlyUser { logical_name } => StepIdentity::Invoker { logical_name },
            RunsAs::TriggerRunAs { user, logical_name } => {
                let logical_name = logical_name.unwrap_or_else(|| connection.to_string());
                let caller = options.reference_owner(&logical_name).to_string();
                StepIdentity::Impersonation { logical_name, caller, run_as: user }
            }
            RunsAs::Unresolved { reason } => StepIdentity::Unresolved { reason },
        }
    }

    /// Whether the step acts as whoever runs the flow (and so needs the owner's delegation).
    pub fn uses_invoker(&self) -> bool {
        matches!(self, StepIdentity::Invoker { .. } | StepIdentity::Impersonation { .. })
    }

    /// Who the checks apply to when `user` runs the flow (for a row trigger: modifies or owns
    /// the triggering row). `None` when unresolved.
    pub fn acting(&self, user: &str, flow_owner: &str) -> Option<Acting> {
        match self {
            StepIdentity::ConnectionReference { owner, .. } => Some(Acting { user: owner.clone(), caller: None }),
            StepIdentity::Invoker { .. } => Some(Acting { user: user.to_string(), caller: None }),
            StepIdentity::Impersonation { caller, run_as, .. } => {
                let impersonated = match run_as {
                    TriggerRunAs::ModifyingUser | TriggerRunAs::RowOwner => user,
                    TriggerRunAs::FlowOwner => flow_owner,
                };
                // Even when both are the same user the connection asks to impersonate, and the
                // sandbox checks the delegation privilege before it looks at whom.
                Some(Acting { user: impersonated.to_string(), caller: Some(caller.clone()) })
            }
            StepIdentity::Unresolved { .. } => None,
        }
    }
}
