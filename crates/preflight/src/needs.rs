//! What each Dataverse step needs: from its operation and table, the privileges (reference
//! §2.2: prv + verb + SchemaName) and the depth the row's ownership calls for, where it can be
//! known before the run.

use flowbench_core::{Action, Flow};
use flowbench_sandbox::{table_privilege_name, Right, Scenario, TableDef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::identity::StepIdentity;
use crate::options::Options;
use crate::tables;

pub const ACT_ON_BEHALF: &str = "prvActOnBehalfOfAnotherUser";

/// Who must hold a privilege.
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Holder {
    /// The user the step acts as (and, when impersonating, the connection's owner too:
    /// Dataverse intersects both users' privileges).
    EffectiveUser,
    /// The connection's owner when it impersonates, through its own roles (not a team's).
    ConnectionOwner,
    /// The flow's owner, to save a flow with invoker connections for Dataverse.
    FlowOwner,
}

/// The access level a row privilege needs, as far as it is known statically.
#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum DepthNeed {
    /// Not measured against a row (Create, non-table privileges).
    None,
    /// The row is the user's own (an earlier step created it as the same identity): Basic suffices.
    Basic,
    /// A query: rows out of reach are left out of the answer, never an error.
    Filtered,
    /// The row was created by an earlier step under another identity (`Need::row_created_by`),
    /// who owns it: the depth must reach that owner's business unit.
    CreatorsRow,
    /// Depends on who owns the row at run time: Basic reaches only the user's (and teams') own
    /// rows, Local its business unit, Deep the units below, Global all.
    Unknown,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Need {
    pub privilege: String,
    /// The table's logical name; `None` for privileges of no table.
    pub table: Option<String>,
    pub holder: Holder,
    pub depth: DepthNeed,
    /// With `DepthNeed::CreatorsRow`: the step that created the row.
    pub row_created_by: Option<String>,
    /// Why the step needs it, e.g. "create the row".
    pub reason: String,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StepNeeds {
    pub action: String,
    pub dataverse: bool,
    pub operation: Option<String>,
    /// Logical name of the step's table, when the scenario knows it.
    pub table: Option<String>,
    /// `None` for steps that are not Dataverse steps.
    pub identity: Option<StepIdentity>,
    pub needs: Vec<Need>,
    /// Set when the needs could not be worked out (unknown operation or table); says why.
    pub unknown: Option<String>,
    /// What the preflight assumed and what it cannot know.
    pub notes: Vec<String>,
}

/// The needs of every step, in document order (nested steps included).
pub fn step_needs(flow: &Flow, scenario: &Scenario, options: &Options) -> Vec<StepNeeds> {
    flow.all_actions().into_iter().map(|action| one_step(flow, action, scenario, options)).collect()
}

/// The flow owner's own need: invoker connections to Dataverse need delegation
/// (flow-format.md §3.1, dataverse-web-api.md §3).
pub fn owner_needs(steps: &[StepNeeds]) -> Vec<Need> {
    let uses_invoker = steps.iter().any(|s| s.identity.as_ref().is_some_and(StepIdentity::uses_invoker));
    if !uses_invoker {
        return Vec::new();
    }
    vec![Need {
        privilege: ACT_ON_BEHALF.into(),
        table: None,
        holder: Holder::FlowOwner,
        depth: DepthNeed::None,
        row_created_by: None,
        reason: "save a flow whose Dataverse steps use the invoker's connection".into(),
    }]
}

fn one_step(flow: &Flow, action: &Action, scenario: &Scenario, options: &Options) -> StepNeeds {
    let mut step = StepNeeds {
        action: action.name.clone(),
        dataverse: action.is_dataverse(),
        operation: action.operation_id().map(str::to_owned),
        table: None,
        identity: None,
        needs: Vec::new(),
        unknown: None,
        notes: Vec::new(),
    };
    if !step.dataverse {
        return step;
    }
    let identity = StepIdentity::of(flow, action, options);
    if let StepIdentity::Impersonation { .. } = identity {
        step.needs.push(Need {
            privilege: ACT_ON_BEHALF.into(),
            table: None,
            holder: Holder::ConnectionOwner,
            depth: DepthNeed::None,
            row_created_by: None,
            reason: "impersonate the trigger's \"Run as\" user".into(),
        });
    }
    step.identity = Some(identity.clone());
    let parameters = parameters_of(action);
    let operation = step.operation.clone().unwrap_or_default();
    let Some(table) = parameters.get("entityName").and_then(|v| tables::by_entity_set(scenario, v.as_str()?)) else {
        step.unknown = Some(match parameters.get("entityName") {
            Some(Value::String(name)) => format!("the table '{name}' is not one the environment knows (or is an expression)"),
            _ => "the step names no table (entityName)".into(),
        });
        return step;
    };
    step.table = Some(table.logical_name.clone());
    let row = RowContext::of(flow, action, &identity, &parameters, scenario, options);
    let mut need = |table: &TableDef, right: Right, depth: DepthNeed, reason: &str| {
        let row_created_by = if depth == DepthNeed::CreatorsRow { row.created_by.clone() } else { None };
        step.needs.push(Need {
            privilege: table_privilege_name(table, right),
            table: Some(table.logical_name.clone()),
            holder: Holder::EffectiveUser,
            depth,
            row_created_by,
            reason: reason.into(),
        });
    };
    match operation.as_str() {
        "CreateRecord" => need(table, Right::Create, DepthNeed::None, "create the row"),
        "GetItem" => need(table, Right::Read, row.depth, "read the row"),
        "ListRecords" => need(table, Right::Read, DepthNeed::Filtered, "query the table"),
        "UpdateOnlyRecord" => need(table, Right::Write, row.depth, "update the row"),
        "UpdateRecord" => {
            need(table, Right::Write, row.depth, "update the row");
            // Upsert: a missing row is created. Write alone is only enough when the row
            // certainly exists, i.e. it comes from an earlier step.
            if !row.exists {
                need(table, Right::Create, DepthNeed::None, "create the row if it does not exist (upsert)");
            }
        }
        "DeleteRecord" => need(table, Right::Delete, row.depth, "delete the row"),
        "AssociateEntities" | "DisassociateEntities" => {
            let other = parameters.get("item/@odata.id").or_else(|| parameters.get("$id"));
            match other.and_then(|v| tables::of_reference(scenario, v)) {
                Some(other) => {
                    // N:N and 1:N relate both ways: each side is appended to the other.
                    for side in [table, other] {
                        need(side, Right::Append, DepthNeed::Unknown, "relate the rows");
                        need(side, Right::AppendTo, DepthNeed::Unknown, "relate the rows");
                    }
                }
                None => step.unknown = Some("the related row's table cannot be read from item/@odata.id".into()),
            }
        }
        other => step.unknown = Some(format!("the operation '{other}' is not analysed by the preflight")),
    }
    if matches!(operation.as_str(), "CreateRecord" | "UpdateRecord" | "UpdateOnlyRecord") {
        lookup_needs(&mut step, table, &parameters, flow, &identity, scenario, options);
    }
    if step.needs.iter().any(|n| n.depth == DepthNeed::Unknown) {
        step.notes.push(
            "who owns the row is only known at run time: a privilege held at Basic depth reaches only the user's own rows"
                .into(),
        );
    }
    step
}

/// `item/<nav>@odata.bind` sets a lookup: Append on this table, AppendTo on the target
/// (reference §2.2). `ownerid@odata.bind` assigns instead.
fn lookup_needs(
    step: &mut StepNeeds,
    table: &TableDef,
    parameters: &serde_json::Map<String, Value>,
    flow: &Flow,
    identity: &StepIdentity,
    scenario: &Scenario,
    options: &Options,
) {
    let mut appended = false;
    for (key, value) in parameters {
        let Some(navigation) = key.strip_prefix("item/").and_then(|k| k.strip_suffix("@odata.bind")) else { continue };
        if value.is_null() {
            continue; // Clearing a lookup appends nothing.
        }
        if navigation.eq_ignore_ascii_case("ownerid") {
            step.needs.push(Need {
                privilege: table_privilege_name(table, Right::Assign),
                table: Some(table.logical_name.clone()),
                holder: Holder::EffectiveUser,
                depth: DepthNeed::Unknown,
                row_created_by: None,
                reason: "assign the row to another owner (not needed when the owner is the user itself)".into(),
            });
            continue;
        }
        let Some(target) = tables::of_reference(scenario, value).or_else(|| tables::of_navigation(scenario, table, navigation))
        else {
            step.notes.push(format!("the target table of '{key}' cannot be known statically; its AppendTo is not checked"));
            continue;
        };
        if !appended {
            step.needs.push(Need {
                privilege: table_privilege_name(table, Right::Append),
                table: Some(table.logical_name.clone()),
                holder: Holder::EffectiveUser,
                depth: DepthNeed::Basic,
                row_created_by: None,
                reason: format!("set the lookup {navigation}"),
            });
            appended = true;
        }
        let (depth, row_created_by) = row_origin(flow, value, identity, options);
        step.needs.push(Need {
            privilege: table_privilege_name(target, Right::AppendTo),
            table: Some(target.logical_name.clone()),
            holder: Holder::EffectiveUser,
            depth,
            row_created_by,
            reason: format!("be the target of {navigation}"),
        });
    }
}

/// What is known about the row a step works on, from where its `recordId` comes from.
struct RowContext {
    depth: DepthNeed,
    /// An earlier step produced or found the row, so an upsert will not create it.
    exists: bool,
    created_by: Option<String>,
}

impl RowContext {
    fn of(
        flow: &Flow,
        action: &Action,
        identity: &StepIdentity,
        parameters: &serde_json::Map<String, Value>,
        scenario: &Scenario,
        options: &Options,
    ) -> RowContext {
        let record_id = parameters.get("recordId").cloned().unwrap_or(Value::Null);
        let sources: Vec<&Action> = referenced_steps(&record_id).iter().filter_map(|n| flow.find_action(n)).collect();
        let same_table = |a: &Action| {
            let mine = parameters.get("entityName").and_then(Value::as_str).and_then(|s| tables::by_entity_set(scenario, s));
            let theirs = parameters_of(a).get("entityName").and_then(Value::as_str).and_then(|s| tables::by_entity_set(scenario, s));
            mine.is_some() && mine.map(|t| &t.logical_name) == theirs.map(|t| &t.logical_name)
        };
        let exists = sources.iter().any(|a| {
            a.is_dataverse()
                && a.name != action.name
                && same_table(a)
                && matches!(a.operation_id(), Some("CreateRecord" | "GetItem" | "UpdateRecord" | "UpdateOnlyRecord"))
        });
        let (depth, created_by) = row_origin(flow, &record_id, identity, options);
        RowContext { depth, exists, created_by }
    }
}

/// Who owns the row `value` names, as far as the flow says: the creating user owns what it
/// creates, so a row from a CreateRecord step run as the same identity is the user's own
/// (Basic), and one created under another identity belongs to that step's user.
fn row_origin(flow: &Flow, value: &Value, identity: &StepIdentity, options: &Options) -> (DepthNeed, Option<String>) {
    let names = referenced_steps(value);
    let creators: Vec<&Action> = names
        .iter()
        .filter_map(|name| flow.find_action(name))
        .filter(|a| a.is_dataverse() && a.operation_id() == Some("CreateRecord"))
        // A create that names an owner gives the row away: its owner is not the creator.
        .filter(|a| !parameters_of(a).keys().any(|k| k.eq_ignore_ascii_case("item/ownerid@odata.bind")))
        .collect();
    if creators.len() != names.len() {
        return (DepthNeed::Unknown, None);
    }
    match creators.as_slice() {
        [] => (DepthNeed::Unknown, None),
        [one] if same_identity(flow, one, identity, options) => (DepthNeed::Basic, None),
        [one] => (DepthNeed::CreatorsRow, Some(one.name.clone())),
        many if many.iter().all(|a| same_identity(flow, a, identity, options)) => (DepthNeed::Basic, None),
        _ => (DepthNeed::Unknown, None),
    }
}

fn same_identity(flow: &Flow, source: &Action, identity: &StepIdentity, options: &Options) -> bool {
    StepIdentity::of(flow, source, options) == *identity
}

/// Step names an expression reads rows from: `outputs('X')` and `body('X')`.
fn referenced_steps(value: &Value) -> Vec<String> {
    let Some(text) = value.as_str() else { return Vec::new() };
    let mut names = Vec::new();
    for function in ["outputs('", "body('"] {
        let mut rest = text;
        while let Some(start) = rest.find(function) {
            let after = &rest[start + function.len()..];
            let Some(end) = after.find('\'') else { break };
            names.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    names
}

fn parameters_of(action: &Action) -> serde_json::Map<String, Value> {
    action.body().get("inputs").and_then(|i| i.get("parameters")).and_then(Value::as_object).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_the_steps_an_expression_reads() {
        let value = json!("@{outputs('Create')?['body/contactid']}-@{body('Get_a_row')?['x']}");
        assert_eq!(referenced_steps(&value), vec!["Create".to_string(), "Get_a_row".to_string()]);
        assert!(referenced_steps(&json!(3)).is_empty());
    }
}
