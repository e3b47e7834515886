use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{middleware, Router};
use flowbench_api::{dispatch, ApiError, Context, ErrorCode};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::guard::{same_site, with_secret, Guard};

/// The same policy as the desktop window's, with `connect-src 'self'` for the HTTP backend.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; \
object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Largest request body a command accepts.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

pub fn router(ctx: Context, guard: Guard, ui_dir: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/api/{command}", post(call))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(guard.clone(), with_secret))
        .with_state(ctx);
    let app = match ui_dir {
        Some(dir) => {
            let index = dir.join("index.html");
            api.fallback_service(ServeDir::new(dir).fallback(ServeFile::new(index)))
        }
        None => api.fallback(|| async { (StatusCode::NOT_FOUND, "the UI is not built: run `npm run build -w ui`") }),
    };
    app.layer(middleware::from_fn_with_state(guard, same_site))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
}

async fn call(State(ctx): State<Context>, Path(command): Path<String>, body: Bytes) -> Response {
    let args = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => {
                return error_response(&ApiError::new(ErrorCode::InvalidArguments, format!("`{command}`: the body is not JSON: {e}")))
            }
        }
    };
    match dispatch(&ctx, &command, args).await {
        Ok(value) => ([(header::CACHE_CONTROL, "no-store")], axum::Json(value)).into_response(),
        Err(e) => error_response(&e),
    }
}

pub fn error_response(error: &ApiError) -> Response {
    let status = match error.code {
        ErrorCode::UnknownCommand => StatusCode::NOT_FOUND,
        ErrorCode::InvalidArguments => StatusCode::BAD_REQUEST,
        ErrorCode::Unauthorized => StatusCode::UNAUTHORIZED,
        ErrorCode::ForbiddenOrigin => StatusCode::FORBIDDEN,
        ErrorCode::Io | ErrorCode::FlowParse | ErrorCode::Solution | ErrorCode::EditRefused | ErrorCode::ExportRefused => StatusCode::UNPROCESSABLE_ENTITY,
        // Never 401: that status means this page lacks the server's secret, not a Dataverse sign-in.
        ErrorCode::NotSignedIn | ErrorCode::SignInExpired | ErrorCode::SignInCancelled | ErrorCode::SignInRefused => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::Environment | ErrorCode::Network => StatusCode::BAD_GATEWAY,
        ErrorCode::CredentialStore => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Settings | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, [(header::CACHE_CONTROL, "no-store")], axum::Json(error)).into_response()
}
