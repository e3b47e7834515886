//! `flowbench sandbox serve|token|personas|reset`: the embedded Dataverse sandbox from a shell.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use flowbench_sandbox::{Sandbox, Scenario, Throttle};

use crate::error::CliError;

#[derive(Subcommand)]
pub enum SandboxCommand {
    /// Serve the sandbox's Web API on 127.0.0.1; prints the base URL as the first line.
    Serve {
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Also accept access tokens of this OpenID Connect issuer (an identity provider standing
        /// in for Entra ID); its keys are read from its discovery document. Repeatable.
        #[arg(long, value_name = "ISSUER")]
        trust_issuer: Vec<String>,
        /// Throttle like Dataverse's service protection: refused requests get 429 with
        /// Retry-After and error 0x80072322. `every:N` refuses every Nth request (Retry-After
        /// 1 s; `every:N:S` for S seconds); `REQUESTS/SECONDS` (e.g. `100/60`) allows that many
        /// requests per window and refuses the rest until the window ends.
        #[arg(long, value_name = "RULE", value_parser = clap::value_parser!(Throttle))]
        throttle: Option<Throttle>,
        #[command(flatten)]
        place: Place,
    },
    /// Print a bearer token for a persona of the sandbox last served from this data directory.
    Token {
        persona: String,
        #[command(flatten)]
        place: Place,
    },
    /// List the personas: who they are and what they may do.
    Personas {
        #[command(flatten)]
        place: Place,
    },
    /// Restore the data to the scenario's seed.
    Reset {
        #[command(flatten)]
        place: Place,
    },
}

#[derive(Args)]
pub struct Place {
    /// Where the sandbox keeps its data [default: $XDG_DATA_HOME/flowbench/sandbox]
    #[arg(long)]
    data: Option<PathBuf>,
    /// A scenario file (tables, business units, users, roles) instead of the built-in one.
    #[arg(long)]
    scenario: Option<PathBuf>,
}

impl Place {
    fn open(&self) -> Result<Sandbox, CliError> {
        let scenario = match &self.scenario {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| CliError::new("io", format!("{}: {e}", path.display())))?;
                Scenario::from_json(&text).map_err(|e| CliError::new("scenario", format!("{}: {e}", path.display())))?
            }
            None => Scenario::builtin(),
        };
        let dir = self.data.clone().unwrap_or_else(default_data_dir);
        Sandbox::open(&dir, scenario).map_err(|e| CliError::new("sandbox", e.to_string()))
    }
}

/// The issuer's published keys, found through its discovery document as Entra publishes it.
async fn issuer_keys(issuer: &str) -> Result<String, CliError> {
    let http = crate::sign_in::http_client()?;
    let fetch = |url: String| {
        let http = http.clone();
        async move {
            let failed = |e: String| CliError::new("network", format!("cannot read {url}: {e}"));
            let response = http.get(&url).send().await.map_err(|e| failed(e.to_string()))?;
            if !response.status().is_success() {
                return Err(failed(format!("status {}", response.status())));
            }
            response.text().await.map_err(|e| failed(e.to_string()))
        }
    };
    let discovery = fetch(format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'))).await?;
    let jwks_uri = serde_json::from_str::<serde_json::Value>(&discovery)
        .ok()
        .and_then(|d| d.get("jwks_uri").and_then(|u| u.as_str()).map(str::to_string))
        .ok_or_else(|| CliError::new("protocol", format!("the discovery document of {issuer} names no jwks_uri")))?;
    fetch(jwks_uri).await
}

pub(crate) fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("flowbench").join("sandbox")
}

pub fn run(command: SandboxCommand) -> Result<(), CliError> {
    match command {
        SandboxCommand::Serve { port, trust_issuer, throttle, place } => {
            let sandbox = place.open()?;
            sandbox.set_throttle(throttle);
            let runtime = tokio::runtime::Runtime::new().map_err(|e| CliError::new("runtime", e.to_string()))?;
            runtime.block_on(async {
                for issuer in &trust_issuer {
                    let jwks = issuer_keys(issuer).await?;
                    sandbox.trust_issuer(issuer, &jwks).map_err(|e| CliError::new("sandbox", e.to_string()))?;
                }
                let (address, serving) = sandbox
                    .serve(SocketAddr::from(([127, 0, 0, 1], port)))
                    .map_err(|e| CliError::new("sandbox", e.to_string()))?;
                // The first line is the contract for scripts: the environment's base URL.
                println!("http://{address}");
                let _ = std::io::stdout().flush();
                tokio::select! {
                    result = serving => result.map_err(|e| CliError::new("sandbox", e.to_string())),
                    _ = tokio::signal::ctrl_c() => Ok(()),
                }
            })
        }
        SandboxCommand::Token { persona, place } => {
            let token = place.open()?.token_for(&persona).map_err(|e| CliError::new("sandbox", e.to_string()))?;
            println!("{token}");
            Ok(())
        }
        SandboxCommand::Personas { place } => {
            for p in place.open()?.personas() {
                println!(
                    "{:8} {:24} {:32} roles: {}{}",
                    p.name,
                    p.full_name,
                    p.domain_name,
                    p.roles.join(", "),
                    p.description.map(|d| format!(" — {d}")).unwrap_or_default()
                );
            }
            Ok(())
        }
        SandboxCommand::Reset { place } => {
            place.open()?.reset().map_err(|e| CliError::new("sandbox", e.to_string()))?;
            println!("the sandbox data is back to the scenario's seed");
            Ok(())
        }
    }
}
