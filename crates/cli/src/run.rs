//! `flowbench run FLOW --as PERSONA`: a test run against the embedded sandbox, as a persona,
//! with the identity each step used in the report.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use flowbench_core::import::{import_path, Imported};
use flowbench_api::sandbox_run::run_in_sandbox;
use flowbench_engine::{RunRecord, RunStatus, StepRecord, StepStatus};
use flowbench_sandbox::{Sandbox, Scenario};

use crate::error::CliError;
use crate::Format;

#[derive(Args)]
pub struct RunArgs {
    /// A flow JSON file, or a solution (.zip or folder) holding one flow.
    flow: PathBuf,
    /// The persona who runs the flow: the invoker, for steps on the invoker's connection.
    #[arg(long = "as", default_value = "admin")]
    as_persona: String,
    /// The persona who owns the connection references' connections.
    #[arg(long, default_value = "svc")]
    owner: String,
    /// The trigger's body: JSON text, or @FILE.
    #[arg(long)]
    trigger_body: Option<String>,
    /// Where the sandbox keeps its data [default: $XDG_DATA_HOME/flowbench/sandbox]
    #[arg(long)]
    data: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

pub fn run(args: RunArgs) -> Result<u8, CliError> {
    let flow = match import_path(&args.flow)? {
        Imported::Flow { flow, .. } => flow,
        Imported::Solution(solution) => match solution.flows() {
            [one] => one.flow.clone(),
            flows => {
                return Err(CliError::new("ambiguous", format!("the solution holds {} flows; export the one to run first", flows.len())))
            }
        },
    };
    let body = match &args.trigger_body {
        None => serde_json::json!({}),
        Some(text) => {
            let text = match text.strip_prefix('@') {
                Some(path) => std::fs::read_to_string(path).map_err(|e| CliError::new("io", format!("{path}: {e}")))?,
                None => text.clone(),
            };
            serde_json::from_str(&text).map_err(|e| CliError::new("trigger_body", format!("the trigger body is not JSON: {e}")))?
        }
    };
    let dir = args.data.clone().unwrap_or_else(crate::sandbox::default_data_dir);
    let sandbox = Sandbox::open(&dir, Scenario::builtin()).map_err(|e| CliError::new("sandbox", e.to_string()))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::new("runtime", e.to_string()))?;
    let record = runtime.block_on(async {
        let (address, serving) =
            sandbox.serve(SocketAddr::from(([127, 0, 0, 1], 0))).map_err(|e| CliError::new("sandbox", e.to_string()))?;
        let server = tokio::spawn(serving);
        let record = run_in_sandbox(&sandbox, &format!("http://{address}"), &flow, &args.as_persona, &args.owner, body, Default::default())
            .await
            .map_err(|e| CliError::new("sandbox", e));
        server.abort();
        record
    })?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&record).expect("records serialise")),
        Format::Text => print!("{}", text(&record, &args.as_persona)),
    }
    Ok(if record.status == RunStatus::Succeeded { 0 } else { 1 })
}

fn text(record: &RunRecord, persona: &str) -> String {
    let mut out = format!("Run {:?} (invoker: {persona})\n", record.status);
    if let Some(e) = &record.error {
        out.push_str(&format!("  {}: {}\n", e.code, e.message));
    }
    write_steps(&record.steps, 1, &mut out);
    out
}

fn write_steps(steps: &[StepRecord], depth: usize, out: &mut String) {
    for step in steps {
        let mark = match step.status {
            StepStatus::Succeeded => "ok  ",
            StepStatus::Failed => "FAIL",
            StepStatus::Skipped => "skip",
            _ => "??  ",
        };
        let who = step.identity.as_ref().map(|i| format!("  as {}", i.user)).unwrap_or_default();
        out.push_str(&format!("{}{mark} {}{who}\n", "  ".repeat(depth), step.name));
        if let Some(e) = step.error.as_ref().filter(|_| step.status == StepStatus::Failed) {
            out.push_str(&format!("{}     {}: {}\n", "  ".repeat(depth), e.code, e.message));
        }
        write_steps(&step.steps, depth + 1, out);
        for iteration in &step.iterations {
            out.push_str(&format!("{}  pass {}:\n", "  ".repeat(depth), iteration.index));
            write_steps(&iteration.steps, depth + 2, out);
        }
    }
}
