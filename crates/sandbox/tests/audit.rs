//! The audit table over HTTP: every write leaves a row naming who did what (and on whose behalf),
//! refused writes leave none, reading needs prvReadAuditSummary, and the API cannot write it.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value as Json};

/// The audit rows of one row, oldest first, as audrey (the auditor) reads them.
async fn audits_of(t: &TestSandbox, id: &str) -> Vec<Json> {
    let answer = t.get("audrey", &format!("audits?$filter=_objectid_value eq {id}&$orderby=auditid")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["value"].as_array().unwrap().clone()
}

/// `changedata` parsed: logical name → (old, new).
fn changes(audit: &Json) -> Vec<(String, Json, Json)> {
    let data: Json = serde_json::from_str(audit["changedata"].as_str().expect("changedata is text")).unwrap();
    data["changedAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["logicalName"].as_str().unwrap().to_string(), c["oldValue"].clone(), c["newValue"].clone()))
        .collect()
}

async fn audit_count(t: &TestSandbox) -> i64 {
    let answer = t.get("admin", "audits?$count=true&$top=1").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["@odata.count"].as_i64().unwrap()
}

#[tokio::test]
async fn sam_creating_then_updating_a_contact_leaves_two_audit_rows_naming_him() {
    let t = TestSandbox::start().await;
    let id = t.create("sam", "contacts", json!({"firstname": "Kim", "jobtitle": "Buyer"})).await;
    let answer = t.patch("sam", &format!("contacts({id})"), json!({"jobtitle": "Lead buyer", "numberofchildren": 2})).await;
    assert_eq!(answer.status, 204, "{}", answer.body);

    let rows = audits_of(&t, &id).await;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let (created, updated) = (&rows[0], &rows[1]);
    for row in &rows {
        assert_eq!(row["_userid_value"], SAM);
        assert_eq!(row["_callinguserid_value"], Json::Null);
        assert_eq!(row["objecttypecode"], "contact");
        assert_eq!(row["_objectid_value"], id.as_str());
        assert!(row["createdon"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!((created["action"].clone(), created["operation"].clone()), (json!(1), json!(1)));
    assert_eq!((updated["action"].clone(), updated["operation"].clone()), (json!(2), json!(2)));
    let created_changes = changes(created);
    assert!(created_changes.contains(&("firstname".into(), Json::Null, json!("Kim"))), "{created_changes:?}");
    let mut updated_changes = changes(updated);
    updated_changes.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        updated_changes,
        vec![
            ("jobtitle".to_string(), json!("Buyer"), json!("Lead buyer")),
            ("numberofchildren".to_string(), Json::Null, json!(2)),
        ]
    );

    // The same rows by user and by operation.
    let by_sam = t.get("audrey", &format!("audits?$filter=_userid_value eq {SAM} and operation eq 2")).await;
    assert_eq!(by_sam.ids("auditid"), vec![updated["auditid"].as_str().unwrap().to_string()]);
}

#[tokio::test]
async fn an_impersonated_create_names_the_impersonated_user_and_the_caller() {
    let t = TestSandbox::start().await;
    let answer = send(
        t.request(Method::POST, "svc", "contacts").header("MSCRMCallerID", SAM).json(&json!({"lastname": "Onbehalf"})),
    )
    .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let id = answer.header("OData-EntityId").unwrap().rsplit('(').next().unwrap().trim_end_matches(')').to_string();
    let rows = audits_of(&t, &id).await;
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["_userid_value"], SAM, "the acting user is the impersonated one");
    assert_eq!(rows[0]["_callinguserid_value"], SVC, "the real caller");
    assert_eq!(rows[0]["action"], 1);
}

#[tokio::test]
async fn refused_writes_leave_no_audit_row() {
    let t = TestSandbox::start().await;
    let id = t.create("sam", "contacts", json!({"lastname": "Kept"})).await;
    let before = audit_count(&t).await;
    // sam may not delete contacts; nora may not create them; an out-of-range choice fails
    // after the privilege checks passed.
    assert_eq!(t.delete("sam", &format!("contacts({id})")).await.status, 403);
    assert_eq!(t.post("nora", "contacts", json!({"lastname": "x"})).await.status, 403);
    let bad = t.patch("sam", &format!("contacts({id})"), json!({"preferredcontactmethodcode": 99})).await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    let stale = send(
        t.request(Method::PATCH, "sam", &format!("contacts({id})"))
            .header("If-Match", "W/\"1\"")
            .json(&json!({"jobtitle": "x"})),
    )
    .await;
    assert_eq!(stale.status, 412, "{}", stale.body);
    assert_eq!(audit_count(&t).await, before, "no audit row for a write that did not happen");
    assert_eq!(audits_of(&t, &id).await.len(), 1, "only the create");
}

#[tokio::test]
async fn reading_audits_needs_prv_read_audit_summary() {
    let t = TestSandbox::start().await;
    t.create("sam", "contacts", json!({"lastname": "Seen"})).await;
    for persona in ["nora", "sam"] {
        let answer = t.get(persona, "audits").await;
        assert_eq!(answer.status, 403, "{persona}: {}", answer.body);
        assert_eq!(answer.error_code(), "0x80040220");
        assert!(
            answer.error_message().contains("is missing prvReadAuditSummary privilege"),
            "{}",
            answer.error_message()
        );
        assert!(answer.error_message().contains("for entity 'audit'"), "{}", answer.error_message());
    }
    assert_eq!(t.get("admin", "audits").await.status, 200, "the System Administrator reads the audit");
}

#[tokio::test]
async fn audrey_reads_the_audit_of_one_row_with_select_count_and_paging() {
    let t = TestSandbox::start().await;
    let id = t.create("sam", "contacts", json!({"lastname": "One"})).await;
    for title in ["a", "b", "c"] {
        assert_eq!(t.patch("sam", &format!("contacts({id})"), json!({"jobtitle": title})).await.status, 204);
    }
    t.create("sam", "contacts", json!({"lastname": "Other"})).await;

    let filtered = t
        .get("audrey", &format!("audits?$filter=_objectid_value eq {id}&$select=action,_userid_value&$orderby=auditid desc&$count=true"))
        .await;
    assert_eq!(filtered.status, 200, "{}", filtered.body);
    assert_eq!(filtered.body["@odata.count"], 4);
    assert!(filtered.body["@odata.context"].as_str().unwrap().ends_with("$metadata#audits(action,_userid_value)"));
    let rows = filtered.body["value"].as_array().unwrap();
    let actions: Vec<i64> = rows.iter().map(|r| r["action"].as_i64().unwrap()).collect();
    assert_eq!(actions, vec![2, 2, 2, 1], "newest first");
    assert!(rows[0].get("changedata").is_none(), "only the selected columns and the id");
    assert!(rows[0]["auditid"].is_string());

    let first = send(
        t.request(Method::GET, "audrey", &format!("audits?$filter=_objectid_value eq {id}&$orderby=auditid"))
            .header("Prefer", "odata.maxpagesize=3"),
    )
    .await;
    assert_eq!(first.body["value"].as_array().unwrap().len(), 3);
    let next = first.body["@odata.nextLink"].as_str().expect("a next page").to_string();
    let second = send(t.client.get(next).bearer_auth(t.token("audrey")).header("Prefer", "odata.maxpagesize=3")).await;
    let rest = second.body["value"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(changes(&rest[0]), vec![("jobtitle".to_string(), json!("b"), json!("c"))]);

    let one = t.get("audrey", &format!("audits({})", rest[0]["auditid"].as_str().unwrap())).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["_objectid_value"], id.as_str());
}

#[tokio::test]
async fn associate_disassociate_assign_and_delete_are_audited() {
    let t = TestSandbox::start().await;
    let contact = t.create("sam", "contacts", json!({"lastname": "Related"})).await;
    let related = t
        .post("sam", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref"), json!({"@odata.id": format!("contacts({contact})")}))
        .await;
    assert_eq!(related.status, 204, "{}", related.body);
    assert_eq!(t.delete("sam", &format!("accounts({CONTOSO})/contact_customer_accounts({contact})/$ref")).await.status, 204);
    let assigned = t.patch("admin", &format!("contacts({contact})"), json!({"ownerid@odata.bind": format!("/systemusers({ADMIN})")})).await;
    assert_eq!(assigned.status, 204, "{}", assigned.body);
    assert_eq!(t.delete("admin", &format!("contacts({contact})")).await.status, 204);

    let rows = audits_of(&t, &contact).await;
    let actions: Vec<(i64, i64)> =
        rows.iter().map(|r| (r["action"].as_i64().unwrap(), r["operation"].as_i64().unwrap())).collect();
    assert_eq!(actions, vec![(1, 1), (33, 2), (34, 2), (13, 2), (3, 3)], "{rows:#?}");
    assert_eq!(changes(&rows[1]), vec![("parentcustomerid".to_string(), Json::Null, json!(CONTOSO))]);
    assert_eq!(changes(&rows[2]), vec![("parentcustomerid".to_string(), json!(CONTOSO), Json::Null)]);
    assert_eq!(rows[1]["_userid_value"], SAM);
    assert_eq!(changes(&rows[3]), vec![("ownerid".to_string(), json!(SAM), json!(ADMIN))]);
    assert_eq!(rows[3]["_userid_value"], ADMIN);
    assert!(changes(&rows[4]).contains(&("lastname".to_string(), json!("Related"), Json::Null)));
    assert_eq!(rows[4]["_objectid_value"], contact.as_str(), "the audit outlives the row");
}

#[tokio::test]
async fn the_api_cannot_write_audit_rows() {
    let t = TestSandbox::start().await;
    let id = t.create("sam", "contacts", json!({"lastname": "x"})).await;
    let audit_id = audits_of(&t, &id).await[0]["auditid"].as_str().unwrap().to_string();
    let before = audit_count(&t).await;
    let post = t.post("admin", "audits", json!({"objecttypecode": "contact"})).await;
    assert_eq!(post.status, 405, "{}", post.body);
    assert_eq!(post.error_message(), "The 'Create' method does not support entities of type 'audit'.");
    let patch = t.patch("admin", &format!("audits({audit_id})"), json!({"objecttypecode": "account"})).await;
    assert_eq!(patch.status, 405, "{}", patch.body);
    assert_eq!(t.delete("admin", &format!("audits({audit_id})")).await.status, 405);
    assert_eq!(audit_count(&t).await, before);
    assert_eq!(audits_of(&t, &id).await[0]["objecttypecode"], "contact");
}

#[tokio::test]
async fn reset_clears_the_audit() {
    let t = TestSandbox::start().await;
    t.create("sam", "contacts", json!({"lastname": "Gone"})).await;
    assert!(audit_count(&t).await > 0);
    t.sandbox.reset().unwrap();
    assert_eq!(audit_count(&t).await, 0);
}

#[test]
fn a_scenario_cannot_declare_the_built_in_audit_table() {
    let mut scenario = builtin_json();
    scenario["tables"][5]["logicalName"] = json!("audit");
    scenario["tables"][5]["entitySetName"] = json!("audits");
    let err = flowbench_sandbox::Scenario::from_json(&scenario.to_string()).unwrap_err().to_string();
    assert!(err.contains("'audit' (audits) is the sandbox's built-in audit table"), "{err}");
}
