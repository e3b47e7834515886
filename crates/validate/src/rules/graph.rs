use flowbench_core::model::ActionKind;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::{escape, FlowIndex};
use crate::ValidationContext;

const STATUSES: [&str; 4] = ["Succeeded", "Failed", "Skipped", "TimedOut"];

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    for (id, node) in index.nodes.iter().enumerate() {
        for (target, statuses) in &node.run_after {
            let here = index.location(id, &format!("/runAfter/{}", escape(&target)));
            match index.sibling(id, &target) {
                Some(t) if t == id => report(out, "graph/cycle", here.clone(), format!("`{}` runs after itself", node.action.name), None),
                Some(t) if index.nodes[t].kind == ActionKind::Terminate => report(
                    out,
                    "graph/never-runs",
                    here.clone(),
                    format!("`{}` runs after the Terminate action `{target}`, which ends the run", node.action.name),
                    Some("run it before the Terminate action, or remove it"),
                ),
                Some(_) => {}
                None => {
                    let elsewhere = index.by_name.contains_key(target.as_str());
                    report(
                        out,
                        "graph/run-after-target",
                        here.clone(),
                        if elsewhere {
                            format!("`{}` runs after `{target}`, which is in another scope; runAfter names actions of the same scope", node.action.name)
                        } else {
                            format!("`{}` runs after `{target}`, which does not exist", node.action.name)
                        },
                        Some("point runAfter at an action next to this one"),
                    );
                }
            }
            if statuses.is_empty() {
                report(out, "graph/run-after-status", here.clone(), format!("`{}` runs after `{target}` with no status", node.action.name), Some("use Succeeded, Failed, Skipped or TimedOut"));
            }
            for status in statuses {
                if !STATUSES.iter().any(|s| s.eq_ignore_ascii_case(status)) {
                    report(
                        out,
                        "graph/run-after-status",
                        here.clone(),
                        format!("`{status}` is not a run status"),
                        Some("use Succeeded, Failed, Skipped or TimedOut"),
                    );
                }
            }
        }
        let self_loop = node.run_after.iter().any(|(t, _)| t == &node.action.name);
        if index.reach.in_cycle[id] && !self_loop {
            report(
                out,
                "graph/cycle",
                index.location(id, "/runAfter"),
                format!("`{}` waits, through runAfter, on a cycle of actions that wait for each other", node.action.name),
                Some("break the cycle so that one of the actions runs first"),
            );
        }
    }
    for (name, ids) in &index.by_name {
        for &id in ids.iter().skip(1) {
            report(
                out,
                "graph/duplicate-name",
                index.location(id, ""),
                format!("another action is already named `{name}`"),
                Some("rename one of them"),
            );
        }
    }
}
