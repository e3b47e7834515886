//! Relationships over HTTP: associate and disassociate through `$ref` from either side, with
//! Append/AppendTo checks and Dataverse's errors; `$expand` of single- and collection-valued
//! navigation properties, with related rows out of the caller's reach left out; and the
//! relationships in EntityDefinitions.

mod common;

use common::*;
use flowbench_sandbox::Scenario;
use reqwest::Method;
use serde_json::{json, Value as Json};

async fn put(t: &TestSandbox, persona: &str, path: &str, body: Json) -> Answer {
    send(t.request(Method::PUT, persona, path).json(&body)).await
}

async fn parent_of(t: &TestSandbox, contact: &str) -> Json {
    let row = t.get("admin", &format!("contacts({contact})?$select=_parentcustomerid_value,_modifiedby_value")).await;
    assert_eq!(row.status, 200, "{}", row.body);
    row.body
}

#[tokio::test]
async fn a_collection_valued_ref_relates_and_unrelates_a_contact_from_the_account_side() {
    let t = TestSandbox::start().await;
    let contact = t.create("sam", "contacts", json!({"lastname": "Related"})).await;
    let before = t.get("sam", &format!("contacts({contact})")).await.body["versionnumber"].as_i64().unwrap();

    // An absolute URL, as clients send it.
    let uri = t.url(&format!("contacts({contact})"));
    let answer = t.post("sam", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref"), json!({"@odata.id": uri})).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let row = t.get("sam", &format!("contacts({contact})")).await.body;
    assert_eq!(row["_parentcustomerid_value"], CONTOSO);
    assert_eq!(row["_modifiedby_value"], SAM);
    assert!(row["versionnumber"].as_i64().unwrap() > before, "the write gets a new version");

    let listed = t.get("sam", &format!("accounts({CONTOSO})?$select=name&$expand=contact_customer_accounts($select=lastname)")).await;
    let related: Vec<&str> = listed.body["contact_customer_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["contactid"].as_str().unwrap())
        .collect();
    assert!(related.contains(&contact.as_str()) && related.contains(&MARIA), "{related:?}");

    // By key in the path…
    let answer = t.delete("sam", &format!("accounts({CONTOSO})/contact_customer_accounts({contact})/$ref")).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(parent_of(&t, &contact).await["_parentcustomerid_value"], Json::Null);

    // …and by $id, relative this time.
    t.post("sam", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref"), json!({"@odata.id": format!("contacts({contact})")})).await;
    assert_eq!(parent_of(&t, &contact).await["_parentcustomerid_value"], CONTOSO);
    let answer = t.delete("sam", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref?$id=contacts({contact})")).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(parent_of(&t, &contact).await["_parentcustomerid_value"], Json::Null);
}

#[tokio::test]
async fn a_single_valued_ref_sets_and_clears_the_lookup_from_the_contact_side() {
    let t = TestSandbox::start().await;
    let contact = t.create("sam", "contacts", json!({"lastname": "Single"})).await;
    let answer = put(&t, "sam", &format!("contacts({contact})/parentcustomerid_account/$ref"), json!({"@odata.id": format!("accounts({CONTOSO})")})).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(parent_of(&t, &contact).await["_parentcustomerid_value"], CONTOSO);

    // The other typed property of the polymorphic lookup does not clear the account.
    let answer = t.delete("sam", &format!("contacts({contact})/parentcustomerid_contact/$ref")).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(parent_of(&t, &contact).await["_parentcustomerid_value"], CONTOSO);

    let answer = t.delete("sam", &format!("contacts({contact})/parentcustomerid_account/$ref")).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    assert_eq!(parent_of(&t, &contact).await["_parentcustomerid_value"], Json::Null);

    // A contact's parent can be a contact too, through the other relationship.
    let answer = t.post("sam", &format!("contacts({MARIA})/contact_customer_contacts/$ref"), json!({"@odata.id": format!("contacts({contact})")})).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let row = t.get("sam", &format!("contacts({contact})?$select=fullname&$expand=parentcustomerid_contact($select=fullname)")).await;
    assert_eq!(row.body["parentcustomerid_contact"]["fullname"], "Maria Campbell", "{}", row.body);
}

#[tokio::test]
async fn relating_needs_append_on_the_row_written_and_append_to_on_the_row_pointed_at() {
    let t = TestSandbox::start().await;
    let relate = |persona: &'static str, account: &'static str, contact: &'static str| {
        let t = &t;
        async move {
            t.post(persona, &format!("accounts({account})/contact_customer_accounts/$ref"), json!({"@odata.id": format!("contacts({contact})")}))
                .await
        }
    };
    // Audrey reads everything and appends nothing.
    let answer = relate("audrey", CONTOSO, MARIA).await;
    assert_eq!((answer.status, answer.error_code()), (403, "0x80040220"), "{}", answer.body);
    assert!(answer.error_message().contains("is missing prvAppendContact privilege"), "{}", answer.error_message());

    // Sam appends only his own contacts (Basic); Thomas is Nora's.
    let answer = relate("sam", CONTOSO, THOMAS).await;
    assert_eq!((answer.status, answer.error_code()), (403, "0x80048306"), "{}", answer.body);
    assert!(answer.error_message().contains(&format!("ObjectID: {THOMAS}")), "{}", answer.error_message());
    assert!(answer.error_message().contains("AccessRights: AppendAccess"), "{}", answer.error_message());

    // Fabrikam is in the root business unit, out of Sam's Local AppendTo.
    let answer = relate("sam", FABRIKAM, MARIA).await;
    assert_eq!((answer.status, answer.error_code()), (403, "0x80048306"), "{}", answer.body);
    assert!(answer.error_message().contains("AccessRights: AppendToAccess"), "{}", answer.error_message());
    assert_eq!(parent_of(&t, MARIA).await["_parentcustomerid_value"], CONTOSO, "nothing changed");

    // The same checks guard the single-valued side and disassociating.
    let answer = put(&t, "sam", &format!("contacts({MARIA})/parentcustomerid_account/$ref"), json!({"@odata.id": format!("accounts({FABRIKAM})")})).await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    let answer = t.delete("sam", &format!("contacts({THOMAS})/parentcustomerid_account/$ref")).await;
    assert_eq!((answer.status, answer.error_code()), (403, "0x80048306"), "{}", answer.body);
    assert!(!parent_of(&t, THOMAS).await["_parentcustomerid_value"].is_null());
}

#[tokio::test]
async fn relating_without_the_append_to_privilege_names_it() {
    let mut scenario = builtin_json();
    let roles = scenario["roles"].as_array_mut().unwrap();
    let salesperson = roles.iter_mut().find(|r| r["name"] == "Salesperson").unwrap();
    salesperson["tablePrivileges"][1]["rights"] = json!(["Read"]);
    let grants = salesperson["tablePrivileges"].as_array_mut().unwrap();
    grants.push(json!({"tables": ["contact"], "rights": ["AppendTo"], "depth": "Local"}));
    let t = TestSandbox::start_with(Scenario::from_json(&scenario.to_string()).unwrap()).await;
    let answer = t.post("sam", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref"), json!({"@odata.id": format!("contacts({MARIA})")})).await;
    assert_eq!((answer.status, answer.error_code()), (403, "0x80040220"), "{}", answer.body);
    assert!(answer.error_message().contains("is missing prvAppendToAccount privilege"), "{}", answer.error_message());
}

#[tokio::test]
async fn missing_rows_unknown_properties_and_wrong_references_are_refused() {
    let t = TestSandbox::start().await;
    let missing = "a0000000-0000-4000-8000-0000000000ff";
    let answer = t.post("admin", &format!("accounts({missing})/contact_customer_accounts/$ref"), json!({"@odata.id": format!("contacts({MARIA})")})).await;
    assert_eq!((answer.status, answer.error_code()), (404, "0x80040217"), "{}", answer.body);
    assert_eq!(answer.error_message(), format!("account With Id = {missing} Does Not Exist"));
    let answer = t.post("admin", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref"), json!({"@odata.id": format!("contacts({missing})")})).await;
    assert_eq!((answer.status, answer.error_code()), (404, "0x80040217"), "{}", answer.body);
    assert_eq!(answer.error_message(), format!("contact With Id = {missing} Does Not Exist"));
    let answer = put(&t, "admin", &format!("contacts({missing})/parentcustomerid_account/$ref"), json!({"@odata.id": format!("accounts({CONTOSO})")})).await;
    assert_eq!(answer.status, 404, "{}", answer.body);

    let answer = t.post("admin", &format!("accounts({CONTOSO})/contact_customers/$ref"), json!({"@odata.id": format!("contacts({MARIA})")})).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_message(), "Could not find a property named 'contact_customers' on type 'Microsoft.Dynamics.CRM.account'.");
    let answer = t.post("admin", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref"), json!({"@odata.id": format!("accounts({FABRIKAM})")})).await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("relates contacts rows"), "{}", answer.error_message());
    let answer = t.post("admin", &format!("accounts({CONTOSO})/contact_customer_accounts/$ref"), json!({"id": MARIA})).await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("@odata.id"), "{}", answer.error_message());
    let answer = t.post("admin", &format!("contacts({MARIA})/parentcustomerid_account/$ref"), json!({"@odata.id": format!("accounts({CONTOSO})")})).await;
    assert_eq!(answer.status, 405, "POST is for collections; a single-valued property takes PUT");
    let answer = put(&t, "admin", &format!("contacts({MARIA})/createdby/$ref"), json!({"@odata.id": format!("systemusers({SAM})")})).await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("set by the system"), "{}", answer.error_message());
    let answer = t.get("admin", &format!("contacts({MARIA})/fullname")).await;
    assert_eq!(answer.status, 501, "property paths are not there yet");
}

#[tokio::test]
async fn expand_single_valued_returns_the_related_row_with_its_select() {
    let t = TestSandbox::start().await;
    let answer = t.get("sam", &format!("contacts({MARIA})?$select=fullname&$expand=parentcustomerid_account($select=name,accountnumber)")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let account = &answer.body["parentcustomerid_account"];
    assert_eq!(account["name"], "Contoso Ltd");
    assert_eq!(account["accountid"], CONTOSO);
    assert!(account["@odata.etag"].as_str().unwrap().starts_with("W/\""));
    assert!(account.get("revenue").is_none(), "only the selected columns: {account}");
    assert!(
        answer.body["@odata.context"].as_str().unwrap().ends_with("$metadata#contacts(fullname,parentcustomerid_account(name,accountnumber))/$entity"),
        "{}",
        answer.body["@odata.context"]
    );
    // Maria's parent is an account, so the contact-typed property is null.
    let answer = t.get("sam", &format!("contacts({MARIA})?$expand=parentcustomerid_contact,createdby($select=fullname)")).await;
    assert_eq!(answer.body["parentcustomerid_contact"], Json::Null);
    assert_eq!(answer.body["createdby"]["fullname"], "Sam Seller", "{}", answer.body);
}

#[tokio::test]
async fn expand_leaves_out_related_rows_the_caller_cannot_read() {
    let t = TestSandbox::start().await;
    // Yvonne (the Sales Team's, which Sam is in) now points at Fabrikam, out of Sam's reach.
    let answer = t.patch("admin", &format!("contacts({YVONNE})"), json!({"parentcustomerid_account@odata.bind": format!("/accounts({FABRIKAM})")})).await;
    assert_eq!(answer.status, 204, "{}", answer.body);
    let path = format!("contacts({YVONNE})?$select=fullname&$expand=parentcustomerid_account($select=name)");
    assert_eq!(t.get("sam", &path).await.body["parentcustomerid_account"], Json::Null);
    assert_eq!(t.get("admin", &path).await.body["parentcustomerid_account"]["name"], "Fabrikam Inc");

    // A contact of Contoso that admin owns in the root business unit: Sam does not see it.
    let hidden = t.create("admin", "contacts", json!({"lastname": "Hidden", "parentcustomerid_account@odata.bind": format!("/accounts({CONTOSO})")})).await;
    let path = format!("accounts({CONTOSO})?$expand=contact_customer_accounts($select=lastname)");
    let ids = |answer: &Answer| -> Vec<String> {
        answer.body["contact_customer_accounts"].as_array().unwrap().iter().map(|c| c["contactid"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&t.get("sam", &path).await), vec![MARIA.to_string()]);
    let as_admin = ids(&t.get("admin", &path).await);
    assert!(as_admin.contains(&hidden) && as_admin.contains(&MARIA.to_string()), "{as_admin:?}");

    // No read privilege on the related table at all: the privilege error, as Dataverse answers.
    let answer = t.get("nora", "tasks(7a500000-0000-4000-8000-000000000002)?$expand=regardingobjectid_contact_task").await;
    assert_eq!((answer.status, answer.error_code()), (403, "0x80040220"), "{}", answer.body);
    assert!(answer.error_message().contains("prvReadContact"), "{}", answer.error_message());
}

#[tokio::test]
async fn expand_on_a_list_filters_orders_and_limits_each_collection() {
    let t = TestSandbox::start().await;
    for name in ["Alpha", "Beta", "Gamma"] {
        t.create("admin", "contacts", json!({"lastname": name, "parentcustomerid_account@odata.bind": format!("/accounts({FABRIKAM})")})).await;
    }
    let answer = t
        .get("admin", "accounts?$select=name&$filter=accountnumber eq 'FAB-002' or accountnumber eq 'CON-001'&$orderby=name&$expand=contact_customer_accounts($select=lastname;$filter=lastname ne 'Gamma';$orderby=lastname desc;$top=2),Account_Tasks($select=subject)")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let rows = answer.body["value"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["name"], "Contoso Ltd");
    let names = |row: &Json| -> Vec<String> {
        row["contact_customer_accounts"].as_array().unwrap().iter().map(|c| c["lastname"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&rows[0]), vec!["Campbell"]);
    assert_eq!(names(&rows[1]), vec!["Davolio", "Beta"], "Gamma filtered out, descending, two at most");
    assert_eq!(rows[1]["Account_Tasks"][0]["subject"], "Call Fabrikam about renewal");
    assert_eq!(rows[0]["Account_Tasks"], json!([]));
}

#[tokio::test]
async fn expand_errors_use_dataverse_s_messages() {
    let t = TestSandbox::start().await;
    let answer = t.get("sam", &format!("contacts({MARIA})?$expand=x")).await;
    assert_eq!((answer.status, answer.error_code()), (400, "0x80060888"));
    assert_eq!(answer.error_message(), "Could not find a property named 'x' on type 'Microsoft.Dynamics.CRM.contact'.");
    let answer = t.get("sam", "contacts?$expand=parentcustomerid_account($select=nickname)").await;
    assert_eq!(answer.status, 400);
    assert!(answer.error_message().contains("'nickname'"), "{}", answer.error_message());
    let answer = t.get("sam", "contacts?$expand=fullname").await;
    assert!(answer.error_message().contains("is not a navigation property"), "{}", answer.error_message());
}

#[tokio::test]
async fn expand_is_never_answered_with_304() {
    let t = TestSandbox::start().await;
    let row = t.get("sam", &format!("contacts({MARIA})")).await;
    let etag = row.body["@odata.etag"].as_str().unwrap().to_string();
    let plain = send(t.request(Method::GET, "sam", &format!("contacts({MARIA})")).header("If-None-Match", &etag)).await;
    assert_eq!(plain.status, 304);
    let expanded = send(
        t.request(Method::GET, "sam", &format!("contacts({MARIA})?$expand=parentcustomerid_account($select=name)")).header("If-None-Match", &etag),
    )
    .await;
    assert_eq!(expanded.status, 200);
}

#[tokio::test]
async fn entity_definitions_describe_both_sides_of_each_relationship() {
    let t = TestSandbox::start().await;
    let answer = t.get("nora", "EntityDefinitions(LogicalName='account')?$expand=OneToManyRelationships,ManyToOneRelationships").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let find = |list: &str, name: &str| -> Json {
        answer.body[list].as_array().unwrap().iter().find(|r| r["SchemaName"] == name).cloned().unwrap_or_else(|| panic!("no {name} in {list}"))
    };
    assert_eq!(
        find("OneToManyRelationships", "contact_customer_accounts"),
        json!({
            "SchemaName": "contact_customer_accounts", "RelationshipType": "OneToManyRelationship",
            "ReferencedEntity": "account", "ReferencedAttribute": "accountid",
            "ReferencingEntity": "contact", "ReferencingAttribute": "parentcustomerid",
            "ReferencedEntityNavigationPropertyName": "contact_customer_accounts",
            "ReferencingEntityNavigationPropertyName": "parentcustomerid_account",
            "IsCustomRelationship": false
        })
    );
    assert_eq!(find("OneToManyRelationships", "Account_Tasks")["ReferencingEntityNavigationPropertyName"], "regardingobjectid_account_task");
    assert_eq!(find("ManyToOneRelationships", "account_primary_contact")["ReferencedEntity"], "contact");
    assert!(answer.body["OneToManyRelationships"].as_array().unwrap().iter().all(|r| r["ReferencedEntity"] == "account"));

    let below = t.get("nora", "EntityDefinitions(LogicalName='contact')/ManyToOneRelationships").await;
    let names: Vec<&str> = below.body["value"].as_array().unwrap().iter().map(|r| r["SchemaName"].as_str().unwrap()).collect();
    assert!(names.contains(&"contact_customer_contacts") && names.contains(&"lk_contact_createdby"), "{names:?}");
}
