//! `flowbench`: the command line. Subcommands arrive with the capabilities they drive.

mod environments;
mod error;
mod export;
mod expr;
mod inspect;
mod preflight;
mod run;
mod run_flows;
mod run_progress;
mod run_summary;
mod sandbox;
mod serve;
mod sign_in;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "flowbench", version, about = "Design, validate, test-run and ship Power Automate cloud flows on Dataverse")]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Serve the designer to a browser on this machine (browser mode).
    Serve(serve::ServeArgs),
    /// Show a flow's trigger, its action tree, and who every connector step runs as.
    Inspect {
        /// A flow JSON file, a solution .zip, or an unpacked solution folder.
        file: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Write a flow or solution as flow JSON, a solution .zip, or an unpacked solution folder.
    Export(export::ExportArgs),
    /// Who can run this flow: for each user and Dataverse step, allowed or the missing privilege.
    Preflight(preflight::PreflightArgs),
    /// Test-run a flow: against the embedded sandbox as a persona, or an environment as a user.
    Run(run::RunArgs),
    /// The Dataverse environments to run against: add, list, use, remove, bind references.
    #[command(subcommand)]
    Env(environments::EnvCommand),
    /// Sign in to an environment with Microsoft Entra ID (browser, device code or application).
    Login(sign_in::LoginArgs),
    /// Sign out of an environment: its tokens leave the credential store.
    Logout(sign_in::LogoutArgs),
    /// Ask the environment who the signed-in account is.
    Whoami(sign_in::WhoamiArgs),
    /// The embedded Dataverse sandbox: serve it, mint persona tokens, list personas, reset.
    #[command(subcommand)]
    Sandbox(sandbox::SandboxCommand),
    /// Check flows and solutions for what Power Automate would reject.
    Validate(validate::ValidateArgs),
    /// Evaluate expressions, or check a file of conformance cases.
    #[command(subcommand)]
    Expr(expr::ExprCommand),
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Commands::Serve(args) => serve::run(args).map_err(|m| error::CliError::new("serve", m)),
        Commands::Inspect { file, format } => inspect_command(&file, format),
        Commands::Export(args) => export::run(args),
        Commands::Expr(command) => expr::run(command),
        Commands::Sandbox(command) => sandbox::run(command),
        Commands::Preflight(args) => preflight::run(args),
        Commands::Run(args) => match run::run(args) {
            Ok(code) => return ExitCode::from(code),
            Err(e) => {
                eprintln!("flowbench: error[{}]: {}", e.code, e.message);
                return ExitCode::from(run::COULD_NOT_START);
            }
        },
        Commands::Validate(args) => return ExitCode::from(validate::run(args)),
        Commands::Env(command) => environments::run(command),
        Commands::Login(args) => sign_in::login(args),
        Commands::Logout(args) => sign_in::logout(args),
        Commands::Whoami(args) => sign_in::whoami(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("flowbench: error[{}]: {}", e.code, e.message);
            ExitCode::FAILURE
        }
    }
}

fn inspect_command(file: &std::path::Path, format: Format) -> Result<(), error::CliError> {
    use flowbench_core::import::{import_path, Imported};
    let flows: Vec<(String, flowbench_core::Flow)> = match import_path(file)? {
        Imported::Flow { flow, name, .. } => vec![(name, flow)],
        Imported::Solution(solution) => solution
            .flows()
            .iter()
            .map(|f| (f.name().unwrap_or(f.path()).to_owned(), f.flow.clone()))
            .collect(),
    };
    match format {
        Format::Text => {
            let texts: Vec<String> = flows.iter().map(|(name, flow)| inspect::inspect_text(name, flow)).collect();
            print!("{}", texts.join("\n"));
        }
        Format::Json => {
            let outlines: Vec<serde_json::Value> = flows
                .iter()
                .map(|(name, flow)| serde_json::json!({ "name": name, "outline": flowbench_core::outline::outline_of(flow) }))
                .collect();
            println!("{}", serde_json::to_string_pretty(&outlines).expect("outlines serialise"));
        }
    }
    Ok(())
}
