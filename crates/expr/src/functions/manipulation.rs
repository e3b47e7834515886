//! Manipulation functions (§2.9): property edits on objects. Names match case-insensitively,
//! the exact-case key first, else the first key that matches; `coalesce` is in `logical.rs`.

use indexmap::IndexMap;

use super::{req, Args, Function, Group, Implementation::*};
use crate::error::EvalError;
use crate::value::Val;

pub(super) const FUNCTIONS: &[Function] = &[
    Function { name: "addProperty", group: Group::Manipulation, params: &[req("object", "object"), req("property", "string"), req("value", "any")], returns: "object", description: "The object with a new property; fails if the property (in any case) exists.", implementation: Eager(add_property) },
    Function { name: "setProperty", group: Group::Manipulation, params: &[req("object", "object"), req("property", "string"), req("value", "any")], returns: "object", description: "The object with the property set; an existing property keeps its name and moves to the end.", implementation: Eager(set_property) },
    Function { name: "removeProperty", group: Group::Manipulation, params: &[req("object", "object"), req("property", "string")], returns: "object", description: "The object without the property; unchanged if it has none.", implementation: Eager(remove_property) },
];

/// Ordinal, case-insensitive comparison of property names (.NET `OrdinalIgnoreCase`).
pub(super) fn names_match(a: &str, b: &str) -> bool {
    (a.len() == b.len() && a.eq_ignore_ascii_case(b)) || a.chars().flat_map(char::to_uppercase).eq(b.chars().flat_map(char::to_uppercase))
}

/// The key of `map` that `name` designates: the exact one, else the first that matches.
fn find_key(map: &IndexMap<String, Val>, name: &str) -> Option<String> {
    if map.contains_key(name) {
        return Some(name.to_string());
    }
    map.keys().find(|k| names_match(k, name)).cloned()
}

fn object_and_name<'v>(a: &'v Args) -> Result<(&'v IndexMap<String, Val>, &'v str), EvalError> {
    let object = a.object(0)?;
    let name = a.string(1)?;
    Ok((object, name))
}

fn add_property(a: &Args) -> Result<Val, EvalError> {
    let (object, name) = object_and_name(a)?;
    if let Some(existing) = find_key(object, name) {
        return Err(a.error(format!(
            "expects the property to not exist in the object; the object already has the property '{existing}'."
        )));
    }
    let mut object = object.clone();
    object.insert(name.to_string(), a.arg(2).clone());
    Ok(Val::Object(object))
}

fn set_property(a: &Args) -> Result<Val, EvalError> {
    let (object, name) = object_and_name(a)?;
    let mut object = object.clone();
    let key = match find_key(&object, name) {
        Some(existing) => {
            object.shift_remove(&existing);
            existing
        }
        None => name.to_string(),
    };
    object.insert(key, a.arg(2).clone());
    Ok(Val::Object(object))
}

fn remove_property(a: &Args) -> Result<Val, EvalError> {
    let (object, name) = object_and_name(a)?;
    let mut object = object.clone();
    if let Some(existing) = find_key(&object, name) {
        object.shift_remove(&existing);
    }
    Ok(Val::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_ordinally_ignoring_case() {
        assert!(names_match("abc", "ABC"));
        assert!(names_match("émile", "ÉMILE"));
        assert!(!names_match("a", "b"));
        assert!(!names_match("ab", "a"));
    }
}

