use serde_json::Value;

use super::{req, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "trigger", group: Group::Workflow, params: &[], returns: "object", description: "The trigger's record: its inputs, outputs and status.", implementation: Eager(trigger) },
    Function { name: "triggerOutputs", group: Group::Workflow, params: &[], returns: "object", description: "The trigger's outputs (headers and body).", implementation: Eager(trigger_outputs) },
    Function { name: "triggerBody", group: Group::Workflow, params: &[], returns: "any", description: "The trigger's output body.", implementation: Eager(trigger_body) },
    Function { name: "actions", group: Group::Workflow, params: &[req("actionName", "string")], returns: "object", description: "An earlier action's record: inputs, outputs, status, times.", implementation: Eager(actions) },
    Function { name: "outputs", group: Group::Workflow, params: &[req("actionName", "string")], returns: "object", description: "An earlier action's outputs.", implementation: Eager(outputs) },
    Function { name: "body", group: Group::Workflow, params: &[req("actionName", "string")], returns: "any", description: "An earlier action's output body.", implementation: Eager(body) },
    Function { name: "actionOutputs", group: Group::Workflow, params: &[req("actionName", "string")], returns: "object", description: "Deprecated spelling of outputs().", implementation: Eager(outputs) },
    Function { name: "actionBody", group: Group::Workflow, params: &[req("actionName", "string")], returns: "any", description: "Deprecated spelling of body().", implementation: Eager(body) },
    Function { name: "item", group: Group::Workflow, params: &[], returns: "any", description: "The current element of the innermost loop or array operation.", implementation: Eager(item) },
    Function { name: "items", group: Group::Workflow, params: &[req("loopName", "string")], returns: "any", description: "The current element of the named Apply to each loop.", implementation: Eager(items) },
    Function { name: "iterationIndexes", group: Group::Workflow, params: &[req("loopName", "string")], returns: "integer", description: "The current iteration index of the named Do until loop.", implementation: Eager(iteration_indexes) },
    Function { name: "variables", group: Group::Workflow, params: &[req("variableName", "string")], returns: "any", description: "The value of a variable.", implementation: Eager(variables) },
    Function { name: "parameters", group: Group::Workflow, params: &[req("parameterName", "string")], returns: "any", description: "The value of a flow parameter or environment variable.", implementation: Eager(parameters) },
    Function { name: "result", group: Group::Workflow, params: &[req("scopedActionName", "string")], returns: "array", description: "The records of the first-level actions inside a Scope, Apply to each or Do until.", implementation: Eager(result) },
    Function { name: "workflow", group: Group::Workflow, params: &[], returns: "object", description: "The flow's own details: name, run, tags.", implementation: Eager(workflow) },
];

fn found(value: Option<&Value>, what: impl FnOnce() -> String) -> Result<Val, EvalError> {
    value.map(Val::from_json).ok_or_else(|| EvalError::new(what()))
}

fn trigger(a: &Args) -> Result<Val, EvalError> {
    found(a.env.scope.trigger(), || "The template language function 'trigger' cannot be used here: no trigger has run.".into())
}

fn trigger_outputs(a: &Args) -> Result<Val, EvalError> {
    Ok(a.env.scope.trigger().and_then(|t| t.get("outputs")).map_or(Val::Null, Val::from_json))
}

fn trigger_body(a: &Args) -> Result<Val, EvalError> {
    Ok(a.env.scope.trigger().and_then(|t| t.get("outputs")).and_then(|o| o.get("body")).map_or(Val::Null, Val::from_json))
}

fn action_record<'s>(a: &'s Args) -> Result<&'s Value, EvalError> {
    let name = a.string(0)?;
    a.env.scope.action(name).ok_or_else(|| {
        EvalError::new(format!("The template language expression refers to the action '{name}', which has not run or is not defined."))
    })
}

fn actions(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::from_json(action_record(a)?))
}

fn outputs(a: &Args) -> Result<Val, EvalError> {
    Ok(action_record(a)?.get("outputs").map_or(Val::Null, Val::from_json))
}

fn body(a: &Args) -> Result<Val, EvalError> {
    Ok(action_record(a)?.get("outputs").and_then(|o| o.get("body")).map_or(Val::Null, Val::from_json))
}

fn item(a: &Args) -> Result<Val, EvalError> {
    found(a.env.scope.item(), || "The template language function 'item' must be used inside a loop or an array operation.".into())
}

fn items(a: &Args) -> Result<Val, EvalError> {
    let name = a.string(0)?;
    found(a.env.scope.items(name), || format!("The template language function 'items' refers to '{name}', which is not a loop running here."))
}

fn iteration_indexes(a: &Args) -> Result<Val, EvalError> {
    let name = a.string(0)?;
    a.env.scope.iteration_index(name).map(Val::Int).ok_or_else(|| {
        EvalError::new(format!("The template language function 'iterationIndexes' refers to '{name}', which is not a Do until loop running here."))
    })
}

fn variables(a: &Args) -> Result<Val, EvalError> {
    let name = a.string(0)?;
    found(a.env.scope.variable(name), || format!("The variable '{name}' is not initialized."))
}

fn parameters(a: &Args) -> Result<Val, EvalError> {
    let name = a.string(0)?;
    found(a.env.scope.parameter(name), || format!("The workflow parameter '{name}' is not found."))
}

fn result(a: &Args) -> Result<Val, EvalError> {
    let name = a.string(0)?;
    a.env.scope.result(name).map(|v| Val::from_json(&v)).ok_or_else(|| {
        EvalError::new(format!("The template language function 'result' refers to '{name}', which is not a scope that has run."))
    })
}

fn workflow(a: &Args) -> Result<Val, EvalError> {
    Ok(a.env.scope.workflow().map_or(Val::Null, Val::from_json))
}
