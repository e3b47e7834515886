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
            app.manage(Context::new(Arc::new(host)));
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
