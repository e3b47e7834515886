//! Real exported flows from `../shared/flows`: each one imports and exports back to the same
//! JSON, keys, values and key order alike. Skips, saying so, where `../shared` is absent.

use std::path::PathBuf;

use flowbench_core::Flow;

fn shared_flows() -> Option<PathBuf> {
    let dir = std::env::var_os("FLOWBENCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("flows");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent, so the real-flow corpus is not checked", dir.display());
        None
    }
}

fn json_files(dir: &PathBuf) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shared_flow_round_trips_with_the_same_keys_values_and_order() {
    let Some(dir) = shared_flows() else { return };
    let files = json_files(&dir);
    assert!(files.len() >= 10, "expected the shared corpus, found {} files", files.len());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let original: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
        let flow = Flow::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let exported = flow.to_json();
        // serde_json's map equality ignores order; compare the serialised text, which does not.
        assert_eq!(
            serde_json::to_string(&exported).unwrap(),
            serde_json::to_string(&original).unwrap(),
            "{} changed on round trip",
            path.display()
        );
    }
}

#[test]
fn every_shared_flow_names_its_trigger_and_all_its_actions() {
    let Some(dir) = shared_flows() else { return };
    for path in json_files(&dir) {
        let text = std::fs::read_to_string(&path).unwrap();
        let flow = Flow::parse(&text).unwrap();
        assert_eq!(flow.triggers.len(), 1, "{}", path.display());
        // Count the actions in the raw JSON independently of the model.
        let raw: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
        let expected = count_raw(&raw["properties"]["definition"]["actions"]);
        assert_eq!(flow.all_actions().len(), expected, "{}", path.display());
    }
}

fn count_raw(actions: &serde_json::Value) -> usize {
    let Some(map) = actions.as_object() else { return 0 };
    map.values()
        .map(|a| {
            let mut n = 1 + count_raw(&a["actions"]) + count_raw(&a["else"]["actions"]) + count_raw(&a["default"]["actions"]);
            if let Some(cases) = a["cases"].as_object() {
                n += cases.values().map(|c| count_raw(&c["actions"])).sum::<usize>();
            }
            n
        })
        .sum()
}
