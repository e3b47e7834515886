//! Precision: every real flow in `../shared/flows` validates with zero errors, and each warning
//! it gets is one this test names and justifies.

use std::path::PathBuf;

use flowbench_core::Flow;
use flowbench_validate::{validate, Severity, ValidationContext};

fn shared_flows() -> Option<PathBuf> {
    let dir = std::env::var_os("FLOWBENCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("flows");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent, so validation precision is not checked", dir.display());
        None
    }
}

/// (file name prefix, rule, action or "" for the flow) and why the warning is right.
const EXPECTED_WARNINGS: &[(&str, &str, &str, &str)] = &[
    ("AutomationScheduleTriggerFlow", "connection/delegate-privilege", "",
     "its Dataverse trigger runs as the modifying user (runas 1): saving it needs the Delegate privilege"),
    ("BACoreCascadePublishingActivation", "connection/delegate-privilege", "",
     "Dataverse steps impersonate the trigger's Run as user (impersonation.source invoker)"),
    ("BACorePublishProcess", "connection/delegate-privilege", "", "Dataverse steps use impersonation.source invoker"),
    ("BACoreRuntime-StartApproval", "connection/delegate-privilege", "", "Dataverse steps use impersonation.source invoker"),
    ("BACoreRuntime-StartNode", "connection/delegate-privilege", "", "Dataverse steps use impersonation.source invoker"),
    ("Master", "connection/delegate-privilege", "", "Dataverse steps use the run-only user's connection (runtimeSource invoker)"),
];

#[test]
fn real_flows_have_no_errors_and_only_justified_warnings() {
    let Some(dir) = shared_flows() else { return };
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "json")).collect();
    files.sort();
    let mut unexpected = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let flow = Flow::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for d in validate(&flow, &ValidationContext::default()) {
            let justified = d.severity != Severity::Error
                && EXPECTED_WARNINGS.iter().any(|(file, rule, action, _)| name.starts_with(file) && d.rule == *rule && d.action().unwrap_or("") == *action);
            if !justified {
                unexpected.push(format!("{name}: {:?} {} at {} — {}", d.severity, d.rule, d.location.pointer, d.message));
            }
        }
    }
    assert!(unexpected.is_empty(), "{} unexpected diagnostics:\n{}", unexpected.len(), unexpected.join("\n"));
}
