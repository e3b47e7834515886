//! Canonical text of an expression: the shape Power Automate's designer writes.

use serde_json::Value;

use crate::ast::{Expr, Part, Template};
use crate::lexer::quote;

pub fn print_expression(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(expr, &mut out);
    out
}

pub fn print_template(template: &Template) -> String {
    match template {
        Template::Literal(text) if text.starts_with('@') => format!("@{text}"),
        Template::Literal(text) => text.replace("@{", "@@{"),
        Template::Whole { expr, .. } => format!("@{}", print_expression(expr)),
        Template::Interpolated(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.replace("@{", "@@{"),
                Part::Expr { expr, .. } => format!("@{{{}}}", print_expression(expr)),
            })
            .collect(),
    }
}

fn write_expr(expr: &Expr, out: &mut String) {
    match expr {
        Expr::Literal { value, .. } => match value {
            Value::String(s) => out.push_str(&quote(s)),
            other => out.push_str(&other.to_string()),
        },
        Expr::Call { name, args, .. } => {
            out.push_str(name);
            out.push('(');
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_expr(arg, out);
            }
            out.push(')');
        }
        Expr::Access { target, key, null_safe, .. } => {
            write_expr(target, out);
            if *null_safe {
                out.push('?');
            }
            out.push('[');
            write_expr(key, out);
            out.push(']');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::{parse_expression, parse_template};

    #[test]
    fn prints_canonical_text_that_parses_back_to_the_same_tree() {
        for source in ["concat( 'a' ,'it''s', 1, 2.5, true, null )", "outputs('x')?.body['a/b'][0]", "ADD(1,-2)"] {
            let expr = parse_expression(source).unwrap();
            let printed = print_expression(&expr);
            let again = parse_expression(&printed).unwrap();
            assert_eq!(print_expression(&again), printed, "{source}");
        }
        assert_eq!(print_expression(&parse_expression("body('x').value").unwrap()), "body('x')['value']");
        let t = parse_template("Hi @{triggerBody()?['name']} @@{not}").unwrap();
        assert_eq!(print_template(&t), "Hi @{triggerBody()?['name']} @@{not}");
    }
}
