//! Evaluation with the runtime's semantics: left to right, `if`/`and`/`or` short-circuit,
//! case-insensitive property access with `?` null-safety and `/` alias paths.

use serde_json::Value;

use crate::ast::{Expr, Part, Template};
use crate::env::Env;
use crate::error::EvalError;
use crate::functions::{count_words, lookup, Args, Implementation};
use crate::parser::parse_template;
use crate::value::Val;

/// Evaluates a JSON string value of a definition: literal text, `@expr` (typed) or interpolation.
pub fn evaluate_template(template: &str, env: &Env) -> Result<Val, EvalError> {
    let parsed = parse_template(template).map_err(|e| {
        let err = EvalError::new(format!("The template language expression '{template}' is not valid: {e}"));
        match e.position() {
            Some(at) => err.at(at..at + 1),
            None => err,
        }
    })?;
    evaluate_parsed(&parsed, env)
}

pub fn evaluate_parsed(template: &Template, env: &Env) -> Result<Val, EvalError> {
    match template {
        Template::Literal(text) => Ok(Val::String(text.clone())),
        Template::Whole { expr, offset } => evaluate(expr, env).map_err(|e| shift(e, *offset)),
        Template::Interpolated(parts) => {
            let mut out = String::new();
            for part in parts {
                match part {
                    Part::Text(text) => out.push_str(text),
                    Part::Expr { expr, offset } => {
                        let value = evaluate(expr, env).map_err(|e| shift(e, *offset))?;
                        out.push_str(&interpolated(&value).map_err(|e| shift(e, *offset))?);
                    }
                }
            }
            Ok(Val::String(out))
        }
    }
}

/// Text for `@{…}`: binary content is decoded (as UTF-8), everything else as `to_interpolated`.
fn interpolated(value: &Val) -> Result<String, EvalError> {
    match value.content_bytes() {
        Some(Ok(bytes)) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Some(Err(message)) => Err(EvalError::new(message)),
        None => Ok(value.to_interpolated()),
    }
}

fn shift(mut e: EvalError, by: usize) -> EvalError {
    e.span = e.span.map(|s| s.start + by..s.end + by);
    e
}

pub fn evaluate(expr: &Expr, env: &Env) -> Result<Val, EvalError> {
    match expr {
        Expr::Literal { value, .. } => Ok(Val::from_json(value)),
        Expr::Call { name, args, span, .. } => call(name, args, env).map_err(|e| e.at(span.clone())),
        Expr::Access { .. } => {
            if let Some(result) = access_by_reference(expr, env) {
                return result;
            }
            let Expr::Access { target, key, null_safe, span } = expr else { unreachable!() };
            let target = evaluate(target, env)?;
            let key = evaluate(key, env)?;
            access(&target, &key, *null_safe).map_err(|e| e.at(span.clone()))
        }
    }
}

fn call(name: &str, args: &[Expr], env: &Env) -> Result<Val, EvalError> {
    let function =
        lookup(name).ok_or_else(|| EvalError::new(format!("The template function '{name}' is not defined or not valid.")))?;
    let (min, max) = (function.min_args(), function.max_args());
    if args.len() < min || max.is_some_and(|m| args.len() > m) {
        let expected = match max {
            Some(m) if m == min => format!("expects {}", count_words(m)),
            Some(m) => format!("expects between {min} and {m} parameters"),
            None => format!("expects at least {}", count_words(min)),
        };
        return Err(EvalError::new(format!(
            "The template language function '{}' {expected}. Expected at least one argument where required; got {}.",
            function.name,
            args.len()
        )));
    }
    match function.implementation {
        Implementation::ShortCircuit => short_circuit(function.name, args, env),
        Implementation::Eager(native) => {
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                values.push(evaluate(arg, env)?);
            }
            native(&Args { function: function.name, values, env })
        }
    }
}

fn short_circuit(name: &str, args: &[Expr], env: &Env) -> Result<Val, EvalError> {
    let condition = |i: usize| -> Result<bool, EvalError> {
        match evaluate(&args[i], env)? {
            Val::Bool(b) => Ok(b),
            other => Err(EvalError::new(format!(
                "The template language function '{name}' expects all of its parameters to be of type boolean. The provided value is of type '{}'.",
                other.type_name()
            ))),
        }
    };
    match name {
        "if" => {
            if condition(0)? {
                evaluate(&args[1], env)
            } else {
                evaluate(&args[2], env)
            }
        }
        "and" => {
            for i in 0..args.len() {
                if !condition(i)? {
                    return Ok(Val::Bool(false));
                }
            }
            Ok(Val::Bool(true))
        }
        "or" => {
            for i in 0..args.len() {
                if condition(i)? {
                    return Ok(Val::Bool(true));
                }
            }
            Ok(Val::Bool(false))
        }
        _ => Err(EvalError::new(format!("'{name}' is not a short-circuit function"))),
    }
}

/// `target[key]` / `target.key`, and with `?` the null-safe form.
pub fn access(target: &Val, key: &Val, null_safe: bool) -> Result<Val, EvalError> {
    let missing = |what: String| if null_safe { Ok(Val::Null) } else { Err(EvalError::new(what)) };
    match (target, key) {
        (Val::Null, _) => missing(format!(
            "The template language expression cannot be evaluated because property '{}' cannot be selected on a null value.",
            key.to_interpolated()
        )),
        (Val::Object(_), Val::String(name)) => match target.get_property(name) {
            Some(v) => Ok(v.clone()),
            None if name.contains('/') => {
                // Power Automate's alias path: `['body/name']` means `['body']['name']`.
                let mut here = target.clone();
                for segment in name.split('/') {
                    here = access(&here, &Val::String(segment.to_string()), null_safe)?;
                }
                Ok(here)
            }
            None => missing(format!(
                "The template language expression cannot be evaluated because property '{name}' doesn't exist, available properties are '{}'.",
                match target {
                    Val::Object(map) => map.keys().cloned().collect::<Vec<_>>().join(", "),
                    _ => String::new(),
                }
            )),
        },
        (Val::Array(items), Val::Int(i)) => {
            match usize::try_from(*i).ok().and_then(|i| items.get(i)) {
                Some(v) => Ok(v.clone()),
                None => missing(format!(
                    "The template language expression cannot be evaluated because array index '{i}' is outside bounds (0, {}) of array.",
                    items.len() as i64 - 1
                )),
            }
        }
        (Val::Object(_), other) => Err(EvalError::new(format!(
            "The template language expression cannot be evaluated because an object cannot be indexed by a value of type '{}'.",
            other.type_name()
        ))),
        (Val::Array(_), other) => Err(EvalError::new(format!(
            "The template language expression cannot be evaluated because an array cannot be indexed by a value of type '{}'.",
            other.type_name()
        ))),
        (other, _) => Err(EvalError::new(format!(
            "The template language expression cannot be evaluated because property '{}' cannot be selected. Property selection is not supported on values of type '{}'.",
            key.to_interpolated(),
            other.type_name()
        ))),
    }
}

/// Fast path for `outputs('x')?['body/a'][0]`-style chains: walk the run's JSON by reference
/// and convert only the value reached, instead of the whole of an action's outputs. `None`
/// when the chain is not of that form, or when the slow path must produce the error.
fn access_by_reference(expr: &Expr, env: &Env) -> Option<Result<Val, EvalError>> {
    let mut keys = Vec::new();
    let mut here = expr;
    while let Expr::Access { target, key, null_safe, .. } = here {
        keys.push((key.as_ref(), *null_safe));
        here = target;
    }
    let root = reference_root(here, env)?;
    let mut node = root;
    let ordered: Vec<_> = keys.iter().rev().collect();
    for (index, (key, null_safe)) in ordered.iter().enumerate() {
        let key = match evaluate(key, env) {
            Ok(k) => k,
            Err(e) => return Some(Err(e)),
        };
        let next = match (node, &key) {
            (Value::Object(_), Val::String(name)) => property(node, name).or_else(|| {
                // The alias path `['body/name']`: every segment in turn.
                name.contains('/').then(|| name.split('/').try_fold(node, |here, segment| property(here, segment))).flatten()
            }),
            (Value::Array(items), Val::Int(i)) => usize::try_from(*i).ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(v) => node = v,
            // A null-safe miss is null only if every later step is null-safe too; otherwise the
            // slow path reports the error the runtime gives.
            None if *null_safe
                && ordered[index + 1..].iter().all(|(_, safe)| *safe)
                && matches!((node, &key), (Value::Null, _) | (Value::Object(_), Val::String(_)) | (Value::Array(_), Val::Int(_))) =>
            {
                return Some(Ok(Val::Null));
            }
            None => return None,
        }
    }
    Some(Ok(Val::from_json(node)))
}

/// Case-insensitive property lookup on JSON; the exact-case key wins.
fn property<'v>(node: &'v Value, name: &str) -> Option<&'v Value> {
    let map = node.as_object()?;
    map.get(name).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// The run data a reference call with literal arguments names, by reference.
fn reference_root<'e>(expr: &Expr, env: &'e Env) -> Option<&'e Value> {
    let Expr::Call { name, args, .. } = expr else { return None };
    let literal = |i: usize| match args.get(i) {
        Some(Expr::Literal { value: Value::String(s), .. }) => Some(s.as_str()),
        _ => None,
    };
    let scope = env.scope;
    match (name.to_ascii_lowercase().as_str(), args.len()) {
        ("triggeroutputs", 0) => scope.trigger()?.get("outputs"),
        ("triggerbody", 0) => scope.trigger()?.get("outputs")?.get("body"),
        ("trigger", 0) => scope.trigger(),
        ("outputs", 1) => scope.action(literal(0)?)?.get("outputs"),
        ("body", 1) => scope.action(literal(0)?)?.get("outputs")?.get("body"),
        ("actions", 1) => scope.action(literal(0)?),
        ("variables", 1) => scope.variable(literal(0)?),
        ("parameters", 1) => scope.parameter(literal(0)?),
        ("items", 1) => scope.items(literal(0)?),
        ("item", 0) => scope.item(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{FixedClock, SequentialGuids};
    use crate::json_scope::JsonScope;
    use crate::parser::parse_expression;

    fn slow(expr: &Expr, env: &Env) -> Result<Val, EvalError> {
        match expr {
            Expr::Access { target, key, null_safe, .. } => access(&slow(target, env)?, &evaluate(key, env)?, *null_safe),
            other => evaluate(other, env),
        }
    }

    /// The by-reference fast path gives exactly what the general path gives, or defers to it.
    #[test]
    fn the_fast_path_agrees_with_the_general_one() {
        let scope: JsonScope = serde_json::from_value(serde_json::json!({
            "trigger": {"outputs": {"body": {"Name": "Ada", "tags": ["a", "b"], "nothing": null}}},
            "actions": {"Get": {"outputs": {"body": {"address": {"city": "Oslo"}, "list": [1, 2]}}}},
            "variables": {"v": {"x": 1}}
        }))
        .unwrap();
        let (clock, guids) = (FixedClock(std::time::UNIX_EPOCH), SequentialGuids::default());
        let env = Env { scope: &scope, clock: &clock, guids: &guids };
        for source in [
            "triggerBody()?['name']",
            "triggerBody()['NAME']",
            "triggerBody()?['missing']",
            "triggerBody()['missing']",
            "triggerBody()?['missing']['deeper']",
            "triggerBody()?['missing']?['deeper']",
            "triggerBody()?['tags'][1]",
            "triggerBody()?['tags'][5]",
            "triggerBody()?['tags']?[5]",
            "triggerBody()?['tags']['x']",
            "triggerBody()?['nothing']?['x']",
            "triggerBody()['nothing']['x']",
            "outputs('Get')?['body/address/city']",
            "outputs('Get')['body/address/town']",
            "outputs('Get')?['body/address/town']",
            "outputs('Get')?['body/list'][0]",
            "body('Get').address.city",
            "variables('v')?['X']",
            "triggerOutputs()?['body']?['Name']",
        ] {
            let expr = parse_expression(source).unwrap();
            let general = slow(&expr, &env);
            if let Some(fast) = access_by_reference(&expr, &env) {
                match (&fast, &general) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{source}"),
                    (Err(_), Err(_)) => {}
                    _ => panic!("{source}: fast {fast:?} but general {general:?}"),
                }
            }
        }
    }
}
