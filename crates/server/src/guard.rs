//! Refuses requests that name another host (DNS rebinding), come from another origin (CSRF), or
//! lack the session secret (any other local program or page).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;
use flowbench_api::{ApiError, ErrorCode};

use crate::routes::error_response;
use crate::Secret;

#[derive(Clone)]
pub struct Guard {
    hosts: Vec<String>,
    origins: Vec<String>,
    secret: Secret,
}

impl Guard {
    pub fn new(port: u16, secret: Secret) -> Self {
        let hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"].iter().map(|h| format!("{h}:{port}")).collect();
        let origins = hosts.iter().map(|h| format!("http://{h}")).collect();
        Guard { hosts, origins, secret }
    }

    fn check_site(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return Err(ApiError::new(
                ErrorCode::ForbiddenOrigin,
                format!("Host `{host}` is not this server: open the address `flowbench serve` printed"),
            ));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            if !self.origins.iter().any(|o| o.eq_ignore_ascii_case(origin)) {
                return Err(ApiError::new(ErrorCode::ForbiddenOrigin, format!("requests from `{origin}` are refused")));
            }
        }
        Ok(())
    }

    fn check_secret(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match presented {
            Some(token) if self.secret.matches(token) => Ok(()),
            Some(_) => Err(ApiError::new(ErrorCode::Unauthorized, "the session secret is wrong: this server was restarted, open its new address")),
            None => Err(ApiError::new(ErrorCode::Unauthorized, "the session secret is missing: open the address `flowbench serve` printed")),
        }
    }
}

/// For every route, static files included.
pub async fn same_site(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    match guard.check_site(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(e) => error_response(&e),
    }
}

/// For command routes.
pub async fn with_secret(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    match guard.check_secret(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(e) => error_response(&e),
    }
}
