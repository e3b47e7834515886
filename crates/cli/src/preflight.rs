//! `flowbench preflight FLOW --users a,b,c [--env NAME]`: who can run this flow. For each
//! Dataverse step, whether each user's privileges (user and team roles) allow it, with the
//! missing privilege named: in the sandbox from its scenario, in a signed-in environment from
//! RetrieveUserPrivileges. Exit 0 when every checked cell is allowed, 1 otherwise.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use flowbench_core::import::{import_path, Imported};
use flowbench_preflight::{preflight, text, Options, Verdict};
use flowbench_api::environment_preflight::environment_preflight;
use flowbench_dataverse::{Secrets, SANDBOX};
use flowbench_sandbox::{Sandbox, Scenario};

use crate::error::CliError;
use crate::sign_in::{http_client, runtime, signed_environment};

#[derive(Clone, Copy, ValueEnum)]
pub enum PreflightFormat {
    Text,
    Json,
}

#[derive(Args)]
pub struct PreflightArgs {
    /// A flow JSON file.
    flow: PathBuf,
    /// Who to check, comma-separated: users (sandbox personas, or sign-in names in an
    /// environment), `team:NAME` (a member holding only that team's roles) or `role:NAME` (a
    /// user holding only that role; sandbox only).
    #[arg(long, value_delimiter = ',', required = true)]
    users: Vec<String>,
    /// A signed-in environment to read security from [default: the environment in use]; the
    /// flow owner is its default account and references run as their bound accounts.
    #[arg(long)]
    env: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    format: PreflightFormat,
    /// The flow's owner: needs prvActOnBehalfOfAnotherUser for invoker connections, and is the
    /// "Run as" user of a row trigger set to the flow owner [sandbox default: svc; in an
    /// environment, the account owning unbound references: the default account].
    #[arg(long)]
    owner: Option<String>,
    /// Who owns a connection reference, as LOGICAL_NAME=PERSONA (repeatable); others: svc.
    #[arg(long = "reference-owner", value_name = "LOGICAL_NAME=PERSONA")]
    reference_owners: Vec<String>,
    /// The sandbox data directory whose environment to check against
    /// [default: $XDG_DATA_HOME/flowbench/sandbox]
    #[arg(long)]
    data: Option<PathBuf>,
}

pub fn run(args: PreflightArgs) -> Result<(), CliError> {
    let flow = match import_path(&args.flow)? {
        Imported::Flow { flow, .. } => flow,
        Imported::Solution(_) => {
            return Err(CliError::new(
                "not_a_flow",
                format!("{}: is a solution; give one flow's JSON file", args.flow.display()),
            ))
        }
    };
    let book = crate::environments::load_book()?;
    let environment = args.env.clone().unwrap_or_else(|| book.current().to_string());
    let matrix = if environment.eq_ignore_ascii_case(SANDBOX) {
        let options = Options {
            flow_owner: args.owner.clone().unwrap_or_else(|| flowbench_preflight::options::DEFAULT_REFERENCE_OWNER.into()),
            reference_owners: reference_owners(&args.reference_owners)?,
            ..Options::default()
        };
        let dir = args.data.clone().unwrap_or_else(crate::sandbox::default_data_dir);
        // Opening checks that the data there was seeded from the same scenario.
        let sandbox = Sandbox::open(&dir, Scenario::builtin()).map_err(|e| CliError::new("sandbox", e.to_string()))?;
        preflight(&flow, sandbox.scenario(), &args.users, &options).map_err(|e| CliError::new("preflight", e.to_string()))?
    } else {
        if !args.reference_owners.is_empty() {
            return Err(CliError::new("usage", "in an environment, references run as their bound accounts: use `flowbench env bind`"));
        }
        let environment = signed_environment(&book, Some(&environment))?;
        let secrets = Secrets::system()?;
        let http = http_client()?;
        runtime()?.block_on(environment_preflight(&environment, &secrets, &http, &flow, &args.users, args.owner.as_deref()))?
    };
    match args.format {
        PreflightFormat::Text => print!("{}", text::render(&matrix, std::io::stdout().is_terminal())),
        PreflightFormat::Json => {
            let json = serde_json::to_string_pretty(&matrix).map_err(|e| CliError::new("json", e.to_string()))?;
            println!("{json}");
        }
    }
    let refused = matrix.users.iter().flat_map(|r| &r.cells).any(|c| matches!(c.verdict, Verdict::Missing | Verdict::NoRowAccess));
    if refused || !matrix.owner.missing.is_empty() {
        return Err(CliError::new("preflight_denied", "some users lack privileges some steps need (see above)"));
    }
    Ok(())
}

fn reference_owners(pairs: &[String]) -> Result<BTreeMap<String, String>, CliError> {
    pairs
        .iter()
        .map(|pair| match pair.split_once('=') {
            Some((name, persona)) if !name.is_empty() && !persona.is_empty() => Ok((name.to_string(), persona.to_string())),
            _ => Err(CliError::new("usage", format!("--reference-owner takes LOGICAL_NAME=PERSONA, not '{pair}'"))),
        })
        .collect()
}
