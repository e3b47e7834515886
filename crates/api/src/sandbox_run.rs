//! Test runs against the embedded sandbox: who each connection runs as, and the run itself.

use std::collections::BTreeMap;

use flowbench_core::Flow;
use flowbench_engine::{run_flow, Identities, Identity, RunOptions, RunRecord};
use flowbench_sandbox::Sandbox;

/// The invoker is `persona`; every connection reference's connection belongs to `owner`.
pub fn identities(sandbox: &Sandbox, flow: &Flow, persona: &str, owner: &str) -> Result<Identities, String> {
    let identity = |who: &str| -> Result<Identity, String> {
        let token = sandbox.token_for(who).map_err(|e| e.to_string())?;
        let object_id =
            sandbox.personas().into_iter().find(|p| p.name == who).map(|p| p.azure_active_directory_object_id.to_string());
        Ok(Identity { user: who.to_string(), token, object_id })
    };
    let mut references = BTreeMap::new();
    for reference in flow.references() {
        if let Some(logical) = reference.logical_name {
            references.insert(logical, identity(owner)?);
        }
    }
    Ok(Identities { references, invoker: Some(identity(persona)?) })
}

/// Runs `flow` in the sandbox served at `url` (`http://127.0.0.1:<port>`).
pub async fn run_in_sandbox(
    sandbox: &Sandbox,
    url: &str,
    flow: &Flow,
    persona: &str,
    owner: &str,
    trigger_body: serde_json::Value,
) -> Result<RunRecord, String> {
    let identities = identities(sandbox, flow, persona, owner)?;
    let options = RunOptions { environment_url: Some(url.to_string()), identities, ..RunOptions::default() };
    Ok(run_flow(flow, serde_json::json!({ "headers": {}, "body": trigger_body }), options).await)
}
