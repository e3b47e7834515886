//! The Web API over HTTP: routes under `/api/data/v9.2/`, authentication on every request,
//! and the mapping between HTTP and the operations.

mod definitions;
mod headers;
mod resource;
mod responses;
mod routes;
pub mod throttle;

pub use routes::router;
