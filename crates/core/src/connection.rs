//! Who a connector step runs as, derived from the flow's connection references and trigger.
//! Rules: `../shared/reference/flow-format.md` §3 (runtimeSource and impersonation).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// API names of the Dataverse connector (current and legacy CDS).
pub const DATAVERSE_APIS: &[&str] = &["shared_commondataserviceforapps", "shared_commondataservice"];

/// The user a Dataverse row trigger's "Run as" names (`subscriptionRequest/runas`).
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum TriggerRunAs {
    ModifyingUser,
    RowOwner,
    FlowOwner,
}

impl TriggerRunAs {
    /// 1 = modifying user, 2 = row owner, 3 or absent = flow owner.
    pub fn from_parameter(value: Option<&Value>) -> Self {
        match value.and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok())) {
            Some(1) => TriggerRunAs::ModifyingUser,
            Some(2) => TriggerRunAs::RowOwner,
            _ => TriggerRunAs::FlowOwner,
        }
    }
}

/// The identity a connector step uses, as the card shows it.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum RunsAs {
    /// The owner of the connection bound to the connection reference.
    ConnectionReference { logical_name: Option<String> },
    /// The run-only user who starts an instant flow (`runtimeSource: invoker`).
    RunOnlyUser { logical_name: Option<String> },
    /// The user the Dataverse trigger's "Run as" names (`impersonation.source: invoker`).
    TriggerRunAs { user: TriggerRunAs, logical_name: Option<String> },
    /// The step names a connection the flow does not declare, or one with no valid meaning.
    Unresolved { reason: String },
}

/// What the trigger says about the invoker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriggerIdentity {
    /// Manual, Power Apps and other user-started triggers.
    Instant,
    /// The Dataverse row trigger with its "Run as" setting.
    DataverseRow(TriggerRunAs),
    /// Recurrence and any other automated trigger: nobody invokes the flow.
    Automated,
}

impl TriggerIdentity {
    /// From a trigger's JSON object.
    pub fn of(trigger: &Value) -> Self {
        let body = trigger.as_object().cloned().unwrap_or_default();
        crate::model::Trigger { name: String::new(), body }.identity()
    }
}

/// The identity of a connector action that uses `connection_name` (its `inputs.host.connectionName`).
pub fn runs_as(connection_references: Option<&Map<String, Value>>, connection_name: &str, trigger: TriggerIdentity) -> RunsAs {
    let Some(entry) = connection_references.and_then(|refs| refs.get(connection_name)) else {
        return RunsAs::Unresolved {
            reason: format!("the connection `{connection_name}` is not declared in connectionReferences"),
        };
    };
    let logical_name = entry
        .pointer("/connection/connectionReferenceLogicalName")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let runtime_invoker = entry
        .get("runtimeSource")
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("invoker"));
    let impersonates = entry
        .pointer("/impersonation/source")
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("invoker"));
    match (runtime_invoker, impersonates, trigger) {
        (true, _, TriggerIdentity::Instant) => RunsAs::RunOnlyUser { logical_name },
        (false, true, TriggerIdentity::DataverseRow(user)) => RunsAs::TriggerRunAs { user, logical_name },
        (false, false, _) => RunsAs::ConnectionReference { logical_name },
        (true, _, _) => RunsAs::Unresolved {
            reason: "the invoker's connection (run-only user) needs an instant trigger".into(),
        },
        (false, true, _) => RunsAs::Unresolved {
            reason: "the invoker's connection through impersonation needs the Dataverse row trigger".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refs() -> Value {
        json!({
            "owner": {"runtimeSource": "embedded", "connection": {"connectionReferenceLogicalName": "fb_Dataverse"}},
            "runonly": {"runtimeSource": "invoker", "connection": {"connectionReferenceLogicalName": "fb_Dataverse"}},
            "imp": {"impersonation": {"source": "invoker"}, "runtimeSource": "embedded",
                    "connection": {"connectionReferenceLogicalName": "fb_Dataverse"}}
        })
    }

    #[test]
    fn reads_the_dataverse_trigger_run_as_setting() {
        let trigger = |runas: Value| {
            json!({"type": "OpenApiConnectionWebhook", "inputs": {"host": {"operationId": "SubscribeWebhookTrigger"},
                "parameters": {"subscriptionRequest/runas": runas}}})
        };
        assert_eq!(TriggerIdentity::of(&trigger(json!(1))), TriggerIdentity::DataverseRow(TriggerRunAs::ModifyingUser));
        assert_eq!(TriggerIdentity::of(&trigger(json!(2))), TriggerIdentity::DataverseRow(TriggerRunAs::RowOwner));
        assert_eq!(TriggerIdentity::of(&trigger(json!(3))), TriggerIdentity::DataverseRow(TriggerRunAs::FlowOwner));
        assert_eq!(TriggerIdentity::of(&trigger(Value::Null)), TriggerIdentity::DataverseRow(TriggerRunAs::FlowOwner));
        assert_eq!(TriggerIdentity::of(&json!({"type": "Recurrence"})), TriggerIdentity::Automated);
        assert_eq!(TriggerIdentity::of(&json!({"type": "Request", "kind": "PowerAppV2"})), TriggerIdentity::Instant);
    }

    #[test]
    fn maps_each_representation_to_its_identity() {
        let refs = refs();
        let refs = refs.as_object().unwrap();
        let row = TriggerIdentity::DataverseRow(TriggerRunAs::ModifyingUser);
        let name = Some("fb_Dataverse".to_string());
        assert_eq!(runs_as(Some(refs), "owner", row), RunsAs::ConnectionReference { logical_name: name.clone() });
        assert_eq!(
            runs_as(Some(refs), "imp", row),
            RunsAs::TriggerRunAs { user: TriggerRunAs::ModifyingUser, logical_name: name.clone() }
        );
        assert_eq!(runs_as(Some(refs), "runonly", TriggerIdentity::Instant), RunsAs::RunOnlyUser { logical_name: name });
    }

    #[test]
    fn never_falls_back_to_the_owner_when_the_invoker_has_no_meaning() {
        let refs = refs();
        let refs = refs.as_object().unwrap();
        assert!(matches!(runs_as(Some(refs), "runonly", TriggerIdentity::Automated), RunsAs::Unresolved { .. }));
        assert!(matches!(runs_as(Some(refs), "imp", TriggerIdentity::Instant), RunsAs::Unresolved { .. }));
        assert!(matches!(runs_as(Some(refs), "missing", TriggerIdentity::Instant), RunsAs::Unresolved { .. }));
    }
}
