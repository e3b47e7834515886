//! The HTTP client a run uses: the caller's (the app and the CLI keep one, so connections and the
//! TLS setup are reused from run to run), else one made the first time a step needs it. Making a
//! client loads the system's root certificates, which costs more than a whole run of Compose steps.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How long one request may take (the runtime's outbound limit is 120 s).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone, Default)]
pub(crate) struct SharedClient(Arc<OnceLock<Option<reqwest::Client>>>);

impl SharedClient {
    pub fn new(given: Option<reqwest::Client>) -> SharedClient {
        let cell = OnceLock::new();
        if let Some(client) = given {
            let _ = cell.set(Some(client));
        }
        SharedClient(Arc::new(cell))
    }

    /// None only when this machine cannot make an HTTP client at all (no TLS backend).
    pub fn get(&self) -> Option<&reqwest::Client> {
        self.0.get_or_init(|| reqwest::Client::builder().timeout(REQUEST_TIMEOUT).build().ok()).as_ref()
    }
}
