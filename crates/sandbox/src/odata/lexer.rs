//! Tokens of an OData `$filter` expression.
//!
//! Literals follow OData v4 URL conventions: strings in single quotes with `''` for a quote,
//! GUIDs and date-times unquoted. A GUID may start with a letter, so the lexer tries the GUID
//! shape before reading a name.

use crate::datetime;
use crate::guid::Guid;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// A property, keyword (`eq`, `and`, `null`, …) or function name.
    Name(String),
    Text(String),
    Integer(i64),
    Decimal(f64),
    Guid(Guid),
    /// Already in the store's UTC form.
    DateTime(String),
    Open,
    Close,
    Comma,
    /// Only in named arguments of query functions (`PropertyName='x'`), which are refused by
    /// the parser with a message naming the function.
    Equals,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub token: Token,
    /// 1-based character position of the token's first character.
    pub position: usize,
    /// The token as written, for messages.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub position: usize,
    pub message: String,
}

pub fn tokenize(input: &str) -> Result<Vec<Spanned>, LexError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c.is_whitespace() {
            at += 1;
            continue;
        }
        let start = at;
        let token = match c {
            '(' => {
                at += 1;
                Token::Open
            }
            ')' => {
                at += 1;
                Token::Close
            }
            ',' => {
                at += 1;
                Token::Comma
            }
            '=' => {
                at += 1;
                Token::Equals
            }
            '\'' => {
                let (text, end) = read_string(&chars, at)?;
                at = end;
                Token::Text(text)
            }
            _ => {
                if let Some(guid) = read_guid(&chars, at) {
                    at += 36;
                    Token::Guid(guid)
                } else if starts_date(&chars, at) {
                    let end = scan(&chars, at, |c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '+' | '-'));
                    let text: String = chars[at..end].iter().collect();
                    let value =
                        datetime::normalize(&text).map_err(|message| LexError { position: start + 1, message })?;
                    at = end;
                    Token::DateTime(value)
                } else if c.is_ascii_digit() || (c == '-' && chars.get(at + 1).is_some_and(|d| d.is_ascii_digit())) {
                    let (token, end) = read_number(&chars, at)?;
                    at = end;
                    token
                } else if c.is_ascii_alphabetic() || c == '_' {
                    let end = scan(&chars, at, |c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                    let name: String = chars[at..end].iter().collect();
                    at = end;
                    Token::Name(name)
                } else if c == '@' {
                    return Err(LexError {
                        position: start + 1,
                        message:
                            "parameter aliases (@p1) are not supported by the sandbox yet; write the value in place"
                                .into(),
                    });
                } else {
                    return Err(LexError { position: start + 1, message: format!("unexpected character '{c}'") });
                }
            }
        };
        tokens.push(Spanned { token, position: start + 1, text: chars[start..at].iter().collect() });
    }
    Ok(tokens)
}

fn scan(chars: &[char], from: usize, accept: impl Fn(char) -> bool) -> usize {
    let mut end = from;
    while end < chars.len() && accept(chars[end]) {
        end += 1;
    }
    end
}

fn read_string(chars: &[char], open: usize) -> Result<(String, usize), LexError> {
    let mut text = String::new();
    let mut at = open + 1;
    loop {
        match chars.get(at) {
            None => {
                return Err(LexError {
                    position: open + 1,
                    message: "this string literal has no closing quote".into(),
                });
            }
            Some('\'') if chars.get(at + 1) == Some(&'\'') => {
                text.push('\'');
                at += 2;
            }
            Some('\'') => return Ok((text, at + 1)),
            Some(c) => {
                text.push(*c);
                at += 1;
            }
        }
    }
}

fn read_guid(chars: &[char], at: usize) -> Option<Guid> {
    let candidate: String = chars.get(at..at + 36)?.iter().collect();
    let followed_by_name_char = chars.get(at + 36).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-');
    if followed_by_name_char {
        return None;
    }
    Guid::parse(&candidate).ok()
}

/// `YYYY-MM-DD` at `at`: a date or date-time literal.
fn starts_date(chars: &[char], at: usize) -> bool {
    let Some(window) = chars.get(at..at + 10) else { return false };
    window.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == '-' } else { c.is_ascii_digit() })
}

fn read_number(chars: &[char], start: usize) -> Result<(Token, usize), LexError> {
    let mut end = start + 1;
    end = scan(chars, end, |c| c.is_ascii_digit());
    let mut is_decimal = false;
    if chars.get(end) == Some(&'.') && chars.get(end + 1).is_some_and(|c| c.is_ascii_digit()) {
        is_decimal = true;
        end = scan(chars, end + 1, |c| c.is_ascii_digit());
    }
    if matches!(chars.get(end), Some('e' | 'E')) {
        let mut exponent = end + 1;
        if matches!(chars.get(exponent), Some('+' | '-')) {
            exponent += 1;
        }
        if chars.get(exponent).is_some_and(|c| c.is_ascii_digit()) {
            is_decimal = true;
            end = scan(chars, exponent, |c| c.is_ascii_digit());
        }
    }
    let text: String = chars[start..end].iter().collect();
    // OData type suffixes (1.5M, 10L, 2.0d) say nothing the column type does not.
    if matches!(chars.get(end), Some('M' | 'm' | 'L' | 'l' | 'D' | 'd' | 'F' | 'f'))
        && !chars.get(end + 1).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
    {
        end += 1;
    }
    if chars.get(end).is_some_and(|c| c.is_ascii_alphabetic() || *c == '_') {
        return Err(LexError {
            position: start + 1,
            message: format!("'{text}' runs into a name; put a space after a number"),
        });
    }
    let bad = || LexError { position: start + 1, message: format!("'{text}' is not a number the sandbox can hold") };
    let token = if is_decimal {
        Token::Decimal(text.parse::<f64>().ok().filter(|f| f.is_finite()).ok_or_else(bad)?)
    } else {
        Token::Integer(text.parse::<i64>().map_err(|_| bad())?)
    };
    Ok((token, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(input: &str) -> Vec<Token> {
        tokenize(input).unwrap().into_iter().map(|s| s.token).collect()
    }

    #[test]
    fn reads_each_literal_kind() {
        assert_eq!(
            kinds("a eq 'it''s' or n ge -1.5 or n lt 10 or id eq a0000000-0000-4000-8000-000000000001 or d gt 2024-05-01T10:00:00+02:00"),
            vec![
                Token::Name("a".into()),
                Token::Name("eq".into()),
                Token::Text("it's".into()),
                Token::Name("or".into()),
                Token::Name("n".into()),
                Token::Name("ge".into()),
                Token::Decimal(-1.5),
                Token::Name("or".into()),
                Token::Name("n".into()),
                Token::Name("lt".into()),
                Token::Integer(10),
                Token::Name("or".into()),
                Token::Name("id".into()),
                Token::Name("eq".into()),
                Token::Guid(Guid::parse("a0000000-0000-4000-8000-000000000001").unwrap()),
                Token::Name("or".into()),
                Token::Name("d".into()),
                Token::Name("gt".into()),
                Token::DateTime("2024-05-01T08:00:00Z".into()),
            ]
        );
    }

    #[test]
    fn a_name_that_starts_like_hex_is_still_a_name() {
        assert_eq!(kinds("deadbeef eq 1")[0], Token::Name("deadbeef".into()));
    }

    #[test]
    fn positions_are_one_based_characters() {
        let tokens = tokenize("é eq 'x'").unwrap_err();
        assert_eq!(tokens.position, 1);
        let tokens = tokenize("name  eq 'x'").unwrap();
        assert_eq!(tokens[1].position, 7);
    }

    #[test]
    fn reports_unclosed_strings_and_bad_characters() {
        assert_eq!(tokenize("name eq 'abc").unwrap_err().position, 9);
        assert!(tokenize("name eq #").unwrap_err().message.contains("'#'"));
        assert!(tokenize("name eq @p1").unwrap_err().message.contains("parameter aliases"));
        assert!(tokenize("d eq 2024-13-01").unwrap_err().message.contains("not a date-time"));
    }
}
