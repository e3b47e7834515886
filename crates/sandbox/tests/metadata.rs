//! `EntityDefinitions`: tables and columns for the designer's pickers.

mod common;

use common::TestSandbox;

#[tokio::test]
async fn lists_tables_with_their_entity_set_and_primary_columns() {
    let t = TestSandbox::start().await;
    let answer = t.get("nora", "EntityDefinitions").await;
    assert_eq!(answer.status, 200, "any signed-in user reads metadata: {}", answer.body);
    let contact = answer.body["value"].as_array().unwrap().iter().find(|e| e["LogicalName"] == "contact").unwrap();
    assert_eq!(contact["EntitySetName"], "contacts");
    assert_eq!(contact["PrimaryIdAttribute"], "contactid");
    assert_eq!(contact["PrimaryNameAttribute"], "fullname");
    assert!(contact.get("Attributes").is_none(), "attributes only with $expand");
}

#[tokio::test]
async fn one_table_with_its_columns_types_lookup_targets_and_choices() {
    let t = TestSandbox::start().await;
    let answer = t.get("sam", "EntityDefinitions(LogicalName='contact')?$expand=Attributes").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let attributes = answer.body["Attributes"].as_array().unwrap();
    let find = |name: &str| attributes.iter().find(|a| a["LogicalName"] == name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(find("fullname")["AttributeType"], "String");
    assert_eq!(find("parentcustomerid")["AttributeType"], "Lookup");
    assert_eq!(find("parentcustomerid")["Targets"], serde_json::json!(["account", "contact"]));
    assert_eq!(find("preferredcontactmethodcode")["AttributeType"], "Picklist");
    let options = &find("preferredcontactmethodcode")["OptionSet"]["Options"];
    assert_eq!(options[0]["Value"], 1);
    assert_eq!(options[0]["Label"]["UserLocalizedLabel"]["Label"], "Any", "labels as Dataverse gives them");
    assert_eq!(find("createdby")["IsValidForCreate"], false);

    let choices = t.get("sam", "EntityDefinitions(LogicalName='contact')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet").await;
    assert_eq!(choices.status, 200, "{}", choices.body);
    let names: Vec<&str> = choices.body["value"].as_array().unwrap().iter().filter_map(|a| a["LogicalName"].as_str()).collect();
    assert!(names.contains(&"preferredcontactmethodcode") && !names.contains(&"fullname"), "{names:?}");

    let just_columns = t.get("sam", "EntityDefinitions(LogicalName='account')/Attributes").await;
    assert!(just_columns.body["value"].as_array().unwrap().iter().any(|a| a["LogicalName"] == "primarycontactid"));

    let missing = t.get("sam", "EntityDefinitions(LogicalName='invoice')").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error"]["code"], "0x80040217");
}

#[tokio::test]
async fn metadata_needs_a_token_too() {
    let t = TestSandbox::start().await;
    let answer = t.client.get(format!("{}/api/data/v9.2/EntityDefinitions", t.base_url)).send().await.unwrap();
    assert_eq!(answer.status(), 401);
}
