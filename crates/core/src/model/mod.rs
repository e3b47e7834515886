//! The typed flow model. Each node keeps its JSON object verbatim, in its original key order,
//! with the nested action maps taken out into typed children; export puts them back in place.
//! So import then export is lossless by construction, and edits touch only what they change.

mod action;
mod flow;
mod parameters;
mod references;
mod reshape;
mod trigger;

pub use action::{member, Action, ActionKind, Branch, Slot};
pub use flow::{DocumentShape, Flow};
pub use parameters::Parameter;
pub use references::ConnectionReference;
pub use trigger::{DataverseRowTrigger, Trigger, TriggerKind};
