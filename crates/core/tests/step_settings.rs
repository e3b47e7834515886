//! Step settings outside `inputs.parameters`: the JSON each writes is Power Automate's, setting
//! one back to its default removes its key, and no other byte of the flow changes.

use flowbench_core::sample::SAMPLE_FLOW_JSON;
use flowbench_core::{EditError, Flow, RetryPolicy, StepSetting};
use serde_json::{json, Value};

const LOOP_FLOW: &str = r#"{
  "properties": {
    "connectionReferences": {},
    "definition": {
      "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
      "contentVersion": "1.0.0.0",
      "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": { "schema": {} } } },
      "actions": {
        "Apply_to_each": {
          "type": "Foreach",
          "foreach": "@triggerBody()?['items']",
          "actions": {
            "Call": {
              "type": "Http",
              "inputs": { "method": "GET", "uri": "https://example.com/@{items('Apply_to_each')}" },
              "runAfter": {},
              "runtimeConfiguration": { "staticResult": { "name": "Call0", "staticResultOptions": "Disabled" } }
            }
          },
          "runAfter": {}
        },
        "Note": { "type": "Compose", "inputs": { "a": 1 }, "runAfter": { "Apply_to_each": ["Succeeded"] } },
        "Wait_for_it": { "type": "Until", "expression": "@equals(1, 1)", "limit": { "count": 60, "timeout": "PT1H" }, "actions": {}, "runAfter": {} }
      }
    }
  }
}"#;

fn text(flow: &Flow) -> String {
    serde_json::to_string_pretty(&flow.to_json()).unwrap()
}

fn action<'a>(json: &'a Value, name: &str) -> &'a Value {
    &json["properties"]["definition"]["actions"][name]
}

fn set(flow: &mut Flow, step: &str, setting: StepSetting) {
    flow.set_step_setting(step, &setting).unwrap_or_else(|e| panic!("{step}: {e}"));
}

#[test]
fn loop_concurrency_is_written_under_runtime_configuration_and_removed_with_it() {
    let mut flow = Flow::parse(LOOP_FLOW).unwrap();
    let before = text(&flow);
    set(&mut flow, "Apply_to_each", StepSetting::Concurrency { repetitions: Some(20) });
    let json = flow.to_json();
    assert_eq!(action(&json, "Apply_to_each")["runtimeConfiguration"], json!({"concurrency": {"repetitions": 20}}));
    set(&mut flow, "Apply_to_each", StepSetting::Concurrency { repetitions: Some(1) });
    assert_eq!(action(&flow.to_json(), "Apply_to_each")["runtimeConfiguration"]["concurrency"]["repetitions"], json!(1));
    set(&mut flow, "Apply_to_each", StepSetting::Concurrency { repetitions: None });
    assert_eq!(text(&flow), before, "back to the default, the flow is byte for byte what it was");
}

#[test]
fn concurrency_outside_1_to_50_or_off_a_loop_is_refused_and_changes_nothing() {
    let mut flow = Flow::parse(LOOP_FLOW).unwrap();
    let before = text(&flow);
    for n in [0, 51, 500] {
        let err = flow.set_step_setting("Apply_to_each", &StepSetting::Concurrency { repetitions: Some(n) }).unwrap_err();
        assert!(err.to_string().contains("1 to 50"), "{err}");
    }
    let err = flow.set_step_setting("Note", &StepSetting::Concurrency { repetitions: Some(5) }).unwrap_err();
    assert!(matches!(err, EditError::InvalidSetting { .. }), "{err}");
    assert_eq!(text(&flow), before);
}

#[test]
fn secure_inputs_and_outputs_keep_the_other_runtime_configuration() {
    let mut flow = Flow::parse(LOOP_FLOW).unwrap();
    let before = text(&flow);
    set(&mut flow, "Call", StepSetting::SecureData { inputs: true, outputs: true });
    let json = flow.to_json();
    let call = &action(&json, "Apply_to_each")["actions"]["Call"];
    assert_eq!(
        serde_json::to_string(&call["runtimeConfiguration"]).unwrap(),
        r#"{"staticResult":{"name":"Call0","staticResultOptions":"Disabled"},"secureData":{"properties":["inputs","outputs"]}}"#
    );
    set(&mut flow, "Call", StepSetting::SecureData { inputs: false, outputs: true });
    let json = flow.to_json();
    assert_eq!(action(&json, "Apply_to_each")["actions"]["Call"]["runtimeConfiguration"]["secureData"], json!({"properties": ["outputs"]}));
    set(&mut flow, "Call", StepSetting::SecureData { inputs: false, outputs: false });
    assert_eq!(text(&flow), before);
    // A step without runtimeConfiguration gets one, and loses it again.
    set(&mut flow, "Note", StepSetting::SecureData { inputs: true, outputs: false });
    assert_eq!(action(&flow.to_json(), "Note")["runtimeConfiguration"], json!({"secureData": {"properties": ["inputs"]}}));
    set(&mut flow, "Note", StepSetting::SecureData { inputs: false, outputs: false });
    assert_eq!(text(&flow), before);
}

#[test]
fn retry_policies_are_written_in_inputs_as_the_runtime_reads_them() {
    let mut flow = Flow::parse(SAMPLE_FLOW_JSON).unwrap();
    let before = text(&flow);
    let step = "Get_the_parent_account";
    set(&mut flow, step, StepSetting::RetryPolicy { policy: Some(RetryPolicy::None) });
    assert_eq!(action(&flow.to_json(), step)["inputs"]["retryPolicy"], json!({"type": "none"}));
    set(&mut flow, step, StepSetting::RetryPolicy { policy: Some(RetryPolicy::Fixed { count: 3, interval: "PT20S".into() }) });
    assert_eq!(action(&flow.to_json(), step)["inputs"]["retryPolicy"], json!({"type": "fixed", "count": 3, "interval": "PT20S"}));
    let exponential = RetryPolicy::Exponential {
        count: 4,
        interval: "PT7S".into(),
        minimum_interval: Some("PT5S".into()),
        maximum_interval: Some("PT1H".into()),
    };
    set(&mut flow, step, StepSetting::RetryPolicy { policy: Some(exponential) });
    assert_eq!(
        serde_json::to_string(&action(&flow.to_json(), step)["inputs"]["retryPolicy"]).unwrap(),
        r#"{"type":"exponential","count":4,"interval":"PT7S","minimumInterval":"PT5S","maximumInterval":"PT1H"}"#
    );
    // The other inputs keep their order; the policy goes last, as the designer writes it.
    let keys: Vec<String> = action(&flow.to_json(), step)["inputs"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys.last().map(String::as_str), Some("retryPolicy"));
    set(&mut flow, step, StepSetting::RetryPolicy { policy: None });
    assert_eq!(text(&flow), before);
}

#[test]
fn bad_retry_policies_are_refused_and_change_nothing() {
    let mut flow = Flow::parse(SAMPLE_FLOW_JSON).unwrap();
    let before = text(&flow);
    let step = "Get_the_parent_account";
    let cases = [
        (RetryPolicy::Fixed { count: 0, interval: "PT20S".into() }, "1 to 90"),
        (RetryPolicy::Fixed { count: 91, interval: "PT20S".into() }, "1 to 90"),
        (RetryPolicy::Fixed { count: 3, interval: "20 seconds".into() }, "ISO 8601"),
        (
            RetryPolicy::Exponential { count: 3, interval: "PT7S".into(), minimum_interval: Some("PT1M".into()), maximum_interval: Some("PT10S".into()) },
            "minimum interval is longer",
        ),
        (
            RetryPolicy::Exponential { count: 3, interval: "PT7S".into(), minimum_interval: Some("5s".into()), maximum_interval: None },
            "minimum interval `5s`",
        ),
    ];
    for (policy, expected) in cases {
        let err = flow.set_step_setting(step, &StepSetting::RetryPolicy { policy: Some(policy) }).unwrap_err();
        assert!(err.to_string().contains(expected), "{err} should say {expected}");
    }
    // A Compose's inputs are its value: a retry policy there would change what it composes.
    assert!(flow.set_step_setting("Summary", &StepSetting::RetryPolicy { policy: Some(RetryPolicy::None) }).is_err());
    assert_eq!(text(&flow), before);
}

#[test]
fn timeouts_are_iso_8601_durations_under_limit() {
    let mut flow = Flow::parse(LOOP_FLOW).unwrap();
    let before = text(&flow);
    set(&mut flow, "Call", StepSetting::Timeout { timeout: Some("PT10M".into()) });
    assert_eq!(action(&flow.to_json(), "Apply_to_each")["actions"]["Call"]["limit"], json!({"timeout": "PT10M"}));
    for bad in ["10 minutes", "PT", "P1H", "PT-5S", ""] {
        let err = flow.set_step_setting("Call", &StepSetting::Timeout { timeout: Some(bad.into()) }).unwrap_err();
        assert!(err.to_string().contains("ISO 8601"), "{bad}: {err}");
    }
    assert_eq!(action(&flow.to_json(), "Apply_to_each")["actions"]["Call"]["limit"], json!({"timeout": "PT10M"}), "a refused edit changes nothing");
    set(&mut flow, "Call", StepSetting::Timeout { timeout: None });
    assert_eq!(text(&flow), before);
    // Do until's limit keeps its count when the timeout goes.
    set(&mut flow, "Wait_for_it", StepSetting::Timeout { timeout: None });
    assert_eq!(action(&flow.to_json(), "Wait_for_it")["limit"], json!({"count": 60}));
    set(&mut flow, "Wait_for_it", StepSetting::Timeout { timeout: Some("P1D".into()) });
    assert_eq!(action(&flow.to_json(), "Wait_for_it")["limit"], json!({"count": 60, "timeout": "P1D"}));
}

fn trigger_parameters(flow: &Flow) -> Value {
    flow.to_json()["properties"]["definition"]["triggers"]["When_a_contact_is_added"]["inputs"]["parameters"].clone()
}

#[test]
fn the_row_trigger_settings_are_its_subscription_request_parameters() {
    let mut flow = Flow::parse(SAMPLE_FLOW_JSON).unwrap();
    let before = text(&flow);
    let trigger = "When_a_contact_is_added";
    set(&mut flow, trigger, StepSetting::TriggerMessage { message: Some(4) });
    set(&mut flow, trigger, StepSetting::TriggerScope { scope: Some(2) });
    set(&mut flow, trigger, StepSetting::TriggerFilteringColumns { columns: vec!["firstname".into(), "emailaddress1".into()] });
    set(&mut flow, trigger, StepSetting::TriggerRunAs { run_as: Some(2) });
    assert_eq!(
        serde_json::to_string(&trigger_parameters(&flow)).unwrap(),
        r#"{"subscriptionRequest/message":4,"subscriptionRequest/entityname":"contact","subscriptionRequest/scope":2,"subscriptionRequest/runas":2,"subscriptionRequest/filteringattributes":"firstname,emailaddress1"}"#
    );
    set(&mut flow, trigger, StepSetting::TriggerFilteringColumns { columns: vec![] });
    set(&mut flow, trigger, StepSetting::TriggerRunAs { run_as: None });
    assert!(trigger_parameters(&flow).get("subscriptionRequest/runas").is_none(), "run as flow owner is the default: no key");
    assert!(trigger_parameters(&flow).get("subscriptionRequest/filteringattributes").is_none());
    set(&mut flow, trigger, StepSetting::TriggerRunAs { run_as: Some(1) });
    set(&mut flow, trigger, StepSetting::TriggerMessage { message: Some(1) });
    set(&mut flow, trigger, StepSetting::TriggerScope { scope: Some(4) });
    assert_eq!(text(&flow), before);
}

#[test]
fn bad_trigger_settings_are_refused_and_change_nothing() {
    let mut flow = Flow::parse(SAMPLE_FLOW_JSON).unwrap();
    let before = text(&flow);
    let trigger = "When_a_contact_is_added";
    let refused = [
        StepSetting::TriggerMessage { message: Some(8) },
        StepSetting::TriggerMessage { message: Some(0) },
        StepSetting::TriggerScope { scope: Some(5) },
        StepSetting::TriggerRunAs { run_as: Some(4) },
        StepSetting::TriggerFilteringColumns { columns: vec!["first name".into()] },
        // The sample fires on Added only: filtering columns need a change type with Modified.
        StepSetting::TriggerFilteringColumns { columns: vec!["firstname".into()] },
        StepSetting::Concurrency { repetitions: Some(2) },
    ];
    for setting in refused {
        assert!(flow.set_step_setting(trigger, &setting).is_err(), "{setting:?} should be refused");
    }
    let loop_flow = &mut Flow::parse(LOOP_FLOW).unwrap();
    assert!(loop_flow.set_step_setting("manual", &StepSetting::TriggerMessage { message: Some(1) }).is_err(), "not a row trigger");
    assert!(loop_flow.set_step_setting("Nope", &StepSetting::Timeout { timeout: None }).is_err());
    assert_eq!(text(&flow), before);
}

#[test]
fn concurrency_control_replaces_the_older_sequential_option() {
    let sequential = LOOP_FLOW.replace(r#""foreach": "@triggerBody()?['items']","#, r#""foreach": "@triggerBody()?['items']", "operationOptions": "Sequential","#);
    let mut flow = Flow::parse(&sequential).unwrap();
    set(&mut flow, "Apply_to_each", StepSetting::Concurrency { repetitions: Some(10) });
    let json = flow.to_json();
    assert!(action(&json, "Apply_to_each").get("operationOptions").is_none(), "one or the other, not both");
    assert_eq!(action(&json, "Apply_to_each")["runtimeConfiguration"]["concurrency"]["repetitions"], json!(10));
    let mut flow = Flow::parse(&sequential).unwrap();
    set(&mut flow, "Apply_to_each", StepSetting::Concurrency { repetitions: None });
    assert_eq!(text(&flow), text(&Flow::parse(LOOP_FLOW).unwrap()), "off: neither is left");
}
