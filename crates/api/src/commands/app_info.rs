use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, Command, Context, HostKind, NoArgs};

#[derive(Serialize, Deserialize, TS, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub host: HostKind,
}

pub struct GetAppInfo;

impl Command for GetAppInfo {
    const NAME: &'static str = "app_info";
    type Request = NoArgs;
    type Response = AppInfo;

    async fn run(ctx: &Context, _: NoArgs) -> Result<AppInfo, ApiError> {
        Ok(AppInfo { name: "Flowbench".into(), version: env!("CARGO_PKG_VERSION").into(), host: ctx.host.kind() })
    }
}
