//! Tokens of an expression (§1.2). Positions are byte offsets into the expression source.

use std::borrow::Cow;
use std::ops::Range;

/// `S` is how text is held: owned by [`tokenize`]'s tokens, borrowed from the source where it
/// can be by the parser's, which would otherwise copy every name and string twice.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind<S = String> {
    Ident(S),
    /// A single-quoted string, unescaped (`''` → `'`).
    Str(S),
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
pub struct Token<S = String> {
    pub kind: TokenKind<S>,
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
    Ok(lex(source)?
        .into_iter()
        .map(|Token { kind, span }| {
            let kind = match kind {
                TokenKind::Ident(name) => TokenKind::Ident(name.into_owned()),
                TokenKind::Str(text) => TokenKind::Str(text.into_owned()),
                TokenKind::Integer(i) => TokenKind::Integer(i),
                TokenKind::Float(f) => TokenKind::Float(f),
                TokenKind::LParen => TokenKind::LParen,
                TokenKind::RParen => TokenKind::RParen,
                TokenKind::LBracket => TokenKind::LBracket,
                TokenKind::RBracket => TokenKind::RBracket,
                TokenKind::Comma => TokenKind::Comma,
                TokenKind::Dot => TokenKind::Dot,
                TokenKind::Question => TokenKind::Question,
            };
            Token { kind, span }
        })
        .collect())
}

/// The character starting at byte `at`.
fn char_at(source: &str, at: usize) -> char {
    source[at..].chars().next().unwrap_or_default()
}

/// Whitespace (Unicode's, as `char::is_whitespace` has it) or punctuation: what ends a number.
fn ends_number(source: &str, at: usize) -> bool {
    match source.as_bytes()[at] {
        b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => true,
        b if b.is_ascii() => PUNCTUATION.contains(&char::from(b)),
        _ => char_at(source, at).is_whitespace(),
    }
}

fn punctuation<S>(byte: u8) -> Option<TokenKind<S>> {
    Some(match byte {
        b'(' => TokenKind::LParen,
        b')' => TokenKind::RParen,
        b'[' => TokenKind::LBracket,
        b']' => TokenKind::RBracket,
        b',' => TokenKind::Comma,
        // A dot followed by a digit is a number in some dialects; we treat it as access.
        b'.' => TokenKind::Dot,
        b'?' => TokenKind::Question,
        _ => return None,
    })
}

/// Tokens whose names and strings borrow from `source` (strings with `''` escapes excepted).
/// Works on bytes: every token but names is ASCII, and names end only at ASCII punctuation or
/// whitespace, which is decoded where it is not ASCII.
pub(crate) fn lex(source: &str) -> Result<Vec<Token<Cow<'_, str>>>, LexError> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::with_capacity(source.len() / 4 + 2);
    let mut i = 0;
    while i < bytes.len() {
        let at = i;
        if let Some(kind) = punctuation(bytes[at]) {
            tokens.push(Token { kind, span: at..at + 1 });
            i += 1;
            continue;
        }
        match bytes[at] {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => i += 1,
            b'\'' => {
                let mut text = Cow::Borrowed("");
                let mut from = at + 1;
                let end = loop {
                    let quote = from + source[from..].find('\'').ok_or(LexError::UnterminatedString { at })?;
                    let piece = &source[from..quote];
                    if bytes.get(quote + 1) == Some(&b'\'') {
                        let owned = text.to_mut();
                        owned.push_str(piece);
                        owned.push('\'');
                        from = quote + 2;
                    } else {
                        match &mut text {
                            Cow::Borrowed(_) => text = Cow::Borrowed(piece),
                            Cow::Owned(owned) => owned.push_str(piece),
                        }
                        break quote + 1;
                    }
                };
                tokens.push(Token { kind: TokenKind::Str(text), span: at..end });
                i = end;
            }
            b'"' => return Err(LexError::Unexpected { at, ch: '"', hint: ": strings use single quotes" }),
            c if c.is_ascii_digit() || c == b'+' || c == b'-' => {
                let mut prev = b' ';
                while let Some(&c) = bytes.get(i) {
                    let sign_ok = (c == b'+' || c == b'-') && (i == at || prev == b'e' || prev == b'E');
                    if !(c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'E' || sign_ok) {
                        break;
                    }
                    prev = c;
                    i += 1;
                }
                let text = &source[at..i];
                let bad = || LexError::BadNumber { at, text: text.to_string() };
                if i < bytes.len() && !ends_number(source, i) {
                    return Err(LexError::BadNumber { at, text: format!("{text}{}", char_at(source, i)) });
                }
                let kind = if text.contains(['.', 'e', 'E']) {
                    TokenKind::Float(text.parse().map_err(|_| bad())?)
                } else {
                    TokenKind::Integer(text.parse().map_err(|_| bad())?)
                };
                tokens.push(Token { kind, span: at..i });
            }
            c @ (b'{' | b'}' | b'@') => return Err(LexError::Unexpected { at, ch: char::from(c), hint: "" }),
            c if !c.is_ascii() && char_at(source, at).is_whitespace() => i += char_at(source, at).len_utf8(),
            _ => {
                i += char_at(source, at).len_utf8();
                while i < bytes.len() && !ends_number(source, i) && bytes[i] != b'"' {
                    i += char_at(source, i).len_utf8();
                }
                tokens.push(Token { kind: TokenKind::Ident(Cow::Borrowed(&source[at..i])), span: at..i });
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
