use crate::{ApiError, Command, Context, NoArgs, Settings, SettingsPatch};

pub struct GetSettings;

impl Command for GetSettings {
    const NAME: &'static str = "get_settings";
    type Request = NoArgs;
    type Response = Settings;

    async fn run(ctx: &Context, _: NoArgs) -> Result<Settings, ApiError> {
        ctx.host.load_settings()
    }
}

pub struct UpdateSettings;

impl Command for UpdateSettings {
    const NAME: &'static str = "update_settings";
    type Request = SettingsPatch;
    type Response = Settings;

    async fn run(ctx: &Context, patch: SettingsPatch) -> Result<Settings, ApiError> {
        let mut settings = ctx.host.load_settings()?;
        settings.apply(patch);
        ctx.host.save_settings(&settings)?;
        Ok(settings)
    }
}
