//! Runs in progress, watched by the designer: a run starts in the background, its progress events
//! pile up here, and the UI reads them by polling (`poll_run` waits briefly for news), the same
//! way over Tauri IPC and HTTP. A run can be cancelled while it goes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use flowbench_engine::{Cancellation, ProgressEvent, ProgressSink, RunRecord};
use tokio::sync::Notify;

use crate::ApiError;

/// Finished runs are kept this long for a last poll, then forgotten (they are in the history).
const KEEP_FINISHED: usize = 16;

#[derive(Default)]
pub struct LiveRuns {
    runs: Mutex<HashMap<String, Arc<LiveRun>>>,
    finished_order: Mutex<Vec<String>>,
}

#[derive(Default)]
pub struct LiveRun {
    state: Mutex<LiveState>,
    changed: Notify,
    pub cancellation: Cancellation,
}

#[derive(Default)]
struct LiveState {
    events: Vec<ProgressEvent>,
    outcome: Option<Result<(RunRecord, Option<i64>), ApiError>>,
}

/// What a poll returns: the events after the ones already seen, and the outcome once there is one.
pub struct Progress {
    pub events: Vec<ProgressEvent>,
    pub next: usize,
    pub outcome: Option<Result<(RunRecord, Option<i64>), ApiError>>,
}

impl LiveRun {
    /// The sink the engine reports to.
    pub fn sink(self: &Arc<Self>) -> ProgressSink {
        let run = self.clone();
        ProgressSink::new(move |event| {
            run.state.lock().unwrap_or_else(|p| p.into_inner()).events.push(event);
            run.changed.notify_waiters();
        })
    }

    pub fn finish(&self, outcome: Result<(RunRecord, Option<i64>), ApiError>) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).outcome = Some(outcome);
        self.changed.notify_waiters();
    }

    /// Events from `after` on; waits up to `wait` when there are none yet and the run goes on.
    pub async fn poll(&self, after: usize, wait: Duration) -> Progress {
        let notified = self.changed.notified();
        if !self.has_news(after) {
            let _ = tokio::time::timeout(wait, notified).await;
        }
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let from = after.min(state.events.len());
        Progress { events: state.events[from..].to_vec(), next: state.events.len(), outcome: state.outcome.clone() }
    }

    fn has_news(&self, after: usize) -> bool {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.events.len() > after || state.outcome.is_some()
    }
}

impl LiveRuns {
    pub fn start(&self) -> (String, Arc<LiveRun>) {
        let id = run_id();
        let run = Arc::new(LiveRun::default());
        self.runs.lock().unwrap_or_else(|p| p.into_inner()).insert(id.clone(), run.clone());
        (id, run)
    }

    pub fn get(&self, id: &str) -> Option<Arc<LiveRun>> {
        self.runs.lock().unwrap_or_else(|p| p.into_inner()).get(id).cloned()
    }

    /// Remembers that `id` finished, forgetting the oldest finished runs beyond a few.
    pub fn finished(&self, id: &str) {
        let mut order = self.finished_order.lock().unwrap_or_else(|p| p.into_inner());
        order.push(id.to_string());
        while order.len() > KEEP_FINISHED {
            let oldest = order.remove(0);
            self.runs.lock().unwrap_or_else(|p| p.into_inner()).remove(&oldest);
        }
    }
}

fn run_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("the OS gives random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
