//! `flowbench login|logout|whoami`: Entra ID sign-in for the environments of `flowbench env`.

use std::io::BufRead;
use std::time::Duration;

use clap::Args;
use flowbench_dataverse::sign_in::{self, SignedIn};
use flowbench_dataverse::tokens::access_token;
use flowbench_dataverse::web_api::WebApi;
use flowbench_dataverse::{AccountKind, Environment, EnvironmentBook, Secrets, SANDBOX};

use crate::environments::load_book;
use crate::error::CliError;

#[derive(Args)]
pub struct LoginArgs {
    /// The environment [default: the one in use]
    #[arg(long)]
    env: Option<String>,
    /// Sign in with a code entered on another device, for machines without a browser.
    #[arg(long, conflicts_with = "application")]
    device_code: bool,
    /// Print the sign-in address instead of opening the browser.
    #[arg(long)]
    no_browser: bool,
    /// Sign in as an application user with this client id; the client secret is read from
    /// standard input (never from the command line, where other users could see it).
    #[arg(long, value_name = "CLIENT_ID")]
    application: Option<String>,
    /// How long to wait for the browser, in seconds.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
}

#[derive(Args)]
pub struct LogoutArgs {
    /// The account to sign out [default: the environment's default account]
    account: Option<String>,
    #[arg(long)]
    env: Option<String>,
    /// Sign out every account of the environment.
    #[arg(long, conflicts_with = "account")]
    all: bool,
}

#[derive(Args)]
pub struct WhoamiArgs {
    #[arg(long)]
    env: Option<String>,
    /// The account to ask as [default: the environment's default account]
    #[arg(long)]
    account: Option<String>,
}

pub(crate) fn http_client() -> Result<reqwest::Client, CliError> {
    Ok(flowbench_dataverse::web_api::http_client()?)
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Runtime::new().map_err(|e| CliError::new("runtime", e.to_string()))
}

/// The named environment, or the one in use; the sandbox has no sign-in.
pub(crate) fn signed_environment(book: &EnvironmentBook, name: Option<&str>) -> Result<Environment, CliError> {
    let name = name.unwrap_or(book.current());
    if name.eq_ignore_ascii_case(SANDBOX) {
        return Err(CliError::new(
            "environment",
            "the embedded sandbox needs no sign-in: pick a persona with `--as` (see `flowbench sandbox personas`), or choose another environment with --env",
        ));
    }
    Ok(book.get(name)?.clone())
}

pub fn login(args: LoginArgs) -> Result<(), CliError> {
    let mut book = load_book()?;
    let environment = signed_environment(&book, args.env.as_deref())?;
    // Open the store before the sign-in: no point signing in if the tokens cannot be kept.
    let secrets = Secrets::system()?;
    let http = http_client()?;
    let signed_in: SignedIn = runtime()?.block_on(async {
        if let Some(client_id) = &args.application {
            let mut secret = String::new();
            std::io::stdin().lock().read_line(&mut secret).map_err(|e| CliError::new("io", e.to_string()))?;
            let secret = secret.trim_end_matches(['\r', '\n']);
            if secret.is_empty() {
                return Err(CliError::new("invalid_arguments", "give the client secret on standard input"));
            }
            Ok(sign_in::application(&environment, &http, client_id, secret).await?)
        } else if args.device_code {
            Ok(sign_in::device_code(&environment, &http, |prompt| eprintln!("{}", prompt.message())).await?)
        } else {
            let no_browser = args.no_browser;
            Ok(sign_in::interactive(&environment, &http, Duration::from_secs(args.timeout), |url| {
                eprintln!("Sign in to {} at:\n{url}", environment.name);
                if !no_browser && open::that_detached(url).is_err() {
                    eprintln!("(no browser could be opened: open the address above yourself)");
                }
            })
            .await?)
        }
    })?;
    let account = signed_in.remember(&mut book, &environment.name, &secrets)?;
    println!("signed in to {} as {}", environment.name, account.label());
    Ok(())
}

pub fn logout(args: LogoutArgs) -> Result<(), CliError> {
    let mut book = load_book()?;
    let environment = signed_environment(&book, args.env.as_deref())?;
    let usernames: Vec<String> = if args.all {
        environment.accounts.iter().map(|a| a.username.clone()).collect()
    } else {
        vec![environment.choose_account(args.account.as_deref())?.username.clone()]
    };
    let secrets = Secrets::system()?;
    for username in usernames {
        let account = sign_in::sign_out(&mut book, &environment.name, &username, &secrets)?;
        println!("signed out {} from {}", account.label(), environment.name);
    }
    Ok(())
}

pub fn whoami(args: WhoamiArgs) -> Result<(), CliError> {
    let book = load_book()?;
    let environment = signed_environment(&book, args.env.as_deref())?;
    let account = environment.choose_account(args.account.as_deref())?.clone();
    let secrets = Secrets::system()?;
    let http = http_client()?;
    let (who, user) = runtime()?.block_on(async {
        let token = access_token(&environment, &account, &secrets, &http).await?;
        let api = WebApi::new(&http, &environment.url, token);
        let who = api.who_am_i().await?;
        let user = api.user(&who.user_id).await?;
        Ok::<_, CliError>((who, user))
    })?;
    let kind = match account.kind {
        AccountKind::User => "user",
        AccountKind::Application { .. } => "application user",
    };
    println!(
        "{} <{}> ({kind}) in {} ({})",
        user.full_name.as_deref().unwrap_or("(no name)"),
        user.domain_name.as_deref().unwrap_or(&account.username),
        environment.name,
        environment.url
    );
    println!("  systemuserid {}", who.user_id);
    println!("  business unit {}", who.business_unit_id);
    if let Some(object_id) = user.object_id {
        println!("  Entra object id {object_id}");
    }
    Ok(())
}
