use std::future::Future;
use std::sync::Arc;

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use ts_rs::TS;

use crate::autosave::AutosaveStore;
use crate::embedded_sandbox::EmbeddedSandbox;
use crate::live_runs::LiveRuns;
use crate::sign_ins::SignIns;
use crate::{ApiError, Host};

/// One operation the UI can ask of the backend.
pub trait Command {
    /// The name on the wire: the Tauri command name and the HTTP path `/api/{NAME}`.
    const NAME: &'static str;
    type Request: DeserializeOwned + TS + 'static;
    type Response: Serialize + TS + 'static;

    fn run(ctx: &Context, request: Self::Request) -> impl Future<Output = Result<Self::Response, ApiError>> + Send;
}

/// What commands may touch: everything outside the pure core goes through the host.
#[derive(Clone)]
pub struct Context {
    pub host: Arc<dyn Host>,
    /// The in-process sandbox, when the shell started one.
    pub sandbox: Option<Arc<EmbeddedSandbox>>,
    /// The environment book and the sign-ins waiting for the browser.
    pub sign_ins: Arc<SignIns>,
    /// Runs in progress that the designer watches.
    pub live_runs: Arc<LiveRuns>,
    /// Where the flow being edited is autosaved (the app's data folder); none keeps no autosave.
    pub autosave: Option<Arc<AutosaveStore>>,
}

impl Context {
    /// A context on the user's environment book (shared with the `flowbench` CLI).
    pub fn new(host: Arc<dyn Host>) -> Self {
        Context {
            host,
            sandbox: None,
            sign_ins: Arc::new(SignIns::new(flowbench_dataverse::EnvironmentBook::default_path())),
            live_runs: Arc::default(),
            autosave: None,
        }
    }

    /// Autosaves into `dir` (created on the first write).
    pub fn with_autosave(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.autosave = Some(Arc::new(AutosaveStore::new(dir)));
        self
    }

    pub fn with_sandbox(mut self, sandbox: EmbeddedSandbox) -> Self {
        self.sandbox = Some(Arc::new(sandbox));
        self
    }
}

/// The request of a command that takes nothing.
#[derive(Serialize, Deserialize, TS, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}
