//! JSON Pointer (RFC 6901) helpers for locations in messages.

pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
