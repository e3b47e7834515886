//! Hostile and broken packages, built here: each is refused with the error a UI can name, no
//! panic, and nothing written.

use std::io::{Cursor, Write};
use std::path::Path;

use flowbench_core::solution::{ReadLimits, Solution, SolutionError};
use flowbench_core::Flow;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const FLOW: &str = r#"{
  "properties": {
    "connectionReferences": {
      "shared_commondataserviceforapps": {
        "runtimeSource": "embedded",
        "connection": { "connectionReferenceLogicalName": "fbx_dataverse" },
        "api": { "name": "shared_commondataserviceforapps" }
      }
    },
    "definition": {
      "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
      "contentVersion": "1.0.0.0",
      "triggers": { "manual": { "type": "Request", "kind": "Button", "inputs": {} } },
      "actions": {}
    }
  },
  "schemaVersion": "1.0.0.0"
}"#;
const ID: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

fn build_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer.start_file(*name, SimpleFileOptions::default().compression_method(CompressionMethod::Deflated)).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A valid solution's entries, to which a test adds or swaps one.
fn valid_entries() -> Vec<(String, Vec<u8>)> {
    let solution = Solution::from_flow(Flow::parse(FLOW).unwrap(), "Hostile test", ID, "fbx").unwrap();
    solution.entries().iter().map(|e| (e.path.clone(), e.bytes.clone())).collect()
}

fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    build_zip(&borrowed)
}

/// Reads `zip` and, if that worked, writes it out as a folder; returns the error and checks
/// that nothing at all appeared next to the target.
fn read_and_unpack(zip: &[u8], limits: &ReadLimits) -> SolutionError {
    let temp = tempfile::tempdir().unwrap();
    let target = temp.path().join("out");
    let error = Solution::read_zip_with_limits(zip, limits)
        .and_then(|s| s.write_folder(&target))
        .expect_err("the package must be refused");
    assert_nothing_written(temp.path());
    error
}

fn assert_nothing_written(dir: &Path) {
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "files were written: {left:?}");
}

#[test]
fn the_valid_base_reads_and_unpacks() {
    let temp = tempfile::tempdir().unwrap();
    Solution::read_zip(&zip_of(&valid_entries())).unwrap().write_folder(temp.path().join("out")).unwrap();
}

#[test]
fn entry_paths_that_leave_the_package_are_refused_by_name() {
    for hostile in ["../evil", "Workflows/../../evil.json", "/etc/evil", "C:/evil", "a\\..\\evil"] {
        let mut entries = valid_entries();
        entries.push((hostile.to_owned(), b"boom".to_vec()));
        let error = read_and_unpack(&zip_of(&entries), &ReadLimits::default());
        assert_eq!(error.code(), "solution.unsafe_path", "{hostile}: {error}");
        assert!(error.to_string().contains(hostile), "the message names the entry: {error}");
    }
}

#[test]
fn a_workflow_file_name_that_leaves_the_package_is_refused_before_writing() {
    let mut entries = valid_entries();
    let customizations = String::from_utf8(entries[0].1.clone()).unwrap();
    let hostile = customizations.replace("<JsonFileName>/Workflows/", "<JsonFileName>/../../Workflows/");
    assert_ne!(hostile, customizations);
    entries[0].1 = hostile.into_bytes();
    let error = read_and_unpack(&zip_of(&entries), &ReadLimits::default());
    assert_eq!(error.code(), "solution.unsafe_path", "{error}");
    assert!(error.to_string().contains("../../Workflows/"), "{error}");
}

#[test]
fn entries_differing_only_by_case_are_refused() {
    let mut entries = valid_entries();
    entries.push(("workflows/x.json".into(), b"{}".to_vec()));
    entries.push(("Workflows/X.json".into(), b"{}".to_vec()));
    let error = read_and_unpack(&zip_of(&entries), &ReadLimits::default());
    assert_eq!(error.code(), "solution.unsafe_path", "{error}");
}

#[test]
fn a_small_entry_that_inflates_like_a_bomb_is_stopped() {
    // 80 MiB of zeros deflate to about 80 KiB.
    let zeros = vec![0u8; 80 * 1024 * 1024];
    let bomb = build_zip(&[("customizations.xml", &zeros)]);
    assert!(bomb.len() < 200 * 1024, "the bomb is small: {} bytes", bomb.len());
    let error = read_and_unpack(&bomb, &ReadLimits::default());
    assert_eq!(error.code(), "solution.too_large", "{error}");
    assert!(error.to_string().contains("customizations.xml"), "{error}");
}

#[test]
fn an_entry_past_the_size_limit_is_stopped_while_inflating_even_when_its_header_lies() {
    let limits = ReadLimits { max_entry_bytes: 1024 * 1024, max_compression_ratio: u64::MAX, ..ReadLimits::default() };
    let big = vec![b'x'; 3 * 1024 * 1024];
    let mut zip = build_zip(&[("big.bin", &big)]);
    let honest = read_and_unpack(&zip, &limits);
    assert_eq!(honest.code(), "solution.too_large", "{honest}");
    assert!(honest.to_string().contains("big.bin"), "{honest}");

    // Claim 100 bytes in both headers: the reader refuses to inflate past the claim, and the
    // limit is counted on inflated bytes anyway, so either way the entry stops early.
    set_declared_size(&mut zip, 100);
    let lying = read_and_unpack(&zip, &limits);
    assert!(matches!(lying.code(), "solution.too_large" | "solution.zip"), "{lying}");
}

/// Rewrites the uncompressed size in every local and central header.
fn set_declared_size(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            [0x50, 0x4b, 0x03, 0x04] => zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes()),
            [0x50, 0x4b, 0x01, 0x02] => zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes()),
            _ => {}
        }
        i += 1;
    }
}

#[test]
fn the_total_and_the_entry_count_are_limited() {
    let chunk = vec![b'y'; 600 * 1024];
    let total = ReadLimits { max_total_bytes: 1024 * 1024, ..ReadLimits::default() };
    let error = read_and_unpack(&build_zip(&[("a.bin", &chunk), ("b.bin", &chunk)]), &total);
    assert_eq!(error.code(), "solution.too_large", "{error}");
    assert!(error.to_string().contains("b.bin"), "{error}");

    let count = ReadLimits { max_entries: 3, ..ReadLimits::default() };
    let many: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("f{i}.txt"), vec![b'z'])).collect();
    let error = read_and_unpack(&zip_of(&many), &count);
    assert_eq!(error.code(), "solution.too_large", "{error}");
    assert!(error.to_string().contains("5 entries"), "{error}");
}

#[test]
fn truncated_garbage_and_empty_files_are_not_zips() {
    let valid = zip_of(&valid_entries());
    for (what, bytes) in [
        ("truncated", valid[..valid.len() / 2].to_vec()),
        ("garbage", b"this is not a zip file at all, just text".to_vec()),
        ("empty", Vec::new()),
    ] {
        let error = read_and_unpack(&bytes, &ReadLimits::default());
        assert_eq!(error.code(), "solution.zip", "{what}: {error}");
    }
}

#[test]
fn corrupted_zips_never_panic() {
    let valid = zip_of(&valid_entries());
    // A small deterministic generator: the same corruptions on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let mut bytes = valid.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = next() as u8;
        }
        let _ = Solution::read_zip(&bytes).and_then(|s| s.write_zip());
    }
}

#[test]
fn missing_parts_are_named() {
    for missing in ["solution.xml", "customizations.xml"] {
        let entries: Vec<_> = valid_entries().into_iter().filter(|(p, _)| p != missing).collect();
        let error = read_and_unpack(&zip_of(&entries), &ReadLimits::default());
        assert_eq!(error.code(), "solution.missing", "{error}");
        assert!(error.to_string().starts_with(&format!("{missing} is missing")), "{error}");
    }
    let unpacked_in_a_zip = build_zip(&[("Other/Solution.xml", b"<x/>"), ("Other/Customizations.xml", b"<x/>")]);
    let error = Solution::read_zip(&unpacked_in_a_zip).unwrap_err();
    assert!(error.to_string().contains("unpacked solution folder"), "{error}");
}

#[test]
fn a_broken_flow_names_its_entry_line_and_column() {
    let mut entries = valid_entries();
    let flow = entries.iter_mut().find(|(p, _)| p.ends_with(".json")).unwrap();
    let path = flow.0.clone();
    flow.1 = b"{\r\n  \"properties\": {\r\n    \"definition\": ,\r\n".to_vec();
    let error = read_and_unpack(&zip_of(&entries), &ReadLimits::default());
    assert_eq!(error.code(), "solution.flow", "{error}");
    let message = error.to_string();
    assert!(message.starts_with(&path), "{message}");
    assert!(message.contains("line 3, column 19"), "{message}");
}

#[test]
fn broken_xml_names_its_part_and_line() {
    let mut entries = valid_entries();
    let solution = entries.iter_mut().find(|(p, _)| p == "solution.xml").unwrap();
    solution.1 = b"<?xml version=\"1.0\"?>\n<ImportExportXml>\n  <SolutionManifest>\n</ImportExportXml>".to_vec();
    let error = read_and_unpack(&zip_of(&entries), &ReadLimits::default());
    assert_eq!(error.code(), "solution.xml", "{error}");
    assert!(error.to_string().starts_with("solution.xml, line 4"), "{error}");
}

#[test]
fn a_non_empty_folder_is_kept_unless_replacing_is_asked() {
    let solution = Solution::read_zip(&zip_of(&valid_entries())).unwrap();
    let temp = tempfile::tempdir().unwrap();
    let target = temp.path().join("src");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("mine.txt"), "keep me").unwrap();

    let error = solution.write_folder(&target).unwrap_err();
    assert_eq!(error.code(), "solution.target_exists", "{error}");
    assert_eq!(std::fs::read_to_string(target.join("mine.txt")).unwrap(), "keep me");

    solution.write_folder_replacing(&target).unwrap();
    assert!(!target.join("mine.txt").exists());
    assert!(target.join("Other/Solution.xml").is_file());
    let siblings: Vec<_> = std::fs::read_dir(temp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(siblings, ["src"], "no temporary folders are left");

    let file = temp.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(solution.write_folder(&file).unwrap_err().code(), "solution.target_exists");
}

#[cfg(unix)]
#[test]
fn a_folder_with_a_symbolic_link_is_refused() {
    let solution = Solution::read_zip(&zip_of(&valid_entries())).unwrap();
    let temp = tempfile::tempdir().unwrap();
    let folder = temp.path().join("src");
    solution.write_folder(&folder).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", folder.join("Other/leak.xml")).unwrap();
    let error = Solution::read_folder(&folder).unwrap_err();
    assert_eq!(error.code(), "solution.unsafe_path", "{error}");
    assert!(error.to_string().contains("Other/leak.xml"), "{error}");
}
