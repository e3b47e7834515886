//! A step's settings as its Settings form shows them: which apply to this kind of step, and
//! their values as written. Changes go through `edit_flow` (`FlowEdit::SetSetting`).

use flowbench_core::connection::TriggerRunAs;
use flowbench_core::{ActionKind, ConnectionChoice, Flow, RetryPolicy, TriggerKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::{ApiError, Command, Context, ErrorCode};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepSettingsRequest {
    pub flow_json: String,
    /// An action's or the trigger's name.
    pub step: String,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StepSettings {
    /// Apply to each: concurrency control applies.
    pub concurrency_applies: bool,
    /// `runtimeConfiguration.concurrency.repetitions`; none = one iteration at a time.
    pub concurrency: Option<u32>,
    pub secure_inputs: bool,
    pub secure_outputs: bool,
    /// Connector and HTTP steps: a retry policy applies.
    pub retry_applies: bool,
    /// `inputs.retryPolicy`; none = the default policy.
    pub retry_policy: Option<RetryPolicy>,
    /// `inputs.retryPolicy` as written when it is not one the form can show (kept as it is).
    pub retry_policy_unreadable: Option<String>,
    /// Actions: a timeout applies.
    pub timeout_applies: bool,
    /// `limit.timeout`.
    pub timeout: Option<String>,
    /// The Dataverse row trigger's settings, on that trigger.
    pub row_trigger: Option<RowTriggerSettings>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RowTriggerSettings {
    /// The table's logical name (`subscriptionRequest/entityname`).
    pub table: Option<String>,
    pub message: Option<i64>,
    pub scope: Option<i64>,
    /// `subscriptionRequest/filteringattributes`, split at commas.
    pub filtering_columns: Vec<String>,
    pub run_as: Vec<RunAsOption>,
}

/// A "Run as" choice: 1 modifying user, 2 row owner, 3 flow owner (the default, no key).
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunAsOption {
    pub value: u8,
    pub label: String,
    pub selected: bool,
    /// Why this choice is wrong for the flow, when it is.
    pub disabled_reason: Option<String>,
}

pub struct GetStepSettings;

impl Command for GetStepSettings {
    const NAME: &'static str = "step_settings";
    type Request = StepSettingsRequest;
    type Response = StepSettings;

    async fn run(_: &Context, request: StepSettingsRequest) -> Result<StepSettings, ApiError> {
        let flow = Flow::parse(&request.flow_json)?;
        step_settings(&flow, &request.step)
            .ok_or_else(|| ApiError::new(ErrorCode::InvalidArguments, format!("there is no step named `{}`", request.step)))
    }
}

fn step_settings(flow: &Flow, step: &str) -> Option<StepSettings> {
    if let Some(action) = flow.find_action(step) {
        let kind = action.kind();
        let body = action.body();
        let (retry_policy, retry_policy_unreadable) = retry(body);
        let (secure_inputs, secure_outputs) = secure(body);
        return Some(StepSettings {
            concurrency_applies: kind == ActionKind::Foreach,
            concurrency: action.concurrency().and_then(|n| u32::try_from(n).ok()).or_else(|| {
                // The older `operationOptions: "Sequential"`: one iteration at a time.
                let sequential = body.get("operationOptions").and_then(Value::as_str).is_some_and(|o| o.eq_ignore_ascii_case("Sequential"));
                (kind == ActionKind::Foreach && sequential).then_some(1)
            }),
            secure_inputs,
            secure_outputs,
            retry_applies: kind.is_connector() || matches!(kind, ActionKind::Http | ActionKind::HttpWebhook),
            retry_policy,
            retry_policy_unreadable,
            timeout_applies: true,
            timeout: body.get("limit").and_then(|l| l.get("timeout")).and_then(Value::as_str).map(str::to_owned),
            row_trigger: None,
        });
    }
    let trigger = flow.triggers.iter().find(|t| t.name == step)?;
    let body = trigger.body();
    let (retry_policy, retry_policy_unreadable) = retry(body);
    let (secure_inputs, secure_outputs) = secure(body);
    let row_trigger = match trigger.kind() {
        TriggerKind::DataverseRow(row) => Some(RowTriggerSettings {
            table: row.table,
            message: row.message,
            scope: row.scope,
            filtering_columns: row
                .filtering_columns
                .map(|c| c.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default(),
            run_as: run_as_options(flow, row.run_as),
        }),
        _ => None,
    };
    Some(StepSettings {
        concurrency_applies: false,
        concurrency: None,
        secure_inputs,
        secure_outputs,
        retry_applies: body.get("inputs").and_then(|i| i.get("host")).is_some(),
        retry_policy,
        retry_policy_unreadable,
        timeout_applies: false,
        timeout: None,
        row_trigger,
    })
}

fn retry(body: &Map<String, Value>) -> (Option<RetryPolicy>, Option<String>) {
    match body.get("inputs").and_then(|i| i.get("retryPolicy")) {
        None => (None, None),
        Some(raw) => match serde_json::from_value::<RetryPolicy>(raw.clone()) {
            Ok(policy) => (Some(policy), None),
            Err(_) => (None, Some(raw.to_string())),
        },
    }
}

fn secure(body: &Map<String, Value>) -> (bool, bool) {
    let properties = body.get("runtimeConfiguration").and_then(|r| r.get("secureData")).and_then(|s| s.get("properties")).and_then(Value::as_array);
    let has = |p: &str| properties.is_some_and(|list| list.iter().any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(p))));
    (has("inputs"), has("outputs"))
}

/// The trigger's Run as choices. Steps using the invoker's connection run as the Run as user, so
/// with Run as flow owner they would run as the owner anyway (`connection/invoker-run-as-owner`).
fn run_as_options(flow: &Flow, current: TriggerRunAs) -> Vec<RunAsOption> {
    let invokers: Vec<&str> = flow
        .all_actions()
        .into_iter()
        .filter(|a| flow.connection_choice(a) == Some(ConnectionChoice::Invoker))
        .map(|a| a.name.as_str())
        .collect();
    let owner_reason = (!invokers.is_empty()).then(|| {
        format!(
            "{} the invoker's connection, which runs as the Run as user: as the flow owner they would run as the owner anyway. Choose the modifying user or the row owner, or give {} a connection reference.",
            match invokers.as_slice() {
                [one] => format!("`{one}` uses"),
                many => format!("{} use", many.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
            },
            if invokers.len() == 1 { "it" } else { "them" }
        )
    });
    [
        (1, "Modifying user", TriggerRunAs::ModifyingUser, None),
        (2, "Row owner", TriggerRunAs::RowOwner, None),
        (3, "Flow owner", TriggerRunAs::FlowOwner, owner_reason),
    ]
    .into_iter()
    .map(|(value, label, user, disabled_reason)| RunAsOption { value, label: label.into(), selected: current == user, disabled_reason })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowbench_core::sample::SAMPLE_FLOW_JSON;

    #[test]
    fn the_sample_trigger_offers_its_settings_and_rules_out_the_flow_owner() {
        let flow = Flow::parse(SAMPLE_FLOW_JSON).unwrap();
        let settings = step_settings(&flow, "When_a_contact_is_added").unwrap();
        let row = settings.row_trigger.unwrap();
        assert_eq!((row.table.as_deref(), row.message, row.scope), (Some("contact"), Some(1), Some(4)));
        assert!(row.run_as[0].selected && row.run_as[0].disabled_reason.is_none());
        let owner = row.run_as[2].disabled_reason.as_deref().unwrap();
        assert!(owner.starts_with("`Create_a_follow-up_task` uses the invoker's connection"), "{owner}");
        assert!(!settings.timeout_applies && !settings.concurrency_applies);
    }

    #[test]
    fn an_action_reads_back_what_the_edits_write() {
        let mut flow = Flow::parse(SAMPLE_FLOW_JSON).unwrap();
        let step = "Get_the_parent_account";
        let policy = RetryPolicy::Fixed { count: 3, interval: "PT20S".into() };
        flow.set_step_setting(step, &flowbench_core::StepSetting::RetryPolicy { policy: Some(policy.clone()) }).unwrap();
        flow.set_step_setting(step, &flowbench_core::StepSetting::Timeout { timeout: Some("PT5M".into()) }).unwrap();
        flow.set_step_setting(step, &flowbench_core::StepSetting::SecureData { inputs: false, outputs: true }).unwrap();
        let settings = step_settings(&flow, step).unwrap();
        assert_eq!(settings.retry_policy, Some(policy));
        assert_eq!(settings.timeout.as_deref(), Some("PT5M"));
        assert_eq!((settings.secure_inputs, settings.secure_outputs), (false, true));
        assert!(settings.retry_applies && settings.row_trigger.is_none());
        assert!(!step_settings(&flow, "Summary").unwrap().retry_applies);
    }

    #[test]
    fn the_ui_sends_settings_as_tagged_json() {
        use crate::commands::edits::FlowEdit;
        let edit: FlowEdit = serde_json::from_value(serde_json::json!({
            "kind": "setSetting",
            "action": "Get_the_parent_account",
            "setting": {"setting": "retryPolicy", "policy": {"type": "exponential", "count": 2, "interval": "PT9S", "maximumInterval": "PT1M"}}
        }))
        .unwrap();
        let FlowEdit::SetSetting { action, setting } = edit else { panic!("not a setting edit") };
        let mut flow = Flow::parse(SAMPLE_FLOW_JSON).unwrap();
        flow.set_step_setting(&action, &setting).unwrap();
        let written = &flow.to_json()["properties"]["definition"]["actions"]["Get_the_parent_account"]["inputs"]["retryPolicy"];
        assert_eq!(written, &serde_json::json!({"type": "exponential", "count": 2, "interval": "PT9S", "maximumInterval": "PT1M"}));
        let run_as: FlowEdit = serde_json::from_str(r#"{"kind":"setSetting","action":"t","setting":{"setting":"triggerRunAs","runAs":null}}"#).unwrap();
        assert!(matches!(run_as, FlowEdit::SetSetting { setting: flowbench_core::StepSetting::TriggerRunAs { run_as: None }, .. }));
    }

    #[test]
    fn a_sequential_loop_reads_as_concurrency_one() {
        let text = r#"{"triggers": {"manual": {"type": "Request", "kind": "Button"}}, "actions": {
            "Each": {"type": "Foreach", "foreach": "@createArray(1)", "operationOptions": "Sequential", "actions": {}, "runAfter": {}},
            "Note": {"type": "Compose", "inputs": 1, "operationOptions": "Sequential", "runAfter": {}}}}"#;
        let flow = Flow::parse(text).unwrap();
        assert_eq!(step_settings(&flow, "Each").unwrap().concurrency, Some(1));
        assert_eq!(step_settings(&flow, "Note").unwrap().concurrency, None);
    }
}
