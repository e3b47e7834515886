//! `$filter`: a recursive-descent parser into a small syntax tree.
//!
//! Grammar (the subset Dataverse flows use; precedence low to high: or, and, not):
//!
//! ```text
//! or_expr    = and_expr { "or" and_expr }
//! and_expr   = not_expr { "and" not_expr }
//! not_expr   = "not" not_expr | primary
//! primary    = "(" or_expr ")" | call | comparison
//! call       = ("contains" | "startswith" | "endswith") "(" operand "," operand ")"
//! comparison = operand ("eq" | "ne" | "gt" | "ge" | "lt" | "le") operand
//! operand    = property | literal
//! literal    = 'text' | number | true | false | null | GUID | date-time
//! ```

use std::fmt;

use super::lexer::{tokenize, Spanned, Token};
use crate::guid::Guid;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Compare { op: CompareOp, left: Operand, right: Operand },
    Call { function: StringFunction, args: [Operand; 2], position: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn from_keyword(word: &str) -> Option<CompareOp> {
        Some(match word {
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            _ => return None,
        })
    }

    pub fn keyword(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
        }
    }

    /// The operator with its operands swapped (`5 lt x` is `x gt 5`).
    pub fn mirrored(self) -> CompareOp {
        match self {
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            same => same,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringFunction {
    Contains,
    StartsWith,
    EndsWith,
}

impl StringFunction {
    fn from_name(name: &str) -> Option<StringFunction> {
        Some(match name {
            "contains" => StringFunction::Contains,
            "startswith" => StringFunction::StartsWith,
            "endswith" => StringFunction::EndsWith,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            StringFunction::Contains => "contains",
            StringFunction::StartsWith => "startswith",
            StringFunction::EndsWith => "endswith",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Property { name: String, position: usize },
    Literal { value: Literal, position: usize },
}

impl Operand {
    pub fn position(&self) -> usize {
        match self {
            Operand::Property { position, .. } | Operand::Literal { position, .. } => *position,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Boolean(bool),
    Integer(i64),
    Decimal(f64),
    Text(String),
    Guid(Guid),
    DateTime(String),
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Boolean(b) => write!(f, "{b}"),
            Literal::Integer(n) => write!(f, "{n}"),
            Literal::Decimal(n) => write!(f, "{n}"),
            Literal::Text(t) => write!(f, "'{}'", t.replace('\'', "''")),
            Literal::Guid(g) => write!(f, "{g}"),
            Literal::DateTime(d) => f.write_str(d),
        }
    }
}

/// A problem in the filter text, at a 1-based character position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub position: usize,
    pub message: String,
}

impl FilterError {
    /// The message the API answers with: what is wrong, where, and in which text.
    pub fn describe(&self, filter: &str) -> String {
        format!("Syntax error at position {} in $filter '{}': {}.", self.position, filter, self.message)
    }
}

/// Filters deeper than this are refused rather than risking the parser's stack.
const MAX_DEPTH: usize = 100;
/// A chain of `and`/`or` becomes an expression as deep as it is long, for the translator and for
/// SQLite (which refuses expressions deeper than 1000); longer filters are refused up front.
pub const MAX_CONDITIONS: usize = 500;

pub fn parse(text: &str) -> Result<Expr, FilterError> {
    let tokens = tokenize(text).map_err(|e| FilterError { position: e.position, message: e.message })?;
    let end = text.chars().count() + 1;
    let mut parser = Parser { tokens, next: 0, end, depth: 0, conditions: 0 };
    if parser.tokens.is_empty() {
        return Err(FilterError { position: 1, message: "the filter is empty".into() });
    }
    let expr = parser.or_expr()?;
    if let Some(extra) = parser.peek() {
        return Err(FilterError {
            position: extra.position,
            message: format!("expected 'and', 'or' or the end of the filter, found '{}'", extra.text),
        });
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<Spanned>,
    next: usize,
    /// The position just past the text, for "the filter ends" errors.
    end: usize,
    depth: usize,
    conditions: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Spanned> {
        self.tokens.get(self.next)
    }

    fn advance(&mut self) -> Option<Spanned> {
        let token = self.tokens.get(self.next).cloned();
        self.next += 1;
        token
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Spanned { token: Token::Name(n), .. }) if n == keyword)
    }

    fn error_here(&self, expected: &str) -> FilterError {
        match self.peek() {
            Some(found) => FilterError {
                position: found.position,
                message: format!("expected {expected}, found '{}'", found.text),
            },
            None => FilterError { position: self.end, message: format!("expected {expected}, but the filter ends") },
        }
    }

    fn expect(&mut self, wanted: Token, description: &str) -> Result<Spanned, FilterError> {
        match self.peek() {
            Some(s) if s.token == wanted => Ok(self.advance().expect("peeked")),
            _ => Err(self.error_here(description)),
        }
    }

    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let position = self.peek().map(|s| s.position).unwrap_or(self.end);
            return Err(FilterError { position, message: format!("the filter nests deeper than {MAX_DEPTH} levels") });
        }
        Ok(())
    }

    /// Counts a comparison or function call, refusing one too many.
    fn count_condition(&mut self) -> Result<(), FilterError> {
        self.conditions += 1;
        if self.conditions > MAX_CONDITIONS {
            let position = self.peek().map(|s| s.position).unwrap_or(self.end);
            return Err(FilterError {
                position,
                message: format!("the filter has more than {MAX_CONDITIONS} conditions"),
            });
        }
        Ok(())
    }

    fn or_expr(&mut self) -> Result<Expr, FilterError> {
        self.enter()?;
        let mut left = self.and_expr()?;
        while self.peek_keyword("or") {
            self.advance();
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.not_expr()?;
        while self.peek_keyword("and") {
            self.advance();
            let right = self.not_expr()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, FilterError> {
        if self.peek_keyword("not") {
            self.advance();
            self.enter()?;
            let inner = self.not_expr()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        match self.peek() {
            Some(Spanned { token: Token::Open, .. }) => {
                self.advance();
                let inner = self.or_expr()?;
                self.expect(Token::Close, "')'")?;
                Ok(inner)
            }
            Some(Spanned { token: Token::Name(name), position, .. })
                if matches!(self.tokens.get(self.next + 1), Some(Spanned { token: Token::Open, .. })) =>
            {
                let (name, position) = (name.clone(), *position);
                self.call(&name, position)
            }
            Some(_) => self.comparison(),
            None => Err(self.error_here("a condition")),
        }
    }

    fn call(&mut self, name: &str, position: usize) -> Result<Expr, FilterError> {
        let Some(function) = StringFunction::from_name(name) else {
            let message = if name.starts_with("Microsoft.Dynamics.CRM.") {
                format!("the query function '{name}' is not supported by the sandbox yet")
            } else {
                format!("unknown function '{name}'; the sandbox supports contains, startswith and endswith")
            };
            return Err(FilterError { position, message });
        };
        self.count_condition()?;
        self.advance();
        self.expect(Token::Open, "'('")?;
        let first = self.operand()?;
        self.expect(Token::Comma, &format!("',' between the two arguments of {name}"))?;
        let second = self.operand()?;
        self.expect(Token::Close, &format!("')' after the arguments of {name}"))?;
        Ok(Expr::Call { function, args: [first, second], position })
    }

    fn comparison(&mut self) -> Result<Expr, FilterError> {
        self.count_condition()?;
        let left = self.operand()?;
        let op = match self.peek() {
            Some(Spanned { token: Token::Name(word), .. }) if CompareOp::from_keyword(word).is_some() => {
                let op = CompareOp::from_keyword(word).expect("checked");
                self.advance();
                op
            }
            _ => return Err(self.error_here("a comparison operator (eq, ne, gt, ge, lt, le)")),
        };
        let right = self.operand()?;
        Ok(Expr::Compare { op, left, right })
    }

    fn operand(&mut self) -> Result<Operand, FilterError> {
        let Some(spanned) = self.peek().cloned() else {
            return Err(self.error_here("a property or a value"));
        };
        let position = spanned.position;
        let literal = match spanned.token {
            Token::Text(t) => Literal::Text(t),
            Token::Integer(n) => Literal::Integer(n),
            Token::Decimal(n) => Literal::Decimal(n),
            Token::Guid(g) => Literal::Guid(g),
            Token::DateTime(d) => Literal::DateTime(d),
            Token::Name(name) => match name.as_str() {
                "null" => Literal::Null,
                "true" => Literal::Boolean(true),
                "false" => Literal::Boolean(false),
                "and" | "or" | "not" | "eq" | "ne" | "gt" | "ge" | "lt" | "le" => {
                    return Err(self.error_here("a property or a value"));
                }
                _ => {
                    self.advance();
                    return Ok(Operand::Property { name, position });
                }
            },
            Token::Open | Token::Close | Token::Comma | Token::Equals => {
                return Err(self.error_here("a property or a value"))
            }
        };
        self.advance();
        Ok(Operand::Literal { value: literal, position })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(name: &str, position: usize) -> Operand {
        Operand::Property { name: name.into(), position }
    }

    fn lit(value: Literal, position: usize) -> Operand {
        Operand::Literal { value, position }
    }

    #[test]
    fn parses_a_comparison() {
        assert_eq!(
            parse("name eq 'Contoso'").unwrap(),
            Expr::Compare { op: CompareOp::Eq, left: prop("name", 1), right: lit(Literal::Text("Contoso".into()), 9) }
        );
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let expr = parse("a eq 1 or b eq 2 and c eq 3").unwrap();
        let Expr::Or(_, right) = expr else { panic!("expected or at the top: {expr:?}") };
        assert!(matches!(*right, Expr::And(_, _)));
    }

    #[test]
    fn parentheses_override_precedence() {
        let expr = parse("(a eq 1 or b eq 2) and c eq 3").unwrap();
        let Expr::And(left, _) = expr else { panic!("expected and at the top: {expr:?}") };
        assert!(matches!(*left, Expr::Or(_, _)));
    }

    #[test]
    fn not_applies_to_the_next_condition() {
        let expr = parse("not contains(name,'x') and a eq 1").unwrap();
        let Expr::And(left, _) = expr else { panic!("{expr:?}") };
        assert!(matches!(*left, Expr::Not(_)));
    }

    #[test]
    fn parses_functions_null_and_lookup_values() {
        let expr = parse("startswith(fullname, 'Ma') and _parentcustomerid_value ne null").unwrap();
        let Expr::And(left, right) = expr else { panic!() };
        assert!(matches!(*left, Expr::Call { function: StringFunction::StartsWith, .. }));
        assert_eq!(
            *right,
            Expr::Compare {
                op: CompareOp::Ne,
                left: prop("_parentcustomerid_value", 32),
                right: lit(Literal::Null, 59)
            }
        );
    }

    #[test]
    fn errors_say_what_was_expected_and_where() {
        let cases = [
            ("name eq", 8, "expected a property or a value, but the filter ends"),
            ("name 'x'", 6, "expected a comparison operator"),
            ("(name eq 'x'", 13, "expected ')'"),
            ("name eq 'x' name eq 'y'", 13, "expected 'and', 'or' or the end"),
            ("contains(name 'x')", 15, "expected ',' between the two arguments of contains"),
            ("substringof('x', name)", 1, "unknown function 'substringof'"),
            (
                "Microsoft.Dynamics.CRM.LastXHours(PropertyName='modifiedon',PropertyValue=1)",
                1,
                "not supported by the sandbox yet",
            ),
            ("name eq and", 9, "expected a property or a value, found 'and'"),
            ("", 1, "the filter is empty"),
        ];
        for (text, position, message) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(err.position, position, "{text}: {err:?}");
            assert!(err.message.contains(message), "{text}: {err:?}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = format!("{}a eq 1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&text).unwrap_err().message.contains("nests deeper"));
        let text = format!("{}a eq 1", "not ".repeat(5000));
        assert!(parse(&text).unwrap_err().message.contains("nests deeper"));
    }

    #[test]
    fn long_chains_are_refused_past_the_limit() {
        let chain = |n: usize| vec!["a eq 1"; n].join(" or ");
        assert!(parse(&chain(MAX_CONDITIONS)).is_ok());
        let err = parse(&chain(MAX_CONDITIONS + 1)).unwrap_err();
        assert!(err.message.contains("more than 500 conditions"), "{err:?}");
    }

    #[test]
    fn describe_names_the_text() {
        let err = parse("name eq").unwrap_err();
        assert_eq!(
            err.describe("name eq"),
            "Syntax error at position 8 in $filter 'name eq': expected a property or a value, but the filter ends."
        );
    }
}
