//! JSON Pointer (RFC 6901) helpers for locations in messages.

pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer built only when an error needs it: each level borrows its tokens and points at
/// its parent, so parsing a large flow allocates no pointer strings.
pub(crate) struct PointerPath<'a> {
    pub parent: Option<&'a PointerPath<'a>>,
    pub tokens: &'a [&'a str],
}

impl PointerPath<'_> {
    pub fn render(&self) -> String {
        let mut out = self.parent.map(PointerPath::render).unwrap_or_default();
        for token in self.tokens {
            out.push('/');
            out.push_str(&escape(token));
        }
        out
    }
}
