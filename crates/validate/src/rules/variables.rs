use flowbench_core::model::ActionKind;
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::report;
use crate::diagnostic::Diagnostic;
use crate::index::{ExpressionSite, FlowIndex};
use crate::ValidationContext;

/// The action using a variable, the name it uses, and for a use inside an expression the site
/// and span (otherwise it is an operation's `inputs.name`).
type VariableUse<'i, 'f> = (usize, &'i str, Option<(&'i ExpressionSite<'f>, (usize, usize))>);

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    // name (lower case) -> (initializing node, declared type)
    let mut declared: FxHashMap<String, (usize, String)> = FxHashMap::default();
    for (id, node) in index.nodes.iter().enumerate() {
        if node.kind != ActionKind::InitializeVariable {
            continue;
        }
        if node.depth > 0 {
            report(
                out,
                "variable/initialized-nested",
                index.location(id, ""),
                format!("`{}` initializes a variable inside a container; variables are initialized at the top level", node.name),
                Some("move it to the top level of the flow"),
            );
        }
        let variables = node.inputs.and_then(|i| i.get("variables")).and_then(Value::as_array);
        for (i, variable) in variables.into_iter().flatten().enumerate() {
            let Some(name) = variable.get("name").and_then(Value::as_str) else { continue };
            let ty = variable.get("type").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
            if declared.insert(name.to_ascii_lowercase(), (id, ty)).is_some() {
                report(out, "variable/duplicate", index.location(id, &format!("/inputs/variables/{i}/name")), format!("the variable `{name}` is initialized twice"), None);
            }
        }
    }

    // Locations are built only for the uses that are reported.
    let mut uses: Vec<VariableUse> = Vec::new();
    for site in &index.expressions {
        let Some(x) = site.node else { continue };
        for r in &site.analysis.variables {
            uses.push((x, &r.name, Some((site, r.span))));
        }
    }
    for (id, node) in index.nodes.iter().enumerate() {
        let kind = node.kind;
        let operates = matches!(
            kind,
            ActionKind::SetVariable | ActionKind::IncrementVariable | ActionKind::DecrementVariable | ActionKind::AppendToArrayVariable | ActionKind::AppendToStringVariable
        );
        if !operates {
            continue;
        }
        let Some(name) = node.inputs.and_then(|i| i.get("name")).and_then(Value::as_str) else { continue };
        uses.push((id, name, None));
        let Some((_, ty)) = declared.get(&name.to_ascii_lowercase()) else { continue };
        let fits = match kind {
            ActionKind::IncrementVariable | ActionKind::DecrementVariable => ty == "integer" || ty == "float",
            ActionKind::AppendToArrayVariable => ty == "array",
            ActionKind::AppendToStringVariable => ty == "string",
            _ => true,
        };
        if !fits {
            report(
                out,
                "variable/type-mismatch",
                index.location(id, "/inputs/name"),
                format!("`{}` ({}) cannot work on `{name}`, a variable of type {ty}", node.name, node.action_type),
                None,
            );
        }
    }
    for (x, name, in_expression) in uses {
        let location = || match in_expression {
            Some((site, span)) => index.site_location(site, span),
            None => index.location(x, "/inputs/name"),
        };
        match declared.get(&name.to_ascii_lowercase()) {
            None => report(out, "variable/undeclared", location(), format!("the variable `{name}` is never initialized"), Some("add an Initialize variable action at the top level")),
            Some((init, _)) if *init != x && !index.is_before(*init, x) => report(
                out,
                "variable/not-initialized-before",
                location(),
                format!("`{}` can run before `{}` initializes `{name}`", index.nodes[x].name, index.nodes[*init].name),
                Some("make the action run after the initialization"),
            ),
            _ => {}
        }
    }
}
