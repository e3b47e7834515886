//! Where expressions live inside a JSON string value (§1.1): a whole-value `@expr`, `@{...}`
//! interpolation segments, `@@` escapes, or plain literal text.

use std::borrow::Cow;
use std::ops::Range;

/// `S` is how text is held: owned by [`split_template`]'s segments, borrowed from the string
/// where it can be by the parser's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<S = String> {
    /// Literal text, already unescaped. `span` is where it sits in the original string.
    Literal { text: S, span: Range<usize> },
    /// Expression source (without `@`, `@{` or `}`), and where that source sits.
    Expression { source: S, span: Range<usize> },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("`@{{` at {at} is never closed with `}}`")]
    Unterminated { at: usize },
}

/// True when the string holds at least one expression.
pub fn is_template(s: &str) -> bool {
    (s.len() >= 2 && s.starts_with('@') && !s.starts_with("@@")) || s.contains("@{")
}

/// Splits a JSON string value into literal and expression segments.
pub fn split_template(s: &str) -> Result<Vec<Segment>, TemplateError> {
    Ok(split_borrowing(s)?
        .into_iter()
        .map(|segment| match segment {
            Segment::Literal { text, span } => Segment::Literal { text: text.into_owned(), span },
            Segment::Expression { source, span } => Segment::Expression { source: source.into_owned(), span },
        })
        .collect())
}

/// [`split_template`] without copying what needs no unescaping.
pub(crate) fn split_borrowing(s: &str) -> Result<Vec<Segment<Cow<'_, str>>>, TemplateError> {
    if s.len() >= 2 && s.starts_with("@@") {
        // Only the leading pair is unescaped in this form.
        return Ok(vec![Segment::Literal { text: Cow::Borrowed(&s[1..]), span: 0..s.len() }]);
    }
    if s.len() >= 2 && s.starts_with('@') && !s.starts_with("@{") {
        return Ok(vec![Segment::Expression { source: Cow::Borrowed(&s[1..]), span: 1..s.len() }]);
    }
    if !s.contains("@{") {
        return Ok(vec![Segment::Literal { text: Cow::Borrowed(s), span: 0..s.len() }]);
    }
    let bytes = s.as_bytes();
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut literal_start = 0;
    let mut i = 0;
    while let Some(found) = s[i..].find('@') {
        let at = i + found;
        literal.push_str(&s[i..at]);
        if bytes[at..].starts_with(b"@@{") {
            literal.push_str("@{");
            i = at + 3;
        } else if bytes[at..].starts_with(b"@{") {
            let start = at + 2;
            let end = closing_brace(bytes, start).ok_or(TemplateError::Unterminated { at })?;
            if !literal.is_empty() {
                segments.push(Segment::Literal { text: Cow::Owned(std::mem::take(&mut literal)), span: literal_start..at });
            }
            segments.push(Segment::Expression { source: Cow::Borrowed(&s[start..end]), span: start..end });
            i = end + 1;
            literal_start = i;
        } else {
            literal.push('@');
            i = at + 1;
        }
    }
    literal.push_str(&s[i..]);
    if !literal.is_empty() {
        segments.push(Segment::Literal { text: Cow::Owned(literal), span: literal_start..s.len() });
    }
    Ok(segments)
}

/// The `}` closing an interpolation, skipping braces inside single-quoted strings.
fn closing_brace(bytes: &[u8], mut i: usize) -> Option<usize> {
    let mut in_string = false;
    while i < bytes.len() {
        match (bytes[i], in_string) {
            (b'\'', true) if bytes.get(i + 1) == Some(&b'\'') => i += 1,
            (b'\'', _) => in_string = !in_string,
            (b'}', false) => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exprs(s: &str) -> Vec<String> {
        split_template(s)
            .unwrap()
            .into_iter()
            .filter_map(|seg| match seg {
                Segment::Expression { source, .. } => Some(source),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn whole_value_interpolation_escapes_and_literals() {
        assert_eq!(exprs("@parameters('myAge')"), ["parameters('myAge')"]);
        assert_eq!(exprs("Hi @{triggerBody()?['name']}!"), ["triggerBody()?['name']"]);
        assert_eq!(exprs("@{concat('}')} and @{'x'}"), ["concat('}')", "'x'"]);
        assert!(exprs("@@unparsed").is_empty());
        assert!(exprs("My age is @@{parameters('myAge')}").is_empty());
        assert!(exprs("@").is_empty());
        assert!(exprs("array[1]").is_empty());
        assert_eq!(split_template("a @{b").unwrap_err(), TemplateError::Unterminated { at: 2 });
    }

    #[test]
    fn spans_point_into_the_original_string() {
        let s = "Welcome @{triggerOutputs()?['body/fullname']} to @{body('Get')}";
        for seg in split_template(s).unwrap() {
            if let Segment::Expression { source, span } = seg {
                assert_eq!(&s[span], source);
            }
        }
    }
}
