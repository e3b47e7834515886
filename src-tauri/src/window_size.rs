use flowbench_api::{SettingsPatch, WindowSize};
use tauri::{LogicalSize, Manager, Runtime, WebviewWindow, Window, WindowEvent};

/// Smallest size worth restoring; anything less is a glitch, not a choice.
const MIN: (u32, u32) = (640, 480);

pub fn restore<R: Runtime>(window: &WebviewWindow<R>, size: Option<WindowSize>) {
    if let Some(WindowSize { width, height }) = size {
        if width >= MIN.0 && height >= MIN.1 {
            let _ = window.set_size(LogicalSize::new(width, height));
        }
    }
}

pub fn remember_on_close(window: &Window, event: &WindowEvent) {
    if !matches!(event, WindowEvent::CloseRequested { .. }) {
        return;
    }
    let (Ok(size), Ok(scale)) = (window.inner_size(), window.scale_factor()) else { return };
    let logical = size.to_logical::<u32>(scale);
    let Some(ctx) = window.try_state::<flowbench_api::Context>() else { return };
    let mut settings = ctx.host.load_settings().unwrap_or_default();
    settings.apply(SettingsPatch {
        window: Some(WindowSize { width: logical.width, height: logical.height }),
        ..Default::default()
    });
    if let Err(e) = ctx.host.save_settings(&settings) {
        eprintln!("flowbench-desktop: cannot remember the window size: {e}");
    }
}
