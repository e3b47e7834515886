//! The canvas's editing operations on the model, checked through the JSON they export.

use flowbench_core::choice::ConnectionChoice;
use flowbench_core::connection::{runs_as, RunsAs, TriggerRunAs};
use flowbench_core::{export_flow_json, sample::SAMPLE_FLOW_JSON, Action, BranchRef, EditError, ExportError, Flow, Position, Slot};
use serde_json::{json, Value};

fn sample() -> Flow {
    Flow::parse(SAMPLE_FLOW_JSON).unwrap()
}

fn compose(name: &str, inputs: Value) -> Action {
    Action::from_json(name, json!({"type": "Compose", "inputs": inputs, "runAfter": {}})).unwrap()
}

fn run_after(flow: &Flow, name: &str) -> Vec<(String, Vec<String>)> {
    flow.find_action(name).unwrap_or_else(|| panic!("no {name}")).run_after()
}

fn ra(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    pairs.iter().map(|(k, s)| (k.to_string(), s.iter().map(|x| x.to_string()).collect())).collect()
}

fn yes_branch() -> Option<BranchRef> {
    Some(BranchRef { container: "Account_has_a_primary_contact".into(), slot: Slot::Actions })
}

#[test]
fn inserting_on_an_edge_rewires_the_step_after_it() {
    let mut flow = sample();
    let at = Position {
        parent: None,
        after: Some("Get_the_parent_account".into()),
        before: Some("Account_has_a_primary_contact".into()),
    };
    flow.insert_action(compose("Log", json!("x")), &at).unwrap();
    assert_eq!(run_after(&flow, "Log"), ra(&[("Get_the_parent_account", &["Succeeded"])]));
    assert_eq!(run_after(&flow, "Account_has_a_primary_contact"), ra(&[("Log", &["Succeeded"])]));
    let order: Vec<_> = flow.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(order, ["Get_the_parent_account", "Log", "Account_has_a_primary_contact", "Summary"]);
}

#[test]
fn inserting_without_before_makes_a_parallel_branch() {
    let mut flow = sample();
    flow.insert_action(compose("Side", json!(1)), &Position::top_level_after(Some("Get_the_parent_account"))).unwrap();
    assert_eq!(run_after(&flow, "Side"), ra(&[("Get_the_parent_account", &["Succeeded"])]));
    assert_eq!(run_after(&flow, "Account_has_a_primary_contact"), ra(&[("Get_the_parent_account", &["Succeeded"])]));
    // Listed last, so the designer draws the new branch to the right of the existing one.
    let order: Vec<_> = flow.actions.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(order, ["Get_the_parent_account", "Account_has_a_primary_contact", "Summary", "Side"]);
}

#[test]
fn adding_into_a_branch_chains_after_the_last_step_there() {
    let mut flow = sample();
    flow.add_action(compose("First_yes", json!(1)), yes_branch()).unwrap();
    assert_eq!(run_after(&flow, "First_yes"), ra(&[("Create_a_follow-up_task", &["Succeeded"])]));
    let json = flow.to_json();
    let yes = &json["properties"]["definition"]["actions"]["Account_has_a_primary_contact"]["actions"];
    assert!(yes.get("First_yes").is_some());
}

#[test]
fn an_absent_else_branch_appears_only_once_it_has_steps() {
    let text = r#"{"triggers": {"manual": {"type": "Request", "kind": "Button"}},
        "actions": {"Check": {"type": "If", "expression": true, "actions": {}, "runAfter": {}}}}"#;
    let mut flow = Flow::parse(text).unwrap();
    assert!(flow.to_json()["actions"]["Check"].get("else").is_none());
    let no = Some(BranchRef { container: "Check".into(), slot: Slot::Else });
    flow.add_action(compose("Only_no", json!(1)), no).unwrap();
    assert_eq!(flow.to_json()["actions"]["Check"]["else"]["actions"]["Only_no"]["runAfter"], json!({}));
}

#[test]
fn deleting_hands_the_predecessors_to_the_successors() {
    let mut flow = sample();
    flow.insert_action(
        compose("Middle", json!(1)),
        &Position { parent: None, after: Some("Account_has_a_primary_contact".into()), before: Some("Summary".into()) },
    )
    .unwrap();
    let removed = flow.delete_action("Middle").unwrap();
    assert_eq!(removed.name, "Middle");
    assert_eq!(run_after(&flow, "Summary"), ra(&[("Account_has_a_primary_contact", &["Succeeded"])]));
    flow.delete_action("Get_the_parent_account").unwrap();
    assert!(run_after(&flow, "Account_has_a_primary_contact").is_empty());
    assert_eq!(flow.delete_action("Nope").unwrap_err(), EditError::NoSuchAction("Nope".into()));
}

#[test]
fn moving_into_and_out_of_branches() {
    let mut flow = sample();
    let no = Some(BranchRef { container: "Account_has_a_primary_contact".into(), slot: Slot::Else });
    flow.move_action("Summary", &Position { parent: no, after: Some("Make_the_contact_primary".into()), before: None }).unwrap();
    let json = flow.to_json();
    let actions = &json["properties"]["definition"]["actions"];
    assert!(actions.get("Summary").is_none());
    assert_eq!(actions["Account_has_a_primary_contact"]["else"]["actions"]["Summary"]["runAfter"], json!({"Make_the_contact_primary": ["Succeeded"]}));

    flow.move_action("Summary", &Position::top_level_after(Some("Account_has_a_primary_contact"))).unwrap();
    assert_eq!(run_after(&flow, "Summary"), ra(&[("Account_has_a_primary_contact", &["Succeeded"])]));
    assert_eq!(flow.parent_of("Summary"), Some(None));
}

#[test]
fn a_container_cannot_move_into_itself_and_a_failed_move_changes_nothing() {
    let mut flow = sample();
    let before = flow.to_json().to_string();
    let err = flow.move_action("Account_has_a_primary_contact", &Position { parent: yes_branch(), after: None, before: None });
    assert_eq!(err.unwrap_err(), EditError::IntoItself("Account_has_a_primary_contact".into()));
    let err = flow.move_action("Summary", &Position::top_level_after(Some("Nowhere")));
    assert_eq!(err.unwrap_err(), EditError::NoSuchAction("Nowhere".into()));
    assert_eq!(flow.to_json().to_string(), before);
}

#[test]
fn renaming_rewrites_every_reference() {
    let mut flow = sample();
    flow.rename_action("Get_the_parent_account", "Get_account").unwrap();
    let text = flow.to_pretty_json();
    assert!(!text.contains("Get_the_parent_account"), "{text}");
    assert_eq!(text.matches("'Get_account'").count(), 3, "the condition, the update and Summary");
    assert_eq!(run_after(&flow, "Account_has_a_primary_contact"), ra(&[("Get_account", &["Succeeded"])]));
    assert_eq!(flow.rename_action("Get_account", "Summary").unwrap_err(), EditError::DuplicateName("Summary".into()));
    assert!(matches!(flow.rename_action("Summary", "").unwrap_err(), EditError::InvalidName { .. }));
    assert!(matches!(flow.rename_action("Summary", &"x".repeat(81)).unwrap_err(), EditError::InvalidName { .. }));
}

#[test]
fn copy_and_paste_a_subtree_gives_unique_names_and_keeps_inner_references() {
    let mut flow = sample();
    let clipboard = flow.copy_actions(&["Account_has_a_primary_contact".into()]).unwrap();
    let placed = flow.paste_actions(&clipboard, &Position::top_level_after(Some("Summary"))).unwrap();
    assert_eq!(placed, ["Account_has_a_primary_contact_2"]);
    for name in ["Create_a_follow-up_task_2", "Make_the_contact_primary_2"] {
        assert!(flow.find_action(name).is_some(), "{name}");
    }
    // References to steps outside the clipboard still point at the originals.
    let copy = flow.find_action("Make_the_contact_primary_2").unwrap().to_json();
    assert!(copy.to_string().contains("outputs('Get_the_parent_account')"));
    assert_eq!(run_after(&flow, "Account_has_a_primary_contact_2"), ra(&[("Summary", &["Succeeded"])]));

    // Pasting a chain keeps its inner order and renames the references between its steps.
    let chain = json!({
        "Summary": {"type": "Compose", "inputs": "a", "runAfter": {}},
        "Use_it": {"type": "Compose", "inputs": "@outputs('Summary')", "runAfter": {"Summary": ["Succeeded"]}}
    });
    let placed = flow.paste_actions(&chain, &Position::top_level_after(Some("Get_the_parent_account"))).unwrap();
    assert_eq!(placed, ["Summary_2", "Use_it"]);
    assert_eq!(flow.find_action("Use_it").unwrap().body()["inputs"], json!("@outputs('Summary_2')"));
    assert_eq!(run_after(&flow, "Use_it"), ra(&[("Summary_2", &["Succeeded"])]));
    assert!(matches!(flow.paste_actions(&json!([1]), &Position::default()).unwrap_err(), EditError::BadClipboard(_)));
}

fn identity(flow: &Flow, action: &str) -> RunsAs {
    let a = flow.find_action(action).unwrap();
    runs_as(flow.connection_references(), a.connection_name().unwrap(), flow.trigger_identity())
}

#[test]
fn the_connection_choice_maps_to_reference_entries_both_ways() {
    let mut flow = sample();
    let get = "Get_the_parent_account";
    let reference = ConnectionChoice::Reference { logical_name: "fb_DataverseService".into() };
    assert_eq!(flow.connection_choice(flow.find_action(get).unwrap()), Some(reference.clone()));
    flow.set_connection_choice(get, &ConnectionChoice::Invoker).unwrap();
    assert_eq!(identity(&flow, get), RunsAs::TriggerRunAs { user: TriggerRunAs::ModifyingUser, logical_name: Some("fb_DataverseService".into()) });
    // It reused the existing impersonation entry rather than making a third.
    assert_eq!(flow.connection_references().unwrap().len(), 2);

    // Everything on the reference: the now unused invoker entry disappears.
    flow.set_connection_choice(get, &reference).unwrap();
    flow.set_connection_choice("Create_a_follow-up_task", &reference).unwrap();
    let refs = flow.connection_references().unwrap();
    assert_eq!(refs.keys().collect::<Vec<_>>(), ["shared_commondataserviceforapps"]);

    // A new logical name gets its own entry, and the mix exports as two entries.
    flow.set_connection_choice(get, &ConnectionChoice::Reference { logical_name: "fb_Other".into() }).unwrap();
    flow.set_connection_choice("Create_a_follow-up_task", &ConnectionChoice::Invoker).unwrap();
    let exported: Value = serde_json::from_str(&export_flow_json(&flow).unwrap()).unwrap();
    let refs = exported["properties"]["connectionReferences"].as_object().unwrap();
    assert_eq!(refs.len(), 3);
    assert!(refs.values().any(|e| e["connection"]["connectionReferenceLogicalName"] == "fb_Other"));
    assert!(refs.values().any(|e| e["impersonation"]["source"] == "invoker"));
    assert!(matches!(flow.set_connection_choice("Summary", &reference).unwrap_err(), EditError::NotDataverse(_)));
}

#[test]
fn the_invoker_uses_the_run_only_form_on_instant_flows() {
    let text = r#"{"properties": {"connectionReferences": {
          "shared_commondataserviceforapps": {"runtimeSource": "embedded",
            "connection": {"connectionReferenceLogicalName": "fb_Dv"}, "api": {"name": "shared_commondataserviceforapps"}}},
        "definition": {"triggers": {"manual": {"type": "Request", "kind": "PowerAppV2", "inputs": {}}},
          "actions": {"List": {"type": "OpenApiConnection", "runAfter": {}, "inputs": {"host": {
             "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
             "connectionName": "shared_commondataserviceforapps", "operationId": "ListRecords"},
             "parameters": {"entityName": "contacts"}}}}}}, "schemaVersion": "1.0.0.0"}"#;
    let mut flow = Flow::parse(text).unwrap();
    flow.set_connection_choice("List", &ConnectionChoice::Invoker).unwrap();
    let exported: Value = serde_json::from_str(&export_flow_json(&flow).unwrap()).unwrap();
    let refs = exported["properties"]["connectionReferences"].as_object().unwrap();
    assert_eq!(refs.len(), 1, "the unused embedded entry is gone: {refs:?}");
    let (key, entry) = refs.iter().next().unwrap();
    assert_eq!(entry["runtimeSource"], "invoker");
    assert_eq!(exported["properties"]["definition"]["actions"]["List"]["inputs"]["host"]["connectionName"], json!(key));
    assert_eq!(identity(&flow, "List"), RunsAs::RunOnlyUser { logical_name: Some("fb_Dv".into()) });
}

#[test]
fn the_invoker_under_a_recurrence_is_kept_for_validation_and_refused_on_export() {
    let text = SAMPLE_FLOW_JSON.replace(
        r#""When_a_contact_is_added": {"#,
        r#""Every_day": {"type": "Recurrence", "recurrence": {"frequency": "Day", "interval": 1}}, "Unused": {"#,
    );
    let mut flow = Flow::parse(&text).unwrap();
    flow.triggers.remove(1);
    flow.set_connection_choice("Get_the_parent_account", &ConnectionChoice::Invoker).unwrap();
    assert_eq!(flow.connection_choice(flow.find_action("Get_the_parent_account").unwrap()), Some(ConnectionChoice::Invoker));
    let err = export_flow_json(&flow).unwrap_err();
    assert!(matches!(err, ExportError::InvokerWithoutInvoker { ref trigger, .. } if trigger == "Every_day"), "{err}");
}

/// Over a large real flow: renaming any action leaves no reference to the old name.
#[test]
fn renaming_every_action_of_a_real_flow_leaves_no_dangling_reference() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/flows/BACoreRuntime-StartNode-D0CCBEBF-D08C-EC11-8D20-000D3A09D351.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} is absent", path.display());
        return;
    };
    let flow = Flow::parse(&text).unwrap();
    let names: Vec<String> = flow.all_actions().iter().map(|a| a.name.clone()).collect();
    for (i, name) in names.iter().enumerate().take(60) {
        let mut renamed = flow.clone();
        let new = format!("Renamed_{i}");
        let before = references_to(&flow.to_json(), name);
        renamed.rename_action(name, &new).unwrap();
        let json = renamed.to_json();
        assert_eq!(references_to(&json, name), 0, "{name}");
        assert_eq!(references_to(&json, &new), before, "{name}");
    }
}

/// References in expressions plus `runAfter` keys naming `action`.
fn references_to(value: &Value, action: &str) -> usize {
    match value {
        Value::String(s) => flowbench_expr::action_references(s).iter().filter(|r| r.action == action).count(),
        Value::Array(items) => items.iter().map(|v| references_to(v, action)).sum(),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let key = usize::from(k == "runAfter" && v.get(action).is_some());
                key + references_to(v, action)
            })
            .sum(),
        _ => 0,
    }
}

#[test]
fn a_connector_step_s_parameter_is_set_in_place_added_last_and_removed() {
    let mut flow = Flow::from_value(json!({ "properties": { "definition": {
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": {
            "Add": { "type": "OpenApiConnection", "inputs": { "host": { "connectionName": "c", "operationId": "CreateRecord" },
                "parameters": { "entityName": "contacts", "item/lastname": "X" } }, "runAfter": {} },
            "Note": { "type": "Compose", "inputs": "x", "runAfter": { "Add": ["Succeeded"] } } } } } }))
    .unwrap();
    flow.set_parameter("Add", "entityName", Some(json!("accounts"))).unwrap();
    flow.set_parameter("Add", "item/name", Some(json!("Fabrikam"))).unwrap();
    flow.set_parameter("Add", "item/lastname", None).unwrap();
    let parameters = flow.find_action("Add").unwrap().body()["inputs"]["parameters"].clone();
    assert_eq!(serde_json::to_string(&parameters).unwrap(), r#"{"entityName":"accounts","item/name":"Fabrikam"}"#);
    assert!(flow.set_parameter("Note", "x", Some(json!(1))).unwrap_err().to_string().contains("not a connector step"));
    assert!(flow.set_parameter("Nope", "x", None).unwrap_err().to_string().contains("no action named"));
}
