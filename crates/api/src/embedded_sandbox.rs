//! The embedded Dataverse sandbox both shells start in-process when no other environment is
//! chosen. Its data lives in a folder of its own, so it survives restarts.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;

use flowbench_sandbox::{Sandbox, Scenario};

use crate::run_store::RunStore;

pub struct EmbeddedSandbox {
    pub sandbox: Sandbox,
    /// `http://127.0.0.1:<port>`
    pub url: String,
    /// Run history, beside the sandbox's data.
    pub runs: RunStore,
}

pub type Serving = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Opens (seeding on first use) and binds the sandbox on a free loopback port. The returned
/// future serves it; the caller spawns it on its runtime.
pub fn start(data_dir: &Path) -> Result<(EmbeddedSandbox, Serving), String> {
    let sandbox = Sandbox::open(data_dir, Scenario::builtin()).map_err(|e| e.to_string())?;
    let (address, serving) = sandbox.serve(SocketAddr::from(([127, 0, 0, 1], 0))).map_err(|e| e.to_string())?;
    let serving: Serving = Box::pin(async move {
        if let Err(e) = serving.await {
            eprintln!("flowbench: the embedded sandbox stopped: {e}");
        }
    });
    let runs = RunStore::open(&data_dir.join("runs.db"))?;
    Ok((EmbeddedSandbox { sandbox, url: format!("http://{address}"), runs }, serving))
}
