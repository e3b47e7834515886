//! The expression language of Power Automate and Logic Apps (Workflow Definition Language):
//! parsing, printing, evaluation with every function, and the catalogue for the designer.
//! Reference: `../shared/reference/expression-language.md`.

pub mod analysis;
pub mod ast;
pub mod conformance;
pub mod env;
pub mod error;
pub mod eval;
pub mod functions;
pub mod json_scope;
pub mod lexer;
pub mod parser;
pub mod printer;
pub mod references;
pub mod template;
pub mod value;

pub use analysis::{analyze_template, Analysis, NameRef, Problem, ProblemKind};
pub use ast::{Expr, Part, Template};
pub use env::{Clock, Env, FixedClock, GuidSource, RandomGuids, Scope, SequentialGuids, SystemClock};
pub use error::EvalError;
pub use eval::{evaluate, evaluate_template};
pub use functions::{catalogue, FunctionInfo};
pub use json_scope::{JsonScope, LoopFrame};
pub use lexer::{tokenize, LexError, Token, TokenKind};
pub use parser::{parse_expression, parse_template, ParseError};
pub use printer::{print_expression, print_template};
pub use references::{action_references, rename_action_in_template, ActionReference};
pub use template::{split_template, Segment, TemplateError};
pub use value::Val;
