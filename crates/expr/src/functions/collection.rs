//! Collection functions (§2.2) on arrays, objects and strings. `item`/`items` are workflow
//! functions; `length` and `chunk` are with the string functions.

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use indexmap::IndexMap;

use super::conversion::text_of;
use super::string::check_string_length;
use super::{opt, req, rest, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::{as_f64, compare_numbers, Val};

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "contains", group: Group::Collection, params: &[req("collection", "array|object|string"), req("value", "any")], returns: "boolean", description: "Whether an array has the item, an object the key, or a string the substring (case-sensitive).", implementation: Eager(contains) },
    Function { name: "empty", group: Group::Collection, params: &[req("collection", "array|object|string")], returns: "boolean", description: "Whether the array, object or string is empty; null is empty.", implementation: Eager(empty) },
    Function { name: "first", group: Group::Collection, params: &[req("collection", "array|string")], returns: "any", description: "The first item of an array (null if empty) or the first character of a string.", implementation: Eager(first) },
    Function { name: "last", group: Group::Collection, params: &[req("collection", "array|string")], returns: "any", description: "The last item of an array (null if empty) or the last character of a string.", implementation: Eager(last) },
    Function { name: "intersection", group: Group::Collection, params: &[req("collection1", "array|object"), req("collection2", "array|object"), rest("collection", "array|object")], returns: "array|object", description: "The items (or key-value pairs) common to all the arrays (or objects), without duplicates.", implementation: Eager(intersection) },
    Function { name: "union", group: Group::Collection, params: &[req("collection1", "array|object"), req("collection2", "array|object"), rest("collection", "array|object")], returns: "array|object", description: "The items (or properties) of all the arrays (or objects), without duplicates; later properties win.", implementation: Eager(union) },
    Function { name: "join", group: Group::Collection, params: &[req("collection", "array"), req("delimiter", "string")], returns: "string", description: "The items of an array as text, separated by the delimiter.", implementation: Eager(join) },
    Function { name: "skip", group: Group::Collection, params: &[req("collection", "array"), req("count", "integer")], returns: "array", description: "The array without its first count items.", implementation: Eager(skip) },
    Function { name: "take", group: Group::Collection, params: &[req("collection", "array|string"), req("count", "integer")], returns: "array|string", description: "The first count items of an array, or characters of a string.", implementation: Eager(take) },
    Function { name: "reverse", group: Group::Collection, params: &[req("collection", "array")], returns: "array", description: "The array in reverse order.", implementation: Eager(reverse) },
    Function { name: "sort", group: Group::Collection, params: &[req("collection", "array"), opt("sortBy", "string")], returns: "array", description: "The array sorted ascending (numbers, or strings ordinally), by the items' sortBy property if given.", implementation: Eager(sort) },
];

/// Equality for collection membership: numbers across int, float and decimal; strings
/// case-sensitively; arrays in order; objects by their keys and values.
pub(super) fn same_value(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::String(x), Val::String(y)) => x == y,
        (x, y) if x.is_number() && y.is_number() => compare_numbers(x, y) == Some(Ordering::Equal),
        (Val::Array(x), Val::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b)),
        (Val::Object(x), Val::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => false,
    }
}

/// A hash that agrees with `same_value`: equal values hash alike.
fn hash_value(v: &Val, h: &mut impl Hasher) {
    match v {
        Val::Null => 0u8.hash(h),
        Val::Bool(b) => (1u8, b).hash(h),
        Val::Int(_) | Val::Float(_) | Val::Decimal(_) => {
            let f = as_f64(v).unwrap_or(f64::NAN);
            // 0.0 and -0.0 are equal numbers.
            let f = if f == 0.0 { 0.0 } else { f };
            (2u8, f.to_bits()).hash(h);
        }
        Val::String(s) => (3u8, s).hash(h),
        Val::Array(items) => {
            (4u8, items.len()).hash(h);
            items.iter().for_each(|item| hash_value(item, h));
        }
        Val::Object(map) => {
            // Key order does not matter for equality, so entries combine commutatively.
            let entries = map.iter().fold(0u64, |sum, (k, v)| {
                let mut entry = DefaultHasher::new();
                k.hash(&mut entry);
                hash_value(v, &mut entry);
                sum.wrapping_add(entry.finish())
            });
            (5u8, map.len(), entries).hash(h);
        }
    }
}

fn hash_of(v: &Val) -> u64 {
    let mut h = DefaultHasher::new();
    hash_value(v, &mut h);
    h.finish()
}

/// Distinct values in first-seen order, with hashed lookup so unions of large arrays stay fast.
#[derive(Default)]
struct DistinctValues {
    items: Vec<Val>,
    by_hash: HashMap<u64, Vec<usize>>,
}

impl DistinctValues {
    fn of(values: impl IntoIterator<Item = Val>) -> Self {
        let mut set = DistinctValues::default();
        values.into_iter().for_each(|v| {
            set.insert(v);
        });
        set
    }

    fn contains(&self, v: &Val) -> bool {
        self.by_hash.get(&hash_of(v)).is_some_and(|slots| slots.iter().any(|&i| same_value(&self.items[i], v)))
    }

    /// Adds the value unless an equal one is there already.
    fn insert(&mut self, v: Val) {
        let slots = self.by_hash.entry(hash_of(&v)).or_default();
        if !slots.iter().any(|&i| same_value(&self.items[i], &v)) {
            slots.push(self.items.len());
            self.items.push(v);
        }
    }
}

/// An object's properties as `[key, value]` pairs, so pairs compare as values.
fn pairs(map: &IndexMap<String, Val>) -> impl Iterator<Item = Val> + '_ {
    map.iter().map(|(k, v)| Val::Array(vec![Val::String(k.clone()), v.clone()]))
}

/// Builds an object from `[key, value]` pairs; a later pair for a key replaces the value and
/// keeps the key's first position.
fn object_of_pairs(pairs: Vec<Val>) -> Val {
    let mut map = IndexMap::new();
    for pair in pairs {
        if let Val::Array(mut kv) = pair {
            if let (Some(value), Some(Val::String(key))) = (kv.pop(), kv.pop()) {
                map.insert(key, value);
            }
        }
    }
    Val::Object(map)
}

fn same_type_error(a: &Args, i: usize) -> EvalError {
    a.error(format!(
        "expects parameters of same type (all arrays or all objects). The provided values are of types '{}' and '{}'.",
        a.arg(0).type_name(),
        a.arg(i).type_name()
    ))
}

fn union(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::Array(_) => {
            let mut result = DistinctValues::default();
            for (i, value) in a.values.iter().enumerate() {
                let Val::Array(items) = value else { return Err(same_type_error(a, i)) };
                items.iter().cloned().for_each(|item| result.insert(item));
            }
            Ok(Val::Array(result.items))
        }
        Val::Object(_) => {
            let mut result = DistinctValues::default();
            for (i, value) in a.values.iter().enumerate() {
                let Val::Object(map) = value else { return Err(same_type_error(a, i)) };
                pairs(map).for_each(|pair| result.insert(pair));
            }
            Ok(object_of_pairs(result.items))
        }
        _ => Err(a.type_error(0, "an array or an object")),
    }
}

fn intersection(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::Array(first) => {
            let mut result = DistinctValues::of(first.iter().cloned()).items;
            for (i, value) in a.values.iter().enumerate().skip(1) {
                let Val::Array(items) = value else { return Err(same_type_error(a, i)) };
                let other = DistinctValues::of(items.iter().cloned());
                result.retain(|item| other.contains(item));
            }
            Ok(Val::Array(result))
        }
        Val::Object(first) => {
            let mut result: Vec<Val> = pairs(first).collect();
            for (i, value) in a.values.iter().enumerate().skip(1) {
                let Val::Object(map) = value else { return Err(same_type_error(a, i)) };
                let other = DistinctValues::of(pairs(map));
                result.retain(|pair| other.contains(pair));
            }
            Ok(object_of_pairs(result))
        }
        _ => Err(a.type_error(0, "an array or an object")),
    }
}

fn contains(a: &Args) -> Result<Val, EvalError> {
    let found = match (a.arg(0), a.arg(1)) {
        (Val::Array(items), value) => items.iter().any(|item| same_value(item, value)),
        (Val::Object(map), Val::String(key)) => map.contains_key(key),
        (Val::String(text), Val::String(part)) => text.contains(part.as_str()),
        (Val::Object(_) | Val::String(_), _) => return Err(a.type_error(1, "of type string")),
        _ => return Err(a.type_error(0, "an array, an object or a string")),
    };
    Ok(Val::Bool(found))
}

fn empty(a: &Args) -> Result<Val, EvalError> {
    let is_empty = match a.arg(0) {
        Val::Null => true,
        Val::String(s) => s.is_empty(),
        Val::Array(items) => items.is_empty(),
        Val::Object(map) => map.is_empty(),
        _ => return Err(a.type_error(0, "an object, an array or a string")),
    };
    Ok(Val::Bool(is_empty))
}

fn first(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::Array(items) => Ok(items.first().cloned().unwrap_or(Val::Null)),
        Val::String(s) => Ok(Val::String(s.chars().next().map(String::from).unwrap_or_default())),
        _ => Err(a.type_error(0, "an array or a string")),
    }
}

fn last(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::Array(items) => Ok(items.last().cloned().unwrap_or(Val::Null)),
        Val::String(s) => Ok(Val::String(s.chars().next_back().map(String::from).unwrap_or_default())),
        _ => Err(a.type_error(0, "an array or a string")),
    }
}

fn join(a: &Args) -> Result<Val, EvalError> {
    let items = match a.arg(0) {
        Val::Array(items) => items,
        _ => return Err(a.type_error(0, "an array")),
    };
    let delimiter = a.string(1)?;
    let texts: Vec<String> = items.iter().map(text_of).collect();
    let delimiters_len = delimiter.encode_utf16().count().saturating_mul(texts.len().saturating_sub(1));
    let texts_len: usize = texts.iter().map(|t| t.encode_utf16().count()).sum();
    check_string_length(a, texts_len.saturating_add(delimiters_len))?;
    Ok(Val::String(texts.join(delimiter)))
}

/// The count argument of `skip`/`take`: zero or more.
fn count(a: &Args) -> Result<usize, EvalError> {
    let n = a.int(1)?;
    if n < 0 {
        return Err(a.error(format!("expects its second parameter to be a positive integer. The provided value is '{n}'.")));
    }
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Strings count UTF-16 code units, as the runtime's .NET strings do.
fn utf16_range(s: &str, from: usize, to: usize) -> String {
    let units: Vec<u16> = s.encode_utf16().collect();
    let to = to.min(units.len());
    String::from_utf16_lossy(units.get(from.min(to)..to).unwrap_or_default())
}

fn skip(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::Array(items) => {
            let n = count(a)?;
            Ok(Val::Array(items.iter().skip(n).cloned().collect()))
        }
        Val::String(s) => Ok(Val::String(utf16_range(s, count(a)?, usize::MAX))),
        _ => Err(a.type_error(0, "an array or a string")),
    }
}

fn take(a: &Args) -> Result<Val, EvalError> {
    match a.arg(0) {
        Val::Array(items) => {
            let n = count(a)?;
            Ok(Val::Array(items.iter().take(n).cloned().collect()))
        }
        Val::String(s) => Ok(Val::String(utf16_range(s, 0, count(a)?))),
        _ => Err(a.type_error(0, "an array or a string")),
    }
}

fn reverse(a: &Args) -> Result<Val, EvalError> {
    let mut items = a.array(0)?.clone();
    items.reverse();
    Ok(Val::Array(items))
}

fn sort(a: &Args) -> Result<Val, EvalError> {
    let items = a.array(0)?;
    let sort_by = match a.get(1) {
        Some(_) => Some(a.string(1)?),
        None => None,
    };
    let keys: Vec<&Val> = match sort_by {
        None => items.iter().collect(),
        Some(name) => items
            .iter()
            .map(|item| match item {
                Val::Object(_) => item.get_property(name).ok_or_else(|| {
                    a.error(format!("cannot sort by '{name}': an item of the array has no such property."))
                }),
                other => Err(a.error(format!(
                    "cannot sort by '{name}': the array's items must be objects. An item is of type '{}'.",
                    other.type_name()
                ))),
            })
            .collect::<Result<_, _>>()?,
    };
    let all_numbers = keys.iter().all(|k| k.is_number());
    let all_strings = keys.iter().all(|k| matches!(k, Val::String(_)));
    if !all_numbers && !all_strings {
        return Err(a.error("expects the values to sort by to be all numbers or all strings."));
    }
    // The comparison must be a total order: integers exactly, other numbers as doubles.
    let all_integers = keys.iter().all(|k| matches!(k, Val::Int(_)));
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&i, &j| match (keys[i], keys[j]) {
        (Val::String(x), Val::String(y)) => x.cmp(y),
        (Val::Int(x), Val::Int(y)) if all_integers => x.cmp(y),
        (x, y) => as_f64(x).unwrap_or(f64::NAN).total_cmp(&as_f64(y).unwrap_or(f64::NAN)),
    });
    Ok(Val::Array(order.into_iter().map(|i| items[i].clone()).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_hash_alike() {
        let pairs = [
            (Val::Int(1), Val::Float(1.0)),
            (Val::Float(0.0), Val::Float(-0.0)),
            (
                Val::from_json(&serde_json::json!({"a": 1, "b": [2]})),
                Val::from_json(&serde_json::json!({"b": [2.0], "a": 1.0})),
            ),
        ];
        for (x, y) in pairs {
            assert!(same_value(&x, &y));
            assert_eq!(hash_of(&x), hash_of(&y));
        }
        assert!(!same_value(&Val::String("1".into()), &Val::Int(1)));
    }

    fn eval(expr: &str) -> Result<Val, EvalError> {
        let (clock, guids) = (crate::env::FixedClock(std::time::UNIX_EPOCH), crate::env::SequentialGuids::default());
        let env = crate::env::Env { scope: &crate::env::EmptyScope, clock: &clock, guids: &guids };
        crate::eval::evaluate_template(expr, &env)
    }

    fn json(expr: &str) -> String {
        eval(expr).unwrap_or_else(|e| panic!("{expr}: {e}")).to_compact_json()
    }

    #[test]
    fn collection_functions() {
        assert_eq!(json("@contains(createArray(1, 'a'), 1.0)"), "true");
        assert_eq!(json("@contains(json('{\"Key\":1}'), 'Key')"), "true");
        assert_eq!(json("@contains('abc', 'B')"), "false", "substrings are case-sensitive");
        assert!(eval("@contains(1, 1)").is_err());
        assert_eq!(json("@skip(createArray(1,2,3), 2)"), "[3]");
        assert_eq!(json("@skip(createArray(1,2,3), 9223372036854775807)"), "[]");
        assert_eq!(json("@take('😀abc', 2)"), "\"😀\"", "strings count UTF-16 units");
        assert_eq!(json("@join(createArray(1, true, null, 1.5, json('{\"a\":[null]}')), '|')"), "\"1|True||1.5|{\\\"a\\\":[null]}\"");
        assert_eq!(json("@first('abc')"), "\"a\"");
        assert_eq!(json("@last('abc')"), "\"c\"");
        assert_eq!(json("@union(createArray(1, 2), createArray(2.0, 3))"), "[1,2,3]");
        assert_eq!(json("@intersection(json('{\"a\":1,\"b\":2}'), json('{\"b\":2,\"a\":9}'))"), "{\"b\":2}");
    }

    #[test]
    fn sorting() {
        assert_eq!(json("@sort(createArray(3, 1.5, 2))"), "[1.5,2,3]");
        assert_eq!(json("@sort(createArray('b', 'B', 'a'))"), "[\"B\",\"a\",\"b\"]", "ordinal order");
        assert_eq!(
            json("@sort(createArray(json('{\"n\":\"x\",\"k\":2}'), json('{\"n\":\"y\",\"k\":1}')), 'K')"),
            "[{\"n\":\"y\",\"k\":1},{\"n\":\"x\",\"k\":2}]"
        );
        assert!(eval("@sort(createArray(1, 'a'))").is_err());
        assert!(eval("@sort(createArray(json('{}')), 'k')").is_err());
        assert_eq!(json("@sort(json('[]'))"), "[]");
    }

    #[test]
    fn distinct_values_keep_first_seen_order() {
        let set = DistinctValues::of([3, 1, 3, 2, 1].map(Val::Int));
        assert_eq!(set.items, [3, 1, 2].map(Val::Int));
    }
}
