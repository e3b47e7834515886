//! The flow model shared by every Flowbench crate. No Tauri; file I/O only in `import` and the
//! solution package's folder functions.

pub mod choice;
pub mod connection;
pub mod edit;
pub mod edit_error;
pub mod error;
pub mod field;
pub mod export;
pub mod files;
pub mod import;
pub mod model;
pub mod outline;
pub(crate) mod pointer;
pub mod sample;
pub mod settings;
pub mod templates;
pub mod trigger_input;
pub mod solution;

pub use choice::ConnectionChoice;
pub use connection::RunsAs;
pub use edit::{BranchRef, Position};
pub use edit_error::EditError;
pub use error::FlowError;
pub use export::{export_flow_json, prepare_export, ExportError};
pub use model::{Action, ActionKind, Branch, DocumentShape, Flow, Slot, Trigger, TriggerKind};
pub use settings::{RetryPolicy, StepSetting};
pub use outline::{outline_flow, BranchOutline, FlowOutline, RunAfterEdge, StepKind, StepOutline};
