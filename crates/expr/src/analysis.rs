//! Static analysis of a template string: what it refers to (actions, variables, parameters,
//! loops) and what is wrong without running it (syntax, unknown functions, arity).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::ast::{Expr, Part, Template};
use crate::functions::lookup;
use crate::parser::parse_template;
use crate::references::ACTION_FUNCTIONS;

/// A name an expression refers to, and where (byte offsets into the template string).
#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct NameRef {
    pub name: String,
    /// The function that names it, as written.
    pub function: String,
    #[ts(as = "(u32, u32)")]
    pub span: (usize, usize),
}

#[derive(Serialize, Deserialize, TS, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum ProblemKind {
    Syntax,
    UnknownFunction,
    Arity,
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
    #[ts(as = "(u32, u32)")]
    pub span: (usize, usize),
}

#[derive(Serialize, Deserialize, TS, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Analysis {
    /// Whether the string holds any expression at all.
    pub is_expression: bool,
    pub actions: Vec<NameRef>,
    pub variables: Vec<NameRef>,
    pub parameters: Vec<NameRef>,
    /// `items('x')` and `iterationIndexes('x')`: loops that must enclose the expression.
    pub loops: Vec<NameRef>,
    /// Where `item()` is used: it needs an enclosing loop or array operation.
    #[ts(as = "Vec<(u32, u32)>")]
    pub item_uses: Vec<(usize, usize)>,
    pub uses_trigger: bool,
    pub problems: Vec<Problem>,
}

pub fn analyze_template(template: &str) -> Analysis {
    let mut analysis = Analysis::default();
    // Without `@` a string is plain text whatever else it holds.
    if !template.contains('@') {
        return analysis;
    }
    match parse_template(template) {
        Ok(Template::Literal(_)) => {}
        Ok(Template::Whole { expr, offset }) => {
            analysis.is_expression = true;
            visit(&expr, offset, &mut analysis);
        }
        Ok(Template::Interpolated(parts)) => {
            analysis.is_expression = true;
            for part in parts {
                if let Part::Expr { expr, offset } = part {
                    visit(&expr, offset, &mut analysis);
                }
            }
        }
        Err(e) => {
            analysis.is_expression = true;
            let at = e.position().unwrap_or(0).min(template.len());
            analysis.problems.push(Problem { kind: ProblemKind::Syntax, message: e.to_string(), span: (at, (at + 1).min(template.len().max(at))) });
        }
    }
    analysis
}

fn shifted(span: &Range<usize>, by: usize) -> (usize, usize) {
    (span.start + by, span.end + by)
}

const TRIGGER_FUNCTIONS: &[&str] =
    &["trigger", "triggerOutputs", "triggerBody", "triggerFormDataValue", "triggerFormDataMultiValues", "triggerMultipartBody"];

fn visit(expr: &Expr, offset: usize, analysis: &mut Analysis) {
    expr.walk(&mut |node| {
        let Expr::Call { name, args, span, name_span } = node else { return };
        match lookup(name) {
            None => analysis.problems.push(Problem {
                kind: ProblemKind::UnknownFunction,
                message: format!("The template function '{name}' is not defined or not valid."),
                span: shifted(name_span, offset),
            }),
            Some(f) => {
                let (min, max) = (f.min_args(), f.max_args());
                if args.len() < min || max.is_some_and(|m| args.len() > m) {
                    let expected = match max {
                        Some(m) if m == min => format!("{m}"),
                        Some(m) => format!("{min} to {m}"),
                        None => format!("at least {min}"),
                    };
                    analysis.problems.push(Problem {
                        kind: ProblemKind::Arity,
                        message: format!("'{}' takes {expected} argument(s), not {}.", f.name, args.len()),
                        span: shifted(span, offset),
                    });
                }
            }
        }
        // Copied only for the functions that name something.
        let reference = || match args.first() {
            Some(Expr::Literal { value: Value::String(s), span }) => {
                Some(NameRef { name: s.clone(), function: name.clone(), span: shifted(span, offset) })
            }
            _ => None,
        };
        let is = |function: &str| name.eq_ignore_ascii_case(function);
        if is("variables") {
            analysis.variables.extend(reference());
        } else if is("parameters") {
            analysis.parameters.extend(reference());
        } else if is("item") {
            analysis.item_uses.push(shifted(span, offset));
        } else if TRIGGER_FUNCTIONS.iter().any(|f| is(f)) {
            analysis.uses_trigger = true;
        } else if ACTION_FUNCTIONS.iter().any(|f| is(f)) {
            if let Some(r) = reference() {
                if is("items") || is("iterationIndexes") {
                    analysis.loops.push(r.clone());
                }
                analysis.actions.push(r);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_an_expression_refers_to() {
        let s = "Hi @{outputs('Get_row')?['body/name']} @{variables('count')} @{items('Each')} @{parameters('Env (fb_env)')} @{item()}";
        let a = analyze_template(s);
        assert!(a.is_expression && a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!(a.actions.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["Get_row", "Each"]);
        assert_eq!(a.variables[0].name, "count");
        assert_eq!(a.loops[0].name, "Each");
        assert_eq!(a.parameters[0].name, "Env (fb_env)");
        assert_eq!(a.item_uses.len(), 1);
        let (start, end) = a.actions[0].span;
        assert_eq!(&s[start..end], "'Get_row'");
    }

    #[test]
    fn reports_syntax_unknown_functions_and_arity_with_positions() {
        let a = analyze_template("@concat('a' 'b')");
        assert_eq!(a.problems[0].kind, ProblemKind::Syntax);
        assert_eq!(a.problems[0].span.0, 12);

        let s = "@{frobnicate(1)} @{add(1)}";
        let a = analyze_template(s);
        let kinds: Vec<_> = a.problems.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, [ProblemKind::UnknownFunction, ProblemKind::Arity]);
        let (start, end) = a.problems[0].span;
        assert_eq!(&s[start..end], "frobnicate");
        let (start, end) = a.problems[1].span;
        assert_eq!(&s[start..end], "add(1)");
        assert!(!analyze_template("plain text").is_expression);
    }
}
