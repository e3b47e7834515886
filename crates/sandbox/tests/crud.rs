//! Create, retrieve, update (upsert), delete and WhoAmI over HTTP, with the Web API's status
//! codes, headers and bodies.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn who_am_i_names_the_user_business_unit_and_organization() {
    let t = TestSandbox::start().await;
    let answer = t.get("sam", "WhoAmI").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["UserId"], SAM);
    assert_eq!(answer.body["BusinessUnitId"], SALES_BU);
    assert_eq!(answer.body["OrganizationId"], "0e000000-0000-4000-8000-000000000001");
    assert!(answer.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse"));
    assert_eq!(answer.header("OData-Version"), Some("4.0"));
    assert_eq!(t.get("admin", "WhoAmI()").await.body["UserId"], ADMIN);
}

#[tokio::test]
async fn create_answers_204_with_the_entity_id() {
    let t = TestSandbox::start().await;
    let answer = t.post("sam", "contacts", json!({"firstname": "Ann", "lastname": "Lee"})).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(answer.body, serde_json::Value::Null);
    let entity_id = answer.header("OData-EntityId").unwrap();
    assert!(entity_id.starts_with(&format!("{}/api/data/v9.2/contacts(", t.base_url)), "{entity_id}");
    let id = entity_id.rsplit('(').next().unwrap().trim_end_matches(')');
    let row = t.get("sam", &format!("contacts({id})")).await;
    assert_eq!(row.status, 200);
    assert_eq!(row.body["firstname"], "Ann");
    assert_eq!(row.body["contactid"], id);
    assert_eq!(row.body["_ownerid_value"], SAM);
    assert_eq!(row.body["_createdby_value"], SAM);
    assert_eq!(row.body["_modifiedby_value"], SAM);
    assert_eq!(row.body["_createdonbehalfby_value"], serde_json::Value::Null);
    assert_eq!(row.body["_owningbusinessunit_value"], SALES_BU);
}

#[tokio::test]
async fn create_with_return_representation_answers_201_with_the_row() {
    let t = TestSandbox::start().await;
    let answer = send(
        t.request(Method::POST, "sam", "contacts?$select=firstname,lastname")
            .header("Prefer", "return=representation")
            .json(&json!({"firstname": "Ann", "lastname": "Lee", "numberofchildren": 1})),
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.header("Preference-Applied"), Some("return=representation"));
    assert!(answer.header("OData-EntityId").is_none());
    assert!(answer.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("$metadata#contacts(firstname,lastname)/$entity"));
    assert!(answer.body["@odata.etag"].as_str().unwrap().starts_with("W/\""));
    assert_eq!(answer.body["firstname"], "Ann");
    assert!(answer.body["contactid"].is_string(), "the primary key always comes back");
    assert!(answer.body.get("numberofchildren").is_none(), "not selected");
}

#[tokio::test]
async fn create_with_a_client_chosen_id_and_a_duplicate_is_refused() {
    let t = TestSandbox::start().await;
    let id = "11111111-2222-4333-8444-555555555555";
    assert_eq!(t.create("sam", "accounts", json!({"accountid": id, "name": "Mine"})).await, id);
    let again = t.post("sam", "accounts", json!({"accountid": id, "name": "Again"})).await;
    assert_eq!(again.status, 412);
    assert_eq!(again.error_message(), "A record with matching key values already exists.");
}

#[tokio::test]
async fn retrieve_with_select_returns_the_selected_columns_the_key_and_the_etag() {
    let t = TestSandbox::start().await;
    let answer = t.get("admin", &format!("contacts({MARIA})?$select=fullname,_parentcustomerid_value")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let object = answer.body.as_object().unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(keys, vec!["@odata.context", "@odata.etag", "fullname", "_parentcustomerid_value", "contactid"]);
    assert_eq!(answer.body["_parentcustomerid_value"], CONTOSO);
    assert!(answer.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("$metadata#contacts(fullname,_parentcustomerid_value)/$entity"));
}

#[tokio::test]
async fn retrieve_without_select_returns_every_column_typed() {
    let t = TestSandbox::start().await;
    let answer = t.get("admin", &format!("contacts({MARIA})")).await;
    assert_eq!(answer.body["numberofchildren"], 2);
    assert_eq!(answer.body["donotemail"], false);
    assert_eq!(answer.body["creditlimit"], 5000.0);
    assert_eq!(answer.body["birthdate"], "1985-04-12T00:00:00Z");
    assert_eq!(answer.body["preferredcontactmethodcode"], 2);
    assert!(answer.body["versionnumber"].is_i64());
    assert!(answer.body["createdon"].as_str().unwrap().ends_with('Z'));
    assert_eq!(answer.body["@odata.etag"], format!("W/\"{}\"", answer.body["versionnumber"]));
}

#[tokio::test]
async fn a_missing_row_is_0x80040217_with_404() {
    let t = TestSandbox::start().await;
    let missing = "99999999-9999-4999-8999-999999999999";
    let answer = t.get("admin", &format!("contacts({missing})")).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error_code(), "0x80040217");
    assert_eq!(answer.error_message(), format!("contact With Id = {missing} Does Not Exist"));
    assert_eq!(t.delete("admin", &format!("contacts({missing})")).await.status, 404);
}

#[tokio::test]
async fn conditional_get_answers_304_for_the_current_etag() {
    let t = TestSandbox::start().await;
    let row = t.get("admin", &format!("contacts({MARIA})")).await;
    let etag = row.body["@odata.etag"].as_str().unwrap().to_string();
    let answer =
        send(t.request(Method::GET, "admin", &format!("contacts({MARIA})")).header("If-None-Match", &etag)).await;
    assert_eq!(answer.status, 304);
    let answer =
        send(t.request(Method::GET, "admin", &format!("contacts({MARIA})")).header("If-None-Match", "null")).await;
    assert_eq!(answer.status, 200, "If-None-Match: null only defeats caches");
}

#[tokio::test]
async fn update_changes_columns_and_bumps_the_version() {
    let t = TestSandbox::start().await;
    let before = t.get("sam", &format!("contacts({MARIA})")).await;
    let answer = t
        .patch("sam", &format!("contacts({MARIA})"), json!({"jobtitle": "Head of Purchasing", "telephone1": null}))
        .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert!(answer.header("OData-EntityId").unwrap().ends_with(&format!("contacts({MARIA})")));
    let after = t.get("sam", &format!("contacts({MARIA})")).await;
    assert_eq!(after.body["jobtitle"], "Head of Purchasing");
    assert_eq!(after.body["firstname"], "Maria", "columns not sent are left alone");
    assert!(after.body["versionnumber"].as_i64() > before.body["versionnumber"].as_i64());
    assert_eq!(after.body["_modifiedby_value"], SAM);
}

#[tokio::test]
async fn update_with_return_representation_answers_200() {
    let t = TestSandbox::start().await;
    let answer = send(
        t.request(Method::PATCH, "sam", &format!("contacts({MARIA})?$select=jobtitle"))
            .header("Prefer", "return=representation")
            .json(&json!({"jobtitle": "Buyer"})),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["jobtitle"], "Buyer");
    assert_eq!(answer.body["contactid"], MARIA);
}

#[tokio::test]
async fn patch_on_a_missing_id_creates_the_row() {
    let t = TestSandbox::start().await;
    let id = "22222222-2222-4222-8222-222222222222";
    let answer = t.patch("sam", &format!("accounts({id})"), json!({"name": "Upserted"})).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert!(answer.header("OData-EntityId").unwrap().ends_with(&format!("accounts({id})")));
    let row = t.get("sam", &format!("accounts({id})")).await;
    assert_eq!(row.body["name"], "Upserted");
    assert_eq!(row.body["_ownerid_value"], SAM);
    let repr = send(
        t.request(Method::PATCH, "sam", "accounts(33333333-3333-4333-8333-333333333333)")
            .header("Prefer", "return=representation")
            .json(&json!({"name": "Upserted too"})),
    )
    .await;
    assert_eq!(repr.status, 201, "an upsert that creates answers 201 with the row");
}

#[tokio::test]
async fn if_match_star_prevents_the_create_and_if_none_match_star_prevents_the_update() {
    let t = TestSandbox::start().await;
    let missing = "44444444-4444-4444-8444-444444444444";
    let answer = send(
        t.request(Method::PATCH, "sam", &format!("accounts({missing})"))
            .header("If-Match", "*")
            .json(&json!({"name": "x"})),
    )
    .await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error_code(), "0x80040217");
    assert_eq!(t.get("admin", &format!("accounts({missing})")).await.status, 404, "nothing was created");

    let answer = send(
        t.request(Method::PATCH, "sam", &format!("accounts({CONTOSO})"))
            .header("If-None-Match", "*")
            .json(&json!({"name": "x"})),
    )
    .await;
    assert_eq!(answer.status, 412);
    assert_eq!(answer.error_message(), "A record with matching key values already exists.");
    assert_eq!(
        t.get("admin", &format!("accounts({CONTOSO})")).await.body["name"],
        "Contoso Ltd",
        "nothing was updated"
    );

    let created = send(
        t.request(Method::PATCH, "sam", &format!("accounts({missing})"))
            .header("If-None-Match", "*")
            .json(&json!({"name": "new"})),
    )
    .await;
    assert_eq!(created.status, 204);
    let updated = send(
        t.request(Method::PATCH, "sam", &format!("accounts({CONTOSO})"))
            .header("If-Match", "*")
            .json(&json!({"name": "Contoso"})),
    )
    .await;
    assert_eq!(updated.status, 204);
}

#[tokio::test]
async fn a_stale_etag_is_412_and_the_current_one_works() {
    let t = TestSandbox::start().await;
    let path = format!("contacts({MARIA})");
    let stale = t.get("sam", &path).await.body["@odata.etag"].as_str().unwrap().to_string();
    assert_eq!(t.patch("sam", &path, json!({"jobtitle": "first"})).await.status, 204);
    let answer =
        send(t.request(Method::PATCH, "sam", &path).header("If-Match", &stale).json(&json!({"jobtitle": "second"})))
            .await;
    assert_eq!(answer.status, 412);
    assert_eq!(answer.error_code(), "0x80060882");
    assert_eq!(
        answer.error_message(),
        "The version of the existing record doesn't match the RowVersion property provided."
    );
    assert_eq!(t.get("sam", &path).await.body["jobtitle"], "first");

    let current = t.get("sam", &path).await.body["@odata.etag"].as_str().unwrap().to_string();
    let answer =
        send(t.request(Method::PATCH, "sam", &path).header("If-Match", &current).json(&json!({"jobtitle": "second"})))
            .await;
    assert_eq!(answer.status, 204);

    let account = format!("accounts({CONTOSO})");
    let stale = t.get("sam", &account).await.body["@odata.etag"].as_str().unwrap().to_string();
    t.patch("sam", &account, json!({"name": "Contoso 2"})).await;
    let answer = send(t.request(Method::DELETE, "sam", &account).header("If-Match", &stale)).await;
    assert_eq!(answer.status, 412, "a stale ETag also stops a delete");
    assert_eq!(t.get("sam", &account).await.status, 200);
}

#[tokio::test]
async fn delete_answers_204_and_clears_lookups_to_the_row() {
    let t = TestSandbox::start().await;
    let answer = t.delete("admin", &format!("accounts({CONTOSO})")).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(t.get("admin", &format!("accounts({CONTOSO})")).await.status, 404);
    let maria = t.get("admin", &format!("contacts({MARIA})")).await;
    assert_eq!(maria.body["_parentcustomerid_value"], serde_json::Value::Null);
}

#[tokio::test]
async fn odata_bind_sets_and_clears_lookups() {
    let t = TestSandbox::start().await;
    let id = t
        .create(
            "sam",
            "contacts",
            json!({"lastname": "Bound", "parentcustomerid_account@odata.bind": format!("/accounts({CONTOSO})")}),
        )
        .await;
    let row = t.get("sam", &format!("contacts({id})?$select=_parentcustomerid_value")).await;
    assert_eq!(row.body["_parentcustomerid_value"], CONTOSO);

    let full_url = format!("{}/api/data/v9.2/contacts({MARIA})", t.base_url);
    assert_eq!(
        t.patch("sam", &format!("contacts({id})"), json!({"parentcustomerid_contact@odata.bind": full_url}))
            .await
            .status,
        204
    );
    assert_eq!(t.get("sam", &format!("contacts({id})")).await.body["_parentcustomerid_value"], MARIA);

    assert_eq!(
        t.patch("sam", &format!("contacts({id})"), json!({"parentcustomerid_contact@odata.bind": null})).await.status,
        204
    );
    assert_eq!(t.get("sam", &format!("contacts({id})")).await.body["_parentcustomerid_value"], serde_json::Value::Null);

    let task = t
        .create(
            "admin",
            "tasks",
            json!({"subject": "s", "regardingobjectid_account_task@odata.bind": format!("accounts({FABRIKAM})")}),
        )
        .await;
    assert_eq!(t.get("admin", &format!("tasks({task})")).await.body["_regardingobjectid_value"], FABRIKAM);
}

#[tokio::test]
async fn binding_a_missing_row_is_404() {
    let t = TestSandbox::start().await;
    let missing = "55555555-5555-4555-8555-555555555555";
    let answer = t
        .post("sam", "contacts", json!({"parentcustomerid_account@odata.bind": format!("/accounts({missing})")}))
        .await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error_message(), format!("account With Id = {missing} Does Not Exist"));
}

#[tokio::test]
async fn assigning_through_ownerid_moves_the_row_and_its_business_unit() {
    let t = TestSandbox::start().await;
    let answer = t
        .patch("admin", &format!("contacts({NANCY})"), json!({"ownerid@odata.bind": format!("/systemusers({SAM})")}))
        .await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let row = t.get("admin", &format!("contacts({NANCY})")).await;
    assert_eq!(row.body["_ownerid_value"], SAM);
    assert_eq!(row.body["_owningbusinessunit_value"], SALES_BU);
    assert_eq!(t.get("sam", &format!("contacts({NANCY})")).await.status, 200, "sam now owns it");
}

#[tokio::test]
async fn bad_bodies_are_400_saying_what_is_wrong() {
    let t = TestSandbox::start().await;
    let cases = [
        (json!({"nickname": "x"}), "The property 'nickname' does not exist on type 'Microsoft.Dynamics.CRM.contact'"),
        (json!({"numberofchildren": "two"}), "expected a whole number"),
        (json!({"preferredcontactmethodcode": 42}), "Accepted Values: 1,2,3,4,5"),
        (json!({"firstname": "x".repeat(51)}), "exceeded the maximum allowed length of '50'"),
        (json!({"birthdate": "last tuesday"}), "is not a date-time"),
        (json!({"_parentcustomerid_value": CONTOSO}), "Use Navigation properties"),
        (json!({"createdon": "2020-01-01"}), "set by the system"),
        (json!({"parentcustomerid@odata.bind": format!("/accounts({CONTOSO})")}), "typed navigation properties"),
        (json!({"parentcustomerid_account@odata.bind": format!("/contacts({MARIA})")}), "must point at accounts"),
        (json!([1, 2]), "must be a JSON object"),
    ];
    for (body, expected) in cases {
        let answer = t.post("admin", "contacts", body.clone()).await;
        assert_eq!(answer.status, 400, "{body}: {}", answer.body);
        assert_eq!(answer.error_code(), "0x80048d19", "{body}");
        assert!(answer.error_message().contains(expected), "{body}: {}", answer.error_message());
    }
    let answer = send(
        t.request(Method::POST, "admin", "contacts")
            .header("Content-Type", "application/json")
            .body("{\"firstname\": "),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.error_message().contains("not valid JSON") && answer.error_message().contains("line 1"),
        "{}",
        answer.error_message()
    );
    let answer = send(t.request(Method::POST, "admin", "contacts")).await;
    assert!(answer.error_message().contains("body is empty"));
}

#[tokio::test]
async fn unknown_resources_methods_and_keys_are_refused() {
    let t = TestSandbox::start().await;
    let answer = t.get("admin", "contactz").await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.error_message(), "Resource not found for the segment 'contactz'.");
    let answer = send(t.request(Method::PUT, "admin", "contacts")).await;
    assert_eq!(answer.status, 405);
    let answer = t.get("admin", "contacts(42)").await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("expected a GUID"));
    let answer = t.get("admin", &format!("contacts({MARIA})/fullname")).await;
    assert_eq!(answer.status, 501);
    let answer = t.get("admin", &format!("contacts({MARIA})?$filter=firstname eq 'x'")).await;
    assert_eq!(answer.status, 400, "collection options on a single row");
}

#[tokio::test]
async fn the_service_document_lists_entity_sets() {
    let t = TestSandbox::start().await;
    let answer = t.get("nora", "").await;
    assert_eq!(answer.status, 200);
    let names: Vec<&str> =
        answer.body["value"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"contacts") && names.contains(&"systemusers"), "{names:?}");
}

#[tokio::test]
async fn concurrent_writes_all_land_with_distinct_versions() {
    let t = std::sync::Arc::new(TestSandbox::start().await);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            let answer = send(
                t.request(Method::POST, if i % 2 == 0 { "admin" } else { "sam" }, "tasks")
                    .header("Prefer", "return=representation")
                    .json(&json!({"subject": format!("parallel {i}")})),
            )
            .await;
            assert_eq!(answer.status, 201, "{}", answer.body);
            answer.body["versionnumber"].as_i64().unwrap()
        }));
    }
    let mut versions = Vec::new();
    for task in tasks {
        versions.push(task.await.unwrap());
    }
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(versions.len(), 40);
    let answer = t.get("admin", "tasks?$filter=startswith(subject,'parallel')&$count=true").await;
    assert_eq!(answer.body["@odata.count"], 40);
}
