//! The syntax tree of an expression. Spans are byte offsets into the expression source.

use std::ops::Range;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A string, number, `true`, `false` or `null`.
    Literal { value: Value, span: Range<usize> },
    /// `name(args…)`; names compare case-insensitively.
    Call { name: String, args: Vec<Expr>, span: Range<usize>, name_span: Range<usize> },
    /// `target.key`, `target[key]`, and their null-safe forms `?.key`, `?[key]`.
    Access { target: Box<Expr>, key: Box<Expr>, null_safe: bool, span: Range<usize> },
}

impl Expr {
    pub fn span(&self) -> Range<usize> {
        match self {
            Expr::Literal { span, .. } | Expr::Call { span, .. } | Expr::Access { span, .. } => span.clone(),
        }
    }

    /// Visits this node and every node below it, depth first.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Expr)) {
        visit(self);
        match self {
            Expr::Literal { .. } => {}
            Expr::Call { args, .. } => args.iter().for_each(|a| a.walk(visit)),
            Expr::Access { target, key, .. } => {
                target.walk(visit);
                key.walk(visit);
            }
        }
    }
}

/// A JSON string value of a definition, split into what is literal and what is evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// No expression: the string (unescaped) as it is.
    Literal(String),
    /// `@expr`: one expression whose result keeps its JSON type.
    Whole { expr: Expr, offset: usize },
    /// Text with `@{expr}` segments: the result is always a string.
    Interpolated(Vec<Part>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    /// An expression and where its source starts in the template string.
    Expr { expr: Expr, offset: usize },
}
