//! The flow model shared by every Flowbench crate: no I/O, no Tauri.

pub mod connection;
pub mod error;
pub mod outline;
pub mod sample;

pub use connection::RunsAs;
pub use error::FlowError;
pub use outline::{outline_flow, BranchOutline, FlowOutline, RunAfterEdge, StepKind, StepOutline};
