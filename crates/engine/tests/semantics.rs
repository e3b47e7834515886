//! The runtime's semantics without any connector: runAfter and statuses, Skipped propagation,
//! Scope aggregation, Terminate, conditions, loops, variables, data operations, limits.

use flowbench_core::Flow;
use flowbench_engine::{run_flow, Mock, RunOptions, RunRecord, RunStatus, StepStatus};
use serde_json::{json, Value};

fn definition(actions: Value) -> Flow {
    Flow::from_value(json!({
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": { "schema": {} } } },
        "actions": actions
    }))
    .expect("a valid flow")
}

fn run_with(actions: Value, trigger_body: Value, options: RunOptions) -> RunRecord {
    let flow = definition(actions);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(run_flow(&flow, json!({ "headers": {}, "body": trigger_body }), options))
}

fn run(actions: Value) -> RunRecord {
    run_with(actions, json!({}), RunOptions::default())
}

fn status(record: &RunRecord, name: &str) -> StepStatus {
    record.step(name).unwrap_or_else(|| panic!("no step {name}")).status
}

fn outputs(record: &RunRecord, name: &str) -> Value {
    record.step(name).and_then(|s| s.outputs.clone()).unwrap_or(Value::Null)
}

/// A Compose that fails: `int('x')` cannot convert.
fn failing(run_after: Value) -> Value {
    json!({ "type": "Compose", "inputs": "@int('x')", "runAfter": run_after })
}

#[test]
fn a_failure_skips_its_successors_and_runs_the_failed_branch() {
    let record = run(json!({
        "Boom": failing(json!({})),
        "Next": { "type": "Compose", "inputs": 1, "runAfter": { "Boom": ["Succeeded"] } },
        "AfterNext": { "type": "Compose", "inputs": 2, "runAfter": { "Next": ["Succeeded"] } },
        "Handler": { "type": "Compose", "inputs": "@outputs('Boom')", "runAfter": { "Boom": ["FAILED"] } }
    }));
    assert_eq!(status(&record, "Boom"), StepStatus::Failed);
    assert_eq!(record.step("Boom").unwrap().error.as_ref().unwrap().code, "InvalidTemplate");
    assert_eq!(status(&record, "Next"), StepStatus::Skipped);
    assert_eq!(record.step("Next").unwrap().code.as_deref(), Some("ActionConditionFailed"));
    assert!(record.step("Next").unwrap().error.as_ref().unwrap().message.contains("actual value 'Failed'"));
    assert_eq!(status(&record, "AfterNext"), StepStatus::Skipped, "skipping propagates");
    assert_eq!(status(&record, "Handler"), StepStatus::Succeeded, "runAfter Failed runs (case-insensitive)");
    // The branch Boom → Next → AfterNext ends Skipped, so it takes Boom's Failed: the run fails
    // although Handler ran (a handled failure with no skipped branch succeeds: see the Scope test).
    assert_eq!(record.status, RunStatus::Failed);
}

#[test]
fn an_unhandled_failure_fails_the_run_through_skipped_leaves() {
    let record = run(json!({
        "Boom": failing(json!({})),
        "Next": { "type": "Compose", "inputs": 1, "runAfter": { "Boom": ["Succeeded"] } }
    }));
    assert_eq!(record.status, RunStatus::Failed);
    assert_eq!(record.error.as_ref().unwrap().code, "InvalidTemplate");
}

#[test]
fn skipped_runs_after_skipped() {
    let record = run(json!({
        "Boom": failing(json!({})),
        "Next": { "type": "Compose", "inputs": 1, "runAfter": { "Boom": ["Succeeded"] } },
        "OnSkip": { "type": "Compose", "inputs": "@actions('Next')?['status']", "runAfter": { "Next": ["Skipped"] } }
    }));
    assert_eq!(status(&record, "OnSkip"), StepStatus::Succeeded);
    assert_eq!(outputs(&record, "OnSkip"), json!("Skipped"));
}

#[test]
fn a_scope_fails_when_an_inner_failure_is_not_handled() {
    let record = run(json!({
        "Try": { "type": "Scope", "actions": {
            "Ok": { "type": "Compose", "inputs": 1, "runAfter": {} },
            "Bad": failing(json!({ "Ok": ["Succeeded"] })),
            "Later": { "type": "Compose", "inputs": 2, "runAfter": { "Bad": ["Succeeded"] } }
        }, "runAfter": {} },
        "Catch": { "type": "Compose", "inputs": "@length(result('Try'))", "runAfter": { "Try": ["Failed", "TimedOut"] } },
        "Finally": { "type": "Compose", "inputs": "done", "runAfter": { "Try": ["Succeeded"] } }
    }));
    assert_eq!(status(&record, "Try"), StepStatus::Failed);
    assert_eq!(status(&record, "Later"), StepStatus::Skipped);
    assert_eq!(status(&record, "Catch"), StepStatus::Succeeded);
    assert_eq!(outputs(&record, "Catch"), json!(3), "result() lists the first-level inner actions");
    assert_eq!(status(&record, "Finally"), StepStatus::Skipped);
    // Catch is a leaf that succeeded; Finally's skip leads back to Try, which failed.
    assert_eq!(record.status, RunStatus::Failed);
}

#[test]
fn a_scope_that_handles_its_failure_succeeds() {
    let record = run(json!({
        "Try": { "type": "Scope", "actions": {
            "Bad": failing(json!({})),
            "Recover": { "type": "Compose", "inputs": 1, "runAfter": { "Bad": ["Failed"] } }
        }, "runAfter": {} }
    }));
    assert_eq!(status(&record, "Try"), StepStatus::Succeeded);
    assert_eq!(record.status, RunStatus::Succeeded);
}

#[test]
fn terminate_ends_the_run_with_its_status_and_skips_the_rest() {
    let record = run(json!({
        "Stop": { "type": "Terminate", "inputs": { "runStatus": "Failed", "runError": { "code": "E42", "message": "stopped @{1}" } }, "runAfter": {} },
        "Never": { "type": "Compose", "inputs": 1, "runAfter": { "Stop": ["Succeeded", "Failed", "Skipped"] } }
    }));
    assert_eq!(record.status, RunStatus::Failed);
    let error = record.error.as_ref().unwrap();
    assert_eq!((error.code.as_str(), error.message.as_str()), ("E42", "stopped 1"));
    assert_eq!(status(&record, "Stop"), StepStatus::Succeeded);
    assert_eq!(record.step("Never").unwrap().code.as_deref(), Some("Terminated"));

    let cancelled = run(json!({ "Stop": { "type": "Terminate", "inputs": { "runStatus": "Cancelled" }, "runAfter": {} } }));
    assert_eq!(cancelled.status, RunStatus::Cancelled);
}

#[test]
fn terminate_inside_a_loop_stops_the_loop_and_the_run() {
    let record = run(json!({
        "Each": { "type": "Foreach", "foreach": "@createArray(1,2,3)", "actions": {
            "Stop": { "type": "Terminate", "inputs": { "runStatus": "Succeeded" }, "runAfter": {} }
        }, "runAfter": {} },
        "After": { "type": "Compose", "inputs": 1, "runAfter": { "Each": ["Succeeded"] } }
    }));
    assert_eq!(record.status, RunStatus::Succeeded);
    assert_eq!(record.step("Each").unwrap().iterations.len(), 1);
    assert_eq!(status(&record, "After"), StepStatus::Skipped);
}

#[test]
fn expressions_read_the_trigger_and_earlier_steps() {
    let record = run_with(
        json!({
            "Greeting": { "type": "Compose", "inputs": { "text": "Hi @{triggerBody()?['name']}", "n": "@add(1, 2)" }, "runAfter": {} },
            "Echo": { "type": "Compose", "inputs": "@{outputs('Greeting')?['text']} (@{actions('Greeting')?['status']})", "runAfter": { "Greeting": ["Succeeded"] } }
        }),
        json!({ "name": "Ada" }),
        RunOptions::default(),
    );
    assert_eq!(outputs(&record, "Greeting"), json!({ "text": "Hi Ada", "n": 3 }));
    assert_eq!(outputs(&record, "Echo"), json!("Hi Ada (Succeeded)"));
    assert!(record.step("Greeting").unwrap().start_time.is_some());
}

#[test]
fn if_takes_one_branch_and_skips_the_other_with_object_and_string_conditions() {
    for (condition, taken, not_taken) in [
        (json!({ "and": [{ "greater": ["@triggerBody()?['n']", 3] }, { "not": { "equals": ["@triggerBody()?['name']", "Bob"] } }] }), "Yes", "No"),
        (json!({ "or": [{ "contains": ["@triggerBody()?['name']", "z"] }, { "less": ["@triggerBody()?['n']", 3] }] }), "No", "Yes"),
        (json!("@equals(triggerBody()?['n'], 5)"), "Yes", "No"),
    ] {
        let record = run_with(
            json!({ "Check": { "type": "If", "expression": condition, "actions": {
                "Yes": { "type": "Compose", "inputs": "y", "runAfter": {} } },
                "else": { "actions": { "No": { "type": "Compose", "inputs": "n", "runAfter": {} } } }, "runAfter": {} } }),
            json!({ "n": 5, "name": "Ada" }),
            RunOptions::default(),
        );
        assert_eq!(status(&record, "Check"), StepStatus::Succeeded);
        assert_eq!(status(&record, taken), StepStatus::Succeeded, "{condition}");
        assert_eq!(status(&record, not_taken), StepStatus::Skipped, "{condition}");
        assert_eq!(record.step(not_taken).unwrap().code.as_deref(), Some("ActionBranchingConditionNotSatisfied"));
    }
}

#[test]
fn a_condition_that_is_not_boolean_fails_the_if_and_skips_both_branches() {
    let record = run(json!({ "Check": { "type": "If", "expression": "@createArray(1)", "actions": {
        "Yes": { "type": "Compose", "inputs": "y", "runAfter": {} } }, "runAfter": {} } }));
    assert_eq!(status(&record, "Check"), StepStatus::Failed);
    assert!(record.step("Check").unwrap().error.as_ref().unwrap().message.contains("boolean"));
    assert_eq!(status(&record, "Yes"), StepStatus::Skipped);
}

#[test]
fn switch_runs_the_matching_case_or_default() {
    let actions = |value: Value| {
        json!({ "Route": { "type": "Switch", "expression": value, "cases": {
            "Email": { "case": "Email", "actions": { "SendEmail": { "type": "Compose", "inputs": 1, "runAfter": {} } } },
            "Two": { "case": 2, "actions": { "SendTwo": { "type": "Compose", "inputs": 2, "runAfter": {} } } } },
            "default": { "actions": { "Fallback": { "type": "Compose", "inputs": 0, "runAfter": {} } } }, "runAfter": {} } })
    };
    let email = run(actions(json!("@concat('Em', 'ail')")));
    assert_eq!(status(&email, "SendEmail"), StepStatus::Succeeded);
    assert_eq!(status(&email, "SendTwo"), StepStatus::Skipped);
    assert_eq!(status(&email, "Fallback"), StepStatus::Skipped);
    let two = run(actions(json!("@add(1, 1)")));
    assert_eq!(status(&two, "SendTwo"), StepStatus::Succeeded);
    let other = run(actions(json!("Fax")));
    assert_eq!(status(&other, "Fallback"), StepStatus::Succeeded);
    assert_eq!(status(&other, "SendEmail"), StepStatus::Skipped);
}

#[test]
fn foreach_runs_each_item_with_item_and_items_and_records_iterations() {
    let record = run_with(
        json!({
            "Init": { "type": "InitializeVariable", "inputs": { "variables": [{ "name": "Names", "type": "array" }] }, "runAfter": {} },
            "Each": { "type": "Foreach", "foreach": "@triggerBody()?['people']", "runtimeConfiguration": { "concurrency": { "repetitions": 5 } }, "actions": {
                "Inner": { "type": "Foreach", "foreach": "@items('Each')?['tags']", "actions": {
                    "Add": { "type": "AppendToArrayVariable", "inputs": { "name": "Names", "value": "@{items('Each')?['name']}:@{item()}" }, "runAfter": {} }
                }, "runAfter": {} }
            }, "runAfter": { "Init": ["Succeeded"] } },
            "All": { "type": "Compose", "inputs": "@variables('names')", "runAfter": { "Each": ["Succeeded"] } }
        }),
        json!({ "people": [{ "name": "Ada", "tags": ["a", "b"] }, { "name": "Bob", "tags": ["c"] }] }),
        RunOptions::default(),
    );
    assert_eq!(record.status, RunStatus::Succeeded);
    assert_eq!(outputs(&record, "All"), json!(["Ada:a", "Ada:b", "Bob:c"]));
    let each = record.step("Each").unwrap();
    assert_eq!(each.iterations.len(), 2);
    assert_eq!(each.iterations[0].steps[0].iterations.len(), 2);
}

#[test]
fn a_failed_iteration_fails_the_foreach() {
    let record = run(json!({ "Each": { "type": "Foreach", "foreach": "@createArray('1', 'x', '3')", "actions": {
        "Parse": { "type": "Compose", "inputs": "@int(item())", "runAfter": {} } }, "runAfter": {} } }));
    let each = record.step("Each").unwrap();
    assert_eq!(each.status, StepStatus::Failed);
    let statuses: Vec<_> = each.iterations.iter().map(|i| i.status).collect();
    assert_eq!(statuses, [StepStatus::Succeeded, StepStatus::Failed, StepStatus::Succeeded]);
    assert_eq!(record.status, RunStatus::Failed);
}

#[test]
fn until_runs_until_its_condition_holds_or_its_count_is_reached() {
    let record = run(json!({
        "Init": { "type": "InitializeVariable", "inputs": { "variables": [{ "name": "n", "type": "integer", "value": 0 }] }, "runAfter": {} },
        "Loop": { "type": "Until", "expression": "@greaterOrEquals(variables('n'), 3)", "limit": { "count": 10 }, "actions": {
            "Step": { "type": "IncrementVariable", "inputs": { "name": "n", "value": 1 }, "runAfter": {} } }, "runAfter": { "Init": ["Succeeded"] } },
        "Capped": { "type": "Until", "expression": "@equals(1, 2)", "limit": { "count": 4 }, "actions": {
            "Again": { "type": "IncrementVariable", "inputs": { "name": "n" }, "runAfter": {} } }, "runAfter": { "Loop": ["Succeeded"] } },
        "Result": { "type": "Compose", "inputs": "@variables('n')", "runAfter": { "Capped": ["Succeeded"] } }
    }));
    assert_eq!(record.step("Loop").unwrap().iterations.len(), 3);
    assert_eq!(record.step("Capped").unwrap().iterations.len(), 4);
    assert_eq!(outputs(&record, "Result"), json!(7));
}

#[test]
fn variables_keep_their_type() {
    let record = run(json!({
        "Init": { "type": "InitializeVariable", "inputs": { "variables": [
            { "name": "Count", "type": "integer", "value": 5 },
            { "name": "Text", "type": "string", "value": "a" },
            { "name": "Ratio", "type": "float", "value": 1.5 }] }, "runAfter": {} },
        "Down": { "type": "DecrementVariable", "inputs": { "name": "count", "value": 2 }, "runAfter": { "Init": ["Succeeded"] } },
        "More": { "type": "AppendToStringVariable", "inputs": { "name": "Text", "value": "@{variables('Count')}" }, "runAfter": { "Down": ["Succeeded"] } },
        "Half": { "type": "IncrementVariable", "inputs": { "name": "Ratio", "value": 0.25 }, "runAfter": { "More": ["Succeeded"] } },
        "Wrong": { "type": "SetVariable", "inputs": { "name": "Count", "value": "seven" }, "runAfter": { "Half": ["Succeeded"] } },
        "Missing": { "type": "SetVariable", "inputs": { "name": "Nope", "value": 1 }, "runAfter": { "Wrong": ["Failed"] } },
        "Show": { "type": "Compose", "inputs": ["@variables('Count')", "@variables('Text')", "@variables('Ratio')"], "runAfter": { "Missing": ["Failed"] } }
    }));
    assert_eq!(status(&record, "Wrong"), StepStatus::Failed);
    assert!(record.step("Wrong").unwrap().error.as_ref().unwrap().message.contains("'Wrong'"));
    assert_eq!(status(&record, "Missing"), StepStatus::Failed);
    assert!(record.step("Missing").unwrap().error.as_ref().unwrap().message.contains("does not exist"));
    assert_eq!(outputs(&record, "Show"), json!([3, "a3", 1.75]));
}

#[test]
fn parse_json_query_and_select() {
    let record = run(json!({
        "Parse": { "type": "ParseJson", "inputs": { "content": "{\"rows\":[{\"n\":1,\"name\":\"a\"},{\"n\":5,\"name\":\"b\"}]}",
            "schema": { "type": "object", "properties": { "rows": { "type": "array", "items": { "type": "object", "required": ["n"] } } } } }, "runAfter": {} },
        "Big": { "type": "Query", "inputs": { "from": "@body('Parse')?['rows']", "where": "@greater(item()?['n'], 2)" }, "runAfter": { "Parse": ["Succeeded"] } },
        "Names": { "type": "Select", "inputs": { "from": "@body('Parse')?['rows']", "select": { "label": "@toUpper(item()?['name'])" } }, "runAfter": { "Big": ["Succeeded"] } },
        "Bad": { "type": "ParseJson", "inputs": { "content": { "rows": "no" }, "schema": { "type": "object", "properties": { "rows": { "type": "array" } } } }, "runAfter": {} }
    }));
    assert_eq!(outputs(&record, "Big"), json!({ "body": [{ "n": 5, "name": "b" }] }));
    assert_eq!(outputs(&record, "Names"), json!({ "body": [{ "label": "A" }, { "label": "B" }] }));
    let bad = record.step("Bad").unwrap();
    assert_eq!(bad.status, StepStatus::Failed);
    assert!(bad.error.as_ref().unwrap().message.contains("`/rows` should be of type array"), "{:?}", bad.error);
}

#[test]
fn connectors_without_an_implementation_fail_clearly_unless_mocked() {
    let actions = json!({
        "Send": { "type": "OpenApiConnection", "inputs": { "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_office365", "operationId": "SendEmailV2", "connectionName": "shared_office365" } }, "runAfter": {} },
        "Use": { "type": "Compose", "inputs": "@body('Send')?['id']", "runAfter": { "Send": ["Succeeded"] } }
    });
    let unmocked = run(actions.clone());
    let error = unmocked.step("Send").unwrap().error.clone().unwrap();
    assert_eq!(error.code, "NotImplemented");
    assert!(error.message.contains("shared_office365/SendEmailV2") && error.message.contains("mock"), "{}", error.message);

    let mut options = RunOptions::default();
    options.mocks.insert("Send".into(), Mock { status: StepStatus::Succeeded, outputs: json!({ "statusCode": 200, "body": { "id": "m1" } }) });
    let mocked = run_with(actions, json!({}), options);
    assert_eq!(mocked.status, RunStatus::Succeeded);
    assert_eq!(outputs(&mocked, "Use"), json!("m1"));
}

#[test]
fn limits_keep_hostile_flows_bounded() {
    // Too many items: the loop fails with the limit named instead of running for ever.
    let mut options = RunOptions::default();
    options.limits.max_iterations = 100;
    let record = run_with(
        json!({ "Each": { "type": "Foreach", "foreach": "@triggerBody()", "actions": {
            "X": { "type": "Compose", "inputs": "@item()", "runAfter": {} } }, "runAfter": {} } }),
        Value::Array((0..1000).map(Value::from).collect()),
        options,
    );
    let each = record.step("Each").unwrap();
    assert_eq!(each.error.as_ref().unwrap().code, "ActionLimitExceeded");
    assert!(each.iterations.is_empty());

    // Nested loops multiply: the run's step budget ends the run instead.
    let mut options = RunOptions::default();
    options.limits.max_steps = 500;
    let record = run_with(
        json!({ "Outer": { "type": "Foreach", "foreach": "@triggerBody()", "actions": {
            "Inner": { "type": "Foreach", "foreach": "@triggerBody()", "actions": {
                "X": { "type": "Compose", "inputs": "@item()", "runAfter": {} } }, "runAfter": {} } }, "runAfter": {} },
            "After": { "type": "Compose", "inputs": 1, "runAfter": { "Outer": ["Succeeded", "Failed"] } } }),
        Value::Array((0..1000).map(Value::from).collect()),
        options,
    );
    assert_eq!(record.status, RunStatus::Failed);
    assert_eq!(record.error.as_ref().unwrap().code, "ActionLimitExceeded");
    assert!(record.step("Outer").unwrap().iterations.len() < 5);
    assert_eq!(record.step("After").unwrap().code.as_deref(), Some("Terminated"));

    // Containers nested deeper than the limit fail where the limit is crossed.
    let mut nested = json!({ "Leaf": { "type": "Compose", "inputs": 1, "runAfter": {} } });
    for level in 0..80 {
        nested = json!({ format!("S{level}"): { "type": "Scope", "actions": nested, "runAfter": {} } });
    }
    let record = run(nested);
    assert_eq!(record.status, RunStatus::Failed);
    assert_eq!(record.error.as_ref().unwrap().code, "ActionNestingLimitExceeded");

    // A runAfter cycle or a missing predecessor skips instead of hanging.
    let record = run(json!({
        "A": { "type": "Compose", "inputs": 1, "runAfter": { "B": ["Succeeded"] } },
        "B": { "type": "Compose", "inputs": 1, "runAfter": { "A": ["Succeeded"] } },
        "C": { "type": "Compose", "inputs": 1, "runAfter": { "Ghost": ["Succeeded"] } }
    }));
    assert_eq!([status(&record, "A"), status(&record, "B"), status(&record, "C")], [StepStatus::Skipped; 3]);
}

#[test]
fn the_record_serializes_to_json() {
    let record = run(json!({ "One": { "type": "Compose", "inputs": 1, "runAfter": {} } }));
    let text = serde_json::to_value(&record).unwrap();
    assert_eq!(text["status"], "Succeeded");
    assert_eq!(text["steps"][0]["name"], "One");
    assert_eq!(text["steps"][0]["actionType"], "Compose");
    assert_eq!(text["steps"][0]["outputs"], 1);
}

#[test]
fn parameters_read_the_definition_defaults() {
    let flow = Flow::from_value(json!({
        "parameters": { "Greeting (fb_Greeting)": { "type": "String", "defaultValue": "Hello" } },
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
        "actions": { "Say": { "type": "Compose", "inputs": "@{parameters('Greeting (fb_Greeting)')}, Ada", "runAfter": {} } }
    }))
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let record = runtime.block_on(run_flow(&flow, json!({}), RunOptions::default()));
    assert_eq!(outputs(&record, "Say"), json!("Hello, Ada"));
}

#[test]
fn a_trigger_body_that_does_not_match_the_schema_does_not_start_a_run() {
    let flow = Flow::from_value(json!({
        "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": { "schema": {
            "type": "object", "properties": { "text": { "type": "string" }, "count": { "type": "integer" } }, "required": ["text"] } } } },
        "actions": { "Say": { "type": "Compose", "inputs": "@triggerBody()?['text']", "runAfter": {} } }
    }))
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let refused = runtime.block_on(run_flow(&flow, json!({ "body": { "count": "many" } }), RunOptions::default()));
    assert_eq!(refused.status, RunStatus::Failed);
    assert!(refused.steps.is_empty());
    let error = refused.error.unwrap();
    assert_eq!(error.code, "TriggerInputSchemaMismatch");
    assert!(error.message.contains("required property `text`") && error.message.contains("`/count` should be of type integer"), "{}", error.message);
    let accepted = runtime.block_on(run_flow(&flow, json!({ "body": { "text": "hi", "count": 2 } }), RunOptions::default()));
    assert_eq!(outputs(&accepted, "Say"), json!("hi"));
}

/// The CLI and the desktop app spawn runs on a multi-threaded runtime: the future must be Send.
#[test]
fn a_run_can_be_spawned() {
    fn assert_send<T: Send>(_: &T) {}
    let flow = definition(json!({}));
    let future = run_flow(&flow, json!({}), RunOptions::default());
    assert_send(&future);
}
