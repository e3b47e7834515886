//! Building Web API responses: the OData headers every answer carries, and error bodies.

use axum::body::Body;
use axum::http::{header, HeaderValue, Response, StatusCode};
use serde_json::Value as Json;

use crate::api_error::ApiError;

pub const JSON_CONTENT_TYPE: &str = "application/json; odata.metadata=minimal";

/// A response under construction; `OData-Version: 4.0` is on every one.
pub struct Reply {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: Option<Json>,
    /// The URL of the row a create or update wrote: what a `$batch` Content-ID stands for.
    location: Option<String>,
}

impl Reply {
    pub fn new(status: u16) -> Reply {
        Reply {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: Vec::new(),
            body: None,
            location: None,
        }
    }

    pub fn json(status: u16, body: Json) -> Reply {
        Reply { body: Some(body), ..Reply::new(status) }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    pub fn location(mut self, url: String) -> Reply {
        self.location = Some(url);
        self
    }

    pub fn written_location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The response as the raw HTTP/1.1 message a `$batch` response part carries.
    pub fn to_http(&self) -> String {
        let reason = self.status.canonical_reason().unwrap_or("");
        let mut text = format!("HTTP/1.1 {} {reason}\r\n", self.status.as_u16());
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("OData-Version: 4.0\r\n");
        match &self.body {
            Some(json) => {
                text.push_str(&format!("Content-Type: {JSON_CONTENT_TYPE}\r\n\r\n{json}\r\n"));
            }
            None => text.push_str("\r\n"),
        }
        text
    }

    pub fn build(self) -> Response<Body> {
        let mut response = Response::builder().status(self.status);
        response = response.header("OData-Version", "4.0");
        for (name, value) in &self.headers {
            // Values are ids, URLs and ETags the sandbox made; drop one that is not a valid
            // header rather than fail the response.
            if let Ok(value) = HeaderValue::from_str(value) {
                response = response.header(*name, value);
            }
        }
        let body = match self.body {
            Some(json) => {
                response = response.header(header::CONTENT_TYPE, JSON_CONTENT_TYPE);
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        response.body(body).unwrap_or_else(|_| Response::new(Body::from("the sandbox could not build a response")))
    }
}

pub fn error(e: &ApiError) -> Reply {
    Reply::json(e.status, e.body())
}
