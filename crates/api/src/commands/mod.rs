//! One file per command or close family of commands.

pub mod app_info;
pub mod choices;
pub mod code_view;
pub mod dynamic_content;
pub mod edits;
pub mod environment;
pub mod environments;
pub mod expressions;
pub mod files;
pub mod flow_file;
pub mod preflight;
pub mod runs;
pub mod save;
pub mod settings;
pub mod step_settings;
pub mod validation;
