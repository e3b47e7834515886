//! Which actions an expression names, and renaming an action inside expressions.

use std::ops::Range;

use crate::lexer::{quote, tokenize, TokenKind};
use crate::template::{split_template, Segment};

/// Functions whose first argument is an action's name (§2.7), compared case-insensitively.
pub const ACTION_FUNCTIONS: &[&str] = &[
    "actions",
    "outputs",
    "body",
    "result",
    "items",
    "iterationIndexes",
    "formDataValue",
    "formDataMultiValues",
    "multipartBody",
    "actionOutputs",
    "actionBody",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionReference {
    pub function: String,
    pub action: String,
    /// Where the quoted name sits in the template string (quotes included).
    pub span: Range<usize>,
}

/// Every reference to an action in a JSON string value. Text that is not a well-formed template
/// or expression yields nothing here: reporting it is validation's job.
pub fn action_references(template: &str) -> Vec<ActionReference> {
    let Ok(segments) = split_template(template) else { return Vec::new() };
    let mut found = Vec::new();
    for segment in segments {
        let Segment::Expression { source, span } = segment else { continue };
        let Ok(tokens) = tokenize(&source) else { continue };
        for window in tokens.windows(3) {
            if let [name, open, arg] = window {
                if let (TokenKind::Ident(function), TokenKind::LParen, TokenKind::Str(action)) = (&name.kind, &open.kind, &arg.kind) {
                    if ACTION_FUNCTIONS.iter().any(|f| f.eq_ignore_ascii_case(function)) {
                        found.push(ActionReference {
                            function: function.clone(),
                            action: action.clone(),
                            span: span.start + arg.span.start..span.start + arg.span.end,
                        });
                    }
                }
            }
        }
    }
    found
}

/// The template with every reference to action `from` renamed to `to`; `None` when it has none.
pub fn rename_action_in_template(template: &str, from: &str, to: &str) -> Option<String> {
    let refs: Vec<_> = action_references(template).into_iter().filter(|r| r.action == from).collect();
    if refs.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(template.len() + refs.len() * to.len());
    let mut last = 0;
    for r in refs {
        out.push_str(&template[last..r.span.start]);
        out.push_str(&quote(to));
        last = r.span.end;
    }
    out.push_str(&template[last..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references_in_whole_values_and_interpolations() {
        let refs = action_references("Hi @{outputs('Get_row')?['body/name']} in @{items('Apply_to_each')}");
        let names: Vec<_> = refs.iter().map(|r| (r.function.as_str(), r.action.as_str())).collect();
        assert_eq!(names, [("outputs", "Get_row"), ("items", "Apply_to_each")]);
        assert_eq!(action_references("@BODY('x')")[0].action, "x");
        assert!(action_references("@variables('x')").is_empty());
        assert!(action_references("body('x') is plain text").is_empty());
    }

    #[test]
    fn renames_only_the_named_action_and_keeps_the_rest_byte_for_byte() {
        let s = "@{body('Get')} @{body('Get_2')} @{concat('body(''Get'')', body( 'Get' ))}";
        assert_eq!(
            rename_action_in_template(s, "Get", "Fetch").unwrap(),
            "@{body('Fetch')} @{body('Get_2')} @{concat('body(''Get'')', body( 'Fetch' ))}"
        );
        assert_eq!(rename_action_in_template("@outputs('A')", "A", "O'Neil").unwrap(), "@outputs('O''Neil')");
        assert_eq!(rename_action_in_template("@outputs('B')", "A", "C"), None);
    }
}
