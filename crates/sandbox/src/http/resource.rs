//! What the path segment after `/api/data/v9.2/` names.

use crate::api_error::ApiError;
use crate::guid::Guid;
use crate::metadata::Metadata;

/// Tables are named by their index in the metadata, so a resource can move to the blocking
/// thread that serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    WhoAmI,
    UnboundAction(super::unbound_actions::UnboundAction),
    Collection(usize),
    Row(usize, Guid),
}

pub fn parse(metadata: &Metadata, segment: &str) -> Result<Resource, ApiError> {
    if segment == "WhoAmI" || segment == "WhoAmI()" {
        return Ok(Resource::WhoAmI);
    }
    if let Some(action) = super::unbound_actions::UnboundAction::named(segment) {
        return Ok(Resource::UnboundAction(action));
    }
    // Parts of the Web API that later milestones add: say so rather than "not found".
    if segment.starts_with('$') || segment.starts_with("EntityDefinitions") || segment.starts_with("RelationshipDefinitions")
    {
        return Err(ApiError::not_implemented(format!("'{segment}'")));
    }
    let (name, key) = match segment.split_once('(') {
        Some((name, rest)) => {
            let key = rest
                .strip_suffix(')')
                .ok_or_else(|| ApiError::query(format!("The key in '{segment}' has no closing parenthesis.")))?;
            (name, Some(key))
        }
        None => (segment, None),
    };
    let table = metadata.by_entity_set(name).ok_or_else(|| ApiError::resource_not_found(name))?;
    match key {
        None => Ok(Resource::Collection(table.index)),
        Some(key) if key.contains('=') => Err(ApiError::not_implemented("Alternate keys")),
        Some(key) => {
            let id = Guid::parse(key.trim()).map_err(|_| {
                ApiError::query(format!(
                    "'{key}' is not a valid key for {name}: expected a GUID like 00000000-0000-0000-0000-000000000000."
                ))
            })?;
            Ok(Resource::Row(table.index, id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn tells_collections_rows_and_functions_apart() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        assert!(matches!(parse(&metadata, "WhoAmI()"), Ok(Resource::WhoAmI)));
        assert!(matches!(parse(&metadata, "contacts"), Ok(Resource::Collection(_))));
        assert!(matches!(parse(&metadata, "contacts(c0000000-0000-4000-8000-000000000001)"), Ok(Resource::Row(_, _))));
        assert_eq!(parse(&metadata, "contactz").unwrap_err().message, "Resource not found for the segment 'contactz'.");
        assert_eq!(parse(&metadata, "contacts(12)").unwrap_err().status, 400);
        assert_eq!(parse(&metadata, "contacts(emailaddress1='a')").unwrap_err().status, 501);
        assert_eq!(parse(&metadata, "$batch").unwrap_err().status, 501);
        assert_eq!(parse(&metadata, "$metadata").unwrap_err().status, 501);
    }
}
