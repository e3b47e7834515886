//! Sharing a row through the unbound actions GrantAccess, ModifyAccess and RevokeAccess: the
//! principal it is shared with reaches the row for the rights shared, whatever its depth.

mod common;

use common::*;
use serde_json::json;

fn grant(row: &str, principal: serde_json::Value, mask: &str) -> serde_json::Value {
    json!({ "Target": { "@odata.type": "Microsoft.Dynamics.CRM.account", "accountid": row },
            "PrincipalAccess": { "Principal": principal, "AccessMask": mask } })
}

fn user(id: &str) -> serde_json::Value {
    json!({ "@odata.type": "Microsoft.Dynamics.CRM.systemuser", "systemuserid": id })
}

#[tokio::test]
async fn a_shared_row_is_read_and_written_by_whom_it_is_shared_with_until_revoked() {
    let t = TestSandbox::start().await;
    let fabrikam = format!("accounts({FABRIKAM})");
    // Fabrikam is admin's, in the root business unit: beyond sam's Local read in Sales.
    assert_eq!(t.get("sam", &fabrikam).await.status, 403);
    let names = |answer: &Answer| -> Vec<String> {
        answer.body["value"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_string()).collect()
    };
    assert!(!names(&t.get("sam", "accounts?$select=name").await).contains(&"Fabrikam Inc".to_string()));

    let shared = t.post("admin", "GrantAccess", grant(FABRIKAM, user(SAM), "ReadAccess")).await;
    assert_eq!(shared.status, 204, "{}", shared.body);
    assert_eq!(t.get("sam", &fabrikam).await.status, 200);
    assert!(names(&t.get("sam", "accounts?$select=name").await).contains(&"Fabrikam Inc".to_string()));
    let write = t.patch("sam", &fabrikam, json!({ "telephone1": "555" })).await;
    assert_eq!(write.status, 403, "read access only: {}", write.body);
    assert_eq!(write.error_code(), "0x80048306");

    assert_eq!(t.post("admin", "GrantAccess", grant(FABRIKAM, user(SAM), "WriteAccess")).await.status, 204);
    assert_eq!(t.patch("sam", &fabrikam, json!({ "telephone1": "555" })).await.status, 204, "read and write now");

    let modified = t.post("admin", "ModifyAccess", grant(FABRIKAM, user(SAM), "WriteAccess")).await;
    assert_eq!(modified.status, 204, "{}", modified.body);
    assert_eq!(t.get("sam", &fabrikam).await.status, 403, "ModifyAccess replaced read and write by write alone");

    let revoke = json!({ "Target": { "@odata.type": "Microsoft.Dynamics.CRM.account", "accountid": FABRIKAM }, "Revokee": user(SAM) });
    assert_eq!(t.post("admin", "RevokeAccess", revoke).await.status, 204);
    assert_eq!(t.patch("sam", &fabrikam, json!({ "telephone1": "556" })).await.status, 403);
}

#[tokio::test]
async fn sharing_with_a_team_reaches_its_members_who_hold_the_privilege() {
    let t = TestSandbox::start().await;
    let team = json!({ "@odata.type": "Microsoft.Dynamics.CRM.team", "teamid": SALES_TEAM });
    assert_eq!(t.post("admin", "GrantAccess", grant(FABRIKAM, team, "ReadAccess")).await.status, 204);
    assert_eq!(t.get("sam", &format!("accounts({FABRIKAM})")).await.status, 200, "sam is in the Sales Team");
    // Sharing does not grant privileges: nora holds none on accounts.
    assert_eq!(t.post("admin", "GrantAccess", grant(FABRIKAM, user(NORA), "ReadAccess")).await.status, 204);
    let nora = t.get("nora", &format!("accounts({FABRIKAM})")).await;
    assert_eq!(nora.error_code(), "0x80040220", "{}", nora.body);
}

#[tokio::test]
async fn sharing_needs_the_share_privilege_on_the_row_and_a_well_formed_request() {
    let t = TestSandbox::start().await;
    // sam shares accounts at Basic depth: his own rows only.
    let refused = t.post("sam", "GrantAccess", grant(FABRIKAM, user(NORA), "ReadAccess")).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.error_message().contains("ShareAccess"), "{}", refused.error_message());
    assert_eq!(t.post("sam", "GrantAccess", grant(CONTOSO, user(NORA), "ReadAccess")).await.status, 204, "Contoso is sam's");
    // nora holds no Share privilege on contacts.
    let contact = json!({ "Target": { "@odata.type": "Microsoft.Dynamics.CRM.contact", "contactid": MARIA },
        "PrincipalAccess": { "Principal": user(SAM), "AccessMask": "ReadAccess" } });
    assert!(t.post("nora", "GrantAccess", contact).await.error_message().contains("prvShareContact"));

    let unknown_right = t.post("admin", "GrantAccess", grant(FABRIKAM, user(SAM), "ReadAccess, PeekAccess")).await;
    assert_eq!(unknown_right.status, 400);
    assert!(unknown_right.error_message().contains("'PeekAccess' is not an access right"), "{}", unknown_right.error_message());
    let untyped = t.post("admin", "GrantAccess", json!({ "Target": { "accountid": FABRIKAM }, "PrincipalAccess": { "Principal": user(SAM), "AccessMask": "ReadAccess" } })).await;
    assert!(untyped.error_message().contains("EdmEntityObject passed should have the key property value set"), "{}", untyped.error_message());
    let ghost = t.post("admin", "GrantAccess", grant(FABRIKAM, user("5e000000-0000-4000-8000-0000000000ff"), "ReadAccess")).await;
    assert_eq!(ghost.status, 404);
    let get = t.get("admin", "GrantAccess").await;
    assert_eq!(get.status, 405);
}

#[tokio::test]
async fn a_deleted_rows_shares_go_with_it() {
    let t = TestSandbox::start().await;
    let id = t.create("admin", "accounts", json!({ "name": "Short-lived" })).await;
    assert_eq!(t.post("admin", "GrantAccess", grant(&id, user(SAM), "ReadAccess")).await.status, 204);
    assert_eq!(t.get("sam", &format!("accounts({id})")).await.status, 200);
    assert_eq!(t.delete("admin", &format!("accounts({id})")).await.status, 204);
    assert_eq!(t.get("sam", &format!("accounts({id})")).await.status, 404);
}
