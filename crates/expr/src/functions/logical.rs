use std::cmp::Ordering;

use super::{req, rest, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::{compare_numbers, values_equal, Val};

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "if", group: Group::Logical, params: &[req("expression", "boolean"), req("valueIfTrue", "any"), req("valueIfFalse", "any")], returns: "any", description: "The second argument when the expression is true, else the third; only that one is evaluated.", implementation: ShortCircuit },
    Function { name: "and", group: Group::Logical, params: &[req("expression1", "boolean"), rest("expression", "boolean")], returns: "boolean", description: "True when every expression is true; stops at the first false.", implementation: ShortCircuit },
    Function { name: "or", group: Group::Logical, params: &[req("expression1", "boolean"), rest("expression", "boolean")], returns: "boolean", description: "True when any expression is true; stops at the first true.", implementation: ShortCircuit },
    Function { name: "not", group: Group::Logical, params: &[req("expression", "boolean")], returns: "boolean", description: "The opposite of a boolean.", implementation: Eager(not) },
    Function { name: "equals", group: Group::Logical, params: &[req("object1", "any"), req("object2", "any")], returns: "boolean", description: "Whether two values are equal (numbers across types, strings case-sensitively).", implementation: Eager(equals) },
    Function { name: "greater", group: Group::Logical, params: &[req("value", "any"), req("compareTo", "any")], returns: "boolean", description: "Whether the first value is greater than the second.", implementation: Eager(greater) },
    Function { name: "greaterOrEquals", group: Group::Logical, params: &[req("value", "any"), req("compareTo", "any")], returns: "boolean", description: "Whether the first value is greater than or equal to the second.", implementation: Eager(greater_or_equals) },
    Function { name: "less", group: Group::Logical, params: &[req("value", "any"), req("compareTo", "any")], returns: "boolean", description: "Whether the first value is less than the second.", implementation: Eager(less) },
    Function { name: "lessOrEquals", group: Group::Logical, params: &[req("value", "any"), req("compareTo", "any")], returns: "boolean", description: "Whether the first value is less than or equal to the second.", implementation: Eager(less_or_equals) },
    Function { name: "coalesce", group: Group::Logical, params: &[req("object1", "any"), rest("object", "any")], returns: "any", description: "The first argument that is not null.", implementation: Eager(coalesce) },
];

fn not(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Bool(!a.boolean(0)?))
}

fn equals(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Bool(values_equal(a.arg(0), a.arg(1))))
}

/// Numbers compare across types; strings ordinally; anything else cannot be ordered.
fn order(a: &Args) -> Result<Ordering, EvalError> {
    let (x, y) = (a.arg(0), a.arg(1));
    let ordering = match (x, y) {
        (Val::String(s), Val::String(t)) => Some(s.as_str().cmp(t.as_str())),
        _ if x.is_number() && y.is_number() => compare_numbers(x, y),
        _ => None,
    };
    ordering.ok_or_else(|| {
        a.error(format!(
            "expects parameters of same type that can be compared (integer, float or string). The provided values are of types '{}' and '{}'.",
            x.type_name(),
            y.type_name()
        ))
    })
}

fn greater(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Bool(order(a)? == Ordering::Greater))
}

fn greater_or_equals(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Bool(order(a)? != Ordering::Less))
}

fn less(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Bool(order(a)? == Ordering::Less))
}

fn less_or_equals(a: &Args) -> Result<Val, EvalError> {
    Ok(Val::Bool(order(a)? != Ordering::Greater))
}

fn coalesce(a: &Args) -> Result<Val, EvalError> {
    Ok(a.values.iter().find(|v| !matches!(v, Val::Null)).cloned().unwrap_or(Val::Null))
}
