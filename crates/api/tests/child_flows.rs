//! A flow opened from a solution calls its sibling flows as child flows when the designer runs it.

mod common;

use common::context;
use flowbench_api::{dispatch, ErrorCode};
use flowbench_core::solution::Solution;
use flowbench_core::Flow;
use serde_json::{json, Value};

const PARENT_ID: &str = "1b0c6f4e-0000-4000-8000-000000000001";
const GREETER_ID: &str = "6e5a9197-e359-ee11-be6f-000d3a45ed19";

fn button_flow(actions: Value) -> Value {
    json!({"properties": {"connectionReferences": {}, "definition": {
        "triggers": {"manual": {"type": "Request", "kind": "Button", "inputs": {"schema": {"type": "object",
            "properties": {"name": {"type": "string"}}}}}},
        "actions": actions}}, "schemaVersion": "1.0.0.0"})
}

fn parent() -> Value {
    button_flow(json!({
        "Run_a_Child_Flow": {"type": "Workflow", "runAfter": {}, "inputs": {
            "host": {"workflowReferenceName": GREETER_ID}, "body": {"name": "@triggerBody()['name']"}}},
        "Answer": {"type": "Compose", "runAfter": {"Run_a_Child_Flow": ["Succeeded"]}, "inputs": "@body('Run_a_Child_Flow')?['greeting']"}
    }))
}

fn greeter() -> Value {
    button_flow(json!({
        "Respond_to_a_PowerApp_or_flow": {"type": "Response", "kind": "PowerApp", "runAfter": {},
            "inputs": {"statusCode": 200, "body": {"greeting": "Hello @{triggerBody()['name']}"}}}
    }))
}

/// An unpacked solution holding the parent and the greeter it calls.
fn solution_folder(dir: &std::path::Path) -> std::path::PathBuf {
    let folder = dir.join("solution");
    Solution::from_flow(Flow::parse(&parent().to_string()).unwrap(), "Parent", PARENT_ID, "fb").unwrap().write_folder(&folder).unwrap();
    let other = dir.join("greeter");
    Solution::from_flow(Flow::parse(&greeter().to_string()).unwrap(), "Greeter", GREETER_ID, "fb").unwrap().write_folder(&other).unwrap();
    for entry in std::fs::read_dir(other.join("Workflows")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), folder.join("Workflows").join(entry.file_name())).unwrap();
    }
    folder
}

fn answer(record: &Value) -> &Value {
    &record["steps"].as_array().unwrap().iter().find(|s| s["name"] == "Answer").unwrap()["outputs"]
}

#[tokio::test]
async fn the_flows_of_the_solution_it_was_opened_from_are_its_child_flows() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    let folder = solution_folder(dir.path());
    let request = |opened_from: Value| {
        json!({"flowJson": parent().to_string(), "persona": "admin", "triggerBody": {"name": "Ada"}, "flowKey": "parent", "openedFrom": opened_from})
    };

    // Opened, the solution shows the flow no other flow calls, and lists them all.
    let opened = dispatch(&ctx, "open_flow_file", json!({"path": folder.to_str().unwrap()})).await.unwrap();
    assert_eq!(opened["name"], "Parent");
    let mut listed: Vec<&str> = opened["solutionFlows"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    listed.sort();
    assert_eq!(listed, ["Greeter", "Parent"]);
    let other = dispatch(&ctx, "open_flow_file", json!({"path": folder.to_str().unwrap(), "flow": "Greeter"})).await.unwrap();
    assert_eq!(other["outline"]["steps"][0]["name"], "Respond_to_a_PowerApp_or_flow");
    let err = dispatch(&ctx, "open_flow_file", json!({"path": folder.to_str().unwrap(), "flow": "Nope"})).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidArguments);

    let record = dispatch(&ctx, "run_flow", request(json!(folder.to_str().unwrap()))).await.unwrap();
    assert_eq!(record["status"], "Succeeded", "{record:#}");
    assert_eq!(answer(&record), "Hello Ada");

    // Opened from nowhere (a new flow): the child flow is not there to call, and the step says so.
    let record = dispatch(&ctx, "run_flow", request(Value::Null)).await.unwrap();
    assert_eq!(record["status"], "Failed");
    let step = &record["steps"][0];
    assert_eq!(step["name"], "Run_a_Child_Flow");
    assert!(step["error"]["message"].as_str().unwrap().contains("child flow"), "{step:#}");

    // A solution that cannot be read any more is named.
    let gone = dir.path().join("moved.zip");
    let err = dispatch(&ctx, "run_flow", request(json!(gone.to_str().unwrap()))).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Solution);
    assert!(err.message.contains("moved.zip"), "{}", err.message);
}
