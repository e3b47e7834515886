//! The expression language of Power Automate and Logic Apps (Workflow Definition Language).
//! Reference: `../shared/reference/expression-language.md` §1.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod printer;
pub mod references;
pub mod template;

pub use ast::{Expr, Part, Template};
pub use lexer::{tokenize, LexError, Token, TokenKind};
pub use parser::{parse_expression, parse_template, ParseError};
pub use printer::{print_expression, print_template};
pub use references::{action_references, rename_action_in_template, ActionReference};
pub use template::{split_template, Segment, TemplateError};
