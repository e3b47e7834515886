//! The editing operations the canvas needs. Each keeps `runAfter` consistent the way the
//! designer does, and leaves the flow unchanged when it fails.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::model::{Action, Flow, Slot};
use crate::outline::run_order;
use crate::EditError;

/// Power Automate's limit on action names.
pub const MAX_NAME_CHARS: usize = 80;

/// A branch of a container: the body of a Scope or loop, Yes/No of a condition, a switch case.
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BranchRef {
    pub container: String,
    pub slot: Slot,
}

/// Where an action goes: into a scope (the top level when `parent` is `None`), after `after`
/// (first when `None`). With `before`, it is inserted on the edge into that sibling, which then
/// runs after it; without, it becomes one more successor of `after` (a parallel branch when
/// `after` already has one), listed last in its scope so the designer draws a new branch to the
/// right of the others.
#[derive(Serialize, Deserialize, TS, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Position {
    #[ts(optional)]
    pub parent: Option<BranchRef>,
    #[ts(optional)]
    pub after: Option<String>,
    #[ts(optional)]
    pub before: Option<String>,
}

impl Position {
    pub fn top_level_after(after: Option<&str>) -> Self {
        Position { parent: None, after: after.map(str::to_owned), before: None }
    }
}

const SUCCEEDED: &str = "Succeeded";

impl Flow {
    /// Inserts `action` (with any nested actions) at `at`.
    pub fn insert_action(&mut self, mut action: Action, at: &Position) -> Result<(), EditError> {
        let mut names = Vec::new();
        action.walk(&mut |a| names.push(a.name.clone()));
        let existing = self.action_names();
        let mut seen = HashSet::new();
        for name in &names {
            check_name(name)?;
            if existing.contains(name) || !seen.insert(name.clone()) {
                return Err(EditError::DuplicateName(name.clone()));
            }
        }
        let scope = self.scope_mut(at.parent.as_ref())?;
        let position_of = |n: &str, scope: &Vec<Action>| scope.iter().position(|a| a.name == n);
        if let Some(after) = &at.after {
            position_of(after, scope).ok_or_else(|| EditError::NoSuchAction(after.clone()))?;
        }
        let before_index = match &at.before {
            Some(before) => Some(position_of(before, scope).ok_or_else(|| EditError::NoSuchAction(before.clone()))?),
            None => None,
        };
        let run_after: Vec<(String, Vec<String>)> =
            at.after.iter().map(|a| (a.clone(), vec![SUCCEEDED.to_string()])).collect();
        action.set_run_after(&run_after);
        if let Some(b) = before_index {
            let before = &mut scope[b];
            let mut entries = before.run_after();
            match &at.after {
                // The edge from `after` into `before` now goes through the new action.
                Some(after) => match entries.iter_mut().find(|(k, _)| k == after) {
                    Some(entry) => entry.0 = action.name.clone(),
                    None => entries.push((action.name.clone(), vec![SUCCEEDED.to_string()])),
                },
                None => entries.push((action.name.clone(), vec![SUCCEEDED.to_string()])),
            }
            before.set_run_after(&entries);
        }
        scope.insert(before_index.unwrap_or(scope.len()), action);
        Ok(())
    }

    /// Appends `action` at the end of a scope: after the last action that runs there.
    pub fn add_action(&mut self, action: Action, parent: Option<BranchRef>) -> Result<(), EditError> {
        let scope = self.scope_mut(parent.as_ref())?;
        let last = last_in_run_order(scope);
        self.insert_action(action, &Position { parent, after: last, before: None })
    }

    /// Removes an action (and what it contains). Actions that ran after it now run after what it ran after.
    pub fn delete_action(&mut self, name: &str) -> Result<Action, EditError> {
        let parent = self.parent_of(name).ok_or_else(|| EditError::NoSuchAction(name.into()))?;
        let scope = self.scope_mut(parent.as_ref())?;
        let index = scope.iter().position(|a| a.name == name).expect("parent_of found it here");
        let removed = scope.remove(index);
        let inherited = removed.run_after();
        for sibling in scope.iter_mut() {
            let entries = sibling.run_after();
            if !entries.iter().any(|(k, _)| k == name) {
                continue;
            }
            let mut rewired: Vec<(String, Vec<String>)> = Vec::new();
            for (key, statuses) in entries {
                if key == name {
                    for (k, s) in &inherited {
                        if !rewired.iter().any(|(r, _)| r == k) {
                            rewired.push((k.clone(), s.clone()));
                        }
                    }
                } else if !rewired.iter().any(|(r, _)| *r == key) {
                    rewired.push((key, statuses));
                }
            }
            sibling.set_run_after(&rewired);
        }
        Ok(removed)
    }

    /// Moves an action (with its contents) to `to`, into or out of containers and branches.
    pub fn move_action(&mut self, name: &str, to: &Position) -> Result<(), EditError> {
        if to.after.as_deref() == Some(name) || to.before.as_deref() == Some(name) {
            return Err(EditError::IntoItself(name.into()));
        }
        if let Some(parent) = &to.parent {
            let moving = self.find_action(name).ok_or_else(|| EditError::NoSuchAction(name.into()))?;
            let mut inside = false;
            moving.walk(&mut |a| inside |= a.name == parent.container);
            if inside {
                return Err(EditError::IntoItself(name.into()));
            }
        }
        let snapshot = self.clone();
        let action = self.delete_action(name)?;
        if let Err(e) = self.insert_action(action, to) {
            *self = snapshot;
            return Err(e);
        }
        Ok(())
    }

    /// Renames an action and rewrites every reference to it: `runAfter` entries and expressions.
    pub fn rename_action(&mut self, from: &str, to: &str) -> Result<(), EditError> {
        if from == to {
            return Ok(());
        }
        check_name(to)?;
        if self.action_names().contains(to) {
            return Err(EditError::DuplicateName(to.into()));
        }
        self.find_action_mut(from).ok_or_else(|| EditError::NoSuchAction(from.into()))?.name = to.to_owned();
        let renames = HashMap::from([(from.to_owned(), to.to_owned())]);
        self.walk_actions_mut(&mut |a| rewrite_references(a, &renames));
        if let Some(outputs) = self.definition_mut().get_mut("outputs") {
            rewrite_strings(outputs, &renames);
        }
        Ok(())
    }

    /// Sets a connector step's parameter (`inputs.parameters[name]`), or removes it with `None`.
    /// A parameter keeps its place when it changes; a new one goes last, as the designer adds it.
    pub fn set_parameter(&mut self, action: &str, name: &str, value: Option<Value>) -> Result<(), EditError> {
        let found = self.find_action_mut(action).ok_or_else(|| EditError::NoSuchAction(action.into()))?;
        let inputs = found.body_mut().get_mut("inputs").and_then(Value::as_object_mut);
        let Some(inputs) = inputs.filter(|i| i.contains_key("host")) else {
            return Err(EditError::NoParameters(action.into()));
        };
        let parameters = inputs.entry("parameters").or_insert_with(|| Value::Object(Map::new()));
        let Some(parameters) = parameters.as_object_mut() else { return Err(EditError::NoParameters(action.into())) };
        match value {
            Some(value) => {
                parameters.insert(name.to_owned(), value);
            }
            None => {
                parameters.shift_remove(name);
            }
        }
        Ok(())
    }

    /// The named actions, with their contents, as clipboard JSON: an `actions` map like a flow file's.
    pub fn copy_actions(&self, names: &[String]) -> Result<Value, EditError> {
        let mut map = Map::new();
        for name in names {
            let action = self.find_action(name).ok_or_else(|| EditError::NoSuchAction(name.clone()))?;
            map.insert(action.name.clone(), action.to_json());
        }
        Ok(Value::Object(map))
    }

    /// Pastes clipboard JSON (an `actions` map) at `at`, renaming any action whose name is taken
    /// (`Compose` → `Compose_2`) and the references to it inside the pasted actions. Returns the
    /// names the pasted top-level actions got.
    pub fn paste_actions(&mut self, clipboard: &Value, at: &Position) -> Result<Vec<String>, EditError> {
        let map = clipboard.as_object().ok_or_else(|| EditError::BadClipboard("expected an object of actions".into()))?;
        let mut pasted = Vec::with_capacity(map.len());
        for (name, value) in map {
            pasted.push(Action::from_json(name.clone(), value.clone()).map_err(|e| EditError::BadClipboard(e.to_string()))?);
        }
        // New names for every pasted action, nested ones included, that collides with the flow.
        // New names avoid every pasted name too, so no rename chains into another.
        let existing = self.action_names();
        let mut pasted_names = Vec::new();
        for action in &pasted {
            action.walk(&mut |a| pasted_names.push(a.name.clone()));
        }
        let mut taken: HashSet<String> = existing.iter().cloned().chain(pasted_names.iter().cloned()).collect();
        if taken.len() != existing.len() + pasted_names.len() - pasted_names.iter().filter(|n| existing.contains(*n)).count() {
            return Err(EditError::BadClipboard("two pasted actions have the same name".into()));
        }
        let mut renames = HashMap::new();
        for name in pasted_names.iter().filter(|n| existing.contains(*n)) {
            let new = unique_name(name, &taken);
            taken.insert(new.clone());
            renames.insert(name.clone(), new);
        }
        let clipboard_names: HashSet<String> = pasted.iter().map(|a| a.name.clone()).collect();
        for action in &mut pasted {
            action.walk_mut(&mut |a| {
                if let Some(new) = renames.get(&a.name) {
                    a.name = new.clone();
                }
                rewrite_references(a, &renames);
            });
        }
        let snapshot = self.clone();
        let result = self.place_pasted(pasted, &clipboard_names, &renames, at);
        if result.is_err() {
            *self = snapshot;
        }
        result
    }

    fn place_pasted(
        &mut self,
        pasted: Vec<Action>,
        clipboard_names: &HashSet<String>,
        renames: &HashMap<String, String>,
        at: &Position,
    ) -> Result<Vec<String>, EditError> {
        let new_name = |old: &String| renames.get(old).cloned().unwrap_or_else(|| old.clone());
        let inside: HashSet<String> = clipboard_names.iter().map(new_name).collect();
        let mut placed = Vec::new();
        // Entries (running after nothing pasted) go where the user dropped them; the rest keep
        // their order among themselves.
        let (entries, rest): (Vec<_>, Vec<_>) =
            pasted.into_iter().partition(|a| !a.run_after().iter().any(|(k, _)| inside.contains(k)));
        for action in entries {
            placed.push(action.name.clone());
            self.insert_action(action, &Position { before: None, ..at.clone() })?;
        }
        for mut action in rest {
            let kept: Vec<_> = action.run_after().into_iter().filter(|(k, _)| inside.contains(k)).collect();
            placed.push(action.name.clone());
            let scope = self.scope_mut(at.parent.as_ref())?;
            action.set_run_after(&kept);
            let names: Vec<String> = {
                let mut v = Vec::new();
                action.walk(&mut |a| v.push(a.name.clone()));
                v
            };
            for n in &names {
                check_name(n)?;
            }
            scope.push(action);
        }
        if let Some(before) = &at.before {
            // The sibling the paste was dropped in front of now runs after the pasted actions' ends.
            let exits: Vec<String> = placed
                .iter()
                .filter(|p| !self.scope_actions(at.parent.as_ref()).iter().any(|a| a.run_after().iter().any(|(k, _)| k == *p)))
                .cloned()
                .collect();
            let scope = self.scope_mut(at.parent.as_ref())?;
            let target = scope.iter_mut().find(|a| &a.name == before).ok_or_else(|| EditError::NoSuchAction(before.clone()))?;
            let mut entries: Vec<_> = target.run_after().into_iter().filter(|(k, _)| Some(k) != at.after.as_ref()).collect();
            entries.extend(exits.into_iter().map(|e| (e, vec![SUCCEEDED.to_string()])));
            target.set_run_after(&entries);
        }
        Ok(placed)
    }

    /// Every action name in the flow, nested ones included.
    pub fn action_names(&self) -> HashSet<String> {
        self.all_actions().into_iter().map(|a| a.name.clone()).collect()
    }

    /// The branch holding `name`: `Some(None)` for the top level, `None` when there is no such action.
    pub fn parent_of(&self, name: &str) -> Option<Option<BranchRef>> {
        fn search(actions: &[Action], name: &str, parent: Option<BranchRef>) -> Option<Option<BranchRef>> {
            if actions.iter().any(|a| a.name == name) {
                return Some(parent);
            }
            actions.iter().find_map(|a| {
                a.branches.iter().find_map(|b| {
                    search(&b.actions, name, Some(BranchRef { container: a.name.clone(), slot: b.slot.clone() }))
                })
            })
        }
        search(&self.actions, name, None)
    }

    fn scope_actions(&self, parent: Option<&BranchRef>) -> &[Action] {
        match parent {
            None => &self.actions,
            Some(b) => self.find_action(&b.container).and_then(|c| c.branch(&b.slot)).map_or(&[], |br| &br.actions),
        }
    }

    fn scope_mut(&mut self, parent: Option<&BranchRef>) -> Result<&mut Vec<Action>, EditError> {
        match parent {
            None => Ok(&mut self.actions),
            Some(b) => {
                let container = self.find_action_mut(&b.container).ok_or_else(|| EditError::NoSuchAction(b.container.clone()))?;
                if container.branch(&b.slot).is_none() && matches!(b.slot, Slot::Case(_)) && container.kind() == crate::ActionKind::Switch {
                    container.add_case(&b.slot);
                }
                container
                    .branch_mut(&b.slot)
                    .map(|branch| &mut branch.actions)
                    .ok_or_else(|| EditError::NoSuchBranch(b.container.clone()))
            }
        }
    }
}

impl Action {
    /// Makes a new, empty switch case; its `case` value starts as the key.
    fn add_case(&mut self, slot: &Slot) {
        let Slot::Case(key) = slot else { return };
        let cases = self.body.entry("cases").or_insert_with(|| Value::Object(Map::new()));
        if let Some(cases) = cases.as_object_mut() {
            let mut case = Map::new();
            case.insert("case".into(), Value::String(key.clone()));
            case.insert("actions".into(), Value::Null);
            cases.insert(key.clone(), Value::Object(case));
        }
        let at = self.branches.iter().position(|b| b.slot == Slot::Default).unwrap_or(self.branches.len());
        let mut branch = crate::model::Branch::new(slot.clone());
        branch.mark_present();
        self.branches.insert(at, branch);
    }
}

fn last_in_run_order(scope: &[Action]) -> Option<String> {
    let followed: HashSet<String> = scope.iter().flat_map(|a| a.run_after().into_iter().map(|(k, _)| k)).collect();
    run_order(scope).into_iter().rev().find(|a| !followed.contains(&a.name)).map(|a| a.name.clone())
}

pub fn check_name(name: &str) -> Result<(), EditError> {
    let invalid = |reason: &str| Err(EditError::InvalidName { name: name.into(), reason: reason.into() });
    if name.trim().is_empty() {
        return invalid("it is empty");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return invalid("it is longer than 80 characters");
    }
    if name.chars().any(char::is_control) {
        return invalid("it contains a control character");
    }
    if name.trim() != name {
        return invalid("it starts or ends with a space");
    }
    Ok(())
}

/// `Compose` → `Compose_2`, `Compose_2` → `Compose_3`, skipping names already taken.
pub fn unique_name(base: &str, taken: &HashSet<String>) -> String {
    let stem = match base.rsplit_once('_') {
        Some((stem, n)) if !stem.is_empty() && n.parse::<u32>().is_ok() => stem,
        _ => base,
    };
    (2..).map(|n| format!("{stem}_{n}")).find(|c| !taken.contains(c)).expect("a free name exists")
}

/// Renames in an action's own fields: its `runAfter` keys and every expression.
fn rewrite_references(action: &mut Action, renames: &HashMap<String, String>) {
    if renames.is_empty() {
        return;
    }
    let entries = action.run_after();
    if entries.iter().any(|(k, _)| renames.contains_key(k)) {
        let renamed: Vec<_> = entries.into_iter().map(|(k, s)| (renames.get(&k).cloned().unwrap_or(k), s)).collect();
        action.set_run_after(&renamed);
    }
    for (key, value) in action.body_mut().iter_mut() {
        if key != "runAfter" {
            rewrite_strings(value, renames);
        }
    }
}

fn rewrite_strings(value: &mut Value, renames: &HashMap<String, String>) {
    match value {
        Value::String(s) => {
            for (from, to) in renames {
                if let Some(new) = flowbench_expr::rename_action_in_template(s, from, to) {
                    *s = new;
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_strings(v, renames)),
        Value::Object(map) => map.values_mut().for_each(|v| rewrite_strings(v, renames)),
        _ => {}
    }
}
