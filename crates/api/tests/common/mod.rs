//! What the command tests share: an in-memory host and a context with a served sandbox.

use std::sync::{Arc, Mutex};

use flowbench_api::embedded_sandbox;
use flowbench_api::sign_ins::SignIns;
use flowbench_api::{ApiError, Context, Host, HostKind, Settings};

#[derive(Default)]
struct MemoryHost(Mutex<Settings>);

impl Host for MemoryHost {
    fn kind(&self) -> HostKind {
        HostKind::Desktop
    }
    fn load_settings(&self) -> Result<Settings, ApiError> {
        Ok(self.0.lock().unwrap().clone())
    }
    fn save_settings(&self, settings: &Settings) -> Result<(), ApiError> {
        *self.0.lock().unwrap() = settings.clone();
        Ok(())
    }
}

/// A context whose environment list lives in `dir` and whose sandbox is served from it.
pub async fn context(dir: &std::path::Path) -> Context {
    let (sandbox, serving) = embedded_sandbox::start(&dir.join("sandbox")).expect("the sandbox starts");
    tokio::spawn(serving);
    Context {
        host: Arc::new(MemoryHost::default()),
        sandbox: Some(Arc::new(sandbox)),
        sign_ins: Arc::new(SignIns::new(dir.join("environments.json"))),
        live_runs: Arc::default(),
        autosave: None,
    }
}
