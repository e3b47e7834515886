//! The environment commands over `dispatch`, as the designer calls them: the environment list,
//! choosing one, the tables the pickers read, and what a run says when nobody is signed in.

mod common;

use common::context;
use flowbench_api::{dispatch, ErrorCode};
use serde_json::json;

#[tokio::test]
async fn the_sandbox_tables_are_read_for_the_pickers() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    let answer = dispatch(&ctx, "environment_tables", json!({})).await.unwrap();
    assert_eq!(answer["environment"], "sandbox");
    let tables = answer["tables"].as_array().unwrap();
    let contact = tables.iter().find(|t| t["logicalName"] == "contact").expect("contact");
    assert_eq!(contact["entitySetName"], "contacts");
    let parent = contact["columns"].as_array().unwrap().iter().find(|c| c["logicalName"] == "parentcustomerid").unwrap();
    assert_eq!(parent["attributeType"], "Lookup");
    assert_eq!(parent["targets"], json!(["account", "contact"]));
    let navigation = parent["navigation"].as_array().unwrap();
    assert!(navigation.contains(&json!({"target": "account", "property": "parentcustomerid_account"})), "{navigation:?}");
    assert!(tables.iter().any(|t| t["entitySetName"] == "connectionreferences"));
}

#[tokio::test]
async fn environments_are_added_chosen_and_removed_and_a_run_without_a_sign_in_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    let list = dispatch(&ctx, "list_environments", json!({})).await.unwrap();
    assert_eq!(list["current"], "sandbox");
    assert_eq!(list["environments"][0]["embedded"], true);

    let bad = dispatch(&ctx, "add_environment", json!({ "name": "dev", "url": "http://dev.crm.dynamics.com" })).await.unwrap_err();
    assert_eq!(bad.code, ErrorCode::Environment);
    assert!(bad.message.contains("must use https"), "{}", bad.message);

    let list = dispatch(&ctx, "add_environment", json!({ "name": "dev", "url": "https://dev.crm.dynamics.com/" })).await.unwrap();
    assert_eq!(list["current"], "dev", "a new environment is the one in use");
    assert_eq!(list["environments"][1], json!({ "name": "dev", "url": "https://dev.crm.dynamics.com", "embedded": false, "accounts": [] }));
    let current = dispatch(&ctx, "current_environment", json!({})).await.unwrap();
    assert_eq!(current["name"], "dev");
    assert_eq!(current["embedded"], false);
    assert_eq!(current["url"], "https://dev.crm.dynamics.com");

    let flow = flowbench_core::sample::SAMPLE_FLOW_JSON;
    let run = dispatch(&ctx, "run_flow", json!({ "flowJson": flow, "persona": "", "triggerBody": {}, "flowKey": "sample" }))
        .await
        .unwrap_err();
    assert_eq!(run.code, ErrorCode::NotSignedIn);
    assert!(run.message.contains("nobody is signed in to 'dev'"), "{}", run.message);

    let list = dispatch(&ctx, "use_environment", json!({ "name": "sandbox" })).await.unwrap();
    assert_eq!(list["current"], "sandbox");
    let list = dispatch(&ctx, "remove_environment", json!({ "name": "dev" })).await.unwrap();
    assert_eq!(list["environments"].as_array().map(Vec::len), Some(1));
    let missing = dispatch(&ctx, "use_environment", json!({ "name": "dev" })).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::Environment);
}

#[tokio::test]
async fn rows_of_a_table_are_offered_to_start_a_dataverse_triggered_run() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    let rows = dispatch(&ctx, "environment_rows", json!({ "table": "account", "top": 5 })).await.unwrap();
    let names: Vec<&str> = rows.as_array().unwrap().iter().filter_map(|r| r["name"].as_str()).collect();
    assert!(names.contains(&"Contoso Ltd"), "{names:?}");
    let contoso = rows.as_array().unwrap().iter().find(|r| r["name"] == "Contoso Ltd").unwrap();
    assert_eq!(contoso["id"], "a0000000-0000-4000-8000-000000000001");
    assert_eq!(contoso["row"]["accountnumber"], "CON-001");
    let hostile = dispatch(&ctx, "environment_rows", json!({ "table": "account')/../systemusers(" })).await.unwrap_err();
    assert_eq!(hostile.code, ErrorCode::Environment);
}

#[tokio::test]
async fn a_tables_choice_columns_come_with_their_labels() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    let answer = dispatch(&ctx, "environment_choices", json!({"table": "contact"})).await.unwrap();
    let columns = answer.as_array().unwrap();
    let method = columns.iter().find(|c| c["column"] == "preferredcontactmethodcode").expect("preferredcontactmethodcode");
    assert_eq!(method["choices"][1], json!({"value": 2, "label": "Email"}));
    assert!(!columns.iter().any(|c| c["column"] == "fullname"), "only choice columns");
    let refused = dispatch(&ctx, "environment_choices", json!({"table": "contact') or x"})).await.unwrap_err();
    assert!(refused.message.contains("not a table's logical name"), "{}", refused.message);
}
