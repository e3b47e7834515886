//! `flowbench env add|list|use|remove|bind`: the environments the other commands work against.

use clap::Subcommand;
use flowbench_dataverse::environments::NewEnvironment;
use flowbench_dataverse::sign_in::remove_environment;
use flowbench_dataverse::{EnvironmentBook, SANDBOX};

use crate::error::CliError;

#[derive(Subcommand)]
pub enum EnvCommand {
    /// Add a Dataverse environment by its URL (https://<org>.crm.dynamics.com).
    Add {
        name: String,
        url: String,
        /// The Entra authority [default: https://login.microsoftonline.com/organizations]
        #[arg(long)]
        authority: Option<String>,
        /// The app registration to sign in with [default: Microsoft's documented sample client]
        #[arg(long)]
        client_id: Option<String>,
    },
    /// List the environments, who is signed in to each, and which one is in use.
    List,
    /// Make an environment the one commands use when `--env` is not given.
    Use { name: String },
    /// Remove an environment, signing out of its accounts.
    Remove { name: String },
    /// Run a connection reference as one of the environment's signed-in accounts.
    Bind {
        /// The connection reference's logical name.
        reference: String,
        /// A signed-in account of the environment.
        account: String,
        #[arg(long)]
        env: Option<String>,
    },
}

pub(crate) fn load_book() -> Result<EnvironmentBook, CliError> {
    Ok(EnvironmentBook::load(&EnvironmentBook::default_path())?)
}

pub fn run(command: EnvCommand) -> Result<(), CliError> {
    let mut book = load_book()?;
    match command {
        EnvCommand::Add { name, url, authority, client_id } => {
            let added = book.add(NewEnvironment { name, url, authority, client_id })?.clone();
            book.save()?;
            println!("added {} ({}); sign in with `flowbench login --env {}`", added.name, added.url, added.name);
        }
        EnvCommand::List => {
            let current = book.current().to_string();
            let mark = |name: &str| if name.eq_ignore_ascii_case(&current) { "*" } else { " " };
            println!("{} {:16} embedded sandbox (personas: flowbench sandbox personas)", mark(SANDBOX), SANDBOX);
            for env in book.environments() {
                let accounts: Vec<String> = env
                    .accounts
                    .iter()
                    .map(|a| {
                        let default = env.default_account.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(&a.username));
                        format!("{}{}", a.label(), if default { " (default)" } else { "" })
                    })
                    .collect();
                let signed_in = if accounts.is_empty() { "nobody signed in".to_string() } else { accounts.join(", ") };
                println!("{} {:16} {}  {}", mark(&env.name), env.name, env.url, signed_in);
                for (reference, account) in &env.bindings {
                    println!("    {reference} runs as {account}");
                }
            }
        }
        EnvCommand::Use { name } => {
            book.use_environment(&name)?;
            book.save()?;
            println!("now using {}", book.current());
        }
        EnvCommand::Remove { name } => {
            let removed = remove_environment(&mut book, &name)?;
            println!("removed {} and signed out of its {} account(s)", removed.name, removed.accounts.len());
        }
        EnvCommand::Bind { reference, account, env } => {
            let name = env.unwrap_or_else(|| book.current().to_string());
            let environment = book.get_mut(&name)?;
            let username = environment.choose_account(Some(&account))?.username.clone();
            environment.bindings.insert(reference.clone(), username.clone());
            book.save()?;
            println!("{reference} runs as {username} in {name}");
        }
    }
    Ok(())
}
