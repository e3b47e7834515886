//! Splicing XML text in place: what an edit does not touch stays byte-identical, and new text
//! follows the file's own line endings and indentation.

use std::ops::Range;

/// Replacements of byte ranges of one text, applied together against the original offsets.
#[derive(Default)]
pub(crate) struct TextEdits {
    edits: Vec<(Range<usize>, String)>,
}

impl TextEdits {
    pub fn replace(&mut self, range: Range<usize>, with: impl Into<String>) {
        self.edits.push((range, with.into()));
    }

    pub fn insert(&mut self, at: usize, text: impl Into<String>) {
        self.replace(at..at, text);
    }

    /// Insertions at one offset keep the order they were added in. Ranges must not overlap.
    pub fn apply(mut self, text: &str) -> String {
        self.edits.sort_by_key(|(range, _)| (range.start, range.end));
        let mut out = String::with_capacity(text.len() + self.edits.iter().map(|(_, s)| s.len()).sum::<usize>());
        let mut copied = 0;
        for (range, with) in self.edits {
            debug_assert!(range.start >= copied, "overlapping text edits");
            // Overlap would be a bug here; clamping keeps it from becoming a panic on user data.
            let start = range.start.max(copied);
            out.push_str(&text[copied..start]);
            out.push_str(&with);
            copied = range.end.max(start);
        }
        out.push_str(&text[copied..]);
        out
    }
}

/// The text's line ending: CRLF as Dataverse writes, LF, or none for a one-line file.
pub(crate) fn line_ending_of(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        Some(_) => "\n",
        None => "",
    }
}

/// The whitespace that starts the line `offset` is on, when only whitespace precedes `offset` there.
pub(crate) fn indent_before(text: &str, offset: usize) -> Option<&str> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let lead = text[line_start..offset].trim_start_matches('\u{feff}');
    lead.chars().all(|c| c == ' ' || c == '\t').then_some(lead)
}

/// Moves every line after the first left by up to `width` columns of leading whitespace.
pub(crate) fn dedent(text: &str, width: usize) -> String {
    map_following_lines(text, |line| {
        let strip = line.bytes().take(width).take_while(|b| *b == b' ' || *b == b'\t').count();
        line[strip..].to_owned()
    })
}

/// Prefixes every non-empty line after the first with `indent` (the inverse of [`dedent`]).
pub(crate) fn indent(text: &str, indent: &str) -> String {
    map_following_lines(text, |line| if line.is_empty() || line == "\r" { line.to_owned() } else { format!("{indent}{line}") })
}

/// Rewrites every line break as `eol` (a one-line target keeps `\n`, so nothing merges).
pub(crate) fn with_line_endings(text: &str, eol: &str) -> String {
    let eol = if eol.is_empty() { "\n" } else { eol };
    text.replace("\r\n", "\n").replace('\n', eol)
}

fn map_following_lines(text: &str, mut map: impl FnMut(&str) -> String) -> String {
    let mut lines = text.split('\n');
    let mut out = lines.next().unwrap_or_default().to_owned();
    for line in lines {
        out.push('\n');
        out.push_str(&map(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_against_original_offsets() {
        let mut edits = TextEdits::default();
        edits.insert(5, "X");
        edits.replace(0..1, "a");
        edits.insert(5, "Y");
        assert_eq!(edits.apply("01234567"), "a1234XY567");
    }

    #[test]
    fn dedent_and_indent_are_inverse_on_indented_text() {
        let original = "<W>\r\n      <A>1</A>\r\n\r\n    </W>";
        let moved = dedent(original, 4);
        assert_eq!(moved, "<W>\r\n  <A>1</A>\r\n\r\n</W>");
        assert_eq!(indent(&moved, "    "), original);
    }

    #[test]
    fn line_endings_and_indents_are_detected() {
        assert_eq!(line_ending_of("a\r\nb"), "\r\n");
        assert_eq!(line_ending_of("a\nb"), "\n");
        assert_eq!(line_ending_of("ab"), "");
        assert_eq!(indent_before("x\n    <a>", 6), Some("    "));
        assert_eq!(indent_before("x\n  y <a>", 6), None);
        assert_eq!(with_line_endings("a\nb\r\nc", "\r\n"), "a\r\nb\r\nc");
    }
}
