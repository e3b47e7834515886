//! Real exported flows from `../shared/flows`: each one imports and exports back to the same
//! JSON, keys, values and key order alike. Skips, saying so, where `../shared` is absent.

use std::path::PathBuf;

use flowbench_core::Flow;

mod common;

fn shared_flows() -> Option<PathBuf> {
    common::shared_flows("the real-flow corpus is")
}

fn json_files(dir: &PathBuf) -> Vec<PathBuf> {
    common::files_with_extension(dir, "json")
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

fn shared_flow(prefix: &str) -> Option<Flow> {
    let dir = shared_flows()?;
    let path = json_files(&dir).into_iter().find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))?;
    Some(Flow::parse(&std::fs::read_to_string(path).unwrap()).unwrap())
}

#[test]
fn environment_variables_and_the_two_invoker_forms_are_read_from_real_flows() {
    let Some(aad) = shared_flow("AddanewAADGroupandassociatedteam") else { return };
    let env_var = aad.parameters().into_iter().find(|p| p.environment_variable.as_deref() == Some("sbax_AADGroupAdmin"));
    assert_eq!(env_var.unwrap().name, "AAD Group Admin (sbax_AADGroupAdmin)");
    let refs = aad.references();
    let azuread = refs.iter().find(|r| r.api.as_deref() == Some("shared_azuread")).unwrap();
    assert!(azuread.run_only_user && !azuread.impersonates_invoker);
    let dataverse = refs.iter().find(|r| r.api.as_deref() == Some("shared_commondataserviceforapps")).unwrap();
    assert!(!dataverse.run_only_user && !dataverse.impersonates_invoker, "impersonation: {{}} is off");

    let Some(cascade) = shared_flow("BACoreCascadePublishingActivation") else { return };
    assert!(cascade.references().iter().any(|r| r.impersonates_invoker));
    let looped = cascade.all_actions().into_iter().find(|a| a.kind() == flowbench_core::ActionKind::Foreach).unwrap();
    assert_eq!(looped.concurrency(), Some(50));
    let Some(flowbench_core::TriggerKind::DataverseRow(row)) = cascade.trigger().map(|t| t.kind()) else {
        panic!("a Dataverse row trigger")
    };
    assert_eq!(row.run_as, flowbench_core::connection::TriggerRunAs::ModifyingUser);
    assert_eq!(row.filtering_columns.as_deref(), Some("statecode"));
}
