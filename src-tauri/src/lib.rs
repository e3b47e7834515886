//! The desktop shell: the window, the store plugin and one IPC entry point into the command
//! registry. No business logic lives here.

mod store_host;
mod window_size;

use std::sync::Arc;

use flowbench_api::{dispatch, ApiError, Context};
use tauri::{Manager, State};

/// Every command of `flowbench_api`'s registry, by name: the UI's `TauriBackend` calls this.
#[tauri::command]
async fn call(
    ctx: State<'_, Context>,
    command: String,
    request: Option<serde_json::Value>,
) -> Result<serde_json::Value, ApiError> {
    dispatch(&ctx, &command, request.unwrap_or_default()).await
}

pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let host = store_host::StoreHost::open(app.handle())?;
            let settings = flowbench_api::Host::load_settings(&host).unwrap_or_default();
            let mut ctx = Context::new(Arc::new(host));
            let data_dir = match std::env::var_os("FLOWBENCH_DATA_DIR") {
                Some(dir) => std::path::PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            let sandbox_dir = data_dir.join("sandbox");
            ctx = ctx.with_autosave(data_dir.join("autosave"));
            match flowbench_api::embedded_sandbox::start(&sandbox_dir) {
                Ok((sandbox, serving)) => {
                    tauri::async_runtime::spawn(serving);
                    ctx = ctx.with_sandbox(sandbox);
                }
                // The designer still works without it; the status bar says there is no URL.
                Err(e) => eprintln!("flowbench-desktop: cannot start the embedded sandbox: {e}"),
            }
            app.manage(ctx);
            if let Some(window) = app.get_webview_window("main") {
                window_size::restore(&window, settings.window);
            }
            Ok(())
        })
        .on_window_event(window_size::remember_on_close)
        .invoke_handler(tauri::generate_handler![call])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("flowbench-desktop: cannot start: {e}");
            std::process::exit(1);
        });
}
