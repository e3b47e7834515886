//! The flow walked once: every action with its JSON pointer, its container chain and its scope,
//! and the ordering questions rules ask ("does Y always finish before X starts?").

use std::collections::HashMap;

use flowbench_core::model::{Action, ActionKind, DocumentShape, Flow, Slot};
use flowbench_expr::template::is_template;
use flowbench_expr::{analyze_template, Analysis};
use serde_json::Value;

use crate::diagnostic::Location;

pub struct Node<'f> {
    pub action: &'f Action,
    /// Read once: rules ask for these many times.
    pub kind: ActionKind,
    pub run_after: Vec<(String, Vec<String>)>,
    pub pointer: String,
    /// The containing action's node, for nested actions.
    pub parent: Option<usize>,
    pub slot: Option<Slot>,
    /// 0 for top-level actions.
    pub depth: usize,
    pub scope: usize,
}

pub struct FlowIndex<'f> {
    pub flow: &'f Flow,
    pub nodes: Vec<Node<'f>>,
    /// Node indices by action name; more than one means a duplicate name.
    pub by_name: HashMap<&'f str, Vec<usize>>,
    /// (scope, name) -> node: runAfter names resolve within a scope.
    by_scope_and_name: HashMap<(usize, &'f str), usize>,
    /// Node indices per scope (the top level, each branch of each container), in document order.
    pub scopes: Vec<Vec<usize>>,
    pub definition_pointer: &'static str,
    /// Who waits for whom inside each scope, and the actions caught in a cycle.
    pub reach: Reachability,
    /// Every string that holds an expression, analysed once.
    pub expressions: Vec<ExpressionSite>,
}

/// A JSON string holding an expression, where it is, and what it refers to.
pub struct ExpressionSite {
    /// The action it belongs to; `None` for the trigger and the definition's outputs.
    pub node: Option<usize>,
    /// Keys from the action's (or trigger's) object down to the string.
    pub field_path: String,
    pub pointer: String,
    pub text: String,
    pub analysis: Analysis,
}

impl<'f> FlowIndex<'f> {
    pub fn new(flow: &'f Flow) -> Self {
        let definition_pointer = match flow.shape() {
            DocumentShape::Definition => "",
            _ => "/properties/definition",
        };
        let mut index = FlowIndex {
            flow,
            nodes: Vec::new(),
            by_name: HashMap::new(),
            by_scope_and_name: HashMap::new(),
            scopes: vec![Vec::new()],
            definition_pointer,
            reach: Reachability::default(),
            expressions: Vec::new(),
        };
        index.add_scope(&flow.actions, &format!("{definition_pointer}/actions"), None, None, 0, 0);
        for (i, node) in index.nodes.iter().enumerate() {
            index.by_name.entry(node.action.name.as_str()).or_default().push(i);
            index.by_scope_and_name.entry((node.scope, node.action.name.as_str())).or_insert(i);
        }
        index.reach = Reachability::compute(&index);
        index.expressions = collect_expressions(&index);
        index
    }

    fn add_scope(&mut self, actions: &'f [Action], pointer: &str, parent: Option<usize>, slot: Option<Slot>, depth: usize, scope: usize) {
        for action in actions {
            let here = format!("{pointer}/{}", escape(&action.name));
            let id = self.nodes.len();
            self.nodes.push(Node {
                action,
                kind: action.kind(),
                run_after: action.run_after(),
                pointer: here.clone(),
                parent,
                slot: slot.clone(),
                depth,
                scope,
            });
            self.scopes[scope].push(id);
            for branch in &action.branches {
                let inner = self.scopes.len();
                self.scopes.push(Vec::new());
                let path: Vec<String> = branch.slot.path().iter().map(|p| escape(p)).collect();
                self.add_scope(&branch.actions, &format!("{here}/{}", path.join("/")), Some(id), Some(branch.slot.clone()), depth + 1, inner);
            }
        }
    }

    /// Container names from the top down to the action itself.
    pub fn action_path(&self, id: usize) -> Vec<String> {
        let mut path = Vec::new();
        let mut here = Some(id);
        while let Some(i) = here {
            path.push(self.nodes[i].action.name.clone());
            here = self.nodes[i].parent;
        }
        path.reverse();
        path
    }

    pub fn location(&self, id: usize, suffix: &str) -> Location {
        Location { action_path: self.action_path(id), pointer: format!("{}{suffix}", self.nodes[id].pointer), span: None }
    }

    pub fn flow_location(&self, pointer: String) -> Location {
        Location { action_path: Vec::new(), pointer, span: None }
    }

    /// The node named `name` in the same scope as `id`.
    pub fn sibling(&self, id: usize, name: &str) -> Option<usize> {
        let scope = self.nodes[id].scope;
        self.by_scope_and_name.get(&(scope, name)).copied()
    }

    /// Whether `y` has always finished when `x` starts: `y`, or the container holding it at the
    /// level of `x` or of a container around `x`, is among what that one waits for.
    pub fn is_before(&self, y: usize, x: usize) -> bool {
        let y_chain: Vec<usize> = std::iter::once(y).chain(self.ancestors(y)).collect();
        std::iter::once(x).chain(self.ancestors(x)).any(|c| {
            let scope = self.nodes[c].scope;
            y_chain
                .iter()
                .find(|&&a| self.nodes[a].scope == scope)
                .is_some_and(|&a| a != c && self.reach.waits_for(c, a))
        })
    }

    /// Containers around `id`, innermost first.
    pub fn ancestors(&self, id: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut here = self.nodes[id].parent;
        while let Some(p) = here {
            out.push(p);
            here = self.nodes[p].parent;
        }
        out
    }
}

pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Per scope, for each action the set of siblings it waits for (directly or through others), as
/// bit sets: small and quick even for a 5,000-action chain.
#[derive(Default)]
pub struct Reachability {
    /// Position of each node within its scope.
    position: Vec<usize>,
    /// For each node, one bit per sibling (by position) that it waits for.
    waits: Vec<Vec<u64>>,
    /// Nodes in a runAfter cycle, or waiting on one: they can never run.
    pub in_cycle: Vec<bool>,
}

impl Reachability {
    fn compute(index: &FlowIndex) -> Self {
        let n = index.nodes.len();
        let mut reach = Reachability { position: vec![0; n], waits: vec![Vec::new(); n], in_cycle: vec![false; n] };
        for scope in &index.scopes {
            let words = scope.len().div_ceil(64);
            for (pos, &id) in scope.iter().enumerate() {
                reach.position[id] = pos;
                reach.waits[id] = vec![0; words];
            }
            let direct: Vec<Vec<usize>> = scope
                .iter()
                .map(|&id| index.nodes[id].run_after.iter().filter_map(|(name, _)| index.sibling(id, name)).collect())
                .collect();
            // Kahn's order: an action after everything it waits for.
            let mut remaining: Vec<usize> = direct.iter().map(Vec::len).collect();
            let mut dependants: Vec<Vec<usize>> = vec![Vec::new(); scope.len()];
            for (pos, preds) in direct.iter().enumerate() {
                for &p in preds {
                    dependants[reach.position[p]].push(pos);
                }
            }
            let mut ready: Vec<usize> = (0..scope.len()).filter(|&p| remaining[p] == 0).collect();
            let mut placed = vec![false; scope.len()];
            while let Some(pos) = ready.pop() {
                placed[pos] = true;
                let id = scope[pos];
                let mut bits = std::mem::take(&mut reach.waits[id]);
                for &p in &direct[pos] {
                    let pp = reach.position[p];
                    bits[pp / 64] |= 1 << (pp % 64);
                    for (b, w) in bits.iter_mut().zip(&reach.waits[p]) {
                        *b |= w;
                    }
                }
                reach.waits[id] = bits;
                for &d in &dependants[pos] {
                    remaining[d] -= 1;
                    if remaining[d] == 0 {
                        ready.push(d);
                    }
                }
            }
            for (pos, &id) in scope.iter().enumerate() {
                reach.in_cycle[id] = !placed[pos];
            }
        }
        reach
    }

    /// Whether `waiter` waits for its sibling `waited`.
    pub fn waits_for(&self, waiter: usize, waited: usize) -> bool {
        let p = self.position[waited];
        self.waits[waiter].get(p / 64).is_some_and(|w| w & (1 << (p % 64)) != 0)
    }
}

fn collect_expressions(index: &FlowIndex) -> Vec<ExpressionSite> {
    let mut sites = Vec::new();
    let mut path = Vec::new();
    for (id, node) in index.nodes.iter().enumerate() {
        for (key, value) in node.action.body() {
            if key != "runAfter" {
                path.push(key.as_str().into());
                strings(value, &mut path, &mut |field_path, text| {
                    sites.push(ExpressionSite {
                        node: Some(id),
                        pointer: format!("{}{field_path}", node.pointer),
                        field_path,
                        text: text.to_string(),
                        analysis: analyze_template(text),
                    })
                });
                path.pop();
            }
        }
    }
    let whole = |base: String, value: &Value, sites: &mut Vec<ExpressionSite>| {
        strings(value, &mut Vec::new(), &mut |field_path, text| {
            sites.push(ExpressionSite { node: None, pointer: format!("{base}{field_path}"), field_path, text: text.to_string(), analysis: analyze_template(text) })
        });
    };
    for trigger in &index.flow.triggers {
        let base = format!("{}/triggers/{}", index.definition_pointer, escape(&trigger.name));
        for (key, value) in trigger.body() {
            whole(format!("{base}/{}", escape(key)), value, &mut sites);
        }
    }
    if let Some(outputs) = index.flow.definition().get("outputs") {
        whole(format!("{}/outputs", index.definition_pointer), outputs, &mut sites);
    }
    sites
}

/// Calls `visit` with the pointer (built from `path`, only when needed) and the text of every
/// string holding an expression.
fn strings<'v>(value: &'v Value, path: &mut Vec<std::borrow::Cow<'v, str>>, visit: &mut impl FnMut(String, &str)) {
    match value {
        Value::String(s) if is_template(s) => {
            let pointer: String = path.iter().map(|p| format!("/{}", escape(p))).collect();
            visit(pointer, s)
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string().into());
                strings(item, path, visit);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k.as_str().into());
                strings(v, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}
