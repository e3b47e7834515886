//! End to end against the embedded sandbox, served in-process on 127.0.0.1:0: Dataverse steps
//! call the Web API as the identity each step runs as, and failures carry Dataverse's codes.

use flowbench_core::Flow;
use flowbench_engine::{run_flow, IdentitySource, Identities, RunRecord, RunStatus, StepStatus};
use serde_json::{json, Value};

mod common;

use common::{serve, Served};

/// A button flow that creates a contact through `connection`, reads it back, and lists it.
fn create_contact_flow(runtime_source: &str) -> Flow {
    let host = json!({ "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps", "connectionName": "shared_commondataserviceforapps" });
    let with = |operation: &str| {
        let mut h = host.clone();
        h["operationId"] = json!(operation);
        h
    };
    Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": {
            "runtimeSource": runtime_source,
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" },
            "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": { "schema": { "type": "object" } } } },
            "actions": {
                "Add_a_new_row": { "type": "OpenApiConnection", "inputs": { "host": with("CreateRecord"), "parameters": {
                    "entityName": "contacts",
                    "item/firstname": "@triggerBody()?['first']",
                    "item/lastname": "Tester",
                    "item/emailaddress1": "@{toLower(triggerBody()?['first'])}@example.com" } }, "runAfter": {} },
                "Get_a_row": { "type": "OpenApiConnection", "inputs": { "host": with("GetItem"), "parameters": {
                    "entityName": "contacts", "recordId": "@outputs('Add_a_new_row')?['body/contactid']",
                    "$select": "firstname,_createdby_value" } }, "runAfter": { "Add_a_new_row": ["Succeeded"] } },
                "List_rows": { "type": "OpenApiConnection", "inputs": { "host": with("ListRecords"), "parameters": {
                    "entityName": "contacts", "$filter": "lastname eq 'Tester' and firstname eq '@{triggerBody()?['first']}'",
                    "$select": "firstname", "$top": 5 } }, "runAfter": { "Get_a_row": ["Succeeded"] } },
                "Update_a_row": { "type": "OpenApiConnection", "inputs": { "host": with("UpdateRecord"), "parameters": {
                    "entityName": "contacts", "recordId": "@body('Get_a_row')?['contactid']", "item/jobtitle": "Engineer" } },
                    "runAfter": { "List_rows": ["Succeeded"] } },
                "Found": { "type": "Compose", "inputs": "@length(outputs('List_rows')?['body/value'])", "runAfter": { "Update_a_row": ["Succeeded"] } }
            } } } }))
    .expect("a valid flow")
}

async fn run_as_invoker(served: &Served, persona: &str) -> RunRecord {
    let identities = Identities { invoker: Some(served.identity(persona)), ..Identities::default() };
    run_flow(&create_contact_flow("invoker"), json!({ "headers": {}, "body": { "first": "Ada" } }), served.options(identities)).await
}

#[tokio::test]
async fn the_invoker_with_the_privilege_creates_the_row_as_themself() {
    let served = serve().await;
    let record = run_as_invoker(&served, "sam").await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    let create = record.step("Add_a_new_row").unwrap();
    assert_eq!(create.outputs.as_ref().unwrap()["statusCode"], 201);
    // The record says how many requests the step sent and how long their answers took.
    let http = create.http.as_ref().expect("an HTTP summary");
    assert_eq!(http.requests, 1);
    assert!(http.round_trip_ms > 0.0 && http.round_trip_ms < 60_000.0, "{http:?}");
    assert!(record.step("Found").unwrap().http.is_none(), "Compose calls nothing");
    let identity = create.identity.as_ref().unwrap();
    assert_eq!(identity.user, "sam");
    assert!(matches!(identity.source, IdentitySource::RunOnlyUser { .. }));

    let sam = served.persona("sam").system_user_id.to_string();
    let row = &record.step("Get_a_row").unwrap().outputs.as_ref().unwrap()["body"];
    assert_eq!(row["firstname"], "Ada");
    assert_eq!(row["_createdby_value"].as_str().map(str::to_ascii_lowercase), Some(sam.to_ascii_lowercase()));
    // As the connector does, the engine asks for annotations: the creator's name and table come back.
    assert_eq!(row["_createdby_value@OData.Community.Display.V1.FormattedValue"], "Sam Seller");
    assert_eq!(row["_createdby_value@Microsoft.Dynamics.CRM.lookuplogicalname"], "systemuser");
    assert_eq!(record.step("Found").unwrap().outputs, Some(json!(1)));
    let updated = &record.step("Update_a_row").unwrap().outputs.as_ref().unwrap()["body"];
    assert_eq!(updated["jobtitle"], "Engineer");
}

#[tokio::test]
async fn the_invoker_without_the_privilege_fails_with_dataverse_s_code() {
    let served = serve().await;
    let record = run_as_invoker(&served, "nora").await;
    assert_eq!(record.status, RunStatus::Failed);
    let create = record.step("Add_a_new_row").unwrap();
    assert_eq!(create.status, StepStatus::Failed);
    let error = create.error.as_ref().unwrap();
    assert_eq!(error.code, "0x80040220");
    assert!(error.message.contains("prvCreateContact"), "{}", error.message);
    assert_eq!(create.outputs.as_ref().unwrap()["statusCode"], 403);
    assert_eq!(create.code.as_deref(), Some("Forbidden"));
    let request = &create.inputs.as_ref().unwrap()["request"];
    assert_eq!(request["method"], "POST");
    assert!(request["uri"].as_str().unwrap().ends_with("/api/data/v9.2/contacts"));
    assert_eq!(create.inputs.as_ref().unwrap()["parameters"]["item/firstname"], "Ada");
    assert_eq!(create.identity.as_ref().unwrap().user, "nora");
    assert_eq!(record.step("Get_a_row").unwrap().status, StepStatus::Skipped);
    assert_eq!(record.error.as_ref().unwrap().code, "0x80040220");
}

#[tokio::test]
async fn a_reference_connection_runs_as_its_owner() {
    let served = serve().await;
    let mut identities = Identities { invoker: Some(served.identity("nora")), ..Identities::default() };
    identities.references.insert("fb_dataverse".into(), served.identity("svc"));
    let record = run_flow(&create_contact_flow("embedded"), json!({ "body": { "first": "Grace" } }), served.options(identities)).await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    let create = record.step("Add_a_new_row").unwrap();
    assert_eq!(create.identity.as_ref().unwrap().user, "svc");
    assert!(matches!(&create.identity.as_ref().unwrap().source, IdentitySource::ConnectionReference { logical_name } if logical_name == "fb_dataverse"));
    let svc = served.persona("svc").system_user_id.to_string();
    let row = &record.step("Get_a_row").unwrap().outputs.as_ref().unwrap()["body"];
    assert_eq!(row["_createdby_value"].as_str().map(str::to_ascii_lowercase), Some(svc.to_ascii_lowercase()));
}

#[tokio::test]
async fn an_invoker_connection_without_an_invoker_never_falls_back_to_the_owner() {
    let served = serve().await;
    let mut identities = Identities::default();
    identities.references.insert("fb_dataverse".into(), served.identity("svc"));
    let record = run_flow(&create_contact_flow("invoker"), json!({ "body": { "first": "Ada" } }), served.options(identities)).await;
    let create = record.step("Add_a_new_row").unwrap();
    assert_eq!(create.status, StepStatus::Failed);
    let error = create.error.as_ref().unwrap();
    assert_eq!(error.code, "ConnectionAuthorizationFailed");
    assert!(error.message.contains("no invoker"), "{}", error.message);
    assert!(create.outputs.is_none(), "no request was made");
}

#[tokio::test]
async fn delete_removes_the_row_and_a_missing_row_fails_with_its_code() {
    let served = serve().await;
    let host = |operation: &str| json!({ "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
        "connectionName": "shared_commondataserviceforapps", "operationId": operation });
    let flow = Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": { "runtimeSource": "embedded",
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
            "actions": {
                "Create": { "type": "OpenApiConnection", "inputs": { "host": host("CreateRecord"), "parameters": { "entityName": "contacts", "item/lastname": "Gone" } }, "runAfter": {} },
                "Delete": { "type": "OpenApiConnection", "inputs": { "host": host("DeleteRecord"), "parameters": { "entityName": "contacts", "recordId": "@body('Create')?['contactid']" } }, "runAfter": { "Create": ["Succeeded"] } },
                "Get_again": { "type": "OpenApiConnection", "inputs": { "host": host("GetItem"), "parameters": { "entityName": "contacts", "recordId": "@body('Create')?['contactid']" } }, "runAfter": { "Delete": ["Succeeded"] } },
                "Sneaky": { "type": "OpenApiConnection", "inputs": { "host": host("GetItem"), "parameters": { "entityName": "contacts", "recordId": "x)/../systemusers(" } }, "runAfter": { "Get_again": ["Failed"] } }
            } } } }))
    .unwrap();
    let mut identities = Identities::default();
    identities.references.insert("fb_dataverse".into(), served.identity("admin"));
    let record = run_flow(&flow, json!({}), served.options(identities)).await;
    assert_eq!(record.step("Delete").unwrap().status, StepStatus::Succeeded, "{:#?}", record.steps);
    let missing = record.step("Get_again").unwrap();
    assert_eq!(missing.status, StepStatus::Failed);
    assert_eq!(missing.outputs.as_ref().unwrap()["statusCode"], 404);
    assert!(missing.error.as_ref().unwrap().code.starts_with("0x"), "{:?}", missing.error);
    let sneaky = record.step("Sneaky").unwrap();
    assert_eq!(sneaky.error.as_ref().unwrap().code, "BadRequest");
    let _: Option<&Value> = sneaky.outputs.as_ref();
}

/// Under the Dataverse row trigger, "Use invoker's connection" keeps the reference's connection
/// and impersonates the trigger's "Run as" user through `CallerObjectId`.
#[tokio::test]
async fn impersonation_calls_with_the_reference_token_as_the_invoker() {
    let served = serve().await;
    let flow = Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps_1": { "runtimeSource": "embedded",
            "impersonation": { "source": "invoker" },
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "When_a_row_is_added": { "type": "OpenApiConnectionWebhook", "inputs": {
                "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps", "connectionName": "shared_commondataserviceforapps_1", "operationId": "SubscribeWebhookTrigger" },
                "parameters": { "subscriptionRequest/message": 1, "subscriptionRequest/entityname": "account", "subscriptionRequest/scope": 4, "subscriptionRequest/runas": 1 } } } },
            "actions": {
                "Create": { "type": "OpenApiConnection", "inputs": { "host": { "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
                    "connectionName": "shared_commondataserviceforapps_1", "operationId": "CreateRecord" },
                    "parameters": { "entityName": "contacts", "item/lastname": "@triggerBody()?['name']" } }, "runAfter": {} }
            } } } }))
    .unwrap();
    let mut identities = Identities { invoker: Some(served.identity("sam")), ..Identities::default() };
    identities.references.insert("fb_dataverse".into(), served.identity("svc"));
    let record = run_flow(&flow, json!({ "body": { "name": "Contoso" } }), served.options(identities)).await;
    let create = record.step("Create").unwrap();
    assert_eq!(create.status, StepStatus::Succeeded, "{:?}", create.error);
    let identity = create.identity.as_ref().unwrap();
    assert_eq!((identity.user.as_str(), identity.caller.as_deref()), ("sam", Some("svc")));
    assert!(matches!(identity.source, IdentitySource::Impersonation { .. }));
    let row = &create.outputs.as_ref().unwrap()["body"];
    let id = |persona: &str| Some(served.persona(persona).system_user_id.to_string().to_ascii_lowercase());
    assert_eq!(row["_createdby_value"].as_str().map(str::to_ascii_lowercase), id("sam"));
    assert_eq!(row["_createdonbehalfby_value"].as_str().map(str::to_ascii_lowercase), id("svc"));
}

/// "Run as another user": the run's invoker is reached through the signed-in user's token with
/// `CallerObjectId`, so rows are created as the invoker on behalf of the signed-in user.
#[tokio::test]
async fn an_invoker_reached_by_impersonation_creates_rows_as_themself_on_behalf_of_the_caller() {
    let served = serve().await;
    let mut sam = served.identity("sam");
    sam.token = served.sandbox.token_for("svc").expect("a token");
    sam.impersonated_by = Some("svc".into());
    let identities = Identities { invoker: Some(sam), ..Identities::default() };
    let record = run_flow(&create_contact_flow("invoker"), json!({ "body": { "first": "Lin" } }), served.options(identities)).await;
    assert_eq!(record.status, RunStatus::Succeeded, "{:#?}", record.steps);
    let identity = record.step("Add_a_new_row").unwrap().identity.clone().unwrap();
    assert_eq!((identity.user.as_str(), identity.caller.as_deref()), ("sam", Some("svc")));
    let row = &record.step("Get_a_row").unwrap().outputs.as_ref().unwrap()["body"];
    let id = |persona: &str| Some(served.persona(persona).system_user_id.to_string().to_ascii_lowercase());
    assert_eq!(row["_createdby_value"].as_str().map(str::to_ascii_lowercase), id("sam"));

    let mut unknown = served.identity("sam");
    unknown.object_id = None;
    unknown.impersonated_by = Some("svc".into());
    let record = run_flow(
        &create_contact_flow("invoker"),
        json!({ "body": { "first": "Lin" } }),
        served.options(Identities { invoker: Some(unknown), ..Identities::default() }),
    )
    .await;
    let error = record.step("Add_a_new_row").unwrap().error.clone().unwrap();
    assert!(error.message.contains("object id was not given"), "{}", error.message);
}

/// A token that expired (or was revoked) during a run: the environment refuses it, the step fails
/// with Dataverse's 401 and says why, and the run stops there instead of carrying on.
#[tokio::test]
async fn an_expired_token_fails_the_step_with_the_environment_s_reason_and_the_run_stops() {
    let served = serve().await;
    let mut sam = served.identity("sam");
    let an_hour_ago = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() - 3600;
    sam.token = served
        .sandbox
        .token_with("sam", flowbench_sandbox::TokenOptions { expires_at: Some(an_hour_ago), ..Default::default() })
        .unwrap();
    let identities = Identities { invoker: Some(sam), ..Identities::default() };
    let record = run_flow(&create_contact_flow("invoker"), json!({ "body": { "first": "Late" } }), served.options(identities)).await;
    assert_eq!(record.status, RunStatus::Failed);
    let create = record.step("Add_a_new_row").unwrap();
    assert_eq!(create.status, StepStatus::Failed);
    assert_eq!(create.outputs.as_ref().unwrap()["statusCode"], 401);
    let error = create.error.as_ref().unwrap();
    assert!(error.message.contains("The bearer token has expired."), "{error:?}");
    assert_eq!(record.step("Get_a_row").unwrap().status, StepStatus::Skipped);
    assert_eq!(record.step("Found").unwrap().status, StepStatus::Skipped);
}

/// Relate and unrelate rows: the flow creates an account and a contact, relates them through the
/// account's `contact_customer_accounts`, lists the account with the contact expanded, then
/// unrelates them. Relating to a row out of the user's reach fails with Dataverse's code.
#[tokio::test]
async fn a_flow_relates_lists_with_expand_and_unrelates_rows() {
    let served = serve().await;
    let host = |operation: &str| json!({ "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
        "connectionName": "shared_commondataserviceforapps", "operationId": operation });
    let fabrikam = "a0000000-0000-4000-8000-000000000002";
    let flow = Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": { "runtimeSource": "embedded",
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
            "actions": {
                "Create_account": { "type": "OpenApiConnection", "inputs": { "host": host("CreateRecord"), "parameters": { "entityName": "accounts", "item/name": "Tailspin Toys" } }, "runAfter": {} },
                "Create_contact": { "type": "OpenApiConnection", "inputs": { "host": host("CreateRecord"), "parameters": { "entityName": "contacts", "item/lastname": "Related" } }, "runAfter": { "Create_account": ["Succeeded"] } },
                "Relate_rows": { "type": "OpenApiConnection", "inputs": { "host": host("AssociateEntities"), "parameters": {
                    "entityName": "accounts", "recordId": "@body('Create_account')?['accountid']",
                    "associationEntityRelationship": "contact_customer_accounts",
                    "item/@odata.id": "https://contoso.crm.dynamics.com/api/data/v9.2/contacts(@{body('Create_contact')?['contactid']})" } },
                    "runAfter": { "Create_contact": ["Succeeded"] } },
                "List_accounts": { "type": "OpenApiConnection", "inputs": { "host": host("ListRecords"), "parameters": {
                    "entityName": "accounts", "$select": "name", "$filter": "accountid eq @{body('Create_account')?['accountid']}",
                    "$expand": "contact_customer_accounts($select=lastname)" } }, "runAfter": { "Relate_rows": ["Succeeded"] } },
                "Related_name": { "type": "Compose", "inputs": "@first(outputs('List_accounts')?['body/value'])?['contact_customer_accounts'][0]?['lastname']", "runAfter": { "List_accounts": ["Succeeded"] } },
                "Unrelate_rows": { "type": "OpenApiConnection", "inputs": { "host": host("DisassociateEntities"), "parameters": {
                    "entityName": "accounts", "recordId": "@body('Create_account')?['accountid']",
                    "associationEntityRelationship": "contact_customer_accounts",
                    "$id": "contacts(@{body('Create_contact')?['contactid']})" } }, "runAfter": { "Related_name": ["Succeeded"] } },
                "Get_contact": { "type": "OpenApiConnection", "inputs": { "host": host("GetItem"), "parameters": {
                    "entityName": "contacts", "recordId": "@body('Create_contact')?['contactid']", "$select": "lastname",
                    "$expand": "parentcustomerid_account($select=name)" } }, "runAfter": { "Unrelate_rows": ["Succeeded"] } },
                "Relate_to_Fabrikam": { "type": "OpenApiConnection", "inputs": { "host": host("AssociateEntities"), "parameters": {
                    "entityName": "accounts", "recordId": fabrikam, "associationEntityRelationship": "contact_customer_accounts",
                    "item/@odata.id": "contacts(@{body('Create_contact')?['contactid']})" } }, "runAfter": { "Get_contact": ["Succeeded"] } }
            } } } }))
    .unwrap();
    let mut identities = Identities::default();
    identities.references.insert("fb_dataverse".into(), served.identity("sam"));
    let record = run_flow(&flow, json!({}), served.options(identities)).await;

    let relate = record.step("Relate_rows").unwrap();
    assert_eq!(relate.status, StepStatus::Succeeded, "{:#?}", record.steps);
    assert_eq!(relate.outputs.as_ref().unwrap()["statusCode"], 204);
    let request = &relate.inputs.as_ref().unwrap()["request"];
    assert_eq!(request["method"], "POST");
    assert!(request["uri"].as_str().unwrap().ends_with("/contact_customer_accounts/$ref"), "{request}");
    assert_eq!(record.step("Related_name").unwrap().outputs, Some(json!("Related")));

    let unrelate = record.step("Unrelate_rows").unwrap();
    assert_eq!(unrelate.status, StepStatus::Succeeded, "{:?}", unrelate.error);
    assert_eq!(unrelate.outputs.as_ref().unwrap()["statusCode"], 204);
    let contact = &record.step("Get_contact").unwrap().outputs.as_ref().unwrap()["body"];
    assert_eq!(contact["lastname"], "Related");
    assert_eq!(contact["parentcustomerid_account"], Value::Null, "unrelated: {contact}");

    // Fabrikam belongs to the root business unit, beyond Sam's Local AppendTo on accounts.
    let denied = record.step("Relate_to_Fabrikam").unwrap();
    assert_eq!(denied.status, StepStatus::Failed);
    assert_eq!(denied.outputs.as_ref().unwrap()["statusCode"], 403);
    assert_eq!(denied.error.as_ref().unwrap().code, "0x80048306");
    assert!(denied.error.as_ref().unwrap().message.contains("AppendToAccess"), "{:?}", denied.error);
}

#[tokio::test]
async fn bound_and_unbound_actions_and_update_only_reach_dataverse_as_the_step_s_identity() {
    let served = serve().await;
    let host = |operation: &str| json!({ "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
        "connectionName": "shared_commondataserviceforapps", "operationId": operation });
    let sales_team = "7ea00000-0000-4000-8000-000000000001";
    let nora = "5e000000-0000-4000-8000-000000000003";
    let flow = Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": { "runtimeSource": "invoker",
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
            "actions": {
                "Add_nora_to_the_team": { "type": "OpenApiConnection", "inputs": { "host": host("PerformBoundAction"), "parameters": {
                    "entityName": "teams", "recordId": sales_team, "actionName": "Microsoft.Dynamics.CRM.AddMembersTeam",
                    "item/Members": [{ "@odata.type": "Microsoft.Dynamics.CRM.systemuser", "systemuserid": nora }] } }, "runAfter": {} },
                "Evaluate": { "type": "OpenApiConnection", "inputs": { "host": host("PerformUnboundAction"), "parameters": {
                    "actionName": "cat_EvaluateNodeMessage", "item/Message": "hi" } }, "runAfter": { "Add_nora_to_the_team": ["Succeeded"] } },
                "Update_a_missing_row": { "type": "OpenApiConnection", "inputs": { "host": host("UpdateOnlyRecord"), "parameters": {
                    "entityName": "contacts", "recordId": "c0000000-0000-4000-8000-0000000000ff", "item/jobtitle": "x" } },
                    "runAfter": { "Evaluate": ["Failed"] } }
            } } } }))
    .unwrap();
    let run = |persona: &str| {
        let identities = Identities { invoker: Some(served.identity(persona)), ..Identities::default() };
        run_flow(&flow, json!({}), served.options(identities))
    };
    let record = run("admin").await;
    let added = record.step("Add_nora_to_the_team").unwrap();
    assert_eq!(added.status, StepStatus::Succeeded, "{:?}", added.error);
    assert!(added.inputs.as_ref().unwrap()["request"]["uri"].as_str().unwrap().ends_with(&format!("/teams({sales_team})/Microsoft.Dynamics.CRM.AddMembersTeam")));
    // Nora now holds the team's task privileges.
    let check = served.sandbox.token_for("admin").unwrap();
    let privileges: Value = reqwest::Client::new()
        .get(format!("{}/api/data/v9.2/systemusers({nora})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='prvAppendToTask')", served.url))
        .bearer_auth(check)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(privileges["RolePrivileges"].as_array().map(Vec::len), Some(1), "{privileges}");
    // An action the environment does not have fails with its answer.
    let evaluate = record.step("Evaluate").unwrap();
    assert_eq!(evaluate.status, StepStatus::Failed);
    assert_eq!(evaluate.outputs.as_ref().unwrap()["statusCode"], 404);
    assert!(evaluate.error.as_ref().unwrap().message.contains("cat_EvaluateNodeMessage"), "{:?}", evaluate.error);
    // Update only never creates: a missing row is Dataverse's 404.
    let update = record.step("Update_a_missing_row").unwrap();
    assert_eq!(update.status, StepStatus::Failed);
    assert_eq!(update.error.as_ref().unwrap().code, "0x80040217", "{:?}", update.error);

    // Sam may not change a team: the bound action fails with the privilege error, as sam.
    let refused = run("sam").await;
    let step = refused.step("Add_nora_to_the_team").unwrap();
    assert_eq!(step.status, StepStatus::Failed);
    assert_eq!(step.error.as_ref().unwrap().code, "0x80040220");
    assert!(step.error.as_ref().unwrap().message.contains("prvWriteTeam"), "{:?}", step.error);
}

/// List rows with a FetchXML query: the sandbox answers it as the step's identity, with the
/// link-entity's columns as `alias.column` and null values left out.
#[tokio::test]
async fn list_rows_with_fetchxml_returns_what_the_identity_may_read() {
    let served = serve().await;
    let host = json!({ "apiId": "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
        "connectionName": "shared_commondataserviceforapps", "operationId": "ListRecords" });
    let fetch = "<fetch><entity name=\"contact\"><attribute name=\"fullname\"/><attribute name=\"jobtitle\"/>\
        <order attribute=\"fullname\"/>\
        <filter type=\"or\"><condition attribute=\"fullname\" operator=\"begins-with\" value=\"@{triggerBody()?['prefix']}\"/>\
        <condition attribute=\"jobtitle\" operator=\"null\"/></filter>\
        <link-entity name=\"account\" from=\"accountid\" to=\"parentcustomerid\" alias=\"acc\" link-type=\"outer\"><attribute name=\"name\"/></link-entity>\
        </entity></fetch>";
    let flow = Flow::from_value(json!({ "properties": {
        "connectionReferences": { "shared_commondataserviceforapps": { "runtimeSource": "invoker",
            "connection": { "connectionReferenceLogicalName": "fb_dataverse" }, "api": { "name": "shared_commondataserviceforapps" } } },
        "definition": {
            "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": { "schema": { "type": "object" } } } },
            "actions": {
                "List_rows": { "type": "OpenApiConnection", "inputs": { "host": host, "parameters": {
                    "entityName": "contacts", "fetchXml": fetch } }, "runAfter": {} },
                "Names": { "type": "Select", "inputs": { "from": "@outputs('List_rows')?['body/value']",
                    "select": "@concat(item()?['fullname'], ' / ', coalesce(item()?['acc.name'], '-'))" }, "runAfter": { "List_rows": ["Succeeded"] } }
            } } } }))
    .expect("a valid flow");
    let run = |persona: &'static str| {
        let identities = Identities { invoker: Some(served.identity(persona)), ..Identities::default() };
        run_flow(&flow, json!({ "headers": {}, "body": { "prefix": "N" } }), served.options(identities))
    };
    let admin = run("admin").await;
    assert_eq!(admin.status, RunStatus::Succeeded, "{:#?}", admin.steps);
    assert_eq!(admin.step("Names").unwrap().outputs, Some(json!({ "body": ["Nancy Davolio / Fabrikam Inc", "Thomas Andersen / Northwind Traders"] })));
    let rows = &admin.step("List_rows").unwrap().outputs.as_ref().unwrap()["body"]["value"];
    assert!(rows[1].get("jobtitle").is_none(), "FetchXML leaves null values out: {rows}");
    // Sam reads only the Sales business unit's contacts: not Nancy.
    let sam = run("sam").await;
    assert_eq!(sam.status, RunStatus::Succeeded, "{:#?}", sam.steps);
    assert_eq!(sam.step("Names").unwrap().outputs, Some(json!({ "body": ["Thomas Andersen / Northwind Traders"] })));
}
