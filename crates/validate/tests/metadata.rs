//! The rules that use an environment's metadata, with a small environment built here.

use std::sync::Arc;

use flowbench_core::Flow;
use flowbench_validate::metadata::{ColumnInfo, ColumnKind, EnvironmentMetadata, TableInfo};
use flowbench_validate::{validate, ValidationContext};
use serde_json::json;

fn environment() -> ValidationContext {
    let column = |name: &str, kind: ColumnKind| ColumnInfo { name: name.into(), kind };
    let metadata = EnvironmentMetadata {
        tables: vec![
            TableInfo {
                logical_name: "contact".into(),
                entity_set_name: "contacts".into(),
                primary_id_column: "contactid".into(),
                columns: vec![
                    column("fullname", ColumnKind::Text { max_length: Some(160) }),
                    column("numberofchildren", ColumnKind::Integer),
                    column("preferredcontactmethodcode", ColumnKind::Choice { values: vec![1, 2, 3] }),
                    column("parentcustomerid", ColumnKind::Lookup { targets: vec!["account".into(), "contact".into()] }),
                ],
            },
            TableInfo { logical_name: "account".into(), entity_set_name: "accounts".into(), primary_id_column: "accountid".into(), columns: vec![] },
            TableInfo { logical_name: "task".into(), entity_set_name: "tasks".into(), primary_id_column: "activityid".into(), columns: vec![] },
        ],
    };
    ValidationContext { metadata: Some(Arc::new(metadata)), ..Default::default() }
}

fn flow_with(parameters: serde_json::Value, trigger_table: &str) -> Flow {
    Flow::from_value(json!({"properties": {
        "connectionReferences": {"shared_commondataserviceforapps": {"runtimeSource": "embedded",
            "connection": {"connectionReferenceLogicalName": "fb_Dv"}, "api": {"name": "shared_commondataserviceforapps"}}},
        "definition": {
            "triggers": {"When_added": {"type": "OpenApiConnectionWebhook", "inputs": {
                "host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                         "connectionName": "shared_commondataserviceforapps", "operationId": "SubscribeWebhookTrigger"},
                "parameters": {"subscriptionRequest/message": 1, "subscriptionRequest/entityname": trigger_table, "subscriptionRequest/scope": 4}}}},
            "actions": {"Add": {"type": "OpenApiConnection", "runAfter": {}, "inputs": {
                "host": {"apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                         "connectionName": "shared_commondataserviceforapps", "operationId": "CreateRecord"},
                "parameters": parameters}}}}},
        "schemaVersion": "1.0.0.0"}))
    .unwrap()
}

fn rules(flow: &Flow) -> Vec<(String, String)> {
    validate(flow, &environment()).into_iter().map(|d| (d.rule.to_string(), d.location.pointer)).collect()
}

const ADD: &str = "/properties/definition/actions/Add/inputs/parameters";

#[test]
fn a_flow_that_fits_the_environment_is_clean() {
    let flow = flow_with(
        json!({"entityName": "contacts", "item/fullname": "@{triggerBody()?['name']}", "item/numberofchildren": 2,
               "item/preferredcontactmethodcode": 1, "item/parentcustomerid_account@odata.bind": "accounts(@{triggerBody()?['id']})",
               "$select": "fullname,_parentcustomerid_value,createdon"}),
        "contact",
    );
    assert_eq!(rules(&flow), []);
}

#[test]
fn unknown_tables_and_columns_are_errors_with_the_right_name_suggested() {
    let flow = flow_with(json!({"entityName": "contact", "item/fullname": "x"}), "contacts");
    let found = rules(&flow);
    assert!(found.contains(&("metadata/table".into(), format!("{ADD}/entityName"))), "{found:?}");
    assert!(found.contains(&(
        "metadata/table".into(),
        "/properties/definition/triggers/When_added/inputs/parameters/subscriptionRequest~1entityname".into()
    )));
    let flow = flow_with(json!({"entityName": "contacts", "item/nickname": "x", "$select": "fullname,shoesize"}), "contact");
    assert_eq!(
        rules(&flow),
        [("metadata/column".to_string(), format!("{ADD}/$select")), ("metadata/column".to_string(), format!("{ADD}/item~1nickname"))]
    );
}

#[test]
fn literal_values_must_fit_and_lookups_bind_the_right_table() {
    let flow = flow_with(
        json!({"entityName": "contacts", "item/numberofchildren": "many", "item/preferredcontactmethodcode": 9,
               "item/parentcustomerid_account@odata.bind": "tasks(00000000-0000-0000-0000-000000000001)"}),
        "contact",
    );
    assert_eq!(
        rules(&flow),
        [
            ("metadata/value-type".to_string(), format!("{ADD}/item~1numberofchildren")),
            ("metadata/lookup-target".to_string(), format!("{ADD}/item~1parentcustomerid_account@odata.bind")),
            ("metadata/value-type".to_string(), format!("{ADD}/item~1preferredcontactmethodcode")),
        ]
    );
}
