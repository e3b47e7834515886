//! The security model over HTTP: privilege checks with Dataverse's error, row checks by
//! ownership and depth, silent filtering of lists, team roles, Append/AppendTo, and
//! impersonation.

mod common;

use common::*;
use flowbench_sandbox::Scenario;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn sam_creates_a_contact_but_cannot_delete_it() {
    let t = TestSandbox::start().await;
    let id = t.create("sam", "contacts", json!({"firstname": "Kim", "lastname": "Abercrombie"})).await;
    let answer = t.delete("sam", &format!("contacts({id})")).await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert_eq!(answer.error_code(), "0x80040220");
    let message = answer.error_message();
    assert!(
        message.starts_with(&format!("Principal user (Id={SAM}, type=8, roleCount=2, privilegeCount=")),
        "{message}"
    );
    assert!(message.contains(", accessMode=0), is missing prvDeleteContact privilege (Id="), "{message}");
    assert!(message.contains(") on OTC=2 for entity 'contact'. context.Caller="), "{message}");
    assert_eq!(t.get("sam", &format!("contacts({id})")).await.status, 200, "the row is still there");
}

#[tokio::test]
async fn nora_without_contact_privileges_gets_the_privilege_error_on_every_contact_request() {
    let t = TestSandbox::start().await;
    let list = t.get("nora", "contacts").await;
    assert_eq!(list.status, 403, "{}", list.body);
    assert_eq!(list.error_code(), "0x80040220");
    assert!(list.error_message().contains("is missing prvReadContact privilege"), "{}", list.error_message());
    assert!(list.error_message().contains(&format!("Principal user (Id={NORA}")));
    let read = t.get("nora", &format!("contacts({THOMAS})")).await;
    assert_eq!(read.status, 403, "even the contact nora owns");
    let create = t.post("nora", "contacts", json!({"lastname": "x"})).await;
    assert!(create.error_message().contains("is missing prvCreateContact privilege"), "{}", create.error_message());
    // Tasks she may work with.
    assert_eq!(t.get("nora", "tasks").await.status, 200);
}

#[tokio::test]
async fn audrey_reads_everything_and_writes_nothing() {
    let t = TestSandbox::start().await;
    assert_eq!(t.get("audrey", "contacts").await.body["value"].as_array().unwrap().len(), 5);
    assert_eq!(t.get("audrey", "accounts").await.body["value"].as_array().unwrap().len(), 4);
    assert_eq!(t.get("audrey", "systemusers").await.body["value"].as_array().unwrap().len(), 5);
    assert_eq!(t.get("audrey", &format!("contacts({NANCY})")).await.status, 200);
    let attempts = [
        (t.post("audrey", "contacts", json!({"lastname": "x"})).await, "prvCreateContact"),
        (t.patch("audrey", &format!("contacts({NANCY})"), json!({"jobtitle": "x"})).await, "prvWriteContact"),
        (t.delete("audrey", &format!("accounts({FABRIKAM})")).await, "prvDeleteAccount"),
        (
            t.patch("audrey", "contacts(66666666-6666-4666-8666-666666666666)", json!({"jobtitle": "x"})).await,
            "prvCreateContact",
        ),
    ];
    for (answer, privilege) in attempts {
        assert_eq!(answer.status, 403, "{privilege}: {}", answer.body);
        assert!(
            answer.error_message().contains(&format!("is missing {privilege} privilege")),
            "{}",
            answer.error_message()
        );
    }
}

#[tokio::test]
async fn lists_leave_out_rows_beyond_the_callers_depth() {
    let t = TestSandbox::start().await;
    // sam reads contacts at Local depth in Sales: his own, nora's (same business unit) and the
    // Sales Team's; not the admin's in the root business unit.
    let mut ids = t.get("sam", "contacts").await.ids("contactid");
    ids.sort();
    assert_eq!(ids, vec![MARIA, THOMAS, YVONNE]);
    assert_eq!(
        t.get("sam", &format!("contacts?$filter=contactid eq {NANCY}")).await.ids("contactid"),
        Vec::<String>::new()
    );
    assert_eq!(t.get("sam", "contacts?$count=true").await.body["@odata.count"], 3);
}

#[tokio::test]
async fn a_row_beyond_the_depth_is_refused_with_the_access_check_error() {
    let t = TestSandbox::start().await;
    let answer = t.get("sam", &format!("contacts({NANCY})")).await;
    assert_eq!(answer.status, 403);
    assert_eq!(answer.error_code(), "0x80048306");
    assert_eq!(
        answer.error_message(),
        format!(
            "SecLib::AccessCheckEx failed. Returned hr = -2147187962, ObjectID: {NANCY}, OwnerId: {ADMIN},  OwnerIdType: 8 and CallingUser: {SAM}. ObjectTypeCode: 2, objectBusinessUnitId: {ROOT_BU}, AccessRights: ReadAccess"
        )
    );
    // Write is Basic for sam: nora's contact is readable but not writable; his own is both.
    assert_eq!(t.get("sam", &format!("contacts({THOMAS})")).await.status, 200);
    let answer = t.patch("sam", &format!("contacts({THOMAS})"), json!({"jobtitle": "x"})).await;
    assert_eq!(answer.status, 403);
    assert!(answer.error_message().ends_with("AccessRights: WriteAccess"), "{}", answer.error_message());
    assert_eq!(t.patch("sam", &format!("contacts({MARIA})"), json!({"jobtitle": "x"})).await.status, 204);
}

#[tokio::test]
async fn rows_owned_by_the_users_team_count_as_the_users_own() {
    let t = TestSandbox::start().await;
    // Yvonne is owned by the Sales Team; sam is a member, so Basic write suffices.
    assert_eq!(t.patch("sam", &format!("contacts({YVONNE})"), json!({"jobtitle": "Founder"})).await.status, 204);
}

#[tokio::test]
async fn team_roles_add_privileges_measured_from_the_teams_business_unit() {
    let t = TestSandbox::start().await;
    // sam's own role reads tasks at Basic; the Sales Team's role reads them at Local in Sales.
    let mut subjects: Vec<String> = t.get("sam", "tasks?$select=subject").await.body["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap().to_string())
        .collect();
    subjects.sort();
    assert_eq!(subjects, vec!["Follow up with Maria", "Prepare the quarterly pipeline review"]);
    // nora is in no team: only her own task.
    assert_eq!(t.get("nora", "tasks").await.body["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_lookup_needs_append_on_the_row_and_append_to_on_the_target() {
    let t = TestSandbox::start().await;
    // nora may create tasks but holds no prvAppendTask.
    let answer = t
        .post(
            "nora",
            "tasks",
            json!({"subject": "x", "regardingobjectid_contact_task@odata.bind": format!("/contacts({THOMAS})")}),
        )
        .await;
    assert_eq!(answer.status, 403);
    assert!(answer.error_message().contains("is missing prvAppendTask privilege"), "{}", answer.error_message());
    assert_eq!(t.post("nora", "tasks", json!({"subject": "x"})).await.status, 204, "without the lookup it works");

    // sam holds AppendTo on accounts at Local: Contoso (his) yes, Fabrikam (root) no.
    assert_eq!(
        t.post(
            "sam",
            "contacts",
            json!({"lastname": "a", "parentcustomerid_account@odata.bind": format!("/accounts({CONTOSO})")})
        )
        .await
        .status,
        204
    );
    let answer = t
        .post(
            "sam",
            "contacts",
            json!({"lastname": "b", "parentcustomerid_account@odata.bind": format!("/accounts({FABRIKAM})")}),
        )
        .await;
    assert_eq!(answer.status, 403);
    assert!(answer.error_message().ends_with("AccessRights: AppendToAccess"), "{}", answer.error_message());
    // A lookup on a row sam may not write (nora's, Basic write) is refused for the row itself.
    let answer = t
        .patch(
            "sam",
            &format!("contacts({THOMAS})"),
            json!({"parentcustomerid_account@odata.bind": format!("/accounts({CONTOSO})")}),
        )
        .await;
    assert_eq!(answer.status, 403);
}

#[tokio::test]
async fn a_missing_append_to_privilege_names_it() {
    let mut scenario = builtin_json();
    let roles = scenario["roles"].as_array_mut().unwrap();
    let salesperson = roles.iter_mut().find(|r| r["name"] == "Salesperson").unwrap();
    salesperson["tablePrivileges"][1]["tables"] = json!(["contact"]);
    let t = TestSandbox::start_with(Scenario::from_json(&scenario.to_string()).unwrap()).await;
    let answer = t
        .post(
            "sam",
            "contacts",
            json!({"lastname": "a", "parentcustomerid_account@odata.bind": format!("/accounts({CONTOSO})")}),
        )
        .await;
    assert_eq!(answer.status, 403);
    assert!(answer.error_message().contains("is missing prvAppendToAccount privilege"), "{}", answer.error_message());
}

#[tokio::test]
async fn assigning_needs_assign_and_an_owner_who_may_read() {
    let t = TestSandbox::start().await;
    // sam holds no prvAssignContact.
    let answer = t
        .patch("sam", &format!("contacts({MARIA})"), json!({"ownerid@odata.bind": format!("/systemusers({NORA})")}))
        .await;
    assert!(answer.error_message().contains("is missing prvAssignContact privilege"), "{}", answer.error_message());
    // The admin may assign, but nora cannot read contacts, so she cannot own one.
    let answer = t
        .patch("admin", &format!("contacts({NANCY})"), json!({"ownerid@odata.bind": format!("/systemusers({NORA})")}))
        .await;
    assert_eq!(answer.status, 403);
    assert!(
        answer
            .error_message()
            .starts_with(&format!("Read Privilege Check For Owner failed with exception: Principal user (Id={NORA}")),
        "{}",
        answer.error_message()
    );
    // Creating a row for another owner takes the same checks.
    let answer = t
        .post("admin", "contacts", json!({"lastname": "x", "ownerid@odata.bind": format!("/systemusers({SAM})")}))
        .await;
    assert_eq!(answer.status, 204);
}

#[tokio::test]
async fn svc_impersonates_through_caller_object_id_and_is_recorded_as_on_behalf_of() {
    let t = TestSandbox::start().await;
    let answer = send(
        t.request(Method::POST, "svc", "contacts")
            .header("CallerObjectId", SAM_OID)
            .header("Prefer", "return=representation")
            .json(&json!({"lastname": "Impersonated"})),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.body["_createdby_value"], SAM);
    assert_eq!(answer.body["_modifiedby_value"], SAM);
    assert_eq!(answer.body["_createdonbehalfby_value"], SVC);
    assert_eq!(answer.body["_ownerid_value"], SAM);
    let id = answer.body["contactid"].as_str().unwrap().to_string();

    let answer = send(
        t.request(Method::PATCH, "svc", &format!("contacts({id})"))
            .header("MSCRMCallerID", SAM)
            .json(&json!({"jobtitle": "x"})),
    )
    .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let row = t.get("admin", &format!("contacts({id})")).await;
    assert_eq!(row.body["_modifiedonbehalfby_value"], SVC);

    let who = send(t.request(Method::GET, "svc", "WhoAmI").header("CallerObjectId", SAM_OID)).await;
    assert_eq!(who.body["UserId"], SAM);
}

#[tokio::test]
async fn impersonation_uses_the_impersonated_users_rights_intersected_with_the_callers() {
    let t = TestSandbox::start().await;
    // As sam, svc sees only what sam sees.
    let mut ids = send(t.request(Method::GET, "svc", "contacts").header("MSCRMCallerID", SAM)).await.ids("contactid");
    ids.sort();
    assert_eq!(ids, vec![MARIA, THOMAS, YVONNE]);
    // As nora, svc cannot read contacts at all; the error names nora.
    let answer = send(t.request(Method::GET, "svc", "contacts").header("MSCRMCallerID", NORA)).await;
    assert_eq!(answer.status, 403);
    assert!(answer.error_message().contains(&format!("Principal user (Id={NORA}")), "{}", answer.error_message());
    assert!(answer.error_message().ends_with(&format!("context.Caller={SVC}")), "{}", answer.error_message());
    // As the admin, svc still cannot do what svc itself may not (create users).
    let answer = send(
        t.request(Method::POST, "svc", "systemusers")
            .header("CallerObjectId", ADMIN_OID)
            .json(&json!({"fullname": "x"})),
    )
    .await;
    assert_eq!(answer.status, 403);
    assert!(answer.error_message().contains(&format!("Principal user (Id={SVC}")), "{}", answer.error_message());
    assert!(answer.error_message().contains("is missing prvCreateSystemUser privilege"), "{}", answer.error_message());
}

#[tokio::test]
async fn impersonation_without_the_privilege_is_refused() {
    let t = TestSandbox::start().await;
    for (header, value) in [("CallerObjectId", ADMIN_OID), ("MSCRMCallerID", ADMIN)] {
        let answer = send(t.request(Method::GET, "sam", "contacts").header(header, value)).await;
        assert_eq!(answer.status, 403, "{header}");
        assert_eq!(answer.error_code(), "0x8004A110");
        assert_eq!(answer.error_message(), "User does not have the privilege to act on behalf another user.");
    }
}

#[tokio::test]
async fn impersonating_an_unknown_or_malformed_user_is_refused() {
    let t = TestSandbox::start().await;
    let answer =
        send(t.request(Method::GET, "svc", "contacts").header("MSCRMCallerID", "77777777-7777-4777-8777-777777777777"))
            .await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error_code(), "0x80040217");
    let answer = send(t.request(Method::GET, "svc", "contacts").header("CallerObjectId", "not-a-guid")).await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("CallerObjectId header must be a GUID"));
}

#[tokio::test]
async fn the_privilege_for_impersonation_must_come_from_the_users_own_roles() {
    // Give the Sales Team prvActOnBehalfOfAnotherUser: sam, a member, still may not impersonate.
    let mut scenario = builtin_json();
    let roles = scenario["roles"].as_array_mut().unwrap();
    let team_role = roles.iter_mut().find(|r| r["name"] == "Sales Team Collaboration").unwrap();
    team_role["privileges"] = json!({"prvActOnBehalfOfAnotherUser": "Global"});
    let t = TestSandbox::start_with(Scenario::from_json(&scenario.to_string()).unwrap()).await;
    let answer = send(t.request(Method::GET, "sam", "contacts").header("MSCRMCallerID", NORA)).await;
    assert_eq!(answer.error_code(), "0x8004A110");
}
