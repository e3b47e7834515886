//! A read-only outline of a flow: the trigger and the tree of steps in run order, with the
//! identity each connector step runs as. The canvas is drawn from it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::connection::{runs_as, RunsAs, TriggerIdentity, DATAVERSE_APIS};
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
    pub steps: Vec<StepOutline>,
}

/// Parses flow JSON text (solution file, flow-management API shape or bare definition).
pub fn outline_flow(text: &str) -> Result<FlowOutline, FlowError> {
    let doc: Value = serde_json::from_str(text)?;
    outline_document(&doc)
}

pub fn outline_document(doc: &Value) -> Result<FlowOutline, FlowError> {
    let obj = doc.as_object().ok_or_else(|| FlowError::NotAFlow("the document is not a JSON object".into()))?;
    let (definition, references, pointer) = if let Some(props) = obj.get("properties") {
        let def = props.get("definition").ok_or_else(|| {
            FlowError::shape("/properties", "has no `definition`: not a flow file")
        })?;
        (def, props.get("connectionReferences"), "/properties/definition")
    } else if let Some(def) = obj.get("definition") {
        (def, obj.get("connectionReferences"), "/definition")
    } else if obj.contains_key("triggers") || obj.contains_key("actions") {
        (doc, None, "")
    } else {
        return Err(FlowError::NotAFlow(
            "expected `properties.definition`, `definition`, or a definition with `triggers` and `actions`".into(),
        ));
    };
    let display_name = obj
        .get("properties")
        .and_then(|p| p.get("displayName"))
        .or_else(|| obj.get("displayName"))
        .and_then(Value::as_str)
        .map(str::to_owned);

    let triggers = optional_object(definition, "triggers", pointer)?;
    let (trigger, identity) = match triggers.and_then(|t| t.iter().next()) {
        Some((name, body)) => {
            let identity = TriggerIdentity::of(body);
            let mut step = step_outline(name, body, references, identity, &format!("{pointer}/triggers"))?;
            step.kind = StepKind::Trigger;
            step.runs_as = None;
            (Some(step), identity)
        }
        None => (None, TriggerIdentity::Automated),
    };
    let ctx = Ctx { references, identity };
    let steps = match optional_object(definition, "actions", pointer)? {
        Some(actions) => ctx.scope(actions, &format!("{pointer}/actions"))?,
        None => Vec::new(),
    };
    let step_count = count(&steps);
    Ok(FlowOutline { display_name, trigger, steps, step_count })
}

struct Ctx<'a> {
    references: Option<&'a Value>,
    identity: TriggerIdentity,
}

impl Ctx<'_> {
    fn scope(&self, actions: &Map<String, Value>, pointer: &str) -> Result<Vec<StepOutline>, FlowError> {
        let mut steps = Vec::with_capacity(actions.len());
        for name in run_order(actions) {
            let body = &actions[name];
            let here = format!("{pointer}/{}", escape_pointer(name));
            let mut step = step_outline(name, body, self.references, self.identity, pointer)?;
            step.branches = self.branches(body, &here)?;
            steps.push(step);
        }
        Ok(steps)
    }

    fn branch(&self, label: &str, holder: &Value, pointer: &str) -> Result<BranchOutline, FlowError> {
        let steps = match optional_object(holder, "actions", pointer)? {
            Some(actions) => self.scope(actions, &format!("{pointer}/actions"))?,
            None => Vec::new(),
        };
        Ok(BranchOutline { label: label.to_owned(), steps })
    }

    fn branches(&self, body: &Value, pointer: &str) -> Result<Vec<BranchOutline>, FlowError> {
        let action_type = body.get("type").and_then(Value::as_str).unwrap_or_default();
        let mut out = Vec::new();
        match action_type.to_ascii_lowercase().as_str() {
            "if" => {
                out.push(self.branch("Yes", body, pointer)?);
                let no = body.get("else").unwrap_or(&Value::Null);
                out.push(self.branch("No", no, &format!("{pointer}/else"))?);
            }
            "switch" => {
                if let Some(cases) = optional_object(body, "cases", pointer)? {
                    for (case, case_body) in cases {
                        out.push(self.branch(case, case_body, &format!("{pointer}/cases/{}", escape_pointer(case)))?);
                    }
                }
                let default = body.get("default").unwrap_or(&Value::Null);
                out.push(self.branch("Default", default, &format!("{pointer}/default"))?);
            }
            "foreach" | "until" | "scope" => out.push(self.branch("Body", body, pointer)?),
            _ => {}
        }
        Ok(out)
    }
}

fn step_outline(
    name: &str,
    body: &Value,
    references: Option<&Value>,
    identity: TriggerIdentity,
    pointer: &str,
) -> Result<StepOutline, FlowError> {
    if !body.is_object() {
        return Err(FlowError::shape(format!("{pointer}/{}", escape_pointer(name)), "is not an object"));
    }
    let action_type = body.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    let host = body.pointer("/inputs/host");
    let operation_id = host.and_then(|h| h.get("operationId")).and_then(Value::as_str).map(str::to_owned);
    let api_name = host.and_then(api_name_of);
    let is_dataverse = api_name.as_deref().is_some_and(|api| DATAVERSE_APIS.contains(&api));
    let connection_name = host.and_then(|h| h.get("connectionName")).and_then(Value::as_str);
    let runs_as = match connection_name {
        Some(conn) if action_type.starts_with("OpenApiConnection") => Some(runs_as(references, conn, identity)),
        _ => None,
    };
    let parameters = body.pointer("/inputs/parameters");
    let table = parameters
        .and_then(|p| p.get("entityName").or_else(|| p.get("subscriptionRequest/entityname")))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(StepOutline {
        name: name.to_owned(),
        kind: kind_of(&action_type, is_dataverse),
        action_type,
        operation_id,
        table,
        runs_as,
        run_after: run_after_edges(body),
        branches: Vec::new(),
    })
}

/// `apiId` ends with the API name: `/providers/Microsoft.PowerApps/apis/shared_x`.
fn api_name_of(host: &Value) -> Option<String> {
    let api_id = host.get("apiId").and_then(Value::as_str)?;
    api_id.rsplit('/').next().map(str::to_owned)
}

fn kind_of(action_type: &str, is_dataverse: bool) -> StepKind {
    match action_type.to_ascii_lowercase().as_str() {
        _ if is_dataverse => StepKind::Dataverse,
        "openapiconnection" | "apiconnection" | "openapiconnectionwebhook" | "apiconnectionwebhook" => StepKind::Connector,
        "if" => StepKind::Condition,
        "switch" => StepKind::Switch,
        "foreach" => StepKind::Foreach,
        "until" => StepKind::Until,
        "scope" => StepKind::Scope,
        "terminate" => StepKind::Terminate,
        "initializevariable" | "setvariable" | "incrementvariable" | "decrementvariable"
        | "appendtoarrayvariable" | "appendtostringvariable" => StepKind::Variable,
        "compose" | "parsejson" | "query" | "select" | "table" | "join" | "expression" => StepKind::Data,
        "http" | "response" | "httpwebhook" => StepKind::Http,
        "workflow" => StepKind::ChildFlow,
        _ => StepKind::Other,
    }
}

fn run_after_edges(body: &Value) -> Vec<RunAfterEdge> {
    let Some(run_after) = body.get("runAfter").and_then(Value::as_object) else { return Vec::new() };
    run_after
        .iter()
        .map(|(action, statuses)| RunAfterEdge {
            action: action.clone(),
            statuses: statuses
                .as_array()
                .map(|s| s.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// Steps in the order they can run: a step comes after every step it runs after; ties keep
/// document order. Steps caught in a cycle or waiting on a missing step come last, in document
/// order, so that nothing disappears from the canvas (validation reports them).
fn run_order(actions: &Map<String, Value>) -> Vec<&str> {
    let names: Vec<&str> = actions.keys().map(String::as_str).collect();
    let positions: std::collections::HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let index = |n: &str| positions.get(n).copied();
    let mut waiting: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            actions[*n]
                .get("runAfter")
                .and_then(Value::as_object)
                .map(|ra| ra.keys().filter_map(|k| index(k)).collect())
                .unwrap_or_default()
        })
        .collect();
    let mut placed = vec![false; names.len()];
    let mut order = Vec::with_capacity(names.len());
    loop {
        let ready = (0..names.len()).find(|&i| !placed[i] && waiting[i].iter().all(|&d| placed[d]));
        match ready {
            Some(i) => {
                placed[i] = true;
                order.push(names[i]);
            }
            None => break,
        }
    }
    for i in 0..names.len() {
        if !placed[i] {
            order.push(names[i]);
            waiting[i].clear();
        }
    }
    order
}

fn optional_object<'a>(holder: &'a Value, key: &str, pointer: &str) -> Result<Option<&'a Map<String, Value>>, FlowError> {
    match holder.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(FlowError::shape(format!("{pointer}/{key}"), "must be an object")),
    }
}

fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
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
        assert_eq!(err, FlowError::shape("/properties/definition/actions/S/actions", "must be an object"));
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
