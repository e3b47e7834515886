use serde_json::{Map, Value};

use super::action::{parse_actions, Action};
use super::trigger::Trigger;
use crate::pointer::PointerPath;
use crate::FlowError;

/// The shape a flow document came in; export writes the same shape back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentShape {
    /// A solution's `Workflows/<Name>-<GUID>.json`: `{properties: {connectionReferences, definition}, schemaVersion}`.
    Solution,
    /// The flow-management API: `{name, id, type, properties: {displayName, definition, connectionReferences}}`.
    ManagementApi,
    /// A bare Workflow Definition Language document: `{$schema, triggers, actions, …}`.
    Definition,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// The document with the trigger and action maps taken out (`null` holds their places).
    root: Map<String, Value>,
    shape: DocumentShape,
    pub triggers: Vec<Trigger>,
    pub actions: Vec<Action>,
    triggers_present: bool,
    actions_present: bool,
}

impl Flow {
    /// Reads flow JSON text (a UTF-8 byte-order mark is allowed).
    pub fn parse(text: &str) -> Result<Flow, FlowError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Flow::from_value(serde_json::from_str(text)?)
    }

    pub fn from_value(doc: Value) -> Result<Flow, FlowError> {
        let Value::Object(mut root) = doc else {
            return Err(FlowError::NotAFlow("the document is not a JSON object".into()));
        };
        let shape = detect_shape(&root)?;
        let definition_pointer = definition_pointer(shape);
        let definition = definition_of(&mut root, shape)
            .ok_or_else(|| FlowError::shape(definition_pointer, "must be an object"))?;
        let (triggers, triggers_present) = match definition.get_mut("triggers").map(Value::take) {
            None => (Vec::new(), false),
            Some(Value::Null) => (Vec::new(), true),
            Some(Value::Object(map)) => {
                let triggers = map
                    .into_iter()
                    .map(|(name, value)| match value {
                        Value::Object(body) => Ok(Trigger { name, body }),
                        _ => Err(FlowError::shape(
                            format!("{definition_pointer}/triggers/{}", crate::pointer::escape(&name)),
                            "a trigger must be an object",
                        )),
                    })
                    .collect::<Result<_, _>>()?;
                (triggers, true)
            }
            Some(_) => return Err(FlowError::shape(format!("{definition_pointer}/triggers"), "must be an object")),
        };
        let (actions, actions_present) = match definition.get_mut("actions").map(Value::take) {
            None => (Vec::new(), false),
            Some(Value::Null) => (Vec::new(), true),
            Some(Value::Object(map)) => {
                let tokens: &[&str] = if shape == DocumentShape::Definition { &["actions"] } else { &["properties", "definition", "actions"] };
                (parse_actions(map, Some(&PointerPath { parent: None, tokens }))?, true)
            }
            Some(_) => return Err(FlowError::shape(format!("{definition_pointer}/actions"), "must be an object")),
        };
        Ok(Flow { root, shape, triggers, actions, triggers_present, actions_present })
    }

    /// The document as JSON, in the shape and key order it came in.
    pub fn to_json(&self) -> Value {
        let mut root = self.root.clone();
        let definition = definition_of(&mut root, self.shape).expect("checked at import");
        if self.triggers_present || !self.triggers.is_empty() {
            let map: Map<String, Value> =
                self.triggers.iter().map(|t| (t.name.clone(), Value::Object(t.body.clone()))).collect();
            definition.insert("triggers".into(), Value::Object(map));
        }
        if self.actions_present || !self.actions.is_empty() {
            let map: Map<String, Value> = self.actions.iter().map(|a| (a.name.clone(), a.to_json())).collect();
            definition.insert("actions".into(), Value::Object(map));
        }
        Value::Object(root)
    }

    /// Pretty-printed with two-space indents, as Power Automate writes flow files.
    pub fn to_pretty_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_json()).expect("a JSON value always serialises")
    }

    pub fn shape(&self) -> DocumentShape {
        self.shape
    }

    /// The definition's own fields (`$schema`, `parameters`, …); triggers and actions are `null` here.
    pub fn definition(&self) -> &Map<String, Value> {
        match self.shape {
            DocumentShape::Definition => &self.root,
            _ => self.root["properties"]["definition"].as_object().expect("checked at import"),
        }
    }

    pub fn definition_mut(&mut self) -> &mut Map<String, Value> {
        definition_of(&mut self.root, self.shape).expect("checked at import")
    }

    /// `properties.connectionReferences`; a bare definition has none.
    pub fn connection_references(&self) -> Option<&Map<String, Value>> {
        self.root.get("properties")?.get("connectionReferences")?.as_object()
    }

    /// `properties.connectionReferences`, made when missing. `None` for a bare definition.
    pub fn connection_references_mut(&mut self) -> Option<&mut Map<String, Value>> {
        if self.shape == DocumentShape::Definition {
            return None;
        }
        let properties = self.root.get_mut("properties")?.as_object_mut()?;
        let refs = properties.entry("connectionReferences").or_insert_with(|| Value::Object(Map::new()));
        if !refs.is_object() {
            *refs = Value::Object(Map::new());
        }
        refs.as_object_mut()
    }

    /// The display name, when the document carries one (management API shape).
    pub fn display_name(&self) -> Option<&str> {
        self.root.get("properties")?.get("displayName")?.as_str()
    }

    /// The flow's trigger: the first, as Power Automate allows exactly one.
    pub fn trigger(&self) -> Option<&Trigger> {
        self.triggers.first()
    }

    /// Every action at any depth, depth first in document order.
    pub fn all_actions(&self) -> Vec<&Action> {
        let mut out = Vec::new();
        for action in &self.actions {
            action.walk(&mut |a| out.push(a));
        }
        out
    }

    pub fn find_action(&self, name: &str) -> Option<&Action> {
        self.all_actions().into_iter().find(|a| a.name == name)
    }

    pub fn find_action_mut(&mut self, name: &str) -> Option<&mut Action> {
        fn find<'a>(actions: &'a mut [Action], name: &str) -> Option<&'a mut Action> {
            for action in actions {
                if action.name == name {
                    return Some(action);
                }
                for branch in &mut action.branches {
                    if let Some(found) = find(&mut branch.actions, name) {
                        return Some(found);
                    }
                }
            }
            None
        }
        find(&mut self.actions, name)
    }

    pub fn walk_actions_mut(&mut self, visit: &mut impl FnMut(&mut Action)) {
        for action in &mut self.actions {
            action.walk_mut(visit);
        }
    }
}

fn detect_shape(root: &Map<String, Value>) -> Result<DocumentShape, FlowError> {
    if let Some(props) = root.get("properties") {
        let Some(props) = props.as_object() else {
            return Err(FlowError::shape("/properties", "must be an object"));
        };
        if !props.contains_key("definition") {
            return Err(FlowError::NotAFlow("`properties` has no `definition`".into()));
        }
        let management = props.contains_key("displayName")
            || root.get("type").and_then(Value::as_str).is_some_and(|t| t.ends_with("/flows"));
        return Ok(if management { DocumentShape::ManagementApi } else { DocumentShape::Solution });
    }
    if root.contains_key("triggers") || root.contains_key("actions") {
        return Ok(DocumentShape::Definition);
    }
    Err(FlowError::NotAFlow(
        "expected a flow file (`properties.definition`) or a definition with `triggers` and `actions`".into(),
    ))
}

fn definition_pointer(shape: DocumentShape) -> &'static str {
    match shape {
        DocumentShape::Definition => "",
        _ => "/properties/definition",
    }
}

fn definition_of(root: &mut Map<String, Value>, shape: DocumentShape) -> Option<&mut Map<String, Value>> {
    match shape {
        DocumentShape::Definition => Some(root),
        _ => root.get_mut("properties")?.get_mut("definition")?.as_object_mut(),
    }
}
