//! What a run tells its watcher while it goes (each step as it starts and ends), and how a
//! watcher stops it. Both are optional: a run nobody watches or cancels pays nothing for them.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;
use ts_rs::TS;

use crate::record::StepStatus;

/// A step's state as a run streams it.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum StepProgress {
    Running,
    Ended {
        status: StepStatus,
        #[ts(type = "number")]
        #[serde(rename = "durationMs")]
        duration_ms: u64,
        /// Who the step ran as, for connector steps.
        #[serde(rename = "ranAs")]
        ran_as: Option<String>,
        /// `code: message`, as the record will say it.
        error: Option<String>,
    },
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProgressEvent {
    /// The step (names are unique in a flow); inside a loop, the pass it belongs to.
    pub step: String,
    #[ts(type = "number | null")]
    pub iteration: Option<u64>,
    pub progress: StepProgress,
}

/// Receives progress events; called on the run's task, so it must be quick.
#[derive(Clone)]
pub struct ProgressSink(Arc<dyn Fn(ProgressEvent) + Send + Sync>);

impl ProgressSink {
    pub fn new(sink: impl Fn(ProgressEvent) + Send + Sync + 'static) -> Self {
        ProgressSink(Arc::new(sink))
    }

    pub(crate) fn send(&self, event: ProgressEvent) {
        (self.0)(event)
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// Stops a run: steps not yet started are not run, a request in flight is abandoned, and the run
/// ends Cancelled, as a cancelled run does in Power Automate.
#[derive(Clone, Debug, Default)]
pub struct Cancellation {
    cancelled: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Cancellation {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Completes once the run is cancelled.
    pub async fn cancelled(&self) {
        let notified = self.notify.notified();
        if self.is_cancelled() {
            return;
        }
        notified.await
    }
}
