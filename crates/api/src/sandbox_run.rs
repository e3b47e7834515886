//! Test runs against the embedded sandbox: who each connection runs as, and the run itself.

use std::collections::BTreeMap;

use flowbench_core::Flow;
use flowbench_engine::{run_flow, Cancellation, Identities, Identity, Mock, ProgressSink, RunOptions, RunRecord};
use flowbench_sandbox::Sandbox;

use crate::child_flows::Children;

/// The invoker is `persona`; every connection reference's connection belongs to `owner`.
pub fn identities(sandbox: &Sandbox, flow: &Flow, persona: &str, owner: &str) -> Result<Identities, String> {
    let identity = |who: &str| -> Result<Identity, String> {
        let token = sandbox.token_for(who).map_err(|e| e.to_string())?;
        let object_id =
            sandbox.personas().into_iter().find(|p| p.name == who).map(|p| p.azure_active_directory_object_id.to_string());
        Ok(Identity { user: who.to_string(), token, object_id, impersonated_by: None })
    };
    let mut references = BTreeMap::new();
    for reference in flow.references() {
        if let Some(logical) = reference.logical_name {
            references.insert(logical, identity(owner)?);
        }
    }
    Ok(Identities { references, invoker: Some(identity(persona)?) })
}

/// Runs `flow` in the sandbox served at `url` (`http://127.0.0.1:<port>`). `reuse` answers the
/// named steps with an earlier run's status and outputs instead of running them.
/// Who watches a run: told of each step as it goes, able to cancel it, and whether its Wait
/// actions are skipped.
#[derive(Clone, Debug, Default)]
pub struct Watch {
    pub progress: Option<ProgressSink>,
    pub cancellation: Cancellation,
    pub skip_waits: bool,
    /// The app's HTTP client: runs reuse its connections and TLS setup.
    pub http_client: Option<reqwest::Client>,
}

#[allow(clippy::too_many_arguments)]
pub async fn run_in_sandbox(
    sandbox: &Sandbox,
    url: &str,
    flow: &Flow,
    children: Children,
    persona: &str,
    owner: &str,
    trigger_body: serde_json::Value,
    reuse: BTreeMap<String, Mock>,
    watch: Watch,
) -> Result<RunRecord, String> {
    let mut who = identities(sandbox, flow, persona, owner)?;
    for child in &children.flows {
        who.references.extend(identities(sandbox, child, persona, owner)?.references);
    }
    let options = RunOptions {
        environment_url: Some(url.to_string()),
        identities: who,
        child_flows: children.callable,
        mocks: reuse,
        progress: watch.progress,
        cancellation: watch.cancellation,
        skip_waits: watch.skip_waits,
        http_client: watch.http_client,
        ..RunOptions::default()
    };
    Ok(run_flow(flow, serde_json::json!({ "headers": {}, "body": trigger_body }), options).await)
}

/// For a re-run from top-level step `from`: the steps it waits for (directly or through
/// others), answered with what they did in `earlier`.
pub fn reuse_before(flow: &Flow, from: &str, earlier: &RunRecord) -> Result<BTreeMap<String, Mock>, String> {
    if !flow.actions.iter().any(|a| a.name == from) {
        return Err(format!("`{from}` is not a step at the top level of the flow"));
    }
    let mut before = std::collections::BTreeSet::new();
    let mut queue = vec![from.to_string()];
    while let Some(name) = queue.pop() {
        let Some(action) = flow.actions.iter().find(|a| a.name == name) else { continue };
        for (predecessor, _) in action.run_after() {
            if before.insert(predecessor.clone()) {
                queue.push(predecessor);
            }
        }
    }
    let mut mocks = BTreeMap::new();
    for name in before {
        let step = earlier.step(&name).ok_or_else(|| format!("the earlier run has no record of `{name}`"))?;
        mocks.insert(name, Mock { status: step.status, outputs: step.outputs.clone().unwrap_or(serde_json::Value::Null) });
    }
    Ok(mocks)
}
