//! Reading what a maker hands us: a flow JSON file (any of the three shapes), a solution .zip,
//! or an unpacked solution folder. The one place in the core that touches the file system.

use std::io::Read;
use std::path::Path;

use thiserror::Error;

use crate::solution::{Solution, SolutionError};
use crate::{Flow, FlowError};

/// Larger flow files are refused before reading: Power Automate's own limits are far below this.
pub const MAX_FLOW_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Solution archives may carry canvas apps and other large parts.
pub const MAX_SOLUTION_FILE_BYTES: u64 = 512 * 1024 * 1024;

pub enum Imported {
    Flow { flow: Flow, name: String, workflow_id: Option<String> },
    Solution(Solution),
}

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {size} bytes is over the {limit}-byte limit")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: {source}")]
    Flow { path: String, source: FlowError },
    #[error("{path}: not UTF-8 text (valid up to byte {valid_up_to})")]
    NotUtf8 { path: String, valid_up_to: usize },
    #[error("{path}: {source}")]
    Solution { path: String, source: SolutionError },
}

pub fn import_path(path: &Path) -> Result<Imported, ImportError> {
    let shown = path.display().to_string();
    let io = |source| ImportError::Io { path: shown.clone(), source };
    let metadata = std::fs::metadata(path).map_err(io)?;
    if metadata.is_dir() {
        return Solution::read_folder(path)
            .map(Imported::Solution)
            .map_err(|source| ImportError::Solution { path: shown.clone(), source });
    }
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut magic = [0u8; 4];
    let n = file.read(&mut magic).map_err(io)?;
    let is_zip = n == 4 && magic == *b"PK\x03\x04";
    let limit = if is_zip { MAX_SOLUTION_FILE_BYTES } else { MAX_FLOW_FILE_BYTES };
    if metadata.len() > limit {
        return Err(ImportError::TooLarge { path: shown, size: metadata.len(), limit });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    if is_zip {
        return Solution::read_zip(&bytes)
            .map(Imported::Solution)
            .map_err(|source| ImportError::Solution { path: shown, source });
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| ImportError::NotUtf8 { path: shown.clone(), valid_up_to: e.utf8_error().valid_up_to() })?;
    let flow = Flow::parse(&text).map_err(|source| ImportError::Flow { path: shown, source })?;
    let (name, workflow_id) = name_and_id_from_path(path);
    Ok(Imported::Flow { name: flow.display_name().map_or(name, str::to_owned), workflow_id, flow })
}

/// Solution exports name flow files `<Name>-<GUID>.json`.
pub fn name_and_id_from_path(path: &Path) -> (String, Option<String>) {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("Untitled flow");
    split_guid(stem).map_or_else(|| (stem.to_owned(), None), |(name, id)| (name.to_owned(), Some(id.to_owned())))
}

/// `Name-6E5A9197-E359-EE11-BE6F-000D3A45ED19` → (`Name`, the GUID).
pub fn split_guid(stem: &str) -> Option<(&str, &str)> {
    let cut = stem.len().checked_sub(37)?;
    let (name, rest) = stem.split_at(cut);
    let guid = rest.strip_prefix('-')?;
    is_guid(guid).then_some((name, guid))
}

pub fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_solution_flow_file_without_its_guid() {
        let (name, id) = name_and_id_from_path(Path::new("/x/IncidentAssignment-6E5A9197-E359-EE11-BE6F-000D3A45ED19.json"));
        assert_eq!(name, "IncidentAssignment");
        assert_eq!(id.as_deref(), Some("6E5A9197-E359-EE11-BE6F-000D3A45ED19"));
        assert_eq!(name_and_id_from_path(Path::new("my-flow.json")), ("my-flow".to_string(), None));
    }
}
