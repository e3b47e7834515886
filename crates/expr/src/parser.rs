//! A recursive-descent parser for the grammar of `expression-language.md` §1.2, with a depth
//! limit so hostile input cannot overflow the stack.


use std::borrow::Cow;

use serde_json::Value;

use crate::ast::{Expr, Part, Template};
use crate::lexer::{lex, LexError, Token, TokenKind};
use crate::template::{split_borrowing, Segment, TemplateError};

/// Deepest nesting of calls and accessors accepted.
pub const MAX_DEPTH: usize = 128;
/// The designer rejects longer expressions (LogicAppsUX `maxExpressionLimit`).
pub const MAX_EXPRESSION_CHARS: usize = 8192 * 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(transparent)]
    Lex(#[from] LexError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("expected {expected} at {at}, found {found}")]
    Expected { at: usize, expected: &'static str, found: String },
    #[error("the expression nests deeper than {MAX_DEPTH} levels at {at}")]
    TooDeep { at: usize },
    #[error("the expression is longer than {MAX_EXPRESSION_CHARS} characters")]
    TooLong,
}

impl ParseError {
    /// Where in the expression source the problem is.
    pub fn position(&self) -> Option<usize> {
        match self {
            ParseError::Lex(LexError::UnterminatedString { at } | LexError::BadNumber { at, .. } | LexError::Unexpected { at, .. }) => Some(*at),
            ParseError::Template(TemplateError::Unterminated { at }) => Some(*at),
            ParseError::Expected { at, .. } | ParseError::TooDeep { at } => Some(*at),
            ParseError::TooLong => None,
        }
    }

    fn shifted(self, by: usize) -> Self {
        match self {
            ParseError::Lex(LexError::UnterminatedString { at }) => ParseError::Lex(LexError::UnterminatedString { at: at + by }),
            ParseError::Lex(LexError::BadNumber { at, text }) => ParseError::Lex(LexError::BadNumber { at: at + by, text }),
            ParseError::Lex(LexError::Unexpected { at, ch, hint }) => ParseError::Lex(LexError::Unexpected { at: at + by, ch, hint }),
            ParseError::Expected { at, expected, found } => ParseError::Expected { at: at + by, expected, found },
            ParseError::TooDeep { at } => ParseError::TooDeep { at: at + by },
            other => other,
        }
    }
}

/// Parses a bare expression (what follows `@`, or sits inside `@{…}`).
pub fn parse_expression(source: &str) -> Result<Expr, ParseError> {
    if source.len() > MAX_EXPRESSION_CHARS {
        return Err(ParseError::TooLong);
    }
    let tokens = lex(source)?;
    let mut parser = Parser { tokens: &tokens, pos: 0, end: source.len() };
    let expr = parser.expr(0)?;
    if let Some(token) = parser.peek() {
        return Err(ParseError::Expected { at: token.span.start, expected: "the end of the expression", found: describe(token) });
    }
    Ok(expr)
}

/// Parses a JSON string value of a definition. Positions in errors are offsets into `s`.
pub fn parse_template(s: &str) -> Result<Template, ParseError> {
    let mut segments = split_borrowing(s)?;
    match segments.as_mut_slice() {
        [Segment::Literal { text, .. }] => return Ok(Template::Literal(std::mem::take(text).into_owned())),
        [] => return Ok(Template::Literal(String::new())),
        _ => {}
    }
    let whole = s.starts_with('@') && !s.starts_with("@{") && !s.starts_with("@@");
    let mut parts = Vec::with_capacity(if whole { 0 } else { segments.len() });
    for segment in segments {
        match segment {
            Segment::Literal { text, .. } => parts.push(Part::Text(text.into_owned())),
            Segment::Expression { source, span } => {
                let expr = parse_expression(&source).map_err(|e| e.shifted(span.start))?;
                if whole {
                    return Ok(Template::Whole { expr, offset: span.start });
                }
                parts.push(Part::Expr { expr, offset: span.start });
            }
        }
    }
    Ok(Template::Interpolated(parts))
}

type Lexeme<'s> = Token<Cow<'s, str>>;

struct Parser<'a, 's> {
    tokens: &'a [Lexeme<'s>],
    pos: usize,
    end: usize,
}

fn describe(token: &Lexeme) -> String {
    match &token.kind {
        TokenKind::Ident(name) => format!("`{name}`"),
        TokenKind::Str(s) => format!("the string '{s}'"),
        TokenKind::Integer(i) => format!("the number {i}"),
        TokenKind::Float(f) => format!("the number {f}"),
        TokenKind::LParen => "`(`".into(),
        TokenKind::RParen => "`)`".into(),
        TokenKind::LBracket => "`[`".into(),
        TokenKind::RBracket => "`]`".into(),
        TokenKind::Comma => "`,`".into(),
        TokenKind::Dot => "`.`".into(),
        TokenKind::Question => "`?`".into(),
    }
}

impl<'a, 's> Parser<'a, 's> {
    fn peek(&self) -> Option<&'a Lexeme<'s>> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&'a Lexeme<'s>> {
        let t = self.tokens.get(self.pos);
        self.pos += 1;
        t
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.span.start)
    }

    fn found(&self) -> String {
        self.peek().map_or_else(|| "the end of the expression".into(), describe)
    }

    fn expect(&mut self, kind: &TokenKind<Cow<'s, str>>, expected: &'static str) -> Result<&'a Lexeme<'s>, ParseError> {
        match self.peek() {
            Some(t) if &t.kind == kind => Ok(self.next().expect("peeked")),
            _ => Err(ParseError::Expected { at: self.here(), expected, found: self.found() }),
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        if depth > MAX_DEPTH {
            return Err(ParseError::TooDeep { at: self.here() });
        }
        let Some(token) = self.next() else {
            return Err(ParseError::Expected { at: self.end, expected: "an expression", found: "the end of the expression".into() });
        };
        let start = token.span.start;
        let literal = |value: Value| Expr::Literal { value, span: token.span.clone() };
        let mut expr = match &token.kind {
            TokenKind::Str(s) => literal(Value::String(s.to_string())),
            TokenKind::Integer(i) => literal(Value::from(*i)),
            TokenKind::Float(f) => literal(serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)),
            TokenKind::Ident(name) if self.peek().map(|t| &t.kind) != Some(&TokenKind::LParen) => match name {
                _ if name.eq_ignore_ascii_case("true") => literal(Value::Bool(true)),
                _ if name.eq_ignore_ascii_case("false") => literal(Value::Bool(false)),
                _ if name.eq_ignore_ascii_case("null") => literal(Value::Null),
                _ => return Err(ParseError::Expected { at: start, expected: "`(` after a function name", found: self.found() }),
            },
            TokenKind::Ident(name) => {
                self.next();
                let mut args = Vec::new();
                if self.peek().map(|t| &t.kind) != Some(&TokenKind::RParen) {
                    loop {
                        args.push(self.expr(depth + 1)?);
                        match self.peek().map(|t| &t.kind) {
                            Some(TokenKind::Comma) => {
                                self.next();
                            }
                            Some(TokenKind::RParen) => break,
                            _ => return Err(ParseError::Expected { at: self.here(), expected: "`,` or `)`", found: self.found() }),
                        }
                    }
                }
                let close = self.expect(&TokenKind::RParen, "`)`")?;
                Expr::Call { name: name.to_string(), args, span: start..close.span.end, name_span: token.span.clone() }
            }
            _ => return Err(ParseError::Expected { at: start, expected: "a function call or a literal", found: describe(token) }),
        };
        // Accessors bind to calls and to literals alike (`'abc'[0]` parses; evaluation decides).
        let mut accessors = 0;
        loop {
            let null_safe = matches!(self.peek().map(|t| &t.kind), Some(TokenKind::Question));
            let after = self.tokens.get(self.pos + usize::from(null_safe)).map(|t| &t.kind);
            let key = match after {
                Some(TokenKind::Dot) => {
                    self.pos += 1 + usize::from(null_safe);
                    match self.next() {
                        Some(Token { kind: TokenKind::Ident(name), span }) => Expr::Literal { value: Value::String(name.to_string()), span: span.clone() },
                        _ => {
                            self.pos -= 1;
                            return Err(ParseError::Expected { at: self.here(), expected: "a property name after `.`", found: self.found() });
                        }
                    }
                }
                Some(TokenKind::LBracket) => {
                    self.pos += 1 + usize::from(null_safe);
                    let key = self.expr(depth + 1)?;
                    self.expect(&TokenKind::RBracket, "`]`")?;
                    key
                }
                _ if null_safe => {
                    return Err(ParseError::Expected { at: self.here() + 1, expected: "`.` or `[` after `?`", found: "something else".into() })
                }
                _ => break,
            };
            accessors += 1;
            if depth + accessors > MAX_DEPTH {
                return Err(ParseError::TooDeep { at: self.here() });
            }
            let end = self.tokens[self.pos - 1].span.end;
            expr = Expr::Access { target: Box::new(expr), key: Box::new(key), null_safe, span: start..end };
        }
        Ok(expr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_name(e: &Expr) -> &str {
        match e {
            Expr::Call { name, .. } => name,
            _ => panic!("not a call: {e:?}"),
        }
    }

    #[test]
    fn parses_calls_literals_and_accessors() {
        let e = parse_expression("outputs('Get')?['body/name'].first").unwrap();
        let Expr::Access { target, key, null_safe: false, .. } = &e else { panic!("{e:?}") };
        assert_eq!(**key, Expr::Literal { value: Value::String("first".into()), span: 29..34 });
        let Expr::Access { target: inner, null_safe: true, .. } = &**target else { panic!() };
        assert_eq!(call_name(inner), "outputs");
        assert!(matches!(parse_expression("TRUE").unwrap(), Expr::Literal { value: Value::Bool(true), .. }));
        assert!(matches!(parse_expression("concat()").unwrap(), Expr::Call { ref args, .. } if args.is_empty()));
    }

    #[test]
    fn errors_name_the_position_and_what_was_expected() {
        let err = parse_expression("concat('a' 'b')").unwrap_err();
        assert_eq!(err, ParseError::Expected { at: 11, expected: "`,` or `)`", found: "the string 'b'".into() });
        assert_eq!(parse_expression("concat('a',").unwrap_err().position(), Some(11));
        assert!(matches!(parse_expression("foo").unwrap_err(), ParseError::Expected { expected: "`(` after a function name", .. }));
        assert!(parse_expression("'a','b'").is_err());
        assert!(parse_expression("").is_err());
        assert!(parse_expression("body('x')?").is_err());
        assert!(parse_expression("concat('a','b')('c')").is_err());
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!("{}1{}", "add(".repeat(10_000), ",1)".repeat(10_000));
        assert!(matches!(parse_expression(&deep).unwrap_err(), ParseError::TooDeep { .. }));
        let many = format!("body('x'){}", "['a']".repeat(10_000));
        assert!(matches!(parse_expression(&many).unwrap_err(), ParseError::TooDeep { .. }));
        let fine = format!("{}1{}", "add(".repeat(100), ",1)".repeat(100));
        assert!(parse_expression(&fine).is_ok());
    }

    #[test]
    fn templates_keep_type_or_interpolate() {
        assert!(matches!(parse_template("@add(1,2)").unwrap(), Template::Whole { offset: 1, .. }));
        assert_eq!(parse_template("@@x").unwrap(), Template::Literal("@x".into()));
        let Template::Interpolated(parts) = parse_template("a @{1} b").unwrap() else { panic!() };
        assert_eq!(parts.len(), 3);
        // Positions in template errors point into the whole string.
        assert_eq!(parse_template("x @{concat('a' 'b')}").unwrap_err().position(), Some(15));
    }
}
