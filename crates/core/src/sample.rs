//! The flow the designer opens with: a Dataverse row trigger, a lookup by reference, a
//! condition, and a step that runs as the modifying user through the invoker's connection.

pub const SAMPLE_FLOW_NAME: &str = "New contact follow-up";
pub const SAMPLE_FLOW_JSON: &str = include_str!("../samples/new-contact-follow-up.json");
