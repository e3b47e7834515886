use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::connection::DATAVERSE_APIS;
use crate::pointer::PointerPath;
use crate::FlowError;

/// Where a branch's actions live inside its container's JSON.
#[derive(Serialize, Deserialize, TS, Debug, Clone, PartialEq, Eq)]
#[serde(tag = "kind", content = "key", rename_all = "camelCase")]
pub enum Slot {
    /// `actions`: the body of Scope, Foreach, Until, any container; the "Yes" branch of If.
    Actions,
    /// `else.actions`: the "No" branch of If.
    Else,
    /// `cases.<key>.actions`.
    Case(String),
    /// `default.actions` of Switch.
    Default,
}

impl Slot {
    /// The keys leading from the container's object to this branch's actions map.
    pub fn path(&self) -> Vec<&str> {
        match self {
            Slot::Actions => vec!["actions"],
            Slot::Else => vec!["else", "actions"],
            Slot::Case(key) => vec!["cases", key.as_str(), "actions"],
            Slot::Default => vec!["default", "actions"],
        }
    }

    /// What the designer calls the branch.
    pub fn label(&self, container: ActionKind) -> String {
        match (self, container) {
            (Slot::Actions, ActionKind::If) => "Yes".into(),
            (Slot::Else, _) => "No".into(),
            (Slot::Case(key), _) => key.clone(),
            (Slot::Default, _) => "Default".into(),
            (Slot::Actions, _) => "Body".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub slot: Slot,
    pub actions: Vec<Action>,
    /// Whether the slot was in the JSON; an absent empty branch stays absent on export.
    pub(crate) present: bool,
}

impl Branch {
    pub fn new(slot: Slot) -> Self {
        Branch { slot, actions: Vec::new(), present: false }
    }

    /// The slot exists in the JSON even while the branch is empty.
    pub(crate) fn mark_present(&mut self) {
        self.present = true;
    }
}

/// The action types of the reference (§5), by `type`, compared case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    OpenApiConnection,
    OpenApiConnectionWebhook,
    ApiConnection,
    ApiConnectionWebhook,
    If,
    Switch,
    Foreach,
    Until,
    Scope,
    Terminate,
    InitializeVariable,
    SetVariable,
    IncrementVariable,
    DecrementVariable,
    AppendToArrayVariable,
    AppendToStringVariable,
    Compose,
    ParseJson,
    Query,
    Select,
    Table,
    Join,
    Response,
    Http,
    HttpWebhook,
    Wait,
    Workflow,
    Expression,
    /// A type we do not model; kept verbatim.
    Unknown,
}

impl ActionKind {
    pub fn from_type(action_type: &str) -> Self {
        use ActionKind::*;
        const TABLE: &[(&str, ActionKind)] = &[
            ("OpenApiConnection", OpenApiConnection),
            ("OpenApiConnectionWebhook", OpenApiConnectionWebhook),
            ("ApiConnection", ApiConnection),
            ("ApiConnectionWebhook", ApiConnectionWebhook),
            ("If", If),
            ("Switch", Switch),
            ("Foreach", Foreach),
            ("Until", Until),
            ("Scope", Scope),
            ("Terminate", Terminate),
            ("InitializeVariable", InitializeVariable),
            ("SetVariable", SetVariable),
            ("IncrementVariable", IncrementVariable),
            ("DecrementVariable", DecrementVariable),
            ("AppendToArrayVariable", AppendToArrayVariable),
            ("AppendToStringVariable", AppendToStringVariable),
            ("Compose", Compose),
            ("ParseJson", ParseJson),
            ("Query", Query),
            ("Select", Select),
            ("Table", Table),
            ("Join", Join),
            ("Response", Response),
            ("Http", Http),
            ("HttpWebhook", HttpWebhook),
            ("Wait", Wait),
            ("Workflow", Workflow),
            ("Expression", Expression),
        ];
        // Exported flows spell types exactly; the case-insensitive scan is the fallback.
        TABLE
            .iter()
            .find(|(name, _)| *name == action_type)
            .or_else(|| TABLE.iter().find(|(name, _)| name.eq_ignore_ascii_case(action_type)))
            .map_or(Unknown, |(_, k)| *k)
    }

    pub fn is_connector(self) -> bool {
        matches!(
            self,
            ActionKind::OpenApiConnection
                | ActionKind::OpenApiConnectionWebhook
                | ActionKind::ApiConnection
                | ActionKind::ApiConnectionWebhook
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub name: String,
    /// The action's JSON object; nested action maps are `null` here and live in `branches`.
    pub(crate) body: Map<String, Value>,
    pub branches: Vec<Branch>,
}

impl Action {
    /// A new action from its JSON (which may hold nested actions).
    pub fn from_json(name: impl Into<String>, value: Value) -> Result<Action, FlowError> {
        Action::parse(name.into(), value, None)
    }

    /// `parent` is where the map holding this action sits, for error locations.
    pub(crate) fn parse(name: String, value: Value, parent: Option<&PointerPath>) -> Result<Action, FlowError> {
        let tokens = [name.as_str()];
        let here_path = PointerPath { parent, tokens: &tokens };
        let Value::Object(mut body) = value else {
            return Err(FlowError::shape(here_path.render(), "an action must be an object"));
        };
        let kind = ActionKind::from_type(member(&body, "type").and_then(Value::as_str).unwrap_or_default());
        let mut slots = Vec::new();
        if member(&body, "actions").is_some_and(|v| !v.is_null()) || matches!(kind, ActionKind::If) {
            slots.push(Slot::Actions);
        }
        if kind == ActionKind::If {
            slots.push(Slot::Else);
        }
        if kind == ActionKind::Switch {
            if let Some(cases) = member(&body, "cases").and_then(Value::as_object) {
                slots.extend(cases.keys().map(|k| Slot::Case(k.clone())));
            }
            slots.push(Slot::Default);
        }
        let mut branches = Vec::with_capacity(slots.len());
        for slot in slots {
            let path = slot.path();
            let branch_path = PointerPath { parent: Some(&here_path), tokens: &path };
            let taken = take_at(&mut body, &path);
            let (actions, present) = match taken {
                None => (Vec::new(), false),
                Some(Value::Object(map)) => (parse_actions(map, Some(&branch_path))?, true),
                Some(Value::Null) => (Vec::new(), true),
                Some(_) => return Err(FlowError::shape(branch_path.render(), "must be an object of actions")),
            };
            branches.push(Branch { slot, actions, present });
        }
        Ok(Action { name, body, branches })
    }

    /// The action as JSON, nested actions back in their original places.
    pub fn to_json(&self) -> Value {
        let mut body = self.body.clone();
        for branch in &self.branches {
            if !branch.present && branch.actions.is_empty() {
                continue;
            }
            let map: Map<String, Value> = branch.actions.iter().map(|a| (a.name.clone(), a.to_json())).collect();
            put_at(&mut body, &branch.slot.path(), Value::Object(map));
        }
        Value::Object(body)
    }

    pub fn action_type(&self) -> &str {
        self.body.get("type").and_then(Value::as_str).unwrap_or_default()
    }

    pub fn kind(&self) -> ActionKind {
        ActionKind::from_type(self.action_type())
    }

    /// The action's own fields (nested action maps excluded).
    pub fn body(&self) -> &Map<String, Value> {
        &self.body
    }

    pub fn body_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.body
    }

    pub fn host(&self) -> Option<&Map<String, Value>> {
        self.body.get("inputs")?.get("host")?.as_object()
    }

    pub fn operation_id(&self) -> Option<&str> {
        self.host()?.get("operationId")?.as_str()
    }

    /// The key of `connectionReferences` this action uses (`inputs.host.connectionName`).
    pub fn connection_name(&self) -> Option<&str> {
        self.host()?.get("connectionName")?.as_str()
    }

    pub fn set_connection_name(&mut self, key: &str) {
        let inputs = object_at(&mut self.body, "inputs");
        let host = object_at(inputs, "host");
        host.insert("connectionName".into(), Value::String(key.to_string()));
    }

    /// The API the action calls, from `inputs.host.apiId` (`…/apis/shared_x`).
    pub fn api_name(&self) -> Option<&str> {
        let api_id = self.host()?.get("apiId")?.as_str()?;
        api_id.rsplit('/').next()
    }

    pub fn is_dataverse(&self) -> bool {
        self.kind().is_connector() && self.api_name().is_some_and(|api| DATAVERSE_APIS.contains(&api))
    }

    /// `runAfter` as written: predecessor names and statuses, in order.
    pub fn run_after(&self) -> Vec<(String, Vec<String>)> {
        let Some(map) = self.body.get("runAfter").and_then(Value::as_object) else { return Vec::new() };
        map.iter()
            .map(|(k, v)| {
                let statuses = v.as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect());
                (k.clone(), statuses.unwrap_or_default())
            })
            .collect()
    }

    pub fn set_run_after(&mut self, entries: &[(String, Vec<String>)]) {
        let map: Map<String, Value> = entries
            .iter()
            .map(|(k, statuses)| (k.clone(), Value::Array(statuses.iter().cloned().map(Value::String).collect())))
            .collect();
        self.body.insert("runAfter".into(), Value::Object(map));
    }

    /// `runtimeConfiguration.concurrency.repetitions` (loops run one at a time without it).
    pub fn concurrency(&self) -> Option<u64> {
        self.body.get("runtimeConfiguration")?.get("concurrency")?.get("repetitions")?.as_u64()
    }

    /// `inputs.retryPolicy`, verbatim.
    pub fn retry_policy(&self) -> Option<&Value> {
        self.body.get("inputs")?.get("retryPolicy")
    }

    /// The designer's bookkeeping id (`metadata.operationMetadataId`).
    pub fn operation_metadata_id(&self) -> Option<&str> {
        self.body.get("metadata")?.get("operationMetadataId")?.as_str()
    }

    pub fn branch(&self, slot: &Slot) -> Option<&Branch> {
        self.branches.iter().find(|b| &b.slot == slot)
    }

    pub fn branch_mut(&mut self, slot: &Slot) -> Option<&mut Branch> {
        self.branches.iter_mut().find(|b| &b.slot == slot)
    }

    /// This action and every nested one, depth first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Action)) {
        visit(self);
        for branch in &self.branches {
            for action in &branch.actions {
                action.walk(visit);
            }
        }
    }

    pub fn walk_mut(&mut self, visit: &mut impl FnMut(&mut Action)) {
        visit(self);
        for branch in &mut self.branches {
            for action in &mut branch.actions {
                action.walk_mut(visit);
            }
        }
    }
}

/// `holder` is where the map sits (its pointer ends in `actions`).
pub(crate) fn parse_actions(map: Map<String, Value>, holder: Option<&PointerPath>) -> Result<Vec<Action>, FlowError> {
    map.into_iter().map(|(name, value)| Action::parse(name, value, holder)).collect()
}

/// Takes the value at `path`, leaving `null` in its place so its key keeps its position.
fn take_at(body: &mut Map<String, Value>, path: &[&str]) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let mut here = body;
    for key in parents {
        here = member_mut(here, key)?.as_object_mut()?;
    }
    member_mut(here, last).map(Value::take)
}

/// The objects of a flow are small, and comparing a few keys (their lengths first) is quicker
/// than hashing the key, which `Map::get` does with SipHash.
const SCAN_UP_TO: usize = 8;

/// `map[key]`, for the small objects of a flow.
pub fn member<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    if map.len() <= SCAN_UP_TO {
        map.iter().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        map.get(key)
    }
}

fn member_mut<'v>(map: &'v mut Map<String, Value>, key: &str) -> Option<&'v mut Value> {
    if map.len() <= SCAN_UP_TO {
        map.iter_mut().find_map(|(k, v)| (k == key).then_some(v))
    } else {
        map.get_mut(key)
    }
}

/// Sets the value at `path`, creating parent objects where missing.
fn put_at(body: &mut Map<String, Value>, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut here = body;
    for key in parents {
        here = object_at(here, key);
    }
    here.insert((*last).to_string(), value);
}

/// The object under `key`, made one when absent or not an object.
fn object_at<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let entry = map.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("just made an object")
}
