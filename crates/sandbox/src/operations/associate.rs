//! Associate and disassociate (`$ref`, reference §1.8) on a one-to-many relationship: either
//! side of the URL writes the referencing row's lookup. Security as for a lookup set through
//! `@odata.bind` (§2.2): Append on the referencing row, AppendTo on the referenced row, each as
//! a privilege first and then as access to the row at the grant's depth.

use rusqlite::Connection;

use super::authorship;
use crate::api_error::ApiError;
use crate::audit::{self, Action};
use crate::guid::Guid;
use crate::metadata::{Metadata, TableMeta};
use crate::relationships::Relationship;
use crate::scenario::Right;
use crate::security::Caller;
use crate::store::rows::{self, Cells, StoredRow};

/// Points the referencing row's lookup at the referenced row.
pub fn associate(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    relationship: &Relationship,
    referencing_id: Guid,
    referenced_id: Guid,
) -> Result<(), ApiError> {
    let (referenced, _) = append_checked(conn, metadata, caller, relationship, referencing_id)?;
    let target = rows::load(conn, referenced, referenced_id)?
        .ok_or_else(|| ApiError::not_found(&referenced.logical_name, referenced_id))?;
    caller.require_row_access(conn, referenced, Right::AppendTo, &target.security(referenced))?;
    write(conn, metadata, caller, relationship, referencing_id, Some(referenced_id))
}

/// What relating and unrelating both check: not a system relationship, Append on the referencing
/// table and AppendTo on the referenced one (the privileges first, so that a caller without them
/// learns nothing about the rows), then Append on the referencing row. Gives the referenced table
/// and the referencing row.
fn append_checked<'m>(
    conn: &Connection,
    metadata: &'m Metadata,
    caller: &Caller,
    relationship: &Relationship,
    referencing_id: Guid,
) -> Result<(&'m TableMeta, StoredRow), ApiError> {
    refuse_system(metadata, relationship)?;
    let (referencing, referenced) =
        (metadata.table(relationship.referencing_table), metadata.table(relationship.referenced_table));
    caller.require_privilege(conn, referencing, Right::Append)?;
    caller.require_privilege(conn, referenced, Right::AppendTo)?;
    let row = load_referencing(conn, metadata, relationship, referencing_id)?;
    caller.require_row_access(conn, referencing, Right::Append, &row.security(referencing))?;
    Ok((referenced, row))
}

/// Clears the referencing row's lookup when it points at `referenced_id` (any row of the
/// referenced table when None). A lookup that points elsewhere is left alone, and the request
/// still succeeds once the checks pass, as a repeated DELETE does.
pub fn disassociate(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    relationship: &Relationship,
    referencing_id: Guid,
    referenced_id: Option<Guid>,
) -> Result<(), ApiError> {
    let (referenced, row) = append_checked(conn, metadata, caller, relationship, referencing_id)?;
    let column = relationship.referencing_column;
    let current = match (row.targets[column].as_deref(), &row.values[column]) {
        (Some(table), rusqlite::types::Value::Text(id)) if table == referenced.logical_name => Guid::parse(id).ok(),
        _ => None,
    };
    let Some(current) = current.filter(|c| referenced_id.is_none_or(|wanted| wanted == *c)) else {
        // Not related (any more): nothing to remove, and removing twice is not an error.
        return Ok(());
    };
    if let Some(target) = rows::load(conn, referenced, current)? {
        caller.require_row_access(conn, referenced, Right::AppendTo, &target.security(referenced))?;
    }
    write(conn, metadata, caller, relationship, referencing_id, None)
}

/// createdby, owningbusinessunit… are written by the sandbox; the owner changes by assigning.
fn refuse_system(metadata: &Metadata, relationship: &Relationship) -> Result<(), ApiError> {
    if !relationship.system {
        return Ok(());
    }
    let table = metadata.table(relationship.referencing_table);
    let column = &table.columns[relationship.referencing_column].name;
    let hint = if column == "ownerid" { " To assign the row, PATCH it with ownerid@odata.bind." } else { "" };
    Err(ApiError::query(format!(
        "The relationship '{}' sets {}.{column}, which is set by the system and cannot be written.{hint}",
        relationship.schema_name, table.logical_name
    )))
}

fn load_referencing(
    conn: &Connection,
    metadata: &Metadata,
    relationship: &Relationship,
    id: Guid,
) -> Result<StoredRow, ApiError> {
    let table = metadata.table(relationship.referencing_table);
    rows::load(conn, table, id)?.ok_or_else(|| ApiError::not_found(&table.logical_name, id))
}

/// Writes the lookup and stamps the row as an update does (modifiedby, modifiedon, version);
/// the audit names the referencing row, with its lookup's old and new value.
fn write(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    relationship: &Relationship,
    referencing_id: Guid,
    referenced_id: Option<Guid>,
) -> Result<(), ApiError> {
    let table = metadata.table(relationship.referencing_table);
    let referenced = metadata.table(relationship.referenced_table);
    let mut cells = Cells::default();
    cells.set_reference(
        &table.columns[relationship.referencing_column],
        referenced_id.map(|id| (id, referenced.logical_name.as_str())),
    );
    cells.stamp_modified(table, &authorship(conn, caller)?);
    let before = load_referencing(conn, metadata, relationship, referencing_id)?;
    rows::update(conn, table, referencing_id, &cells)?;
    let after = load_referencing(conn, metadata, relationship, referencing_id)?;
    let action = if referenced_id.is_some() { Action::Associate } else { Action::Disassociate };
    let changes = audit::changed(table, &before, &after, &[relationship.referencing_column]);
    audit::record(conn, metadata, caller, table, referencing_id, action, &changes)
}
