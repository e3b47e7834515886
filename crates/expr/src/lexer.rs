//! Tokens of an expression (§1.2). Positions are byte offsets into the expression source.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    Ident(String),
    /// A single-quoted string, unescaped (`''` → `'`).
    Str(String),
    Integer(i64),
    Float(f64),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Question,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexError {
    #[error("the string starting at {at} is never closed with `'`")]
    UnterminatedString { at: usize },
    #[error("`{text}` at {at} is not a number")]
    BadNumber { at: usize, text: String },
    #[error("`{ch}` at {at} is not allowed here{hint}")]
    Unexpected { at: usize, ch: char, hint: &'static str },
}

const PUNCTUATION: &[char] = &['.', ',', '(', ')', '[', ']', '{', '}', '@', '?', '\''];

pub fn tokenize(source: &str) -> Result<Vec<Token>, LexError> {
    let mut tokens = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some(&(at, ch)) = chars.peek() {
        let single = |kind| Token { kind, span: at..at + ch.len_utf8() };
        match ch {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' | ',' | '.' | '?' => {
                // A dot followed by a digit is a number in some dialects; we treat it as access.
                let kind = match ch {
                    '(' => TokenKind::LParen,
                    ')' => TokenKind::RParen,
                    '[' => TokenKind::LBracket,
                    ']' => TokenKind::RBracket,
                    ',' => TokenKind::Comma,
                    '.' => TokenKind::Dot,
                    _ => TokenKind::Question,
                };
                tokens.push(single(kind));
                chars.next();
            }
            '\'' => {
                chars.next();
                let mut text = String::new();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    if c == '\'' {
                        if chars.peek().map(|&(_, n)| n) == Some('\'') {
                            chars.next();
                            text.push('\'');
                        } else {
                            end = Some(i + 1);
                            break;
                        }
                    } else {
                        text.push(c);
                    }
                }
                let end = end.ok_or(LexError::UnterminatedString { at })?;
                tokens.push(Token { kind: TokenKind::Str(text), span: at..end });
            }
            '"' => return Err(LexError::Unexpected { at, ch, hint: ": strings use single quotes" }),
            c if c.is_ascii_digit() || c == '+' || c == '-' => {
                let mut end = at;
                let mut prev = ' ';
                while let Some(&(i, c)) = chars.peek() {
                    let sign_ok = (c == '+' || c == '-') && (i == at || prev == 'e' || prev == 'E');
                    if c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || sign_ok {
                        end = i + c.len_utf8();
                        prev = c;
                        chars.next();
                    } else {
                        break;
                    }
                }
                let text = &source[at..end];
                let bad = || LexError::BadNumber { at, text: text.to_string() };
                if let Some(&(_, next)) = chars.peek() {
                    if !next.is_whitespace() && !PUNCTUATION.contains(&next) {
                        return Err(LexError::BadNumber { at, text: format!("{text}{next}") });
                    }
                }
                let kind = if text.contains(['.', 'e', 'E']) {
                    TokenKind::Float(text.parse().map_err(|_| bad())?)
                } else {
                    TokenKind::Integer(text.parse().map_err(|_| bad())?)
                };
                tokens.push(Token { kind, span: at..end });
            }
            '{' | '}' | '@' => return Err(LexError::Unexpected { at, ch, hint: "" }),
            _ => {
                let mut end = at;
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_whitespace() || PUNCTUATION.contains(&c) || c == '"' {
                        break;
                    }
                    end = i + c.len_utf8();
                    chars.next();
                }
                tokens.push(Token { kind: TokenKind::Ident(source[at..end].to_string()), span: at..end });
            }
        }
    }
    Ok(tokens)
}

/// Writes `value` as an expression string literal.
pub fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(s: &str) -> Vec<TokenKind> {
        tokenize(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn calls_strings_numbers_and_accessors() {
        assert_eq!(
            kinds("outputs('Get_row')?['body/name']"),
            [Ident("outputs".into()), LParen, Str("Get_row".into()), RParen, Question, LBracket, Str("body/name".into()), RBracket]
        );
        assert_eq!(kinds("add(1, -2.5e3)"), [Ident("add".into()), LParen, Integer(1), Comma, Float(-2500.0), RParen]);
        assert_eq!(kinds("'it''s'"), [Str("it's".into())]);
        assert_eq!(kinds("body('x').value"), [Ident("body".into()), LParen, Str("x".into()), RParen, Dot, Ident("value".into())]);
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(tokenize("concat('a").unwrap_err(), LexError::UnterminatedString { at: 7 });
        assert!(matches!(tokenize("concat(\"a\")").unwrap_err(), LexError::Unexpected { at: 7, ch: '"', .. }));
        assert!(matches!(tokenize("add(1x, 2)").unwrap_err(), LexError::BadNumber { at: 4, .. }));
        assert!(matches!(tokenize("add(99999999999999999999, 2)").unwrap_err(), LexError::BadNumber { at: 4, .. }));
    }

    #[test]
    fn quoting_round_trips() {
        assert_eq!(kinds(&quote("O'Brien")), [Str("O'Brien".into())]);
    }
}
