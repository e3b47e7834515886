//! Exporter rule E2: a connection reference a flow uses but customizations.xml lacks is declared
//! on write, by splicing it in; with nothing missing the file stays byte-identical.

use std::io::{Cursor, Write};

use flowbench_core::solution::{PackageLayout, Solution};
use flowbench_core::Flow;
use serde_json::json;
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

const ID: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

fn flow_without_references() -> Flow {
    Flow::from_value(json!({
        "properties": {
            "connectionReferences": {},
            "definition": {
                "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
                "contentVersion": "1.0.0.0",
                "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
                "actions": {}
            }
        },
        "schemaVersion": "1.0.0.0"
    }))
    .unwrap()
}

fn add_reference(solution: &mut Solution, key: &str, logical_name: &str, api: Option<&str>) {
    let flow = &mut solution.flows_mut()[0].flow;
    let mut entry = json!({ "runtimeSource": "embedded", "connection": { "connectionReferenceLogicalName": logical_name } });
    if let Some(api) = api {
        entry["api"] = json!({ "name": api });
    }
    flow.connection_references_mut().unwrap().insert(key.into(), entry);
}

fn customizations(solution: &Solution) -> String {
    let path = match solution.layout() {
        PackageLayout::Zip => "customizations.xml",
        PackageLayout::Folder => "Other/Customizations.xml",
    };
    String::from_utf8(solution.entry(path).unwrap().bytes.clone()).unwrap()
}

fn declaration(logical_name: &str, api: &str, indent: &str) -> String {
    let inner = format!("\r\n{indent}  ");
    format!(
        "<connectionreference connectionreferencelogicalname=\"{logical_name}\">\
         {inner}<connectionreferencedisplayname>{logical_name}</connectionreferencedisplayname>\
         {inner}<connectorid>/providers/Microsoft.PowerApps/apis/{api}</connectorid>\
         {inner}<iscustomizable>1</iscustomizable>\
         {inner}<statecode>0</statecode>\
         {inner}<statuscode>1</statuscode>\
         \r\n{indent}</connectionreference>"
    )
}

fn with_customizations(solution: &Solution, text: &str) -> Solution {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for entry in solution.entries() {
        writer.start_file(entry.path.as_str(), SimpleFileOptions::default()).unwrap();
        let bytes = if entry.path == "customizations.xml" { text.as_bytes() } else { &entry.bytes[..] };
        writer.write_all(bytes).unwrap();
    }
    Solution::read_zip(&writer.finish().unwrap().into_inner()).unwrap()
}

#[test]
fn nothing_missing_leaves_customizations_byte_identical() {
    let solution = Solution::from_flow(flow_without_references(), "E2 test", ID, "fbx").unwrap();
    assert!(solution.undeclared_connection_references().unwrap().is_empty());
    let again = Solution::read_zip(&solution.write_zip().unwrap()).unwrap();
    assert_eq!(customizations(&again), customizations(&solution));
    assert!(!customizations(&solution).contains("connectionreferences"));
}

#[test]
fn a_missing_reference_goes_in_sorted_order_among_the_declared_ones() {
    let mut solution = Solution::from_flow(flow_without_references(), "E2 test", ID, "fbx").unwrap();
    add_reference(&mut solution, "shared_sharepointonline", "fbx_sharepoint", Some("shared_sharepointonline"));
    let base = Solution::read_zip(&solution.write_zip().unwrap()).unwrap();
    let original = customizations(&base);

    let mut edited = base.clone();
    add_reference(&mut edited, "shared_office365", "fbx_outlook", Some("shared_office365"));
    add_reference(&mut edited, "shared_teams", "fbx_teams", Some("shared_teams"));
    let missing: Vec<String> = edited.undeclared_connection_references().unwrap().into_iter().map(|m| m.logical_name).collect();
    assert_eq!(missing, ["fbx_outlook", "fbx_teams"]);

    let written = Solution::read_zip(&edited.write_zip().unwrap()).unwrap();
    let sharepoint = declaration("fbx_sharepoint", "shared_sharepointonline", "    ");
    let expected = original.replace(
        &sharepoint,
        &format!(
            "{}\r\n    {sharepoint}\r\n    {}",
            declaration("fbx_outlook", "shared_office365", "    "),
            declaration("fbx_teams", "shared_teams", "    ")
        ),
    );
    assert_ne!(expected, original);
    assert_eq!(customizations(&written), expected);
    let declared: Vec<&str> = written.connection_references().iter().map(|r| r.logical_name.as_str()).collect();
    assert_eq!(declared, ["fbx_outlook", "fbx_sharepoint", "fbx_teams"]);
    assert!(written.undeclared_connection_references().unwrap().is_empty());
}

#[test]
fn without_a_connectionreferences_element_one_is_added_before_languages() {
    let mut solution = Solution::from_flow(flow_without_references(), "E2 test", ID, "fbx").unwrap();
    let original = customizations(&solution);
    add_reference(&mut solution, "shared_commondataserviceforapps", "fbx_dataverse", Some("shared_commondataserviceforapps"));
    let written = Solution::read_zip(&solution.write_zip().unwrap()).unwrap();
    let block = format!(
        "<connectionreferences>\r\n    {}\r\n  </connectionreferences>\r\n  ",
        declaration("fbx_dataverse", "shared_commondataserviceforapps", "    ")
    );
    assert_eq!(customizations(&written), original.replace("<Languages>", &format!("{block}<Languages>")));
}

#[test]
fn an_empty_connectionreferences_element_is_filled() {
    let solution = Solution::from_flow(flow_without_references(), "E2 test", ID, "fbx").unwrap();
    let original = customizations(&solution).replace("  <Languages>", "  <connectionreferences />\r\n  <Languages>");
    let mut solution = with_customizations(&solution, &original);
    add_reference(&mut solution, "shared_x", "fbx_x", Some("shared_x"));
    let written = Solution::read_zip(&solution.write_zip().unwrap()).unwrap();
    let filled = format!("<connectionreferences>\r\n    {}\r\n  </connectionreferences>", declaration("fbx_x", "shared_x", "    "));
    assert_eq!(customizations(&written), original.replace("<connectionreferences />", &filled));
}

#[test]
fn the_connector_comes_from_an_action_when_the_reference_names_no_api() {
    let mut solution = Solution::from_flow(flow_without_references(), "E2 test", ID, "fbx").unwrap();
    add_reference(&mut solution, "shared_office365", "fbx_outlook", None);
    let orphan_error = solution.write_zip().unwrap_err();
    assert_eq!(orphan_error.code(), "solution.connection_reference", "{orphan_error}");
    assert!(orphan_error.to_string().contains("fbx_outlook"), "{orphan_error}");

    let flow = &mut solution.flows_mut()[0].flow;
    let action = Flow::from_value(json!({
        "properties": { "connectionReferences": {}, "definition": { "triggers": {}, "actions": {
            "Send": { "type": "OpenApiConnection", "runAfter": {}, "inputs": { "host": {
                "apiId": "/providers/Microsoft.PowerApps/apis/shared_office365",
                "connectionName": "shared_office365",
                "operationId": "SendEmailV2"
            } } }
        } } },
        "schemaVersion": "1.0.0.0"
    }))
    .unwrap()
    .actions
    .remove(0);
    flow.actions.push(action);
    let written = Solution::read_zip(&solution.write_zip().unwrap()).unwrap();
    let reference = &written.connection_references()[0];
    assert_eq!(reference.connector_id.as_deref(), Some("/providers/Microsoft.PowerApps/apis/shared_office365"));
}

#[test]
fn the_unpacked_layout_declares_in_other_customizations_xml() {
    let solution = Solution::from_flow(flow_without_references(), "E2 test", ID, "fbx").unwrap();
    let temp = tempfile::tempdir().unwrap();
    solution.write_folder(temp.path().join("a")).unwrap();
    let mut unpacked = Solution::read_folder(temp.path().join("a")).unwrap();
    add_reference(&mut unpacked, "shared_x", "fbx_x", Some("shared_x"));
    unpacked.write_folder(temp.path().join("b")).unwrap();
    let written = Solution::read_folder(temp.path().join("b")).unwrap();
    assert!(customizations(&written).contains("connectionreferencelogicalname=\"fbx_x\""));
    assert!(customizations(&written).contains("<Workflows />"));
    assert_eq!(written.connection_references()[0].logical_name, "fbx_x");
    let zipped = Solution::read_zip(&unpacked.write_zip().unwrap()).unwrap();
    assert_eq!(zipped.connection_references()[0].logical_name, "fbx_x");
    assert_eq!(zipped.flows()[0].workflow_id(), Some(ID));
}
