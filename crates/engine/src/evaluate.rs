//! Expressions in action inputs: every string of an input is a template; conditions of If and
//! Until are a template or the object form (`{"and": [{"equals": ["@x", 1]}]}`).

use flowbench_expr::functions::{lookup, Args, Implementation};
use flowbench_expr::{Env, EvalError, RandomGuids, SystemClock, Val};
use serde_json::{Map, Value};

use crate::state::RunState;

/// `value` with every string evaluated as a template, at any depth. Object keys stay as written.
pub(crate) fn evaluate_inputs(state: &RunState, value: &Value) -> Result<Value, EvalError> {
    Ok(match value {
        Value::String(text) => state.evaluate(text)?.to_json(),
        Value::Array(items) => Value::Array(items.iter().map(|v| evaluate_inputs(state, v)).collect::<Result<_, _>>()?),
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, v) in map {
                out.insert(key.clone(), evaluate_inputs(state, v).map_err(|e| EvalError::new(format!("in `{key}`: {e}")))?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

/// A condition's value: a template string, a literal, or the object form whose single key names a
/// function (`and`, `or`, `not` short-circuit; others are called with their evaluated operands).
pub(crate) fn evaluate_condition(state: &RunState, condition: &Value) -> Result<bool, EvalError> {
    match evaluate_operand(state, condition)? {
        Val::Bool(b) => Ok(b),
        Val::String(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => Ok(s.eq_ignore_ascii_case("true")),
        other => Err(EvalError::new(format!(
            "the condition must give a boolean, but gave a value of type '{}'",
            other.type_name()
        ))),
    }
}

fn evaluate_operand(state: &RunState, operand: &Value) -> Result<Val, EvalError> {
    match operand {
        Value::String(text) => state.evaluate(text),
        Value::Object(map) if map.len() == 1 => {
            let (name, args) = map.iter().next().expect("one entry");
            let args: Vec<&Value> = match args {
                Value::Array(items) => items.iter().collect(),
                single => vec![single],
            };
            call(state, name, &args)
        }
        other => Ok(Val::from_json(other)),
    }
}

fn call(state: &RunState, name: &str, args: &[&Value]) -> Result<Val, EvalError> {
    match name.to_ascii_lowercase().as_str() {
        "and" => {
            for arg in args {
                if !evaluate_condition(state, arg)? {
                    return Ok(Val::Bool(false));
                }
            }
            Ok(Val::Bool(true))
        }
        "or" => {
            for arg in args {
                if evaluate_condition(state, arg)? {
                    return Ok(Val::Bool(true));
                }
            }
            Ok(Val::Bool(false))
        }
        "not" => match args {
            [arg] => Ok(Val::Bool(!evaluate_condition(state, arg)?)),
            _ => Err(EvalError::new(format!("the condition `not` takes one operand, not {}", args.len()))),
        },
        _ => {
            let function = lookup(name).ok_or_else(|| EvalError::new(format!("the condition uses an unknown function `{name}`")))?;
            let Implementation::Eager(native) = function.implementation else {
                return Err(EvalError::new(format!("the condition cannot use `{name}` in the object form")));
            };
            if args.len() < function.min_args() || function.max_args().is_some_and(|max| args.len() > max) {
                return Err(EvalError::new(format!("the condition `{name}` was given {} operands", args.len())));
            }
            let values = args.iter().map(|a| evaluate_operand(state, a)).collect::<Result<Vec<_>, _>>()?;
            state.with_scope(|scope| {
                let env = Env { scope, clock: &SystemClock, guids: &RandomGuids };
                native(&Args { function: function.name, values, env: &env })
            })
        }
    }
}
