//! `flowbench run FLOW --as WHO`: a test run against the embedded sandbox as a persona, or
//! against a signed-in environment (`--env`) as a user, with the identity each step used. A
//! progress bar on stderr while it runs (on a terminal), then a summary table on stdout, or the
//! run record as JSON. Exit 0 when the run succeeded, 1 when it failed, 2 when it could not start.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use flowbench_api::environment_run::{environment_identities, RunAs};
use flowbench_api::sandbox_run::identities;
use flowbench_dataverse::{EnvironmentBook, Secrets, SANDBOX};
use flowbench_engine::{run_flow, ProgressSink, RunOptions, RunRecord, RunStatus};
use flowbench_sandbox::{Sandbox, Scenario};

use crate::error::CliError;
use crate::run_flows::{load, Loaded};
use crate::run_progress::RunProgress;
use crate::run_summary::summary;
use crate::sign_in::{http_client, runtime, signed_environment};
use crate::Format;

/// The exit code of a run that could not start (unreadable flow, unknown environment or user,
/// a trigger body that is not JSON or does not match the trigger's schema).
pub const COULD_NOT_START: u8 = 2;

#[derive(Args)]
pub struct RunArgs {
    /// A flow JSON file, or a solution (.zip or folder); its other flows can be run as child flows.
    flow: PathBuf,
    /// In a solution, the flow to run (its name or workflow id) [default: the one flow no other
    /// flow calls].
    #[arg(long = "flow")]
    chosen: Option<String>,
    /// A flow JSON file (or solution) whose flows "Run a Child Flow" steps may call, by workflow id
    /// (from a `Name-<GUID>.json` file name) or name. Repeatable.
    #[arg(long = "child")]
    children: Vec<PathBuf>,
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
    #[arg(long, conflicts_with = "trigger")]
    trigger_body: Option<String>,
    /// The trigger's body from a JSON file (the same as --trigger-body @FILE).
    #[arg(long, value_name = "FILE")]
    trigger: Option<PathBuf>,
    /// Where the sandbox keeps its data [default: $XDG_DATA_HOME/flowbench/sandbox]
    #[arg(long)]
    data: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Wait (Delay) steps end at once instead of waiting; the record says what they skipped.
    #[arg(long)]
    skip_waits: bool,
}

/// What runs the flow once identities are known.
struct Prepared {
    loaded: Loaded,
    body: serde_json::Value,
    progress: ProgressSink,
}

pub fn run(args: RunArgs) -> Result<u8, CliError> {
    let loaded = load(&args.flow, args.chosen.as_deref(), &args.children)?;
    let from_file = args.trigger.as_ref().map(|p| p.display().to_string());
    let body = match (&args.trigger_body, &from_file) {
        (None, None) => serde_json::json!({}),
        (text, file) => {
            let file = file.as_deref().or_else(|| text.as_deref()?.strip_prefix('@'));
            let (text, place) = match file {
                Some(path) => (std::fs::read_to_string(path).map_err(|e| CliError::new("io", format!("{path}: {e}")))?, format!(" ({path})")),
                None => (text.clone().unwrap_or_default(), String::new()),
            };
            serde_json::from_str(&text).map_err(|e| CliError::new("trigger_body", format!("the trigger body{place} is not JSON: {e}")))?
        }
    };
    let book = crate::environments::load_book()?;
    let environment = args.env.clone().unwrap_or_else(|| book.current().to_string());
    let bar = RunProgress::new(&loaded.flow);
    let prepared = Prepared { progress: bar.sink(&loaded.flow), loaded, body };
    let result = if environment.eq_ignore_ascii_case(SANDBOX) {
        run_in_embedded_sandbox(&args, prepared)
    } else {
        run_in_environment(&args, &book, prepared)
    };
    bar.finish();
    let (record, invoker) = result?;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&record).expect("records serialise")),
        Format::Text => print!("{}", summary(&record, &invoker)),
    }
    Ok(exit_code(&record))
}

fn exit_code(record: &RunRecord) -> u8 {
    // A body the trigger's schema refuses never starts a run (the runtime answers 400).
    let refused = record.steps.is_empty() && record.error.as_ref().is_some_and(|e| e.code == "TriggerInputSchemaMismatch");
    match record.status {
        _ if refused => COULD_NOT_START,
        RunStatus::Succeeded => 0,
        _ => 1,
    }
}

fn run_in_embedded_sandbox(args: &RunArgs, prepared: Prepared) -> Result<(RunRecord, String), CliError> {
    let Prepared { loaded, body, progress } = prepared;
    let persona = args.as_user.as_deref().unwrap_or("admin");
    let owner = args.owner.as_deref().unwrap_or("svc");
    let dir = args.data.clone().unwrap_or_else(crate::sandbox::default_data_dir);
    let sandbox = Sandbox::open(&dir, Scenario::builtin()).map_err(|e| CliError::new("sandbox", e.to_string()))?;
    let record = runtime()?.block_on(async {
        let (address, serving) =
            sandbox.serve(SocketAddr::from(([127, 0, 0, 1], 0))).map_err(|e| CliError::new("sandbox", e.to_string()))?;
        // Tokens name the served address as their audience: only now can they be made.
        let mut who = identities(&sandbox, &loaded.flow, persona, owner).map_err(|e| CliError::new("sandbox", e))?;
        for child in &loaded.children.flows {
            let theirs = identities(&sandbox, child, persona, owner).map_err(|e| CliError::new("sandbox", e))?;
            who.references.extend(theirs.references);
        }
        let server = tokio::spawn(serving);
        let options = RunOptions {
            environment_url: Some(format!("http://{address}")),
            identities: who,
            progress: Some(progress),
            skip_waits: args.skip_waits,
            child_flows: loaded.children.callable,
            ..RunOptions::default()
        };
        let record = run_flow(&loaded.flow, serde_json::json!({ "headers": {}, "body": body }), options).await;
        server.abort();
        Ok::<_, CliError>(record)
    })?;
    Ok((record, persona.to_string()))
}

fn run_in_environment(args: &RunArgs, book: &EnvironmentBook, prepared: Prepared) -> Result<(RunRecord, String), CliError> {
    let Prepared { loaded, body, progress } = prepared;
    let environment = signed_environment(book, args.env.as_deref())?;
    let secrets = Secrets::system()?;
    let http = http_client()?;
    runtime()?.block_on(async {
        let run_as = || RunAs { invoker: args.as_user.as_deref(), owner: args.owner.as_deref(), impersonate: false };
        let mut identities = environment_identities(&environment, &secrets, &http, &loaded.flow, run_as()).await?;
        for child in &loaded.children.flows {
            let theirs = environment_identities(&environment, &secrets, &http, child, run_as()).await?;
            identities.references.extend(theirs.references);
        }
        let invoker = identities.invoker.as_ref().map(|i| i.user.clone()).unwrap_or_default();
        let options = RunOptions {
            environment_url: Some(environment.url.clone()),
            identities,
            progress: Some(progress),
            skip_waits: args.skip_waits,
            child_flows: loaded.children.callable,
            http_client: Some(http.clone()),
            ..RunOptions::default()
        };
        let record = run_flow(&loaded.flow, serde_json::json!({ "headers": {}, "body": body }), options).await;
        Ok((record, invoker))
    })
}
