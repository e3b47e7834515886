//! The Web API over HTTP: routes under `/api/data/v9.2/`, authentication on every request,
//! and the mapping between HTTP and the operations.

mod bound_operations;
mod batch;
mod definitions;
mod fetch;
mod headers;
mod relations;
mod multipart;
mod resource;
mod responses;
mod routes;
mod unbound_actions;
pub mod throttle;

pub use routes::router;
