use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
        let chosen = ctx.host.load_settings()?.last_environment.filter(|e| !e.eq_ignore_ascii_case("sandbox"));
        if let Some(name) = chosen {
            // Real environments arrive with sign-in; until then they are named, not reachable.
            return Ok(EnvironmentInfo { name, embedded: false, url: None, personas: Vec::new() });
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
