//! `flowbench env add|list|use|remove|bind`: the environments the other commands work against.

use clap::Subcommand;
use flowbench_dataverse::environments::NewEnvironment;
use flowbench_dataverse::metadata;
use flowbench_dataverse::sign_in::remove_environment;
use flowbench_dataverse::tokens::access_token;
use flowbench_dataverse::web_api::WebApi;
use flowbench_dataverse::{Environment, EnvironmentBook, Secrets, SANDBOX};

use crate::error::CliError;
use crate::sign_in::{http_client, runtime, signed_environment};

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
    /// The environment's tables and columns (cached; --refresh reads them again).
    Tables {
        #[arg(long)]
        env: Option<String>,
        #[arg(long)]
        refresh: bool,
        /// Show one table's columns.
        #[arg(long)]
        table: Option<String>,
    },
    /// The environment's connection references, and which account each runs as here.
    References {
        #[arg(long)]
        env: Option<String>,
    },
    /// Make a signed-in account the default: the owner of connection references not bound to another.
    Default {
        account: String,
        #[arg(long)]
        env: Option<String>,
    },
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

/// A bearer token of the environment's default account.
fn default_token(environment: &Environment, http: &reqwest::Client, runtime: &tokio::runtime::Runtime) -> Result<String, CliError> {
    let account = environment.choose_account(None)?.clone();
    let secrets = Secrets::system()?;
    Ok(runtime.block_on(access_token(environment, &account, &secrets, http))?)
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
        EnvCommand::Tables { env, refresh, table } => {
            let environment = signed_environment(&book, env.as_deref())?;
            let (http, runtime) = (http_client()?, runtime()?);
            let api = WebApi::new(&http, &environment.url, default_token(&environment, &http, &runtime)?);
            let path = metadata::cache_path(&environment.name);
            let cache = runtime.block_on(metadata::tables(&api, &environment.url, &path, refresh))?;
            match table {
                None => {
                    for t in &cache.tables {
                        println!("{:28} {:28} {} columns", t.logical_name, t.entity_set_name, t.columns.len());
                    }
                }
                Some(name) => {
                    let t = cache.tables.iter().find(|t| t.logical_name.eq_ignore_ascii_case(&name)).ok_or_else(|| {
                        CliError::new("environment", format!("'{}' has no table '{name}'", environment.name))
                    })?;
                    for c in &t.columns {
                        let targets = if c.targets.is_empty() { String::new() } else { format!(" → {}", c.targets.join(", ")) };
                        println!("{:32} {}{targets}", c.logical_name, c.attribute_type);
                    }
                }
            }
        }
        EnvCommand::References { env } => {
            let environment = signed_environment(&book, env.as_deref())?;
            let (http, runtime) = (http_client()?, runtime()?);
            let api = WebApi::new(&http, &environment.url, default_token(&environment, &http, &runtime)?);
            let references = runtime.block_on(metadata::connection_references(&api))?;
            let owner = environment.choose_account(None).map(|a| a.username.clone()).unwrap_or_default();
            for r in references {
                let runs_as = environment.bindings.get(&r.logical_name).cloned().unwrap_or_else(|| format!("{owner} (default)"));
                println!("{:32} {:32} runs as {runs_as}", r.logical_name, r.display_name.unwrap_or_default());
            }
        }
        EnvCommand::Default { account, env } => {
            let name = env.unwrap_or_else(|| book.current().to_string());
            let label = book.get_mut(&name)?.make_default(&account)?.label();
            book.save()?;
            println!("{label} now owns the connections of unbound references in {name}");
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
