//! The command surface. Each command is a type implementing [`Command`], registered once in
//! [`registry`]; the desktop shell (Tauri IPC) and the browser-mode HTTP server both call
//! [`dispatch`], and the TypeScript bindings are generated from the same list.

pub mod autosave;
pub mod bindings;
pub mod child_flows;
pub mod command;
pub mod commands;
pub mod embedded_sandbox;
pub mod environment_metadata;
pub mod environment_preflight;
pub mod environment_run;
pub mod error;
pub mod host;
pub mod live_runs;
pub mod registry;
pub mod run_store;
pub mod sandbox_run;
pub mod settings;
pub mod sign_ins;

pub use command::{Command, Context, NoArgs};
pub use error::{ApiError, ErrorCode};
pub use host::{Host, HostKind};
pub use registry::{dispatch, COMMAND_NAMES};
pub use settings::{Settings, SettingsPatch, WindowSize};
