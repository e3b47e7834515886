//! The OData side of the Web API: `$filter` parsing and translation, the other query options,
//! and paging.

pub mod expand;
pub mod filter;
mod lexer;
pub mod options;
pub mod paging;
pub mod translate;
