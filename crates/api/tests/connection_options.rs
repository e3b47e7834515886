//! The connection picker's choices: the flow's own references, then those its solution declares,
//! then the environment's Dataverse references, then the invoker's connection.

mod common;

use common::context;
use flowbench_api::dispatch;
use flowbench_core::sample::SAMPLE_FLOW_JSON;
use flowbench_core::solution::Solution;
use flowbench_core::Flow;
use serde_json::{json, Value};

fn labels(options: &Value) -> Vec<&str> {
    options.as_array().unwrap().iter().map(|o| o["label"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_solutions_and_the_environments_references_come_after_the_flows_own() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path()).await;
    // The solution the flow came from declares fb_DataverseService; the flow now uses fb_Edited.
    let folder = dir.path().join("solution");
    Solution::from_flow(Flow::parse(SAMPLE_FLOW_JSON).unwrap(), "Sample", "0f0e0d0c-0000-4000-8000-000000000001", "fb")
        .unwrap()
        .write_folder(&folder)
        .unwrap();
    let edited = SAMPLE_FLOW_JSON.replace("fb_DataverseService", "fb_Edited");
    let ask = |opened_from: Value| json!({"flowJson": edited, "action": "Get_the_parent_account", "openedFrom": opened_from});

    let options = dispatch(&ctx, "connection_options", ask(json!(folder.to_str().unwrap()))).await.unwrap();
    // A name offered by the solution is not offered again by the environment.
    assert_eq!(
        labels(&options),
        [
            "fb_Edited (connection reference)",
            "fb_DataverseService (in the solution)",
            "Dataverse · fb_Dataverse (in the environment)",
            "Invoker's connection"
        ]
    );
    assert_eq!(options[0]["selected"], true);
    assert_eq!(options[1]["choice"], json!({"kind": "reference", "logicalName": "fb_DataverseService"}));

    // Opened from no solution: the environment's references, with their display names.
    let options = dispatch(&ctx, "connection_options", ask(Value::Null)).await.unwrap();
    assert_eq!(
        labels(&options),
        [
            "fb_Edited (connection reference)",
            "Dataverse · fb_Dataverse (in the environment)",
            "Dataverse (flow service) · fb_DataverseService (in the environment)",
            "Invoker's connection"
        ]
    );
}
