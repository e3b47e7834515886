//! A read-only outline of a flow: the trigger and the tree of steps in run order, with the
//! identity each connector step runs as. The canvas is drawn from it.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::connection::{runs_as, RunsAs, TriggerIdentity};
use crate::model::{Action, ActionKind, Flow, Slot, Trigger, TriggerKind};
use crate::trigger_input::{trigger_input, TriggerInput};
use crate::FlowError;

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FlowOutline {
    /// Display name when the document carries one.
    pub display_name: Option<String>,
    pub trigger: Option<StepOutline>,
    pub steps: Vec<StepOutline>,
    /// Steps at every depth, trigger excluded.
    pub step_count: u32,
    /// What a test run gives the trigger, when the form can ask for it.
    pub trigger_input: Option<TriggerInput>,
}

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    Trigger,
    Dataverse,
    Connector,
    Condition,
    Switch,
    Foreach,
    Until,
    Scope,
    Terminate,
    Variable,
    Data,
    Http,
    ChildFlow,
    Other,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StepOutline {
    pub name: String,
    /// The action's `type` exactly as written.
    pub action_type: String,
    pub kind: StepKind,
    pub operation_id: Option<String>,
    /// The table a Dataverse step works on, when it names one.
    pub table: Option<String>,
    pub runs_as: Option<RunsAs>,
    pub run_after: Vec<RunAfterEdge>,
    pub branches: Vec<BranchOutline>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RunAfterEdge {
    pub action: String,
    pub statuses: Vec<String>,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BranchOutline {
    /// "Yes", "No", a switch case name, "Default", or "Body" for loops and scopes.
    pub label: String,
    /// Where the branch's actions live in the container, to insert steps into it.
    pub slot: Slot,
    pub steps: Vec<StepOutline>,
}

/// Parses flow JSON text (solution file, flow-management API shape or bare definition).
pub fn outline_flow(text: &str) -> Result<FlowOutline, FlowError> {
    Ok(outline_of(&Flow::parse(text)?))
}

pub fn outline_of(flow: &Flow) -> FlowOutline {
    let references = flow.connection_references();
    let identity = flow.trigger().map_or(TriggerIdentity::Automated, Trigger::identity);
    let trigger = flow.trigger().map(|t| StepOutline {
        name: t.name.clone(),
        action_type: t.trigger_type().to_owned(),
        kind: StepKind::Trigger,
        operation_id: t.body().get("inputs").and_then(|i| i.get("host")).and_then(|h| h.get("operationId")).and_then(Value::as_str).map(str::to_owned),
        table: match t.kind() {
            TriggerKind::DataverseRow(row) => row.table,
            _ => None,
        },
        runs_as: None,
        run_after: Vec::new(),
        branches: Vec::new(),
    });
    let steps = scope(&flow.actions, references, identity);
    let step_count = count(&steps);
    let trigger_input = flow.trigger().and_then(trigger_input);
    FlowOutline { display_name: flow.display_name().map(str::to_owned), trigger, steps, step_count, trigger_input }
}

fn scope(actions: &[Action], references: Option<&Map<String, Value>>, identity: TriggerIdentity) -> Vec<StepOutline> {
    run_order(actions)
        .into_iter()
        .map(|action| {
            let kind = action.kind();
            let runs_as = match action.connection_name() {
                Some(conn) if kind.is_connector() => Some(runs_as(references, conn, identity)),
                _ => None,
            };
            let table = action.body().get("inputs").and_then(|i| i.get("parameters")).and_then(|p| p.get("entityName")).and_then(Value::as_str).map(str::to_owned);
            StepOutline {
                name: action.name.clone(),
                action_type: action.action_type().to_owned(),
                kind: step_kind(action),
                operation_id: action.operation_id().map(str::to_owned),
                table,
                runs_as,
                run_after: action.run_after().into_iter().map(|(action, statuses)| RunAfterEdge { action, statuses }).collect(),
                branches: action
                    .branches
                    .iter()
                    .map(|b| BranchOutline { label: b.slot.label(kind), slot: b.slot.clone(), steps: scope(&b.actions, references, identity) })
                    .collect(),
            }
        })
        .collect()
}

fn step_kind(action: &Action) -> StepKind {
    use ActionKind as A;
    match action.kind() {
        _ if action.is_dataverse() => StepKind::Dataverse,
        A::OpenApiConnection | A::OpenApiConnectionWebhook | A::ApiConnection | A::ApiConnectionWebhook => StepKind::Connector,
        A::If => StepKind::Condition,
        A::Switch => StepKind::Switch,
        A::Foreach => StepKind::Foreach,
        A::Until => StepKind::Until,
        A::Scope => StepKind::Scope,
        A::Terminate => StepKind::Terminate,
        A::InitializeVariable | A::SetVariable | A::IncrementVariable | A::DecrementVariable | A::AppendToArrayVariable | A::AppendToStringVariable => StepKind::Variable,
        A::Compose | A::ParseJson | A::Query | A::Select | A::Table | A::Join | A::Expression => StepKind::Data,
        A::Http | A::HttpWebhook | A::Response => StepKind::Http,
        A::Workflow => StepKind::ChildFlow,
        A::Wait | A::Unknown => StepKind::Other,
    }
}

/// Actions in the order they can run: an action comes after every action it runs after; ties
/// keep document order. Actions caught in a cycle or waiting on a missing action come last, in
/// document order, so nothing disappears from the canvas (validation reports them).
pub fn run_order(actions: &[Action]) -> Vec<&Action> {
    let positions: HashMap<&str, usize> = actions.iter().enumerate().map(|(i, a)| (a.name.as_str(), i)).collect();
    // For each action, how many of its runAfter predecessors are not placed yet, and who waits on it.
    let mut unplaced_before = vec![0usize; actions.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); actions.len()];
    for (i, action) in actions.iter().enumerate() {
        for (name, _) in action.run_after() {
            if let Some(&before) = positions.get(name.as_str()) {
                unplaced_before[i] += 1;
                dependents[before].push(i);
            }
        }
    }
    // The lowest-placed ready action goes first, so independent steps keep document order.
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..actions.len()).filter(|&i| unplaced_before[i] == 0).map(Reverse).collect();
    let mut placed = vec![false; actions.len()];
    let mut order = Vec::with_capacity(actions.len());
    while let Some(Reverse(i)) = ready.pop() {
        placed[i] = true;
        order.push(&actions[i]);
        for &next in &dependents[i] {
            unplaced_before[next] -= 1;
            if unplaced_before[next] == 0 {
                ready.push(Reverse(next));
            }
        }
    }
    // Steps in a cycle (or waiting on one) are kept, after the others, rather than dropped.
    order.extend(actions.iter().enumerate().filter(|(i, _)| !placed[*i]).map(|(_, a)| a));
    order
}

fn count(steps: &[StepOutline]) -> u32 {
    steps.iter().map(|s| 1 + s.branches.iter().map(|b| count(&b.steps)).sum::<u32>()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::TriggerRunAs;

    #[test]
    fn orders_steps_by_run_after_not_by_document_order() {
        let text = r#"{"triggers": {"manual": {"type": "Request", "kind": "Button"}},
            "actions": {
              "Third": {"type": "Compose", "inputs": 3, "runAfter": {"Second": ["Succeeded"]}},
              "First": {"type": "Compose", "inputs": 1, "runAfter": {}},
              "Second": {"type": "Compose", "inputs": 2, "runAfter": {"First": ["Succeeded", "Failed"]}}
            }}"#;
        let outline = outline_flow(text).unwrap();
        let names: Vec<_> = outline.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["First", "Second", "Third"]);
        assert_eq!(outline.steps[1].run_after[0].statuses, ["Succeeded", "Failed"]);
    }

    #[test]
    fn keeps_steps_in_a_cycle_instead_of_dropping_them() {
        let text = r#"{"actions": {
              "A": {"type": "Compose", "runAfter": {"B": ["Succeeded"]}},
              "B": {"type": "Compose", "runAfter": {"A": ["Succeeded"]}},
              "C": {"type": "Compose", "runAfter": {}}
            }}"#;
        let names: Vec<_> = outline_flow(text).unwrap().steps.into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["C", "A", "B"]);
    }

    #[test]
    fn nests_condition_switch_and_loop_branches() {
        let text = r#"{"actions": {
            "Check": {"type": "If", "expression": true, "actions": {"Yes1": {"type": "Compose"}},
                      "else": {"actions": {"No1": {"type": "Compose"}}}},
            "Route": {"type": "Switch", "expression": "x", "runAfter": {"Check": ["Succeeded"]},
                      "cases": {"Case_a": {"case": "a", "actions": {"A1": {"type": "Compose"}}}},
                      "default": {"actions": {}}},
            "Each": {"type": "Foreach", "foreach": "@body('x')", "runAfter": {"Route": ["Succeeded"]},
                     "actions": {"Inner": {"type": "Compose"}}}
        }}"#;
        let outline = outline_flow(text).unwrap();
        let labels = |i: usize| outline.steps[i].branches.iter().map(|b| b.label.clone()).collect::<Vec<_>>();
        assert_eq!(labels(0), ["Yes", "No"]);
        assert_eq!(labels(1), ["Case_a", "Default"]);
        assert_eq!(labels(2), ["Body"]);
        assert_eq!(outline.steps[0].branches[1].steps[0].name, "No1");
        assert_eq!(outline.step_count, 7);
    }

    #[test]
    fn reports_what_and_where_for_bad_input() {
        let err = outline_flow("{\n  \"actions\": [1,2,\n").unwrap_err();
        assert!(matches!(err, FlowError::Json { line: 3, .. }), "{err:?}");
        let err = outline_flow(r#"{"actions": []}"#).unwrap_err();
        assert_eq!(err, FlowError::shape("/actions", "must be an object"));
        let err = outline_flow(r#"{"properties": {"definition": {"actions": {"S": {"type":"Scope","actions": 5}}}}}"#).unwrap_err();
        assert_eq!(err, FlowError::shape("/properties/definition/actions/S/actions", "must be an object of actions"));
        assert!(matches!(outline_flow("[]").unwrap_err(), FlowError::NotAFlow(_)));
        assert!(matches!(outline_flow(r#"{"name": "x"}"#).unwrap_err(), FlowError::NotAFlow(_)));
    }

    #[test]
    fn the_sample_flow_shows_who_each_dataverse_step_runs_as() {
        let outline = outline_flow(crate::sample::SAMPLE_FLOW_JSON).unwrap();
        let trigger = outline.trigger.as_ref().unwrap();
        assert_eq!(trigger.kind, StepKind::Trigger);
        assert_eq!(trigger.table.as_deref(), Some("contact"));
        let find = |name: &str| find_step(&outline.steps, name).unwrap_or_else(|| panic!("no step {name}"));
        assert_eq!(
            find("Get_the_parent_account").runs_as,
            Some(RunsAs::ConnectionReference { logical_name: Some("fb_DataverseService".into()) })
        );
        assert_eq!(
            find("Create_a_follow-up_task").runs_as,
            Some(RunsAs::TriggerRunAs { user: TriggerRunAs::ModifyingUser, logical_name: Some("fb_DataverseService".into()) })
        );
    }

    fn find_step<'a>(steps: &'a [StepOutline], name: &str) -> Option<&'a StepOutline> {
        steps.iter().find_map(|s| {
            if s.name == name {
                Some(s)
            } else {
                s.branches.iter().find_map(|b| find_step(&b.steps, name))
            }
        })
    }
}
