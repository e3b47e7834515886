use serde::{Deserialize, Serialize};
use ts_rs::TS;

use flowbench_dataverse::{AccountKind, SANDBOX};

use crate::commands::environments::current_name;
use crate::{ApiError, Command, Context, NoArgs};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct PersonaInfo {
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
}

/// The environment test runs use: the embedded sandbox unless another one is chosen.
#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentInfo {
    pub name: String,
    pub embedded: bool,
    /// The Web API's base URL, when it is running.
    pub url: Option<String>,
    pub personas: Vec<PersonaInfo>,
}

pub struct CurrentEnvironment;

impl Command for CurrentEnvironment {
    const NAME: &'static str = "current_environment";
    type Request = NoArgs;
    type Response = EnvironmentInfo;

    async fn run(ctx: &Context, _: NoArgs) -> Result<EnvironmentInfo, ApiError> {
        let name = current_name(ctx)?;
        if !name.eq_ignore_ascii_case(SANDBOX) {
            // A real environment: its signed-in accounts are who a run can run as.
            return Ok(match ctx.sign_ins.book()?.get(&name) {
                Ok(env) => EnvironmentInfo {
                    name: env.name.clone(),
                    embedded: false,
                    url: Some(env.url.clone()),
                    personas: env
                        .accounts
                        .iter()
                        .map(|a| PersonaInfo {
                            name: a.username.clone(),
                            full_name: a.label(),
                            description: Some(match a.kind {
                                AccountKind::User => "Signed in".into(),
                                AccountKind::Application { .. } => "Application user".into(),
                            }),
                        })
                        .collect(),
                },
                // A name the environment list does not hold (removed from the CLI, say).
                Err(_) => EnvironmentInfo { name, embedded: false, url: None, personas: Vec::new() },
            });
        }
        let (url, personas) = match &ctx.sandbox {
            Some(embedded) => (
                Some(embedded.url.clone()),
                embedded
                    .sandbox
                    .personas()
                    .into_iter()
                    .map(|p| PersonaInfo { name: p.name, full_name: p.full_name, description: p.description })
                    .collect(),
            ),
            None => (None, Vec::new()),
        };
        Ok(EnvironmentInfo { name: "Embedded sandbox".into(), embedded: true, url, personas })
    }
}
