use std::collections::HashMap;

use flowbench_core::model::ActionKind;
use serde_json::Value;

use super::report;
use crate::diagnostic::{Diagnostic, Location};
use crate::index::FlowIndex;
use crate::ValidationContext;

pub fn check(index: &FlowIndex, _: &ValidationContext, out: &mut Vec<Diagnostic>) {
    // name (lower case) -> (initializing node, declared type)
    let mut declared: HashMap<String, (usize, String)> = HashMap::new();
    for (id, node) in index.nodes.iter().enumerate() {
        if node.kind != ActionKind::InitializeVariable {
            continue;
        }
        if node.depth > 0 {
            report(
                out,
                "variable/initialized-nested",
                index.location(id, ""),
                format!("`{}` initializes a variable inside a container; variables are initialized at the top level", node.action.name),
                Some("move it to the top level of the flow"),
            );
        }
        let variables = node.action.body().get("inputs").and_then(|i| i.get("variables")).and_then(Value::as_array);
        for (i, variable) in variables.into_iter().flatten().enumerate() {
            let Some(name) = variable.get("name").and_then(Value::as_str) else { continue };
            let ty = variable.get("type").and_then(Value::as_str).unwrap_or_default().to_ascii_lowercase();
            if declared.insert(name.to_ascii_lowercase(), (id, ty)).is_some() {
                report(out, "variable/duplicate", index.location(id, &format!("/inputs/variables/{i}/name")), format!("the variable `{name}` is initialized twice"), None);
            }
        }
    }

    let mut uses: Vec<(usize, String, Location)> = Vec::new();
    for site in &index.expressions {
        let Some(x) = site.node else { continue };
        for r in &site.analysis.variables {
            let location = Location { action_path: index.action_path(x), pointer: site.pointer.clone(), span: Some(r.span) };
            uses.push((x, r.name.clone(), location));
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
        let Some(name) = node.action.body().get("inputs").and_then(|i| i.get("name")).and_then(Value::as_str) else { continue };
        uses.push((id, name.to_string(), index.location(id, "/inputs/name")));
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
                format!("`{}` ({}) cannot work on `{name}`, a variable of type {ty}", node.action.name, node.action.action_type()),
                None,
            );
        }
    }
    for (x, name, location) in uses {
        match declared.get(&name.to_ascii_lowercase()) {
            None => report(out, "variable/undeclared", location, format!("the variable `{name}` is never initialized"), Some("add an Initialize variable action at the top level")),
            Some((init, _)) if *init != x && !index.is_before(*init, x) => report(
                out,
                "variable/not-initialized-before",
                location,
                format!("`{}` can run before `{}` initializes `{name}`", index.nodes[x].action.name, index.nodes[*init].action.name),
                Some("make the action run after the initialization"),
            ),
            _ => {}
        }
    }
}
