use rust_decimal::prelude::FromPrimitive;
use rust_decimal::Decimal;

use super::{req, rest, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::{as_f64, Val};

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "add", group: Group::Math, params: &[req("summand1", "number"), req("summand2", "number")], returns: "number", description: "The sum of two numbers.", implementation: Eager(add) },
    Function { name: "sub", group: Group::Math, params: &[req("minuend", "number"), req("subtrahend", "number")], returns: "number", description: "The first number minus the second.", implementation: Eager(sub) },
    Function { name: "mul", group: Group::Math, params: &[req("multiplicand1", "number"), req("multiplicand2", "number")], returns: "number", description: "The product of two numbers.", implementation: Eager(mul) },
    Function { name: "div", group: Group::Math, params: &[req("dividend", "number"), req("divisor", "number")], returns: "number", description: "The quotient; integer division (truncating) when both are integers.", implementation: Eager(div) },
    Function { name: "mod", group: Group::Math, params: &[req("dividend", "number"), req("divisor", "number")], returns: "number", description: "The remainder, with the sign of the dividend.", implementation: Eager(modulo) },
    Function { name: "max", group: Group::Math, params: &[req("number1", "number|array"), rest("number", "number")], returns: "number", description: "The largest of the numbers, or of one array of numbers.", implementation: Eager(max) },
    Function { name: "min", group: Group::Math, params: &[req("number1", "number|array"), rest("number", "number")], returns: "number", description: "The smallest of the numbers, or of one array of numbers.", implementation: Eager(min) },
    Function { name: "rand", group: Group::Math, params: &[req("minValue", "integer"), req("maxValue", "integer")], returns: "integer", description: "A random integer from minValue up to but not including maxValue.", implementation: Eager(rand) },
    Function { name: "range", group: Group::Math, params: &[req("startIndex", "integer"), req("count", "integer")], returns: "array", description: "An array of count integers starting at startIndex.", implementation: Eager(range) },
];

enum Op {
    Add,
    Sub,
    Mul,
}

fn number(a: &Args, i: usize) -> Result<(), EvalError> {
    if a.arg(i).is_number() {
        Ok(())
    } else {
        Err(a.type_error(i, "an integer or a decimal number"))
    }
}

fn decimal_of(v: &Val) -> Option<Decimal> {
    match v {
        Val::Int(i) => Some(Decimal::from(*i)),
        Val::Float(f) => Decimal::from_f64(*f),
        Val::Decimal(d) => Some(*d),
        _ => None,
    }
}

/// Integers stay integers (overflow is an error); a float makes a float (overflow is
/// infinity); a decimal makes a decimal (overflow is an error).
fn arithmetic(a: &Args, op: Op) -> Result<Val, EvalError> {
    number(a, 0)?;
    number(a, 1)?;
    let overflow = || a.error("resulted in an arithmetic overflow.");
    match (a.arg(0), a.arg(1)) {
        (Val::Int(x), Val::Int(y)) => {
            let r = match op {
                Op::Add => x.checked_add(*y),
                Op::Sub => x.checked_sub(*y),
                Op::Mul => x.checked_mul(*y),
            };
            r.map(Val::Int).ok_or_else(overflow)
        }
        (x, y) if matches!(x, Val::Decimal(_)) || matches!(y, Val::Decimal(_)) => {
            let (x, y) = (decimal_of(x).ok_or_else(overflow)?, decimal_of(y).ok_or_else(overflow)?);
            let r = match op {
                Op::Add => x.checked_add(y),
                Op::Sub => x.checked_sub(y),
                Op::Mul => x.checked_mul(y),
            };
            r.map(Val::Decimal).ok_or_else(overflow)
        }
        (x, y) => {
            let (x, y) = (as_f64(x).unwrap_or(f64::NAN), as_f64(y).unwrap_or(f64::NAN));
            Ok(Val::Float(match op {
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
            }))
        }
    }
}

fn add(a: &Args) -> Result<Val, EvalError> {
    arithmetic(a, Op::Add)
}

fn sub(a: &Args) -> Result<Val, EvalError> {
    arithmetic(a, Op::Sub)
}

fn mul(a: &Args) -> Result<Val, EvalError> {
    arithmetic(a, Op::Mul)
}

fn is_zero(v: &Val) -> bool {
    match v {
        Val::Int(i) => *i == 0,
        Val::Float(f) => *f == 0.0,
        Val::Decimal(d) => d.is_zero(),
        _ => false,
    }
}

fn div(a: &Args) -> Result<Val, EvalError> {
    number(a, 0)?;
    number(a, 1)?;
    if is_zero(a.arg(1)) {
        return Err(a.error("attempted to divide by zero."));
    }
    let overflow = || a.error("resulted in an arithmetic overflow.");
    match (a.arg(0), a.arg(1)) {
        (Val::Int(x), Val::Int(y)) => x.checked_div(*y).map(Val::Int).ok_or_else(overflow),
        (x, y) if matches!(x, Val::Decimal(_)) || matches!(y, Val::Decimal(_)) => {
            let (x, y) = (decimal_of(x).ok_or_else(overflow)?, decimal_of(y).ok_or_else(overflow)?);
            x.checked_div(y).map(Val::Decimal).ok_or_else(overflow)
        }
        (x, y) => Ok(Val::Float(as_f64(x).unwrap_or(f64::NAN) / as_f64(y).unwrap_or(f64::NAN))),
    }
}

fn modulo(a: &Args) -> Result<Val, EvalError> {
    number(a, 0)?;
    number(a, 1)?;
    if is_zero(a.arg(1)) {
        return Err(a.error("attempted to divide by zero."));
    }
    match (a.arg(0), a.arg(1)) {
        (Val::Int(x), Val::Int(y)) => Ok(Val::Int(x.checked_rem(*y).unwrap_or(0))),
        (x, y) if matches!(x, Val::Decimal(_)) || matches!(y, Val::Decimal(_)) => {
            let (x, y) = (decimal_of(x).unwrap_or_default(), decimal_of(y).unwrap_or_default());
            x.checked_rem(y).map(Val::Decimal).ok_or_else(|| a.error("resulted in an arithmetic overflow."))
        }
        (x, y) => Ok(Val::Float(as_f64(x).unwrap_or(f64::NAN) % as_f64(y).unwrap_or(f64::NAN))),
    }
}

fn extreme(a: &Args, want_max: bool) -> Result<Val, EvalError> {
    let items: Vec<&Val> = match a.values.as_slice() {
        [Val::Array(items)] => items.iter().collect(),
        values => values.iter().collect(),
    };
    if items.is_empty() {
        return Err(a.error("expects at least one number; the array is empty."));
    }
    let mut best = items[0];
    for (i, item) in items.iter().enumerate() {
        if !item.is_number() {
            return Err(a.type_error(i, "an integer or a decimal number"));
        }
        let ord = crate::value::compare_numbers(item, best).unwrap_or(std::cmp::Ordering::Equal);
        if (want_max && ord.is_gt()) || (!want_max && ord.is_lt()) {
            best = item;
        }
    }
    Ok(best.clone())
}

fn max(a: &Args) -> Result<Val, EvalError> {
    extreme(a, true)
}

fn min(a: &Args) -> Result<Val, EvalError> {
    extreme(a, false)
}

fn rand(a: &Args) -> Result<Val, EvalError> {
    let (low, high) = (a.int(0)?, a.int(1)?);
    if low >= high {
        return Err(a.error("expects its first parameter to be less than its second."));
    }
    // The injected GUID source is the randomness, so tests can fix it.
    let bytes = a.env.guids.next_guid();
    let r = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let span = (high as i128 - low as i128) as u128;
    Ok(Val::Int((low as i128 + (r as u128 % span) as i128) as i64))
}

fn range(a: &Args) -> Result<Val, EvalError> {
    let (start, count) = (a.int(0)?, a.int(1)?);
    if !(0..=100_000).contains(&count) {
        return Err(a.error("expects its second parameter to be a positive integer no greater than 100000."));
    }
    if start.checked_add(count).is_none_or(|end| end > i64::from(i32::MAX) + 1) {
        return Err(a.error("expects the sum of its parameters to be no greater than 2147483647."));
    }
    Ok(Val::Array((start..start + count).map(Val::Int).collect()))
}

