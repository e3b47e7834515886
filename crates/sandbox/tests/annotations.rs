//! `Prefer: odata.include-annotations`: formatted values and lookup annotations, as the Power
//! Automate connector asks for them and as flows read them.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

const ALL: &str = "odata.include-annotations=\"*\"";
const FV: &str = "@OData.Community.Display.V1.FormattedValue";

#[tokio::test]
async fn a_row_carries_labels_names_and_formatted_numbers_when_asked() {
    let t = TestSandbox::start().await;
    let maria = send(t.request(Method::GET, "admin", &format!("contacts({MARIA})")).header("Prefer", ALL)).await;
    assert_eq!(maria.status, 200, "{}", maria.body);
    let b = &maria.body;
    assert_eq!(b[format!("preferredcontactmethodcode{FV}")], "Email");
    assert_eq!(b[format!("donotemail{FV}")], "No");
    assert_eq!(b[format!("numberofchildren{FV}")], "2");
    assert_eq!(b[format!("creditlimit{FV}")], "$5,000.00");
    assert_eq!(b[format!("birthdate{FV}")], "4/12/1985 12:00 AM");
    assert_eq!(b[format!("_parentcustomerid_value{FV}")], "Contoso Ltd");
    assert_eq!(b["_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"], "account");
    assert_eq!(b["_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"], "parentcustomerid_account");
    assert_eq!(b[format!("_ownerid_value{FV}")], "Sam Seller");
    assert_eq!(b["_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"], "systemuser");
    assert_eq!(b["_ownerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty"], "ownerid");
    assert_eq!(b["_createdby_value@Microsoft.Dynamics.CRM.associatednavigationproperty"], "createdby");
    assert!(b.get(format!("emailaddress1{FV}")).is_none(), "text has no formatted value");
    assert_eq!(maria.header("preference-applied"), Some(ALL));

    let plain = t.get("admin", &format!("contacts({MARIA})")).await;
    assert!(plain.body.as_object().unwrap().keys().all(|k| !k.contains('@') || k == "@odata.context" || k == "@odata.etag"), "{}", plain.body);
}

#[tokio::test]
async fn only_the_annotations_asked_for_come_back_on_lists_and_writes() {
    let t = TestSandbox::start().await;
    let list = send(
        t.request(Method::GET, "admin", "accounts?$select=name,industrycode,revenue,_primarycontactid_value&$orderby=name")
            .header("Prefer", "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\""),
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.body);
    let contoso = list.body["value"].as_array().unwrap().iter().find(|a| a["name"] == "Contoso Ltd").unwrap();
    assert_eq!(contoso[format!("revenue{FV}")], "$1,500,000.50");
    assert!(contoso.get("name@OData.Community.Display.V1.FormattedValue").is_none());
    assert!(contoso.as_object().unwrap().keys().all(|k| !k.contains("lookuplogicalname")), "{contoso}");
    assert!(contoso.get(format!("numberofemployees{FV}")).is_none(), "not selected, not annotated");

    let created = send(
        t.request(Method::POST, "sam", "contacts")
            .header("Prefer", format!("return=representation,{ALL}"))
            .json(&json!({ "lastname": "Annotated", "parentcustomerid_account@odata.bind": format!("/accounts({CONTOSO})") })),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body[format!("_parentcustomerid_value{FV}")], "Contoso Ltd");
    assert_eq!(created.body[format!("_createdby_value{FV}")], "Sam Seller");
}
