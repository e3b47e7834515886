//! The needs and verdicts on the shipped scenario flows and a few hand-made steps.

use flowbench_core::Flow;
use flowbench_preflight::{preflight, text, DepthNeed, Options, PreflightError, StepIdentity, Verdict};
use flowbench_sandbox::Scenario;
use serde_json::json;

fn shipped(name: &str) -> Flow {
    let path = format!("{}/scenario-flows/{name}", env!("CARGO_MANIFEST_DIR"));
    Flow::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn users(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn names_the_missing_privilege_per_user_and_step() {
    let matrix = preflight(&shipped("contact-lifecycle.json"), &Scenario::builtin(), &users(&["sam", "nora", "admin"]), &Options::default()).unwrap();
    let delete = matrix.cell("sam", "Delete_contact").unwrap();
    assert_eq!(delete.verdict, Verdict::Missing);
    assert_eq!(delete.missing[0].privilege, "prvDeleteContact");
    assert_eq!(delete.runs_as.as_deref(), Some("sam"));
    assert_eq!(matrix.cell("sam", "Update_contact").unwrap().verdict, Verdict::Allowed);
    assert_eq!(matrix.cell("nora", "Add_contact").unwrap().missing[0].privilege, "prvCreateContact");
    assert_eq!(matrix.cell("admin", "Delete_contact").unwrap().verdict, Verdict::Allowed);
    // The row comes from the flow's own create: written at Basic depth, and no upsert-create.
    let update = matrix.steps.iter().find(|s| s.action == "Update_contact").unwrap();
    assert_eq!(update.needs.iter().map(|n| n.privilege.as_str()).collect::<Vec<_>>(), ["prvWriteContact"]);
    assert_eq!(update.needs[0].depth, DepthNeed::Basic);
    // Invoker connections: the owner (svc) must be able to act on behalf of others.
    assert_eq!(matrix.owner.needs[0].privilege, "prvActOnBehalfOfAnotherUser");
    assert!(matrix.owner.missing.is_empty());

    let rendered = text::render(&matrix, false);
    println!("{rendered}");
    assert!(rendered.contains("✗ prvDeleteContact"), "{rendered}");
}

#[test]
fn a_lookup_needs_append_and_append_to() {
    let matrix = preflight(&shipped("contact-with-account-lookup.json"), &Scenario::builtin(), &users(&["sam"]), &Options::default()).unwrap();
    let add = matrix.steps.iter().find(|s| s.action == "Add_contact").unwrap();
    let names: Vec<&str> = add.needs.iter().map(|n| n.privilege.as_str()).collect();
    assert_eq!(names, ["prvCreateContact", "prvAppendContact", "prvAppendToAccount"]);
    let set_primary = matrix.steps.iter().find(|s| s.action == "Set_primary_contact").unwrap();
    let names: Vec<&str> = set_primary.needs.iter().map(|n| n.privilege.as_str()).collect();
    assert_eq!(names, ["prvWriteAccount", "prvAppendAccount", "prvAppendToContact"]);
}

#[test]
fn reference_steps_run_as_their_owner_for_everyone() {
    let matrix = preflight(&shipped("embedded-and-invoker.json"), &Scenario::builtin(), &users(&["nora", "audrey"]), &Options::default()).unwrap();
    for user in ["nora", "audrey"] {
        let cell = matrix.cell(user, "Log_task").unwrap();
        assert_eq!((cell.verdict, cell.runs_as.as_deref()), (Verdict::Allowed, Some("svc")));
        assert_eq!(matrix.cell(user, "Compose_summary").unwrap().verdict, Verdict::NotDataverse);
    }
    assert_eq!(matrix.cell("audrey", "Add_contact").unwrap().missing[0].privilege, "prvCreateContact");
}

#[test]
fn impersonation_checks_both_users() {
    let matrix = preflight(&shipped("row-trigger-impersonation.json"), &Scenario::builtin(), &users(&["sam", "svc"]), &Options::default()).unwrap();
    let add = matrix.steps.iter().find(|s| s.action == "Add_contact").unwrap();
    assert!(matches!(&add.identity, Some(StepIdentity::Impersonation { caller, .. }) if caller == "svc"));
    let cell = matrix.cell("sam", "Add_contact").unwrap();
    assert_eq!((cell.runs_as.as_deref(), cell.caller.as_deref()), (Some("sam"), Some("svc")));
    // A reference owner without delegation fails every impersonating step.
    let mut options = Options::default();
    options.reference_owners.insert("fb_dataverse_service".into(), "sam".into());
    let matrix = preflight(&shipped("row-trigger-impersonation.json"), &Scenario::builtin(), &users(&["admin"]), &options).unwrap();
    let cell = matrix.cell("admin", "Add_contact").unwrap();
    assert_eq!(cell.missing[0].privilege, "prvActOnBehalfOfAnotherUser");
    assert_eq!(cell.missing[0].principal, "sam");
}

#[test]
fn an_upsert_of_a_row_of_unknown_origin_needs_create_too() {
    let flow = Flow::from_value(json!({ "properties": {
        "connectionReferences": { "dv": { "runtimeSource": "invoker", "connection": { "connectionReferenceLogicalName": "fb_dataverse" } } },
        "definition": { "triggers": { "manual": { "type": "Request", "kind": "Button" } },
            "actions": { "Upsert": { "type": "OpenApiConnection", "inputs": {
                "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps", "connectionName": "dv", "operationId": "UpdateRecord" },
                "parameters": { "entityName": "contacts", "recordId": "@triggerBody()?['id']", "item/jobtitle": "x" } } } } } } }))
    .unwrap();
    let matrix = preflight(&flow, &Scenario::builtin(), &users(&["audrey"]), &Options::default()).unwrap();
    let needs: Vec<&str> = matrix.steps[0].needs.iter().map(|n| n.privilege.as_str()).collect();
    assert_eq!(needs, ["prvWriteContact", "prvCreateContact"]);
    assert_eq!(matrix.steps[0].needs[0].depth, DepthNeed::Unknown);
    let json = serde_json::to_value(&matrix).unwrap();
    assert_eq!(json["users"][0]["cells"][0]["missing"][0]["privilege"], "prvWriteContact");
}

#[test]
fn unknown_users_are_refused_with_the_known_ones() {
    let error = preflight(&shipped("contact-lifecycle.json"), &Scenario::builtin(), &users(&["bob"]), &Options::default()).unwrap_err();
    assert!(matches!(error, PreflightError::UnknownUser { .. }));
    assert!(error.to_string().contains("admin, sam"), "{error}");
    let options = Options { flow_owner: "zed".into(), ..Options::default() };
    assert!(preflight(&shipped("contact-lifecycle.json"), &Scenario::builtin(), &users(&["sam"]), &options).is_err());
}

#[test]
fn a_row_created_by_another_identity_needs_depth_reaching_its_owner() {
    let flow = shipped("service-row-worked-by-invoker.json");
    let matrix = preflight(&flow, &Scenario::builtin(), &users(&["sam", "audrey", "admin"]), &Options::default()).unwrap();
    let get = matrix.steps.iter().find(|s| s.action == "Get_contact").unwrap();
    assert_eq!(get.needs[0].depth, DepthNeed::CreatorsRow);
    assert_eq!(get.needs[0].row_created_by.as_deref(), Some("Add_contact"));
    // sam reads contacts at Local depth in Sales; svc's row lives in the root business unit.
    let cell = matrix.cell("sam", "Get_contact").unwrap();
    assert_eq!(cell.verdict, Verdict::NoRowAccess);
    assert_eq!(cell.no_access[0].privilege, "prvReadContact");
    assert_eq!(matrix.cell("audrey", "Get_contact").unwrap().verdict, Verdict::Allowed);
    assert_eq!(matrix.cell("admin", "Update_contact").unwrap().verdict, Verdict::Allowed);
}

#[test]
fn a_role_or_a_team_can_be_checked_before_anyone_holds_it() {
    let flow = shipped("contact-lifecycle.json");
    let subjects = users(&["role:Salesperson", "role:Auditor", "team:Sales Team", "role:System Administrator"]);
    let matrix = preflight(&flow, &Scenario::builtin(), &subjects, &Options::default()).unwrap();
    // The Salesperson role alone: creates contacts, cannot delete them.
    assert_eq!(matrix.cell("role:Salesperson", "Add_contact").unwrap().verdict, Verdict::Allowed);
    assert_eq!(matrix.cell("role:Salesperson", "Delete_contact").unwrap().missing[0].privilege, "prvDeleteContact");
    assert_eq!(matrix.cell("role:Auditor", "Add_contact").unwrap().missing[0].privilege, "prvCreateContact");
    // Membership of the Sales Team grants task privileges only.
    assert_eq!(matrix.cell("team:Sales Team", "Add_contact").unwrap().missing[0].privilege, "prvCreateContact");
    assert_eq!(matrix.cell("role:System Administrator", "Delete_contact").unwrap().verdict, Verdict::Allowed);

    let unknown = preflight(&flow, &Scenario::builtin(), &users(&["team:Nobody"]), &Options::default()).unwrap_err();
    assert!(unknown.to_string().contains("no team 'team:Nobody'") && unknown.to_string().contains("Sales Team"), "{unknown}");
}
