//! The flow walked once: every action with what rules read of it, its container chain and its
//! scope, and the ordering questions rules ask ("does Y always finish before X starts?").
//!
//! Everything rules ask of an action's JSON is read here, in one visit per action: rules then
//! work on these compact nodes instead of going back to the JSON maps, which on large flows are
//! scattered through memory and cost a hash per key. Pointers and action paths are only built
//! when a diagnostic needs them.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use flowbench_core::connection::DATAVERSE_APIS;
use flowbench_core::model::{member, Action, ActionKind, DocumentShape, Flow, Slot};
use flowbench_expr::template::is_template;
use flowbench_expr::{analyze_template, Analysis};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

use crate::diagnostic::Location;

pub struct Node<'f> {
    pub action: &'f Action,
    pub name: &'f str,
    pub kind: ActionKind,
    pub action_type: &'f str,
    /// `runAfter`, when it is an object; see [`Node::run_after`].
    run_after: Option<&'f Map<String, Value>>,
    pub inputs: Option<&'f Value>,
    pub host: Option<&'f Map<String, Value>>,
    pub operation_id: Option<&'f str>,
    pub connection_name: Option<&'f str>,
    pub is_dataverse: bool,
    /// `inputs.parameters`, when it is an object.
    pub parameters: Option<&'f Map<String, Value>>,
    /// The containing action's node, for nested actions.
    pub parent: Option<usize>,
    /// The branch of the parent holding this action.
    slot: Option<&'f Slot>,
    /// 0 for top-level actions.
    pub depth: usize,
    pub scope: usize,
}

/// One `runAfter` entry as written.
pub struct RunAfter<'f> {
    pub target: &'f str,
    statuses: &'f [Value],
}

impl<'f> RunAfter<'f> {
    /// The statuses that are strings (others are not statuses at all).
    pub fn statuses(&self) -> impl Iterator<Item = &'f str> {
        self.statuses.iter().filter_map(Value::as_str)
    }
}

pub struct FlowIndex<'f> {
    pub flow: &'f Flow,
    pub nodes: Vec<Node<'f>>,
    /// The first node with each action name.
    pub by_name: FxHashMap<&'f str, usize>,
    /// Nodes whose name an earlier node already has, in document order.
    pub duplicate_names: Vec<usize>,
    /// (scope, name) -> node: runAfter names resolve within a scope.
    by_scope_and_name: FxHashMap<(usize, &'f str), usize>,
    /// Node indices per scope (the top level, each branch of each container), in document order.
    pub scopes: Vec<Vec<usize>>,
    pub definition_pointer: &'static str,
    /// What each node's runAfter entries resolve to among its siblings, in the order written.
    run_after_targets: Vec<Option<usize>>,
    run_after_start: Vec<usize>,
    /// Who waits for whom inside each scope, and the actions caught in a cycle.
    pub reach: Reachability,
    /// Every string that holds an expression, analysed once.
    pub expressions: Vec<ExpressionSite<'f>>,
    analyses: FxHashMap<&'f str, Rc<Analysis>>,
    /// The field paths of all expression sites, end to end; each site holds its range.
    path_steps: Vec<PathStep<'f>>,
}

/// A JSON string holding an expression, where it is, and what it refers to.
pub struct ExpressionSite<'f> {
    /// The action it belongs to; `None` for the trigger and the definition's outputs.
    pub node: Option<usize>,
    /// Keys from the action's (or trigger's) object down to the string, in `path_steps`; see
    /// [`FlowIndex::field_path`].
    path: Range<usize>,
    /// The whole pointer of a trigger or outputs site; action sites build theirs from the node's.
    flow_pointer: Option<String>,
    pub text: &'f str,
    /// Shared by every site with the same text: real flows repeat many expressions.
    pub analysis: Rc<Analysis>,
}

impl<'f> FlowIndex<'f> {
    pub fn new(flow: &'f Flow) -> Self {
        Self::visiting_actions(flow, |_, _| {})
    }

    /// Builds the index, calling `visit` on each action as soon as it and its containers are in
    /// the index, while the action's JSON, just read, is still in the cache.
    pub fn visiting_actions(flow: &'f Flow, mut visit: impl FnMut(&Self, usize)) -> Self {
        let definition_pointer = match flow.shape() {
            DocumentShape::Definition => "",
            _ => "/properties/definition",
        };
        // Sized up front: growing maps of thousands of names rehashes them several times.
        let mut count = 0;
        for action in &flow.actions {
            action.walk(&mut |_| count += 1);
        }
        let mut index = FlowIndex {
            flow,
            nodes: Vec::with_capacity(count),
            by_name: FxHashMap::with_capacity_and_hasher(count, Default::default()),
            duplicate_names: Vec::new(),
            by_scope_and_name: FxHashMap::with_capacity_and_hasher(count, Default::default()),
            scopes: vec![Vec::new()],
            definition_pointer,
            run_after_targets: Vec::new(),
            run_after_start: Vec::new(),
            reach: Reachability::default(),
            expressions: Vec::new(),
            analyses: FxHashMap::default(),
            path_steps: Vec::new(),
        };
        index.add_scope(&flow.actions, None, None, 0, 0, &mut visit);
        // After all scopes: runAfter may name a sibling written further down.
        let (mut targets, mut starts) = (Vec::new(), Vec::with_capacity(count + 1));
        for (id, node) in index.nodes.iter().enumerate() {
            starts.push(targets.len());
            targets.extend(node.run_after().map(|r| index.sibling(id, r.target)));
        }
        starts.push(targets.len());
        (index.run_after_targets, index.run_after_start) = (targets, starts);
        index.reach = Reachability::compute(&index);
        index.collect_flow_expressions();
        index
    }

    fn add_scope(
        &mut self,
        actions: &'f [Action],
        parent: Option<usize>,
        slot: Option<&'f Slot>,
        depth: usize,
        scope: usize,
        visit: &mut impl FnMut(&Self, usize),
    ) {
        for action in actions {
            let id = self.nodes.len();
            self.nodes.push(Node::read(action, parent, slot, depth, scope));
            self.scopes[scope].push(id);
            let name = action.name.as_str();
            if *self.by_name.entry(name).or_insert(id) != id {
                self.duplicate_names.push(id);
            }
            self.by_scope_and_name.entry((scope, name)).or_insert(id);
            self.collect_action_expressions(id);
            visit(self, id);
            for branch in &action.branches {
                let inner = self.scopes.len();
                self.scopes.push(Vec::new());
                self.add_scope(&branch.actions, Some(id), Some(&branch.slot), depth + 1, inner, visit);
            }
        }
    }

    /// The JSON pointer of an action.
    pub fn pointer(&self, id: usize) -> String {
        let mut pointer = String::new();
        self.write_pointer(id, &mut pointer);
        pointer
    }

    fn write_pointer(&self, id: usize, out: &mut String) {
        let node = &self.nodes[id];
        match (node.parent, node.slot) {
            (Some(parent), Some(slot)) => {
                self.write_pointer(parent, out);
                for token in slot.path() {
                    out.push('/');
                    out.push_str(&escape(token));
                }
            }
            _ => {
                out.push_str(self.definition_pointer);
                out.push_str("/actions");
            }
        }
        out.push('/');
        out.push_str(&escape(node.name));
    }

    /// The JSON pointer of the string holding an expression.
    pub fn site_pointer(&self, site: &ExpressionSite) -> String {
        match (site.node, &site.flow_pointer) {
            (Some(id), _) => self.pointer(id) + &self.field_path(site),
            (None, pointer) => pointer.clone().unwrap_or_default(),
        }
    }

    /// The keys from the action's (or trigger's field's) object down to the expression's string,
    /// as a JSON pointer (`/inputs/parameters/$filter`).
    pub fn field_path(&self, site: &ExpressionSite) -> String {
        render_path(&self.path_steps[site.path.clone()])
    }

    /// Container names from the top down to the action itself.
    pub fn action_path(&self, id: usize) -> Vec<String> {
        let mut path = Vec::new();
        let mut here = Some(id);
        while let Some(i) = here {
            path.push(self.nodes[i].name.to_string());
            here = self.nodes[i].parent;
        }
        path.reverse();
        path
    }

    pub fn location(&self, id: usize, suffix: &str) -> Location {
        Location { action_path: self.action_path(id), pointer: self.pointer(id) + suffix, span: None }
    }

    /// Where a span of an expression is.
    pub fn site_location(&self, site: &ExpressionSite, span: (usize, usize)) -> Location {
        let action_path = site.node.map(|id| self.action_path(id)).unwrap_or_default();
        Location { action_path, pointer: self.site_pointer(site), span: Some(span) }
    }

    pub fn flow_location(&self, pointer: String) -> Location {
        Location { action_path: Vec::new(), pointer, span: None }
    }

    /// The node named `name` in the same scope as `id`.
    pub fn sibling(&self, id: usize, name: &str) -> Option<usize> {
        let scope = self.nodes[id].scope;
        self.by_scope_and_name.get(&(scope, name)).copied()
    }

    /// The sibling each of `id`'s runAfter entries names, in the order of [`Node::run_after`].
    pub fn run_after_targets(&self, id: usize) -> impl Iterator<Item = Option<usize>> + '_ {
        self.run_after_targets[self.run_after_start[id]..self.run_after_start[id + 1]].iter().copied()
    }

    /// Whether `y` has always finished when `x` starts: `y`, or the container holding it at the
    /// level of `x` or of a container around `x`, is among what that one waits for.
    pub fn is_before(&self, y: usize, x: usize) -> bool {
        std::iter::once(x).chain(self.ancestors(x)).any(|c| {
            let scope = self.nodes[c].scope;
            std::iter::once(y)
                .chain(self.ancestors(y))
                .find(|&a| self.nodes[a].scope == scope)
                .is_some_and(|a| a != c && self.reach.waits_for(c, a))
        })
    }

    /// Containers around `id`, innermost first.
    pub fn ancestors(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.nodes[id].parent, |&p| self.nodes[p].parent)
    }

    fn collect_action_expressions(&mut self, id: usize) {
        let mut path = Vec::new();
        let action = self.nodes[id].action;
        for (key, value) in action.body() {
            if key != "runAfter" {
                path.push(PathStep::Key(key));
                strings(value, &mut path, &mut |steps, text| self.add_site(Some(id), steps, None, text));
                path.pop();
            }
        }
    }

    fn add_site(&mut self, node: Option<usize>, steps: &[PathStep<'f>], flow_pointer: Option<String>, text: &'f str) {
        let start = self.path_steps.len();
        self.path_steps.extend_from_slice(steps);
        let analysis = self.analyses.entry(text).or_insert_with(|| Rc::new(analyze_template(text))).clone();
        self.expressions.push(ExpressionSite { node, path: start..self.path_steps.len(), flow_pointer, text, analysis });
    }

    fn collect_flow_expressions(&mut self) {
        let (flow, definition_pointer) = (self.flow, self.definition_pointer);
        let mut whole = |base: String, value: &'f Value| {
            strings(value, &mut Vec::new(), &mut |steps, text| {
                let flow_pointer = base.clone() + &render_path(steps);
                self.add_site(None, steps, Some(flow_pointer), text)
            });
        };
        for trigger in &flow.triggers {
            let base = format!("{definition_pointer}/triggers/{}", escape(&trigger.name));
            for (key, value) in trigger.body() {
                whole(format!("{base}/{}", escape(key)), value);
            }
        }
        if let Some(outputs) = flow.definition().get("outputs") {
            whole(format!("{definition_pointer}/outputs"), outputs);
        }
    }
}

impl<'f> Node<'f> {
    /// Reads every field rules ask for, once.
    fn read(action: &'f Action, parent: Option<usize>, slot: Option<&'f Slot>, depth: usize, scope: usize) -> Self {
        let body = action.body();
        let action_type = member(body, "type").and_then(Value::as_str).unwrap_or_default();
        let kind = ActionKind::from_type(action_type);
        let run_after = member(body, "runAfter").and_then(Value::as_object);
        let inputs = member(body, "inputs");
        let host = inputs.and_then(|i| child(i, "host")).and_then(Value::as_object);
        let host_text = |key: &str| host.and_then(|h| member(h, key)).and_then(Value::as_str);
        let is_dataverse = kind.is_connector()
            && host_text("apiId").and_then(|id| id.rsplit('/').next()).is_some_and(|api| DATAVERSE_APIS.contains(&api));
        Node {
            action,
            name: &action.name,
            kind,
            action_type,
            run_after,
            inputs,
            host,
            operation_id: host_text("operationId"),
            connection_name: host_text("connectionName"),
            is_dataverse,
            parameters: inputs.and_then(|i| child(i, "parameters")).and_then(Value::as_object),
            parent,
            slot,
            depth,
            scope,
        }
    }

    /// `runAfter` as written, in order.
    pub fn run_after(&self) -> impl Iterator<Item = RunAfter<'f>> {
        self.run_after
            .into_iter()
            .flatten()
            .map(|(target, statuses)| RunAfter { target, statuses: statuses.as_array().map_or(&[], Vec::as_slice) })
    }

    /// A field of the action by its keys from the action's object (`inputs/host/operationId`).
    pub fn field(&self, path: &str) -> Option<&'f Value> {
        let (start, rest) = match path.strip_prefix("inputs/host/") {
            Some(rest) => (self.host, rest),
            None => (Some(self.action.body()), path),
        };
        let mut parts = rest.split('/');
        let mut here = member(start?, parts.next()?);
        for part in parts {
            here = child(here?, part);
        }
        here
    }
}

/// `value[key]` when `value` is an object.
pub fn child<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    member(value.as_object()?, key)
}

/// A JSON pointer token; most names need no escaping, so they are borrowed.
pub fn escape(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Who waits for whom among siblings, answered from labels of one depth-first walk of the
/// runAfter graph instead of a transitive closure, which grows with the square of a scope's
/// size (a 3,500-step chain needs 1.5 MB of bits). The walk's finishing times rule out most
/// pairs, its tree proves most others, and what is left is settled by a search that the same
/// labels prune.
#[derive(Default)]
pub struct Reachability {
    /// The siblings each node's runAfter entries resolve to, by node.
    waits_directly: Adjacency,
    /// When the walk entered and left each node; a node left later than another can not be
    /// waited for by it.
    entered: Vec<u32>,
    left: Vec<u32>,
    /// The earliest `left` among the node and all it waits for: a waiter's range contains the
    /// range of whatever it waits for.
    earliest_left: Vec<u32>,
    /// Nodes in a runAfter cycle, or waiting on one: they can never run.
    pub in_cycle: Vec<bool>,
    /// Nodes the fallback search has seen, marked with the number of that search.
    seen: RefCell<Vec<u32>>,
    searches: Cell<u32>,
}

const UNVISITED: u32 = u32::MAX;

impl Reachability {
    fn compute(index: &FlowIndex) -> Self {
        let n = index.nodes.len();
        let waits_directly = Adjacency::new(n, |id, out| out.extend(index.run_after_targets(id).flatten()));
        // Kahn's order: whatever is never placed waits, directly or not, on a cycle.
        let dependants = waits_directly.reversed();
        let mut remaining: Vec<usize> = (0..n).map(|id| waits_directly.of(id).len()).collect();
        let mut ready: Vec<usize> = (0..n).filter(|&id| remaining[id] == 0).collect();
        let mut in_cycle = vec![true; n];
        while let Some(id) = ready.pop() {
            in_cycle[id] = false;
            for &d in dependants.of(id) {
                remaining[d] -= 1;
                if remaining[d] == 0 {
                    ready.push(d);
                }
            }
        }
        let (mut entered, mut left, mut earliest_left) = (vec![UNVISITED; n], vec![UNVISITED; n], vec![UNVISITED; n]);
        let mut clock = 0;
        // Iterative: a chain of thousands of steps would overflow the stack.
        let mut stack: Vec<(usize, usize)> = Vec::new();
        // From what nothing waits for, so that the walk's tree follows whole chains and proves
        // most pairs by itself.
        let waited_for = |id: usize| dependants.of(id).iter().any(|&d| !in_cycle[d]);
        for root in (0..n).filter(|&id| !waited_for(id)).chain(0..n) {
            if in_cycle[root] || entered[root] != UNVISITED {
                continue;
            }
            entered[root] = clock;
            clock += 1;
            stack.push((root, 0));
            while let Some((id, next)) = stack.last_mut() {
                let id = *id;
                if let Some(&waited) = waits_directly.of(id).get(*next) {
                    *next += 1;
                    if entered[waited] == UNVISITED {
                        entered[waited] = clock;
                        clock += 1;
                        stack.push((waited, 0));
                    }
                } else {
                    stack.pop();
                    left[id] = clock;
                    clock += 1;
                    earliest_left[id] = waits_directly.of(id).iter().map(|&w| earliest_left[w]).fold(left[id], u32::min);
                }
            }
        }
        Reachability { waits_directly, entered, left, earliest_left, in_cycle, seen: RefCell::default(), searches: Cell::new(0) }
    }

    /// Whether `waiter` waits for its sibling `waited`.
    pub fn waits_for(&self, waiter: usize, waited: usize) -> bool {
        if self.in_cycle[waiter] || self.in_cycle[waited] || self.ruled_out(waiter, waited) {
            return false;
        }
        if self.walked_through(waiter, waited) {
            return true;
        }
        let search = self.searches.get() + 1;
        self.searches.set(search);
        let mut seen = self.seen.borrow_mut();
        seen.resize(self.left.len(), 0);
        let mut pending = vec![waiter];
        while let Some(id) = pending.pop() {
            for &next in self.waits_directly.of(id) {
                if next == waited || (!self.ruled_out(next, waited) && self.walked_through(next, waited)) {
                    return true;
                }
                if seen[next] != search && !self.ruled_out(next, waited) {
                    seen[next] = search;
                    pending.push(next);
                }
            }
        }
        false
    }

    /// Labels that prove `waiter` does not wait for `waited`.
    fn ruled_out(&self, waiter: usize, waited: usize) -> bool {
        self.left[waited] >= self.left[waiter] || self.earliest_left[waited] < self.earliest_left[waiter]
    }

    /// Whether the walk reached `waited` from `waiter`; only meaningful when not ruled out.
    fn walked_through(&self, waiter: usize, waited: usize) -> bool {
        self.entered[waiter] < self.entered[waited]
    }
}

/// Edges between positions `0..len`, as one list with a start offset per position.
#[derive(Default)]
struct Adjacency {
    start: Vec<usize>,
    targets: Vec<usize>,
}

impl Adjacency {
    fn new(len: usize, mut edges_of: impl FnMut(usize, &mut Vec<usize>)) -> Self {
        let mut start = Vec::with_capacity(len + 1);
        let mut targets = Vec::new();
        for pos in 0..len {
            start.push(targets.len());
            edges_of(pos, &mut targets);
        }
        start.push(targets.len());
        Adjacency { start, targets }
    }

    fn of(&self, pos: usize) -> &[usize] {
        &self.targets[self.start[pos]..self.start[pos + 1]]
    }

    /// The same edges pointing the other way, in the order of their sources.
    fn reversed(&self) -> Adjacency {
        let len = self.start.len() - 1;
        let mut start = vec![0; len + 1];
        for &t in &self.targets {
            start[t + 1] += 1;
        }
        for pos in 0..len {
            start[pos + 1] += start[pos];
        }
        let mut next = start.clone();
        let mut targets = vec![0; self.targets.len()];
        for source in 0..len {
            for &t in self.of(source) {
                targets[next[t]] = source;
                next[t] += 1;
            }
        }
        Adjacency { start, targets }
    }
}

/// A key or an array position on the way from an action's object down to a string.
#[derive(Clone, Copy)]
enum PathStep<'v> {
    Key(&'v str),
    Index(usize),
}

fn render_path(steps: &[PathStep]) -> String {
    let mut pointer = String::new();
    for step in steps {
        pointer.push('/');
        match step {
            PathStep::Key(key) => pointer.push_str(&escape(key)),
            PathStep::Index(i) => pointer.push_str(&i.to_string()),
        }
    }
    pointer
}

/// Calls `visit` with the path to and the text of every string holding an expression.
fn strings<'v>(value: &'v Value, path: &mut Vec<PathStep<'v>>, visit: &mut impl FnMut(&[PathStep<'v>], &'v str)) {
    match value {
        // `contains('@')` is a quick memchr that rules out most strings before the full test.
        Value::String(s) if s.contains('@') && is_template(s) => visit(path, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                strings(item, path, visit);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(PathStep::Key(k));
                strings(v, path, visit);
                path.pop();
            }
        }
        _ => {}
    }
}
