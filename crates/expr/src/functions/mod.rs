//! The function library: one file per group of the reference (§2), one registry, and the
//! catalogue the UI uses for completion and signature help.

mod binary;
mod collection;
mod conversion;
mod datetime;
mod logical;
mod manipulation;
mod math;
mod string;
mod uri;
mod workflow;
pub(crate) mod xml;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::env::Env;
use crate::error::EvalError;
use crate::value::Val;

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Group {
    String,
    Collection,
    Logical,
    Conversion,
    Math,
    DateTime,
    Workflow,
    UriParsing,
    Manipulation,
}

/// One parameter of a function's signature.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    /// `string`, `integer`, `number`, `boolean`, `array`, `object`, `any`…
    pub ty: &'static str,
    pub optional: bool,
    pub variadic: bool,
}

pub const fn req(name: &'static str, ty: &'static str) -> Param {
    Param { name, ty, optional: false, variadic: false }
}
pub const fn opt(name: &'static str, ty: &'static str) -> Param {
    Param { name, ty, optional: true, variadic: false }
}
/// Zero or more further arguments of this type.
pub const fn rest(name: &'static str, ty: &'static str) -> Param {
    Param { name, ty, optional: true, variadic: true }
}

pub type Native = fn(&Args) -> Result<Val, EvalError>;

#[derive(Clone, Copy)]
pub enum Implementation {
    /// Arguments are evaluated first, left to right.
    Eager(Native),
    /// `if`, `and`, `or`: the evaluator decides which arguments to evaluate.
    ShortCircuit,
}

#[derive(Clone, Copy)]
pub struct Function {
    pub name: &'static str,
    pub group: Group,
    pub params: &'static [Param],
    pub returns: &'static str,
    pub description: &'static str,
    pub implementation: Implementation,
}

impl Function {
    pub fn min_args(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    pub fn max_args(&self) -> Option<usize> {
        if self.params.iter().any(|p| p.variadic) {
            None
        } else {
            Some(self.params.len())
        }
    }
}

fn all_groups() -> impl Iterator<Item = &'static Function> {
    [
        logical::FUNCTIONS,
        math::FUNCTIONS,
        string::FUNCTIONS,
        collection::FUNCTIONS,
        conversion::FUNCTIONS,
        manipulation::FUNCTIONS,
        binary::FUNCTIONS,
        uri::FUNCTIONS,
        xml::FUNCTIONS,
        datetime::FUNCTIONS,
        workflow::FUNCTIONS,
    ]
    .into_iter()
    .flatten()
}

fn registry() -> &'static HashMap<String, &'static Function> {
    static REGISTRY: OnceLock<HashMap<String, &'static Function>> = OnceLock::new();
    REGISTRY.get_or_init(|| all_groups().map(|f| (f.name.to_ascii_lowercase(), f)).collect())
}

/// The function called `name`, compared case-insensitively.
pub fn lookup(name: &str) -> Option<&'static Function> {
    // Lowered on the stack: validation looks up every call of every expression.
    let mut buffer = [0u8; 40];
    let Some(lower) = buffer.get_mut(..name.len()) else { return registry().get(&name.to_ascii_lowercase()).copied() };
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    registry().get(std::str::from_utf8(lower).ok()?).copied()
}

pub fn all_functions() -> Vec<&'static Function> {
    let mut all: Vec<_> = all_groups().collect();
    all.sort_by_key(|f| f.name.to_ascii_lowercase());
    all
}

/// The arguments of one call, with typed accessors that fail with the runtime's messages.
pub struct Args<'a, 'e> {
    pub function: &'static str,
    pub values: Vec<Val>,
    pub env: &'a Env<'e>,
}

const ORDINALS: [&str; 10] = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"];

impl Args<'_, '_> {
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&Val> {
        self.values.get(i)
    }

    pub fn arg(&self, i: usize) -> &Val {
        self.values.get(i).unwrap_or(&Val::Null)
    }

    /// "The template language function 'f' expects its first parameter to be of type string.
    /// The provided value is of type 'Integer'."
    pub fn type_error(&self, i: usize, expected: &str) -> EvalError {
        EvalError::new(format!(
            "The template language function '{}' expects its {} parameter to be {}. The provided value is of type '{}'.",
            self.function,
            ORDINALS.get(i).copied().unwrap_or("next"),
            expected,
            self.arg(i).type_name()
        ))
    }

    pub fn error(&self, message: impl std::fmt::Display) -> EvalError {
        EvalError::new(format!("The template language function '{}' {message}", self.function))
    }

    pub fn string(&self, i: usize) -> Result<&str, EvalError> {
        self.arg(i).as_str().ok_or_else(|| self.type_error(i, "of type string"))
    }

    pub fn int(&self, i: usize) -> Result<i64, EvalError> {
        match self.arg(i) {
            Val::Int(n) => Ok(*n),
            _ => Err(self.type_error(i, "an integer")),
        }
    }

    pub fn boolean(&self, i: usize) -> Result<bool, EvalError> {
        match self.arg(i) {
            Val::Bool(b) => Ok(*b),
            _ => Err(self.type_error(i, "of type boolean")),
        }
    }

    pub fn array(&self, i: usize) -> Result<&Vec<Val>, EvalError> {
        match self.arg(i) {
            Val::Array(items) => Ok(items),
            _ => Err(self.type_error(i, "of type array")),
        }
    }

    pub fn object(&self, i: usize) -> Result<&indexmap::IndexMap<String, Val>, EvalError> {
        match self.arg(i) {
            Val::Object(map) => Ok(map),
            _ => Err(self.type_error(i, "of type object")),
        }
    }
}

/// Arity in words, as the runtime's messages put it.
pub fn count_words(n: usize) -> String {
    const WORDS: [&str; 6] = ["no", "one", "two", "three", "four", "five"];
    let word = WORDS.get(n).map_or_else(|| n.to_string(), |w| (*w).to_string());
    format!("{word} parameter{}", if n == 1 { "" } else { "s" })
}

/// The catalogue entry the UI uses for completion and signature help.
#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct FunctionInfo {
    pub name: String,
    pub group: Group,
    pub parameters: Vec<ParameterInfo>,
    pub returns: String,
    pub description: String,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ParameterInfo {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub optional: bool,
    pub variadic: bool,
}

pub fn catalogue() -> Vec<FunctionInfo> {
    all_functions()
        .into_iter()
        .map(|f| FunctionInfo {
            name: f.name.to_string(),
            group: f.group,
            parameters: f
                .params
                .iter()
                .map(|p| ParameterInfo { name: p.name.into(), ty: p.ty.into(), optional: p.optional, variadic: p.variadic })
                .collect(),
            returns: f.returns.to_string(),
            description: f.description.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_is_registered_once_with_a_description() {
        let all: Vec<_> = all_groups().collect();
        assert_eq!(registry().len(), all.len(), "a name is registered twice");
        for f in all {
            assert!(!f.description.is_empty(), "{} has no description", f.name);
            let optional_before_required = f.params.windows(2).any(|w| w[0].optional && !w[1].optional);
            assert!(!optional_before_required, "{}: an optional parameter comes before a required one", f.name);
        }
    }
}
