//! Browser mode: the same commands as the desktop window, over HTTP on loopback.
//!
//! Every request must name this server in `Host` (DNS rebinding) and, when a browser sends an
//! `Origin`, come from this server's own origin (CSRF). Commands also need the secret made at
//! each start, which the browser UI receives in the URL fragment it is opened with.

mod file_host;
mod guard;
mod routes;
mod secret;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use flowbench_api::Context;
use tokio::net::TcpListener;

pub use file_host::FileHost;
pub use secret::Secret;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("refusing to listen on {0}: browser mode serves loopback addresses only (127.0.0.1 or ::1)")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot make the session secret: {0}")]
    Secret(String),
    #[error("cannot start the embedded sandbox: {0}")]
    Sandbox(String),
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

pub struct ServeOptions {
    pub addr: SocketAddr,
    /// The built UI (`ui/dist`); API only when absent.
    pub ui_dir: Option<PathBuf>,
    pub settings_file: PathBuf,
    /// Where the embedded sandbox keeps its data; `None` runs without one.
    pub sandbox_dir: Option<PathBuf>,
    /// Where the flow being edited is autosaved; `None` keeps no autosave.
    pub autosave_dir: Option<PathBuf>,
}

/// A server that is listening but not yet serving.
pub struct BoundServer {
    listener: TcpListener,
    router: axum::Router,
    pub local_addr: SocketAddr,
    pub secret: Secret,
}

impl BoundServer {
    /// The address to open in a browser; the fragment hands the secret to the UI without
    /// sending it to the server in a URL (fragments never leave the browser).
    pub fn url(&self) -> String {
        format!("http://{}/#token={}", self.local_addr, self.secret.expose())
    }

    pub async fn serve(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
        axum::serve(self.listener, self.router).with_graceful_shutdown(shutdown).await?;
        Ok(())
    }
}

pub async fn bind(options: ServeOptions) -> Result<BoundServer, ServeError> {
    if !options.addr.ip().is_loopback() {
        return Err(ServeError::NotLoopback(options.addr));
    }
    let listener =
        TcpListener::bind(options.addr).await.map_err(|source| ServeError::Bind { addr: options.addr, source })?;
    let local_addr = listener.local_addr()?;
    let secret = Secret::generate().map_err(ServeError::Secret)?;
    let mut ctx = Context::new(Arc::new(FileHost::new(options.settings_file)));
    if let Some(dir) = options.autosave_dir {
        ctx = ctx.with_autosave(dir);
    }
    if let Some(dir) = &options.sandbox_dir {
        let (sandbox, serving) = flowbench_api::embedded_sandbox::start(dir).map_err(ServeError::Sandbox)?;
        tokio::spawn(serving);
        ctx = ctx.with_sandbox(sandbox);
    }
    let router = routes::router(ctx, guard::Guard::new(local_addr.port(), secret.clone()), options.ui_dir);
    Ok(BoundServer { listener, router, local_addr, secret })
}

/// The router alone, for tests that drive it without a socket.
pub fn router_for_tests(ctx: Context, port: u16, secret: Secret, ui_dir: Option<PathBuf>) -> axum::Router {
    routes::router(ctx, guard::Guard::new(port, secret), ui_dir)
}
