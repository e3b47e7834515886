//! FetchXML (`GET /<entity set>?fetchXml=…`, reference §1.7): the element tree, the query
//! model with its schema checks, the SQL plan, and the paging cookie.

pub mod cookie;
pub mod model;
pub mod plan;
pub mod xml;

use crate::api_error::ApiError;

/// Parses the `fetchXml` query option into the model; errors are 400 with what is wrong.
pub fn parse(text: &str) -> Result<model::Fetch, ApiError> {
    let root = xml::parse(text)
        .map_err(|e| ApiError::new(400, plan::INVALID_ARGUMENT, format!("The FetchXML is not valid XML: {e}.")))?;
    model::read(&root).map_err(|e| ApiError::new(400, plan::INVALID_ARGUMENT, e))
}
