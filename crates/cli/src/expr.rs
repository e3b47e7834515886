//! `flowbench expr eval EXPR [--context FILE]` and `flowbench expr check CASES.json`.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use flowbench_expr::conformance::{run_cases, Case, Outcome};
use flowbench_expr::{evaluate_template, Env, JsonScope, RandomGuids, SystemClock};

use crate::error::CliError;
use crate::Format;

#[derive(Subcommand)]
pub enum ExprCommand {
    /// Evaluate an expression: a template (`@add(1,2)`, `Hi @{…}`) or a bare one (`add(1,2)`).
    Eval(EvalArgs),
    /// Evaluate a file of conformance cases (the format of shared/expr-cases) and report each.
    Check {
        cases: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

#[derive(Args)]
pub struct EvalArgs {
    expression: String,
    /// JSON with `trigger`, `actions`, `variables`, `parameters`, `loops`, `results`, `workflow`.
    #[arg(long)]
    context: Option<PathBuf>,
}

pub fn run(command: ExprCommand) -> Result<(), CliError> {
    match command {
        ExprCommand::Eval(args) => eval(args),
        ExprCommand::Check { cases, format } => check(&cases, format),
    }
}

fn eval(args: EvalArgs) -> Result<(), CliError> {
    let scope: JsonScope = match &args.context {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| CliError::new("io", format!("{}: {e}", path.display())))?;
            serde_json::from_str(&text).map_err(|e| CliError::new("context", format!("{}: {e}", path.display())))?
        }
        None => JsonScope::default(),
    };
    // A string with no `@` would just be itself: take it as a bare expression.
    let template = if args.expression.contains('@') { args.expression.clone() } else { format!("@{}", args.expression) };
    let env = Env { scope: &scope, clock: &SystemClock, guids: &RandomGuids };
    match evaluate_template(&template, &env) {
        Ok(value) => {
            println!("{}", serde_json::to_string_pretty(&value.to_json()).expect("values serialise"));
            Ok(())
        }
        Err(e) => {
            let mut message = e.message.clone();
            if let Some(span) = &e.span {
                // Point at the place in what the user typed.
                let shift = template.len() - args.expression.len();
                let start = span.start.saturating_sub(shift).min(args.expression.len());
                let width = span.end.saturating_sub(span.start).clamp(1, args.expression.len().saturating_sub(start).max(1));
                message = format!("{message}\n  {}\n  {}{}", args.expression, " ".repeat(start), "^".repeat(width));
            }
            Err(CliError::new("expression", message))
        }
    }
}

fn check(path: &PathBuf, format: Format) -> Result<(), CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| CliError::new("io", format!("{}: {e}", path.display())))?;
    let cases: Vec<Case> = serde_json::from_str(&text).map_err(|e| CliError::new("cases", format!("{}: {e}", path.display())))?;
    let env = Env { scope: &JsonScope::default(), clock: &SystemClock, guids: &RandomGuids };
    let report = run_cases(&cases, &env);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report).expect("reports serialise")),
        Format::Text => {
            for r in &report.results {
                match r.outcome {
                    Outcome::Passed => println!("ok    {}", r.id),
                    Outcome::PassedWithOtherMessage => println!("ok    {} ({})", r.id, r.detail),
                    Outcome::Failed => println!("FAIL  {}: {}", r.id, r.detail),
                }
            }
            println!();
            for (category, t) in &report.categories {
                println!("{category:30} {:5} passed {:5} failed", t.passed, t.failed);
            }
            println!("{} passed, {} failed", report.passed, report.failed);
        }
    }
    if report.failed > 0 {
        return Err(CliError::new("cases_failed", format!("{} of {} cases failed", report.failed, report.results.len())));
    }
    Ok(())
}
