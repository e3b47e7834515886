//! The progress bar `flowbench run` shows on stderr while a run goes, fed by the engine's progress
//! events: the flow's top-level steps done out of all, the step running now (with its loop pass),
//! and how many steps have ended in all (loops and containers included). Hidden when stderr is not
//! a terminal, so logs and pipes get only the summary.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use flowbench_core::Flow;
use flowbench_engine::{ProgressEvent, ProgressSink, StepProgress};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub(crate) struct RunProgress {
    bar: ProgressBar,
}

impl RunProgress {
    pub fn new(flow: &Flow) -> Self {
        let target = if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(Some(flow.actions.len() as u64), target);
        let style = ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} steps  {elapsed}  {wide_msg}")
            .expect("the template is valid")
            .progress_chars("=> ");
        bar.set_style(style);
        if !bar.is_hidden() {
            bar.enable_steady_tick(Duration::from_millis(100));
        }
        RunProgress { bar }
    }

    /// The sink to give the run.
    pub fn sink(&self, flow: &Flow) -> ProgressSink {
        let bar = self.bar.clone();
        let top_level: HashSet<String> = flow.actions.iter().map(|a| a.name.clone()).collect();
        let ended = Arc::new(AtomicU64::new(0));
        ProgressSink::new(move |event: ProgressEvent| match event.progress {
            StepProgress::Running => {
                let pass = event.iteration.map(|i| format!(" (pass {})", i + 1)).unwrap_or_default();
                bar.set_message(format!("{}{pass}  [{} ended]", event.step, ended.load(Ordering::Relaxed)));
            }
            StepProgress::Ended { .. } => {
                ended.fetch_add(1, Ordering::Relaxed);
                if event.iteration.is_none() && top_level.contains(&event.step) {
                    bar.inc(1);
                }
            }
        })
    }

    /// Takes the bar off the terminal before the summary prints.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
