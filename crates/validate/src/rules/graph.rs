use flowbench_core::model::ActionKind;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::{escape, FlowIndex};
use crate::ValidationContext;

const STATUSES: [&str; 4] = ["Succeeded", "Failed", "Skipped", "TimedOut"];

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    for (id, node) in index.nodes.iter().enumerate() {
        for (entry, sibling) in node.run_after().zip(index.run_after_targets(id)) {
            let target = entry.target;
            let here = || index.location(id, &format!("/runAfter/{}", escape(target)));
            match sibling {
                Some(t) if t == id => report(out, "graph/cycle", here(), format!("`{}` runs after itself", node.name), None),
                Some(t) if index.nodes[t].kind == ActionKind::Terminate => report(
                    out,
                    "graph/never-runs",
                    here(),
                    format!("`{}` runs after the Terminate action `{target}`, which ends the run", node.name),
                    Some("run it before the Terminate action, or remove it"),
                ),
                Some(_) => {}
                None => {
                    let elsewhere = index.by_name.contains_key(target);
                    report(
                        out,
                        "graph/run-after-target",
                        here(),
                        if elsewhere {
                            format!("`{}` runs after `{target}`, which is in another scope; runAfter names actions of the same scope", node.name)
                        } else {
                            format!("`{}` runs after `{target}`, which does not exist", node.name)
                        },
                        Some("point runAfter at an action next to this one"),
                    );
                }
            }
            if entry.statuses().next().is_none() {
                report(out, "graph/run-after-status", here(), format!("`{}` runs after `{target}` with no status", node.name), Some("use Succeeded, Failed, Skipped or TimedOut"));
            }
            for status in entry.statuses() {
                if !STATUSES.iter().any(|s| s.eq_ignore_ascii_case(status)) {
                    report(
                        out,
                        "graph/run-after-status",
                        here(),
                        format!("`{status}` is not a run status"),
                        Some("use Succeeded, Failed, Skipped or TimedOut"),
                    );
                }
            }
        }
        let self_loop = node.run_after().any(|r| r.target == node.name);
        if index.reach.in_cycle[id] && !self_loop {
            report(
                out,
                "graph/cycle",
                index.location(id, "/runAfter"),
                format!("`{}` waits, through runAfter, on a cycle of actions that wait for each other", node.name),
                Some("break the cycle so that one of the actions runs first"),
            );
        }
    }
    for &id in &index.duplicate_names {
        report(
            out,
            "graph/duplicate-name",
            index.location(id, ""),
            format!("another action is already named `{}`", index.nodes[id].name),
            Some("rename one of them"),
        );
    }
}
