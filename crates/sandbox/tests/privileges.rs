//! RetrieveUserPrivileges, RetrieveUserPrivilegeByPrivilegeName and team membership actions
//! over HTTP: what a tool reads to predict who may run a flow must match what the checks use.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value as Json};

fn privileges(answer: &Answer) -> Vec<(String, String, String)> {
    let mut held: Vec<(String, String, String)> = answer.body["RolePrivileges"]
        .as_array()
        .unwrap_or_else(|| panic!("no RolePrivileges in {}", answer.body))
        .iter()
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (text("PrivilegeName"), text("Depth"), text("BusinessUnitId"))
        })
        .collect();
    held.sort();
    held
}

#[tokio::test]
async fn sams_privileges_come_from_his_role_and_his_teams_role() {
    let t = TestSandbox::start().await;
    let answer = t.get("admin", &format!("systemusers({SAM})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body["@odata.context"].as_str().unwrap().ends_with("#Microsoft.Dynamics.CRM.RetrieveUserPrivilegesResponse"));
    let held = privileges(&answer);
    let has = |name: &str, depth: &str| held.iter().any(|(n, d, bu)| n == name && d == depth && bu == SALES_BU);
    assert!(has("prvCreateContact", "Basic"), "{held:?}");
    assert!(has("prvReadContact", "Local"));
    assert!(has("prvWriteTask", "Local"), "the Sales Team's role counts: {held:?}");
    assert!(!held.iter().any(|(n, ..)| n == "prvDeleteContact"));
    // The id is the one Dataverse's privilege error names.
    let id = answer.body["RolePrivileges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["PrivilegeName"] == "prvCreateContact")
        .map(|p| p["PrivilegeId"].as_str().unwrap().to_string())
        .unwrap();
    let contact = t.create("admin", "contacts", json!({"lastname": "Probe"})).await;
    let refused = t.delete("nora", &format!("contacts({contact})")).await;
    assert_eq!(refused.error_code(), "0x80040220");
    let create_refused = t.post("nora", "contacts", json!({"lastname": "x"})).await;
    assert!(create_refused.error_message().contains(&format!("prvCreateContact privilege (Id={id})")), "{}", create_refused.error_message());
}

#[tokio::test]
async fn one_privilege_by_name_inline_or_through_an_alias() {
    let t = TestSandbox::start().await;
    let base = format!("systemusers({SAM})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName");
    let read = t.get("admin", &format!("{base}(PrivilegeName='prvReadContact')")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(privileges(&read), vec![("prvReadContact".into(), "Local".into(), SALES_BU.into())]);
    let delete = t.get("admin", &format!("{base}(PrivilegeName=@p1)?@p1='prvDeleteContact'")).await;
    assert_eq!(delete.status, 200, "{}", delete.body);
    assert_eq!(delete.body["RolePrivileges"], json!([]), "not held: an empty list");
    let unresolved = t.get("admin", &format!("{base}()")).await;
    assert_eq!(unresolved.status, 400);
    assert!(unresolved.error_message().contains("PrivilegeName"), "{}", unresolved.error_message());
}

#[tokio::test]
async fn reading_someones_privileges_needs_read_access_to_their_user_row() {
    let t = TestSandbox::start().await;
    // nora reads users of her own business unit only.
    assert_eq!(t.get("nora", &format!("systemusers({SAM})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")).await.status, 200);
    let refused = t.get("nora", &format!("systemusers({ADMIN})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.error_code(), "0x80048306");
    let missing = t
        .get("admin", "systemusers(5e000000-0000-4000-8000-0000000000ff)/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_code(), "0x80040217");
}

#[tokio::test]
async fn joining_a_team_grants_its_roles_at_once() {
    let t = TestSandbox::start().await;
    let append_to_task =
        format!("systemusers({NORA})/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='prvAppendToTask')");
    assert_eq!(t.get("admin", &append_to_task).await.body["RolePrivileges"], json!([]));
    let add = t
        .post("admin", &format!("teams({SALES_TEAM})/Microsoft.Dynamics.CRM.AddMembersTeam"), json!({"Members": [{"@odata.type": "Microsoft.Dynamics.CRM.systemuser", "systemuserid": NORA}]}))
        .await;
    assert_eq!(add.status, 204, "{}", add.body);
    let after = t.get("admin", &append_to_task).await;
    assert_eq!(privileges(&after), vec![("prvAppendToTask".into(), "Local".into(), SALES_BU.into())]);
    let remove = t
        .post("admin", &format!("teams({SALES_TEAM})/Microsoft.Dynamics.CRM.RemoveMembersTeam"), json!({"Members": [{"systemuserid": NORA}]}))
        .await;
    assert_eq!(remove.status, 204, "{}", remove.body);
    assert_eq!(t.get("admin", &append_to_task).await.body["RolePrivileges"], json!([]));
}

#[tokio::test]
async fn changing_a_team_needs_write_on_it_and_real_users() {
    let t = TestSandbox::start().await;
    let path = format!("teams({SALES_TEAM})/Microsoft.Dynamics.CRM.AddMembersTeam");
    let refused = t.post("sam", &path, json!({"Members": [{"systemuserid": NORA}]})).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.error_message().contains("is missing prvWriteTeam privilege"), "{}", refused.error_message());
    let unknown = t.post("admin", &path, json!({"Members": [{"systemuserid": "5e000000-0000-4000-8000-0000000000ff"}]})).await;
    assert_eq!(unknown.status, 404, "{}", unknown.body);
    let malformed = t.post("admin", &path, json!({"Members": [{"id": NORA}]})).await;
    assert_eq!(malformed.status, 400);
    assert!(malformed.error_message().contains("Members[0]"), "{}", malformed.error_message());
}

#[tokio::test]
async fn operations_are_bound_to_their_own_table_and_method() {
    let t = TestSandbox::start().await;
    let wrong_table = t.get("admin", &format!("contacts({MARIA})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")).await;
    assert_eq!(wrong_table.status, 404);
    assert_eq!(wrong_table.error_message(), "Resource not found for the segment 'Microsoft.Dynamics.CRM.RetrieveUserPrivileges'.");
    let wrong_method = send(t.request(Method::POST, "admin", &format!("systemusers({SAM})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")).json(&Json::Null)).await;
    assert_eq!(wrong_method.status, 405);
    let unauthenticated = reqwest::Client::new()
        .get(t.url(&format!("systemusers({SAM})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
}

#[tokio::test]
async fn a_teams_privileges_are_measured_from_the_teams_business_unit() {
    let t = TestSandbox::start().await;
    let answer = t.get("sam", &format!("teams({SALES_TEAM})/Microsoft.Dynamics.CRM.RetrieveTeamPrivileges")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body["@odata.context"].as_str().unwrap().ends_with("#Microsoft.Dynamics.CRM.RetrieveTeamPrivilegesResponse"));
    assert_eq!(
        privileges(&answer),
        ["prvAppendToTask", "prvReadTask", "prvWriteTask"].map(|p| (p.to_string(), "Local".to_string(), SALES_BU.to_string()))
    );
    // Nora holds no privilege on teams.
    assert_eq!(t.get("nora", &format!("teams({SALES_TEAM})/Microsoft.Dynamics.CRM.RetrieveTeamPrivileges")).await.status, 403);
}
