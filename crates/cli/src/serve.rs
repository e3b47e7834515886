use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use clap::Args;
use flowbench_server::{bind, ServeOptions};

#[derive(Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Loopback address to listen on (127.0.0.1 or ::1); other addresses are refused.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// The built UI to serve [default: ui/dist of this checkout, or $FLOWBENCH_UI_DIR]
    #[arg(long)]
    ui_dir: Option<PathBuf>,
    /// The browser-mode settings file [default: $XDG_CONFIG_HOME/flowbench/browser-settings.json]
    #[arg(long)]
    settings: Option<PathBuf>,
    /// Open the designer in the system browser.
    #[arg(long)]
    open: bool,
    /// Where the embedded sandbox keeps its data [default: $XDG_DATA_HOME/flowbench/sandbox]
    #[arg(long)]
    sandbox_data: Option<PathBuf>,
    /// Where edits not yet saved are autosaved [default: `autosave` beside the sandbox data, or
    /// $XDG_DATA_HOME/flowbench/autosave]
    #[arg(long)]
    autosave_dir: Option<PathBuf>,
    /// Do not start the embedded sandbox.
    #[arg(long, conflicts_with = "sandbox_data")]
    no_sandbox: bool,
}

pub fn run(args: ServeArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let ui_dir = args
        .ui_dir
        .or_else(|| std::env::var_os("FLOWBENCH_UI_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/dist")));
    if !ui_dir.join("index.html").exists() {
        eprintln!("flowbench: warning: no UI at {} (run `npm run build -w ui`); serving commands only", ui_dir.display());
    }
    let settings_file = args.settings.unwrap_or_else(default_settings_file);
    // The app's data folder: the sandbox's data and the autosave sit side by side in it.
    let autosave_dir = args.autosave_dir.unwrap_or_else(|| match &args.sandbox_data {
        Some(dir) => dir.parent().unwrap_or(dir).join("autosave"),
        None => default_data_dir().join("autosave"),
    });
    let sandbox_dir = (!args.no_sandbox).then(|| args.sandbox_data.unwrap_or_else(|| default_data_dir().join("sandbox")));
    let server = bind(ServeOptions {
        addr: SocketAddr::new(args.host, args.port),
        ui_dir: Some(ui_dir),
        settings_file,
        sandbox_dir,
        autosave_dir: Some(autosave_dir),
    })
        .await
        .map_err(|e| e.to_string())?;
    let url = server.url();
    // One line on stdout, read by people and by the browser test suite; nothing else goes there.
    println!("Flowbench is serving the designer at {url}");
    let _ = std::io::stdout().flush();
    if args.open {
        if let Err(e) = open::that_detached(&url) {
            eprintln!("flowbench: cannot open a browser ({e}); open the address above yourself");
        }
    }
    server
        .serve(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}

fn default_settings_file() -> PathBuf {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("flowbench").join("browser-settings.json")
}

fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("flowbench")
}
