//! `flowbench`: the command line. Subcommands arrive with the capabilities they drive.

mod serve;

use std::process::ExitCode;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Commands::Serve(args) => serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("flowbench: {message}");
            ExitCode::FAILURE
        }
    }
}
