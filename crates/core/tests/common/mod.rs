//! Helpers shared by the integration tests that read the real corpus in `../shared/flows`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared/flows` (or `$FLOWBENCH_SHARED/flows`); `None`, saying so, when it is absent.
pub fn shared_flows(what_is_skipped: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("FLOWBENCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
        .join("flows");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIPPED: {} is absent, so {what_is_skipped} not checked", dir.display());
        None
    }
}

pub fn files_with_extension(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}
