//! "Run a Child Flow" (the Workflow action): the parent's step answers with the child's Response,
//! fails with the child's error, refuses children on run-only users' connections, and names a
//! child the run was not given. The child's own run sits under the parent's step.

use flowbench_core::Flow;
use flowbench_engine::{run_flow, ChildFlows, RunOptions, RunRecord, RunStatus, StepStatus};
use serde_json::{json, Value};

const CHILD_ID: &str = "A361AA67-04AD-EC11-983E-0022486E1632";

/// A button flow with `actions`, and connection references when given.
fn flow(actions: Value, references: Value) -> Flow {
    Flow::from_value(json!({ "properties": {
        "connectionReferences": references,
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": { "schema": {
                "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] } } } },
            "actions": actions } },
        "schemaVersion": "1.0.0.0" }))
    .expect("a valid flow")
}

/// A parent that calls the child `reference` with `{name: "Ada"}` and composes what it answered.
fn parent(reference: &str) -> Flow {
    flow(
        json!({
            "Run_a_Child_Flow": { "type": "Workflow", "runAfter": {}, "inputs": {
                "host": { "workflowReferenceName": reference }, "body": { "name": "@{triggerBody()?['who']}" } } },
            "Use_the_answer": { "type": "Compose", "runAfter": { "Run_a_Child_Flow": ["Succeeded"] },
                "inputs": "@body('Run_a_Child_Flow')?['greeting']" }
        }),
        json!({}),
    )
}

/// A child that greets its trigger's `name` through "Respond to a PowerApp or flow".
fn greeting_child() -> Flow {
    flow(
        json!({
            "Greet": { "type": "Compose", "runAfter": {}, "inputs": "Hello @{triggerBody()['name']}" },
            "Respond_to_a_PowerApp_or_flow": { "type": "Response", "kind": "PowerApp", "runAfter": { "Greet": ["Succeeded"] },
                "inputs": { "statusCode": 200, "body": { "greeting": "@{outputs('Greet')}" } } }
        }),
        json!({}),
    )
}

async fn run(parent: &Flow, children: &[(&str, Flow)]) -> RunRecord {
    let mut child_flows = ChildFlows::default();
    for (key, child) in children {
        child_flows.insert(key, child.clone());
    }
    let options = RunOptions { child_flows, ..RunOptions::default() };
    run_flow(parent, json!({ "headers": {}, "body": { "who": "Ada", "name": "the parent" } }), options).await
}

#[tokio::test]
async fn the_parent_gets_the_childs_response() {
    // Exports write the id in braces and lower case; the action upper case: the same flow.
    let record = run(&parent(CHILD_ID), &[(&format!("{{{}}}", CHILD_ID.to_lowercase()), greeting_child())]).await;
    assert_eq!(record.status, RunStatus::Succeeded, "{record:#?}");
    let step = record.step("Run_a_Child_Flow").unwrap();
    assert_eq!(step.status, StepStatus::Succeeded);
    assert_eq!(step.outputs.as_ref().unwrap()["statusCode"], 200);
    assert_eq!(step.outputs.as_ref().unwrap()["body"], json!({ "greeting": "Hello Ada" }));
    assert_eq!(record.step("Use_the_answer").unwrap().outputs, Some(json!("Hello Ada")));
    let child = step.child_run.as_ref().expect("the child's run is under the parent's step");
    assert_eq!(child.status, RunStatus::Succeeded);
    assert_eq!(child.step("Greet").unwrap().outputs, Some(json!("Hello Ada")));
    assert!(record.step("Greet").is_none(), "the child's steps are not the parent's");
}

#[tokio::test]
async fn a_failing_child_fails_the_parents_step_with_its_error() {
    let child = flow(
        json!({
            "Stop": { "type": "Terminate", "runAfter": {}, "inputs": { "runStatus": "Failed",
                "runError": { "code": "NoSuchCustomer", "message": "no customer called @{triggerBody()['name']}" } } },
            "Respond": { "type": "Response", "runAfter": { "Stop": ["Succeeded"] }, "inputs": { "statusCode": 200 } }
        }),
        json!({}),
    );
    let record = run(&parent("child"), &[("child", child)]).await;
    assert_eq!(record.status, RunStatus::Failed);
    let step = record.step("Run_a_Child_Flow").unwrap();
    assert_eq!(step.status, StepStatus::Failed);
    let error = step.error.as_ref().unwrap();
    assert_eq!(error.code, "NoSuchCustomer");
    assert!(error.message.contains("no customer called Ada") && error.message.contains("'child'"), "{}", error.message);
    assert_eq!(record.step("Use_the_answer").unwrap().status, StepStatus::Skipped);
    assert_eq!(step.child_run.as_ref().unwrap().status, RunStatus::Failed);
    assert_eq!(record.error.as_ref().unwrap().code, "NoSuchCustomer");
}

#[tokio::test]
async fn a_child_answering_an_error_status_fails_the_step_with_its_answer() {
    let child = flow(
        json!({ "Respond": { "type": "Response", "runAfter": {}, "inputs": { "statusCode": 404, "body": { "missing": "@triggerBody()['name']" } } } }),
        json!({}),
    );
    let record = run(&parent("child"), &[("child", child)]).await;
    let step = record.step("Run_a_Child_Flow").unwrap();
    assert_eq!(step.status, StepStatus::Failed);
    assert!(step.error.as_ref().unwrap().message.contains("status 404"), "{:?}", step.error);
    assert_eq!(step.outputs.as_ref().unwrap()["body"], json!({ "missing": "Ada" }));
}

#[tokio::test]
async fn a_child_on_the_run_only_users_connection_is_refused() {
    let references = json!({ "shared_commondataserviceforapps": { "runtimeSource": "invoker",
        "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } });
    let child = flow(greeting_child().to_json()["properties"]["definition"]["actions"].clone(), references);
    let record = run(&parent("child"), &[("child", child)]).await;
    let step = record.step("Run_a_Child_Flow").unwrap();
    assert_eq!(step.status, StepStatus::Failed);
    let error = step.error.as_ref().unwrap();
    assert_eq!(error.code, "ChildFlowUnsupportedForInvokerConnections");
    assert!(error.message.contains("fb_dataverse") && error.message.contains("embedded connections"), "{}", error.message);
    assert!(step.child_run.is_none(), "the child never ran");
}

#[tokio::test]
async fn a_missing_child_is_named() {
    let record = run(&parent(CHILD_ID), &[("5313BB69-E0C1-EC11-983E-0022486DF843", greeting_child())]).await;
    let step = record.step("Run_a_Child_Flow").unwrap();
    assert_eq!(step.status, StepStatus::Failed);
    let error = step.error.as_ref().unwrap();
    assert_eq!(error.code, "WorkflowNotFound");
    assert!(error.message.contains(CHILD_ID) && error.message.contains("Run_a_Child_Flow"), "{}", error.message);
    assert!(error.message.contains("known: 5313bb69-e0c1-ec11-983e-0022486df843"), "{}", error.message);

    let alone = run(&parent(CHILD_ID), &[]).await;
    let message = &alone.step("Run_a_Child_Flow").unwrap().error.as_ref().unwrap().message;
    assert!(message.contains("no child flows") && message.contains("--child"), "{message}");
}

#[tokio::test]
async fn a_child_without_a_response_is_refused() {
    let child = flow(json!({ "Greet": { "type": "Compose", "runAfter": {}, "inputs": "hi" } }), json!({}));
    let record = run(&parent("child"), &[("child", child)]).await;
    let error = record.step("Run_a_Child_Flow").unwrap().error.clone().unwrap();
    assert_eq!(error.code, "ChildFlowWithoutResponse");
    assert!(error.message.contains("Respond to a PowerApp or flow"), "{}", error.message);
}

#[tokio::test]
async fn the_childs_trigger_schema_checks_the_inputs() {
    let parent = flow(
        json!({ "Run_a_Child_Flow": { "type": "Workflow", "runAfter": {}, "inputs": {
            "host": { "workflowReferenceName": "child" }, "body": { "nom": "Ada" } } } }),
        json!({}),
    );
    let record = run(&parent, &[("child", greeting_child())]).await;
    let error = record.step("Run_a_Child_Flow").unwrap().error.clone().unwrap();
    assert_eq!(error.code, "TriggerInputSchemaMismatch");
    assert!(error.message.contains("name"), "{}", error.message);
}

#[tokio::test]
async fn a_flow_calling_itself_stops_at_the_depth_limit() {
    let looping = flow(
        json!({
            "Again": { "type": "Workflow", "runAfter": {}, "inputs": { "host": { "workflowReferenceName": "self" }, "body": { "name": "x" } } },
            "Respond": { "type": "Response", "runAfter": { "Again": ["Succeeded"] }, "inputs": { "statusCode": 200 } }
        }),
        json!({}),
    );
    let record = run(&looping, &[("self", looping.clone())]).await;
    assert_eq!(record.status, RunStatus::Failed);
    assert_eq!(record.error.as_ref().unwrap().code, "ActionNestingLimitExceeded", "{:?}", record.error);
}

#[tokio::test]
async fn cancelling_the_run_cancels_the_child_it_waits_for() {
    let child = flow(
        json!({
            "Delay": { "type": "Wait", "runAfter": {}, "inputs": { "interval": { "count": 30, "unit": "Second" } } },
            "Respond": { "type": "Response", "runAfter": { "Delay": ["Succeeded"] }, "inputs": { "statusCode": 200 } }
        }),
        json!({}),
    );
    let mut child_flows = ChildFlows::default();
    child_flows.insert("child", child);
    let options = RunOptions { child_flows, ..RunOptions::default() };
    let cancellation = options.cancellation.clone();
    let parent = parent("child");
    let started = std::time::Instant::now();
    let running = tokio::spawn(async move { run_flow(&parent, json!({ "headers": {}, "body": { "who": "Ada", "name": "p" } }), options).await });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    cancellation.cancel();
    let record = running.await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the cancel stopped the child's wait");
    assert_eq!(record.status, RunStatus::Cancelled);
    let step = record.step("Run_a_Child_Flow").unwrap();
    assert_eq!(step.status, StepStatus::Cancelled, "{step:#?}");
    assert_eq!(step.child_run.as_ref().unwrap().status, RunStatus::Cancelled);
}
