//! `flowbench run FLOW --as WHO`: a test run against the embedded sandbox as a persona, or
//! against a signed-in environment (`--env`) as a user, with the identity each step used.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use flowbench_core::import::{import_path, Imported};
use flowbench_api::sandbox_run::{run_in_sandbox, Watch};
use flowbench_api::environment_run::{environment_identities, RunAs};
use flowbench_core::Flow;
use flowbench_dataverse::{EnvironmentBook, Secrets, SANDBOX};
use flowbench_engine::{run_flow, RunOptions, RunRecord, RunStatus, StepRecord, StepStatus};
use flowbench_sandbox::{Sandbox, Scenario};

use crate::error::CliError;
use crate::sign_in::{http_client, runtime, signed_environment};
use crate::Format;

#[derive(Args)]
pub struct RunArgs {
    /// A flow JSON file, or a solution (.zip or folder) holding one flow.
    flow: PathBuf,
    /// Who runs the flow (the invoker, for steps on the invoker's connection): a persona in the
    /// sandbox [default: admin]; in an environment, a signed-in account or any user's sign-in
    /// name, reached by impersonation [default: the owner].
    #[arg(long = "as")]
    as_user: Option<String>,
    /// Who owns the connection references' connections: a persona [default: svc], or a
    /// signed-in account of the environment [default: its default account].
    #[arg(long)]
    owner: Option<String>,
    /// The environment to run against [default: the one in use; the embedded sandbox at first].
    #[arg(long)]
    env: Option<String>,
    /// The trigger's body: JSON text, or @FILE.
    #[arg(long)]
    trigger_body: Option<String>,
    /// Where the sandbox keeps its data [default: $XDG_DATA_HOME/flowbench/sandbox]
    #[arg(long)]
    data: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Wait (Delay) steps end at once instead of waiting; the record says what they skipped.
    #[arg(long)]
    skip_waits: bool,
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
    let book = crate::environments::load_book()?;
    let environment = args.env.clone().unwrap_or_else(|| book.current().to_string());
    let (record, invoker) = if environment.eq_ignore_ascii_case(SANDBOX) {
        run_in_embedded_sandbox(&args, &flow, body)?
    } else {
        run_in_environment(&args, &book, &flow, body)?
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&record).expect("records serialise")),
        Format::Text => print!("{}", text(&record, &invoker)),
    }
    Ok(if record.status == RunStatus::Succeeded { 0 } else { 1 })
}

fn run_in_embedded_sandbox(args: &RunArgs, flow: &Flow, body: serde_json::Value) -> Result<(RunRecord, String), CliError> {
    let persona = args.as_user.as_deref().unwrap_or("admin");
    let owner = args.owner.as_deref().unwrap_or("svc");
    let dir = args.data.clone().unwrap_or_else(crate::sandbox::default_data_dir);
    let sandbox = Sandbox::open(&dir, Scenario::builtin()).map_err(|e| CliError::new("sandbox", e.to_string()))?;
    let record = runtime()?.block_on(async {
        let (address, serving) =
            sandbox.serve(SocketAddr::from(([127, 0, 0, 1], 0))).map_err(|e| CliError::new("sandbox", e.to_string()))?;
        let server = tokio::spawn(serving);
        let record = run_in_sandbox(&sandbox, &format!("http://{address}"), flow, persona, owner, body, Default::default(), Watch { skip_waits: args.skip_waits, ..Watch::default() })
            .await
            .map_err(|e| CliError::new("sandbox", e));
        server.abort();
        record
    })?;
    Ok((record, persona.to_string()))
}

fn run_in_environment(
    args: &RunArgs,
    book: &EnvironmentBook,
    flow: &Flow,
    body: serde_json::Value,
) -> Result<(RunRecord, String), CliError> {
    let environment = signed_environment(book, args.env.as_deref())?;
    let secrets = Secrets::system()?;
    let http = http_client()?;
    runtime()?.block_on(async {
        let run_as = RunAs { invoker: args.as_user.as_deref(), owner: args.owner.as_deref(), impersonate: false };
        let identities = environment_identities(&environment, &secrets, &http, flow, run_as).await?;
        let invoker = identities.invoker.as_ref().map(|i| i.user.clone()).unwrap_or_default();
        let options = RunOptions { environment_url: Some(environment.url.clone()), identities, skip_waits: args.skip_waits, ..RunOptions::default() };
        let record = run_flow(flow, serde_json::json!({ "headers": {}, "body": body }), options).await;
        Ok((record, invoker))
    })
}

fn text(record: &RunRecord, invoker: &str) -> String {
    let mut out = format!("Run {:?} (invoker: {invoker})\n", record.status);
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
        let who = step
            .identity
            .as_ref()
            .map(|i| match &i.caller {
                Some(caller) => format!("  as {} (impersonated by {caller})", i.user),
                None => format!("  as {}", i.user),
            })
            .unwrap_or_default();
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
