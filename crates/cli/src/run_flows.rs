//! Which flow `flowbench run` runs, and the child flows its Workflow actions may call: every flow
//! of a solution (.zip or unpacked folder), or the flow files given with `--child`.

use std::path::{Path, PathBuf};

use flowbench_api::child_flows::{find_flow, flows_at, root_flow, Children, NamedFlow};
use flowbench_core::Flow;

use crate::error::CliError;

pub(crate) struct Loaded {
    pub flow: Flow,
    pub children: Children,
}

/// Reads `path`; in a solution, the flow `chosen` names, or the one flow no other flow calls.
pub(crate) fn load(path: &Path, chosen: Option<&str>, child_paths: &[PathBuf]) -> Result<Loaded, CliError> {
    let at = flows_at(path)?;
    let mut flows = at.flows;
    let index = match chosen {
        Some(wanted) => find_flow(&flows, wanted).ok_or_else(|| {
            CliError::new("flow_not_found", format!("{}: no flow called '{wanted}'; it holds {}", path.display(), names(&flows)))
        })?,
        None => root_flow(&flows).ok_or_else(|| {
            let message = format!("{}: the solution holds {} flows ({}); choose the one to run with --flow NAME", path.display(), flows.len(), names(&flows));
            CliError::new("ambiguous", message)
        })?,
    };
    // A solution's flows may call each other (the one run included); a lone flow file only the
    // flows given with --child.
    let from_solution = at.solution;
    for child in child_paths {
        flows.extend(flows_at(child)?.flows);
    }
    let mut children = Children::default();
    for (i, named) in flows.iter().enumerate() {
        if i != index || from_solution {
            children.add(named);
        }
    }
    Ok(Loaded { flow: flows.swap_remove(index).flow, children })
}

fn names(flows: &[NamedFlow]) -> String {
    flows.iter().map(|f| f.keys.last().cloned().unwrap_or_default()).collect::<Vec<_>>().join(", ")
}
