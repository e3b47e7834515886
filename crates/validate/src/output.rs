//! Validation results as text, JSON, SARIF 2.1.0 (code scanning) and JUnit XML.

use serde::Serialize;
use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::RULES;

/// One validated file: its path, its text (for line numbers), and what was found.
#[derive(Serialize)]
pub struct FileReport {
    pub path: String,
    /// The flow inside a solution, when the file held several.
    pub flow: Option<String>,
    #[serde(skip)]
    pub text: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// 1-based line and column of a diagnostic's JSON pointer, when the text is known.
    pub fn line_column(&self, d: &Diagnostic) -> Option<(usize, usize)> {
        let text = self.text.as_deref()?;
        let offset = pointer_offset(text, &d.location.pointer)?;
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some((line, column))
    }
}

pub fn errors(reports: &[FileReport]) -> usize {
    reports.iter().flat_map(|r| &r.diagnostics).filter(|d| d.severity == Severity::Error).count()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn text(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let file = match &r.flow {
            Some(flow) => format!("{} ({flow})", r.path),
            None => r.path.clone(),
        };
        for d in &r.diagnostics {
            let position = r.line_column(d).map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default();
            out.push_str(&format!("{file}{position}: {}[{}] {}\n", level(d.severity), d.rule, d.message));
            out.push_str(&format!("    at {}\n", if d.location.pointer.is_empty() { "/" } else { &d.location.pointer }));
            if let Some(hint) = &d.hint {
                out.push_str(&format!("    hint: {hint}\n"));
            }
        }
    }
    let errors = errors(reports);
    let warnings = reports.iter().flat_map(|r| &r.diagnostics).filter(|d| d.severity == Severity::Warning).count();
    out.push_str(&format!("{} file(s): {errors} error(s), {warnings} warning(s)\n", reports.len()));
    out
}

pub fn json(reports: &[FileReport]) -> String {
    serde_json::to_string_pretty(reports).expect("reports serialise")
}

pub fn sarif(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| json!({"id": r.id, "shortDescription": {"text": r.summary}, "defaultConfiguration": {"level": level(r.severity)}}))
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for d in &r.diagnostics {
            let mut physical = json!({"artifactLocation": {"uri": r.path.replace('\\', "/")}});
            if let Some((line, column)) = r.line_column(d) {
                physical["region"] = json!({"startLine": line, "startColumn": column});
            }
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": RULES.iter().position(|x| x.id == d.rule),
                "level": level(d.severity),
                "message": {"text": match &d.hint { Some(h) => format!("{} ({h})", d.message), None => d.message.clone() }},
                "locations": [{"physicalLocation": physical}],
                "properties": {"jsonPointer": d.location.pointer, "flow": r.flow},
            });
            if !d.location.action_path.is_empty() {
                result["locations"][0]["logicalLocations"] =
                    json!([{"fullyQualifiedName": d.location.action_path.join("/"), "name": d.action(), "kind": "member"}]);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "Flowbench", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).expect("SARIF serialises")
}

fn xml_escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}

/// One test suite per file; each error is a failing test case, and a file without errors is one
/// passing case. Warnings go to the suite's system-out.
pub fn junit(reports: &[FileReport]) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for r in reports {
        let name = match &r.flow {
            Some(flow) => format!("{} ({flow})", r.path),
            None => r.path.clone(),
        };
        let errors: Vec<&Diagnostic> = r.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        let warnings: Vec<&Diagnostic> = r.diagnostics.iter().filter(|d| d.severity != Severity::Error).collect();
        let mut cases = String::new();
        for d in &errors {
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{} at {}\">\n      <failure type=\"{}\" message=\"{}\"/>\n    </testcase>\n",
                xml_escape(&name),
                xml_escape(d.rule),
                xml_escape(&d.location.pointer),
                xml_escape(d.rule),
                xml_escape(&d.message)
            ));
        }
        if errors.is_empty() {
            cases.push_str(&format!("    <testcase classname=\"{}\" name=\"no errors\"/>\n", xml_escape(&name)));
        }
        if !warnings.is_empty() {
            let lines: Vec<String> = warnings.iter().map(|d| format!("warning[{}] {} at {}", d.rule, d.message, d.location.pointer)).collect();
            cases.push_str(&format!("    <system-out>{}</system-out>\n", xml_escape(&lines.join("\n"))));
        }
        let count = errors.len().max(1);
        tests += count;
        failures += errors.len();
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{count}\" failures=\"{}\">\n{cases}  </testsuite>\n",
            xml_escape(&name),
            errors.len()
        ));
    }
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"flowbench validate\" tests=\"{tests}\" failures=\"{failures}\">\n{suites}</testsuites>\n")
}

/// Byte offset of the value a JSON pointer names in JSON text (for line numbers).
pub fn pointer_offset(text: &str, pointer: &str) -> Option<usize> {
    let tokens: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer.strip_prefix('/')?.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
    };
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    for token in tokens {
        match bytes.get(pos)? {
            b'{' => {
                pos = skip_ws(bytes, pos + 1);
                loop {
                    if bytes.get(pos)? == &b'}' {
                        return None;
                    }
                    let (key, after) = read_string(text, pos)?;
                    pos = skip_ws(bytes, after);
                    if bytes.get(pos)? != &b':' {
                        return None;
                    }
                    pos = skip_ws(bytes, pos + 1);
                    if key == token {
                        break;
                    }
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    if bytes.get(pos)? == &b',' {
                        pos = skip_ws(bytes, pos + 1);
                    }
                }
            }
            b'[' => {
                let wanted: usize = token.parse().ok()?;
                pos = skip_ws(bytes, pos + 1);
                for _ in 0..wanted {
                    pos = skip_ws(bytes, skip_value(bytes, pos)?);
                    if bytes.get(pos)? != &b',' {
                        return None;
                    }
                    pos = skip_ws(bytes, pos + 1);
                }
            }
            _ => return None,
        }
    }
    Some(pos)
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while bytes.get(pos).is_some_and(|b| b.is_ascii_whitespace() || *b == 0xEF || *b == 0xBB || *b == 0xBF) {
        pos += 1;
    }
    pos
}

/// A JSON string at `pos`, unescaped, and the offset after it.
fn read_string(text: &str, pos: usize) -> Option<(String, usize)> {
    let end = string_end(text.as_bytes(), pos)?;
    let value: String = serde_json::from_str(&text[pos..end]).ok()?;
    Some((value, end))
}

fn string_end(bytes: &[u8], pos: usize) -> Option<usize> {
    if bytes.get(pos)? != &b'"' {
        return None;
    }
    let mut i = pos + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match bytes.get(pos)? {
        b'"' => string_end(bytes, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = pos;
            while bytes.get(i).is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace()) {
                i += 1;
            }
            Some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_a_pointer() {
        let text = "{\n  \"a\": {\"b~c\": [1, {\"d/e\": true}]},\n  \"x\": \"y\"\n}";
        let offset = pointer_offset(text, "/a/b~0c/1/d~1e").unwrap();
        assert!(text[offset..].starts_with("true"));
        let offset = pointer_offset(text, "/x").unwrap();
        assert!(text[offset..].starts_with("\"y\""));
        assert_eq!(pointer_offset(text, "/missing"), None);
        assert_eq!(pointer_offset(text, ""), Some(0));
    }
}
