//! Which flow `flowbench run` runs, and the child flows its Workflow actions may call: every flow
//! of a solution (.zip or unpacked folder), or the flow files given with `--child`.

use std::path::{Path, PathBuf};

use flowbench_core::import::{import_path, Imported};
use flowbench_core::{ActionKind, Flow};
use flowbench_engine::ChildFlows;

use crate::error::CliError;

/// A flow with the names a Workflow action may call it by.
struct Named {
    flow: Flow,
    /// Its workflow id (from the solution or the file name) and its names.
    keys: Vec<String>,
}

pub(crate) struct Loaded {
    pub flow: Flow,
    pub children: ChildFlows,
    /// The child flows alone, for the identities their connections need.
    pub child_list: Vec<Flow>,
}

/// Reads `path`; in a solution, the flow `chosen` names, or the one flow no other flow calls.
pub(crate) fn load(path: &Path, chosen: Option<&str>, child_paths: &[PathBuf]) -> Result<Loaded, CliError> {
    let mut flows = read(path)?;
    let index = match chosen {
        Some(wanted) => flows.iter().position(|f| f.keys.iter().any(|k| same_key(k, wanted))).ok_or_else(|| {
            CliError::new("flow_not_found", format!("{}: no flow called '{wanted}'; it holds {}", path.display(), names(&flows)))
        })?,
        None if flows.len() == 1 => 0,
        None => {
            let roots: Vec<usize> = (0..flows.len()).filter(|&i| !called_by_others(&flows, i)).collect();
            match roots[..] {
                [one] => one,
                _ => {
                    let message = format!("{}: the solution holds {} flows ({}); choose the one to run with --flow NAME", path.display(), flows.len(), names(&flows));
                    return Err(CliError::new("ambiguous", message));
                }
            }
        }
    };
    // A solution's flows may call each other (the one run included); a lone flow file only the
    // flows given with --child.
    let from_solution = flows.len() > 1 || path.is_dir() || is_zip(path);
    for child in child_paths {
        flows.extend(read(child)?);
    }
    let mut children = ChildFlows::default();
    let mut child_list = Vec::new();
    for (i, named) in flows.iter().enumerate() {
        if i == index && !from_solution {
            continue;
        }
        for key in &named.keys {
            children.insert(key, named.flow.clone());
        }
        if i != index {
            child_list.push(named.flow.clone());
        }
    }
    Ok(Loaded { flow: flows.swap_remove(index).flow, children, child_list })
}

fn read(path: &Path) -> Result<Vec<Named>, CliError> {
    Ok(match import_path(path)? {
        Imported::Flow { flow, name, workflow_id } => {
            let stem = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned);
            let keys = workflow_id.into_iter().chain([name]).chain(stem).collect();
            vec![Named { flow, keys }]
        }
        Imported::Solution(solution) => solution
            .flows()
            .iter()
            .map(|f| {
                let keys = f.workflow_id().map(str::to_owned).into_iter().chain(f.name().map(str::to_owned)).chain(f.flow.display_name().map(str::to_owned)).collect();
                Named { flow: f.flow.clone(), keys }
            })
            .collect(),
    })
}

fn is_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic)).is_ok() && magic == *b"PK\x03\x04"
}

fn same_key(key: &str, wanted: &str) -> bool {
    let bare = |s: &str| s.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase();
    bare(key) == bare(wanted)
}

fn called_by_others(flows: &[Named], index: usize) -> bool {
    flows.iter().enumerate().filter(|(i, _)| *i != index).any(|(_, caller)| {
        caller.flow.all_actions().iter().filter(|a| a.kind() == ActionKind::Workflow).any(|a| {
            a.body()
                .get("inputs")
                .and_then(|inputs| inputs.pointer("/host/workflowReferenceName"))
                .and_then(|v| v.as_str())
                .is_some_and(|called| flows[index].keys.iter().any(|k| same_key(k, called)))
        })
    })
}

fn names(flows: &[Named]) -> String {
    flows.iter().map(|f| f.keys.last().cloned().unwrap_or_default()).collect::<Vec<_>>().join(", ")
}
