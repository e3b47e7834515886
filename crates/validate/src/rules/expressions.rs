use flowbench_core::model::ActionKind;
use flowbench_expr::ProblemKind;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::FlowIndex;
use crate::ValidationContext;

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    for site in &index.expressions {
        let at = |span: (usize, usize)| index.site_location(site, span);
        for problem in &site.analysis.problems {
            let rule = match problem.kind {
                ProblemKind::Syntax => "expression/syntax",
                ProblemKind::UnknownFunction => "expression/unknown-function",
                ProblemKind::Arity => "expression/arity",
            };
            report(out, rule, at(problem.span), problem.message.clone(), None);
        }
        let Some(x) = site.node else {
            // The trigger and the flow's outputs: no action has run when a trigger fires.
            if index.site_pointer(site).contains("/triggers/") {
                for r in &site.analysis.actions {
                    report(out, "expression/in-trigger", at(r.span), format!("the trigger refers to the action `{}`, which cannot have run", r.name), None);
                }
            }
            continue;
        };
        let here = &index.nodes[x];
        let in_own_condition = here.kind == ActionKind::Until && index.field_path(site) == "/expression";
        for r in &site.analysis.actions {
            let Some(&y) = index.by_name.get(r.name.as_str()) else {
                report(out, "expression/unknown-action", at(r.span), format!("there is no action named `{}`", r.name), None);
                continue;
            };
            let is_items = r.function.eq_ignore_ascii_case("items");
            if is_items || r.function.eq_ignore_ascii_case("iterationindexes") {
                let wanted = if is_items { ActionKind::Foreach } else { ActionKind::Until };
                let encloses = index.ancestors(x).any(|a| a == y);
                if !encloses || index.nodes[y].kind != wanted {
                    report(
                        out,
                        "expression/items-not-enclosing",
                        at(r.span),
                        format!("`{}('{}')` needs `{}` to be an enclosing {} loop", r.function, r.name, r.name, if wanted == ActionKind::Foreach { "Apply to each" } else { "Do until" }),
                        None,
                    );
                }
                continue;
            }
            // A Do until's condition sees the actions inside it: it is checked after each pass.
            let inside_own_loop = in_own_condition && index.ancestors(y).any(|a| a == x);
            if !inside_own_loop && !index.is_before(y, x) {
                report(
                    out,
                    "expression/action-not-before",
                    at(r.span),
                    format!("`{}` refers to `{}`, which has not always finished when `{}` runs", here.name, r.name, here.name),
                    Some("make this action (or a container around it) run after that one"),
                );
            }
        }
        if !site.analysis.item_uses.is_empty() {
            let array_operation = matches!(here.kind, ActionKind::Query | ActionKind::Select | ActionKind::Table);
            let in_loop = index.ancestors(x).any(|a| index.nodes[a].kind == ActionKind::Foreach);
            let loop_header = here.kind == ActionKind::Foreach && index.field_path(site) == "/foreach";
            if !(array_operation || in_loop) || (loop_header && !in_loop) {
                for &span in &site.analysis.item_uses {
                    report(out, "expression/item-outside-loop", at(span), "item() has no enclosing Apply to each or array operation", None);
                }
            }
        }
    }
}
