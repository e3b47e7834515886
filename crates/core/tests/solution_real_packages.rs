//! The real solution zips and flow files in `../shared/flows`: zip → zip, zip → folder → zip and
//! folder → folder keep every entry; a flow wrapped by `Solution::from_flow` reads back whole.
//! Skips, saying so, where `../shared` is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use flowbench_core::solution::{PackageLayout, Solution, SolutionEntry};
use flowbench_core::Flow;

mod common;
use common::files_with_extension;

fn shared_flows() -> Option<PathBuf> {
    common::shared_flows("the real solution packages are")
}

fn real_zips() -> Vec<(String, Vec<u8>)> {
    let Some(dir) = shared_flows() else { return Vec::new() };
    let zips: Vec<_> = files_with_extension(&dir, "zip")
        .into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    assert!(zips.len() >= 2, "expected the two real solution zips, found {}", zips.len());
    zips
}

fn paths(entries: &[SolutionEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.path.as_str()).collect()
}

/// Order-sensitive: serde_json keeps key order, and so does its text.
fn flow_texts(solution: &Solution) -> Vec<(String, String)> {
    solution.flows().iter().map(|f| (f.path().to_owned(), serde_json::to_string(&f.flow.to_json()).unwrap())).collect()
}

/// `<Default …/>` and `<Override …/>` items, which a regenerated manifest may list in another order.
fn content_type_items(bytes: &[u8]) -> BTreeSet<String> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    text.split("/>").filter(|s| s.contains("<Default") || s.contains("<Override")).map(|s| s.trim().to_owned()).collect()
}

#[test]
fn real_zips_round_trip_entry_for_entry() {
    for (name, bytes) in real_zips() {
        let solution = Solution::read_zip(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(solution.layout(), PackageLayout::Zip);
        assert_eq!(solution.flows().len(), 1, "{name}");
        let written = solution.write_zip().unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = Solution::read_zip(&written).unwrap_or_else(|e| panic!("{name} written: {e}"));

        assert_eq!(paths(again.entries()), paths(solution.entries()), "{name}: entries or their order changed");
        let flow_paths: Vec<&str> = solution.flows().iter().map(|f| f.path()).collect();
        for (before, after) in solution.entries().iter().zip(again.entries()) {
            if !flow_paths.contains(&before.path.as_str()) {
                assert!(before.bytes == after.bytes, "{name}: {} changed", before.path);
            }
        }
        assert_eq!(flow_texts(&again), flow_texts(&solution), "{name}: a flow changed");
        assert_eq!(again.manifest(), solution.manifest());
        assert_eq!(again.connection_references(), solution.connection_references());
        assert!(solution.undeclared_connection_references().unwrap().is_empty(), "{name}");
    }
}

#[test]
fn real_flow_files_are_pretty_json_with_crlf_as_the_writer_makes_them() {
    for (name, bytes) in real_zips() {
        let solution = Solution::read_zip(&bytes).unwrap();
        for flow in solution.flows() {
            let as_read = &solution.entry(flow.path()).unwrap().bytes;
            let reserialised = flow.flow.to_pretty_json().replace('\n', "\r\n");
            assert!(reserialised.as_bytes() == as_read.as_slice(), "{name}: {} is not what to_pretty_json gives", flow.path());
        }
    }
}

#[test]
fn real_zips_give_their_manifest_references_and_workflow_ids() {
    for (name, bytes) in real_zips() {
        let solution = Solution::read_zip(&bytes).unwrap();
        let manifest = solution.manifest();
        let flow = &solution.flows()[0];
        let references: Vec<&str> = solution.connection_references().iter().map(|r| r.logical_name.as_str()).collect();
        match name.as_str() {
            "SecurityRoleManagement.zip" => {
                assert_eq!(manifest.unique_name, "ManageSecurityRoles");
                assert_eq!(manifest.version, "1.0.0.0");
                assert!(!manifest.managed);
                assert_eq!(manifest.publisher.unique_name, "StuartBaxter");
                assert_eq!(manifest.publisher.customization_prefix, "sbax");
                assert_eq!(references, ["sbax_AADManageSecurityRoles", "sbax_DataverseManageSecurityRoles"]);
                let dataverse = &solution.connection_references()[1];
                assert_eq!(dataverse.display_name.as_deref(), Some("Dataverse Manage Security Roles"));
                assert_eq!(dataverse.connector_id.as_deref(), Some("/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"));
                assert_eq!(flow.workflow_id(), Some("c88347d4-93f9-ed11-8f6d-6045bd0cf003"));
                assert_eq!(flow.name(), Some("Add a new AAD Group and associated team"));
            }
            "create-folder-with-link-back-to-list.zip" => {
                assert_eq!(manifest.unique_name, "createfolderwithlinkbacktolist");
                assert_eq!(manifest.publisher.customization_prefix, "pnp");
                assert_eq!(references, ["pnp_sharedsharepointonline_eefbc"]);
                assert_eq!(flow.workflow_id(), Some("bd0b9cdf-bda3-f011-bbd3-0022480b4618"));
                assert_eq!(flow.name(), Some("Create folder with link back to list"));
            }
            other => eprintln!("{other}: no expectations written for it"),
        }
    }
}

#[test]
fn zip_to_folder_to_zip_keeps_every_flow_and_workflow_entry() {
    for (name, bytes) in real_zips() {
        let solution = Solution::read_zip(&bytes).unwrap();
        let temp = tempfile::tempdir().unwrap();
        let folder = temp.path().join("src");
        solution.write_folder(&folder).unwrap_or_else(|e| panic!("{name}: {e}"));

        // The unpacked layout of flow-format.md §1.4.
        let customizations = std::fs::read_to_string(folder.join("Other/Customizations.xml")).unwrap();
        assert!(customizations.contains("<Workflows />"), "{name}: {customizations}");
        assert!(!customizations.contains("<Workflow "), "{name}");
        assert!(folder.join("Other/Solution.xml").is_file());
        assert!(!folder.join("[Content_Types].xml").exists());
        for flow in solution.flows() {
            let data = std::fs::read_to_string(folder.join(format!("{}.data.xml", flow.path()))).unwrap();
            // Line endings follow customizations.xml: CRLF in one real zip, LF in the other.
            let data = data.trim_start_matches('\u{feff}').replace("\r\n", "\n");
            assert!(data.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Workflow WorkflowId=\"{"), "{name}: {data}");
            assert!(data.contains("xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <JsonFileName>"), "{name}: {data}");
            assert!(data.ends_with("\n</Workflow>"), "{name}: {data}");
        }

        let unpacked = Solution::read_folder(&folder).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(unpacked.layout(), PackageLayout::Folder);
        assert_eq!(flow_texts(&unpacked), flow_texts(&solution));
        let ids = |s: &Solution| s.flows().iter().map(|f| (f.workflow_id().map(str::to_owned), f.name().map(str::to_owned))).collect::<Vec<_>>();
        assert_eq!(ids(&unpacked), ids(&solution), "{name}");
        assert_eq!(unpacked.manifest(), solution.manifest());
        assert_eq!(unpacked.connection_references(), solution.connection_references());

        let packed = Solution::read_zip(&unpacked.write_zip().unwrap()).unwrap_or_else(|e| panic!("{name} packed: {e}"));
        assert_eq!(flow_texts(&packed), flow_texts(&solution));
        assert_eq!(ids(&packed), ids(&solution));
        // The Workflow elements go back exactly where and as they were.
        for part in ["customizations.xml", "solution.xml"] {
            assert!(packed.entry(part).unwrap().bytes == solution.entry(part).unwrap().bytes, "{name}: {part} changed");
        }
        let set = |s: &Solution| s.entries().iter().map(|e| e.path.clone()).collect::<BTreeSet<_>>();
        assert_eq!(set(&packed), set(&solution), "{name}");
        for entry in solution.entries() {
            let other = packed.entry(&entry.path).unwrap();
            if entry.path == "[Content_Types].xml" {
                assert_eq!(content_type_items(&other.bytes), content_type_items(&entry.bytes), "{name}");
            } else {
                assert!(other.bytes == entry.bytes, "{name}: {} changed", entry.path);
            }
        }
        let order = paths(packed.entries());
        assert_eq!(order[..2], ["customizations.xml", "solution.xml"]);
        assert_eq!(order.last(), Some(&"[Content_Types].xml"));
    }
}

#[test]
fn folder_to_folder_is_byte_identical() {
    for (name, bytes) in real_zips() {
        let temp = tempfile::tempdir().unwrap();
        let first = temp.path().join("first");
        let second = temp.path().join("second");
        Solution::read_zip(&bytes).unwrap().write_folder(&first).unwrap();
        Solution::read_folder(&first).unwrap().write_folder(&second).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tree = |root: &Path| {
            let solution = Solution::read_folder(root).unwrap();
            solution.entries().iter().map(|e| (e.path.clone(), e.bytes.clone())).collect::<Vec<_>>()
        };
        assert!(tree(&first) == tree(&second), "{name}: folder → folder changed something");
        let leftovers: Vec<_> = std::fs::read_dir(temp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "temporary folders were left behind: {leftovers:?}");
    }
}

#[test]
fn each_shared_flow_wrapped_by_from_flow_reads_back() {
    let Some(dir) = shared_flows() else { return };
    let files = files_with_extension(&dir, "json");
    assert!(files.len() >= 10, "expected the shared flows, found {}", files.len());
    for path in files {
        let file_name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let flow = Flow::parse(&text).unwrap();
        let expected_json = serde_json::to_string(&flow.to_json()).unwrap();
        let guid = &file_name[file_name.len() - 36..];
        let display = format!("Imported {}", &file_name[..file_name.len() - 37]);

        let solution = Solution::from_flow(flow, &display, guid, "fbx").unwrap_or_else(|e| panic!("{file_name}: {e}"));
        let zip = solution.write_zip().unwrap();
        let read = Solution::read_zip(&zip).unwrap_or_else(|e| panic!("{file_name}: {e}"));

        assert_eq!(paths(read.entries()), paths(solution.entries()));
        let entry_paths = paths(read.entries());
        let flow_path = format!("Workflows/{}-{}.json", display.replace([' ', '-'], ""), guid.to_uppercase());
        assert_eq!(entry_paths, ["customizations.xml", "solution.xml", flow_path.as_str(), "[Content_Types].xml"], "{file_name}");
        let wrapped = &read.flows()[0];
        assert_eq!(serde_json::to_string(&wrapped.flow.to_json()).unwrap(), expected_json, "{file_name}");
        assert_eq!(wrapped.workflow_id(), Some(guid.to_lowercase().as_str()));
        assert_eq!(wrapped.name(), Some(display.as_str()));
        assert_eq!(read.manifest().publisher.customization_prefix, "fbx");
        assert!(!read.manifest().managed);
        assert_eq!(read.manifest().version, "1.0.0.0");

        // Every reference the flow uses is declared, with its connector.
        let used: BTreeSet<(String, String)> = wrapped
            .flow
            .connection_references()
            .map(|refs| {
                refs.values()
                    .filter_map(|r| {
                        let logical = r.pointer("/connection/connectionReferenceLogicalName")?.as_str()?;
                        let api = r.pointer("/api/name")?.as_str()?;
                        Some((logical.to_owned(), format!("/providers/Microsoft.PowerApps/apis/{api}")))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let declared: BTreeSet<(String, String)> = read
            .connection_references()
            .iter()
            .map(|r| (r.logical_name.clone(), r.connector_id.clone().unwrap()))
            .collect();
        assert_eq!(declared, used, "{file_name}");
        assert!(read.undeclared_connection_references().unwrap().is_empty());

        let solution_xml = String::from_utf8(read.entry("solution.xml").unwrap().bytes.clone()).unwrap();
        assert!(solution_xml.contains(&format!("<RootComponent type=\"29\" id=\"{{{}}}\" behavior=\"0\" />\r\n", guid.to_lowercase())));
        let customizations = String::from_utf8(read.entry("customizations.xml").unwrap().bytes.clone()).unwrap();
        for element in [
            format!("<JsonFileName>/{flow_path}</JsonFileName>"),
            "<Type>1</Type>".into(),
            "<Category>5</Category>".into(),
            "<Scope>4</Scope>".into(),
            "<StateCode>1</StateCode>".into(),
            "<StatusCode>2</StatusCode>".into(),
            "<PrimaryEntity>none</PrimaryEntity>".into(),
        ] {
            assert!(customizations.contains(&element), "{file_name}: no {element}");
        }
        let flow_bytes = &read.entry(&flow_path).unwrap().bytes;
        assert!(flow_bytes.starts_with(b"{\r\n  \"properties\": {"), "{file_name}: written as CRLF pretty JSON");

        // The new solution survives the unpacked layout too.
        let temp = tempfile::tempdir().unwrap();
        read.write_folder(temp.path().join("src")).unwrap();
        let repacked = Solution::read_zip(&Solution::read_folder(temp.path().join("src")).unwrap().write_zip().unwrap()).unwrap();
        assert_eq!(paths(repacked.entries()), paths(read.entries()), "{file_name}");
        for entry in read.entries() {
            assert!(repacked.entry(&entry.path).unwrap().bytes == entry.bytes, "{file_name}: {} changed", entry.path);
        }
    }
}

#[test]
fn a_reference_missing_from_a_real_zip_is_spliced_in_and_nothing_else_changes() {
    for (name, bytes) in real_zips() {
        let mut solution = Solution::read_zip(&bytes).unwrap();
        let original = String::from_utf8(solution.entry("customizations.xml").unwrap().bytes.clone()).unwrap();
        let references = solution.flows_mut()[0].flow.connection_references_mut().unwrap();
        references.insert(
            "shared_office365".into(),
            serde_json::json!({
                "runtimeSource": "embedded",
                "connection": { "connectionReferenceLogicalName": "zz_added_outlook" },
                "api": { "name": "shared_office365" }
            }),
        );
        let written = Solution::read_zip(&solution.write_zip().unwrap()).unwrap();
        let text = String::from_utf8(written.entry("customizations.xml").unwrap().bytes.clone()).unwrap();
        let start = text.find("<connectionreference connectionreferencelogicalname=\"zz_added_outlook\">").unwrap();
        let end = text[start..].find("</connectionreference>").unwrap() + start + "</connectionreference>".len();
        let eol = if original.contains("\r\n") { "\r\n" } else { "\n" };
        // "zz_" sorts last: the new element follows the last declared one on a line of its own.
        let inserted = &text[start - eol.len() - 4..end];
        assert!(inserted.starts_with(&format!("{eol}    <connectionreference ")), "{name}: {inserted:?}");
        assert!(!inserted.replace(eol, "").contains('\r') && !inserted.replace(eol, "").contains('\n'), "{name}: mixed line endings");
        assert!(inserted.contains("<connectorid>/providers/Microsoft.PowerApps/apis/shared_office365</connectorid>"));
        assert_eq!(text.replacen(inserted, "", 1), original, "{name}: something else in customizations.xml changed");
        let declared: Vec<&str> = written.connection_references().iter().map(|r| r.logical_name.as_str()).collect();
        assert_eq!(declared.last(), Some(&"zz_added_outlook"), "{name}");
        assert_eq!(declared.len(), solution.connection_references().len() + 1);
    }
}
