//! The child flows a run may call: the flows of the solution (.zip or unpacked folder) the flow
//! came from, each under the names a Workflow action may call it by. The CLI and the designer's
//! runs both read them here.

use std::path::Path;

use flowbench_core::import::{import_path, ImportError, Imported};
use flowbench_core::solution::Solution;
use flowbench_core::{ActionKind, Flow};
use flowbench_engine::ChildFlows;

/// A flow with the names a Workflow action may call it by.
pub struct NamedFlow {
    pub flow: Flow,
    /// Its workflow id (from the solution, or a flow file's metadata), its name and its display
    /// name, or for a lone file the file's stem.
    pub keys: Vec<String>,
}

/// Every flow `path` holds: one for a flow file, each of a solution's. `solution` says which.
pub struct FlowsAt {
    pub flows: Vec<NamedFlow>,
    pub solution: bool,
}

pub fn flows_at(path: &Path) -> Result<FlowsAt, ImportError> {
    Ok(match import_path(path)? {
        Imported::Flow { flow, name, workflow_id } => {
            let stem = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned);
            let keys = workflow_id.into_iter().chain([name]).chain(stem).collect();
            FlowsAt { flows: vec![NamedFlow { flow, keys }], solution: false }
        }
        Imported::Solution(solution) => FlowsAt { flows: named_flows(&solution), solution: true },
    })
}

/// A solution's flows, each with the names a Workflow action may call it by.
pub fn named_flows(solution: &Solution) -> Vec<NamedFlow> {
    solution
        .flows()
        .iter()
        .map(|f| {
            let keys = f.workflow_id().map(str::to_owned).into_iter().chain(f.name().map(str::to_owned)).chain(f.flow.display_name().map(str::to_owned)).collect();
            NamedFlow { flow: f.flow.clone(), keys }
        })
        .collect()
}

/// The flow to open or run when none is named: the only one, or the one flow no other flow of
/// the solution calls (the parent). `None` when that leaves a choice.
pub fn root_flow(flows: &[NamedFlow]) -> Option<usize> {
    if flows.len() == 1 {
        return Some(0);
    }
    let roots: Vec<usize> = (0..flows.len()).filter(|&i| !called_by_others(flows, i)).collect();
    match roots[..] {
        [one] => Some(one),
        _ => None,
    }
}

/// The flow `wanted` names (a workflow id, braces and case aside, or a name).
pub fn find_flow(flows: &[NamedFlow], wanted: &str) -> Option<usize> {
    flows.iter().position(|f| f.keys.iter().any(|k| same_key(k, wanted)))
}

fn same_key(key: &str, wanted: &str) -> bool {
    let bare = |s: &str| s.trim().trim_start_matches('{').trim_end_matches('}').to_ascii_lowercase();
    bare(key) == bare(wanted)
}

fn called_by_others(flows: &[NamedFlow], index: usize) -> bool {
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

/// Flows a run can call, and the same flows as a list (their connections need identities too).
#[derive(Default)]
pub struct Children {
    pub callable: ChildFlows,
    pub flows: Vec<Flow>,
}

impl Children {
    pub fn add(&mut self, named: &NamedFlow) {
        for key in &named.keys {
            self.callable.insert(key, named.flow.clone());
        }
        self.flows.push(named.flow.clone());
    }
}

/// Whether `flow` calls child flows at all: only then are they looked for.
pub fn calls_children(flow: &Flow) -> bool {
    flow.all_actions().iter().any(|a| a.kind() == ActionKind::Workflow)
}

/// For a flow opened from `opened_from`: every flow of that solution, callable by the run. A flow
/// opened from a lone file has none to call.
pub fn children_from(opened_from: &Path) -> Result<Children, ImportError> {
    let at = flows_at(opened_from)?;
    let mut children = Children::default();
    if at.solution {
        at.flows.iter().for_each(|named| children.add(named));
    }
    Ok(children)
}
