//! The expression language of Power Automate and Logic Apps (Workflow Definition Language).
//! Reference: `../shared/reference/expression-language.md` §1.

pub mod lexer;
pub mod references;
pub mod template;

pub use lexer::{tokenize, LexError, Token, TokenKind};
pub use references::{action_references, rename_action_in_template, ActionReference};
pub use template::{split_template, Segment, TemplateError};
