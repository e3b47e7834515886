//! The audit table: every write through the Web API leaves a row in `audit`, as Dataverse's
//! auditing does: who (the acting user, and the real caller when impersonating), what (the
//! action, the table and the row), when, and the changed columns' old and new values.
//!
//! Design: `audit` is a built-in table of the metadata, after the scenario's tables. The store
//! then creates it with the others, a reset drops and recreates it empty, and `GET audits` runs
//! through the same list code as every table (`$filter`, `$select`, `$orderby`, `$top`,
//! `$count`, paging) in Dataverse's shape. Where it differs, the table's kind decides: reading
//! needs prvReadAuditSummary and reaches every row (Dataverse's privilege for the audit summary;
//! see `security::privileges::table_privilege`), and the API cannot write it ([`refuse_write`]).
//! The operations insert audit rows on the transaction of the write they record, so a write
//! that is refused or fails leaves none.

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde_json::{json, Value as Json};

use crate::api_error::ApiError;
use crate::datetime;
use crate::guid::Guid;
use crate::metadata::{ColumnKind, ColumnMeta, Metadata, TableKind, TableMeta};
use crate::security::Caller;
use crate::store::rows::{self, Cells, StoredRow};
use crate::values;

pub const LOGICAL_NAME: &str = "audit";
pub const SCHEMA_NAME: &str = "Audit";
pub const ENTITY_SET: &str = "audits";
/// Dataverse's object type code for audit.
pub const OBJECT_TYPE_CODE: i32 = 4567;

/// What a write did, as Dataverse's audit `action` choice names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    Assign,
    Associate,
    Disassociate,
}

impl Action {
    const ALL: [Action; 6] =
        [Action::Create, Action::Update, Action::Delete, Action::Assign, Action::Associate, Action::Disassociate];

    /// Dataverse's `action` option values: 1 Create, 2 Update, 3 Delete, 13 Assign,
    /// 33 Associate Entities, 34 Disassociate Entities.
    pub fn value(self) -> i32 {
        match self {
            Action::Create => 1,
            Action::Update => 2,
            Action::Delete => 3,
            Action::Assign => 13,
            Action::Associate => 33,
            Action::Disassociate => 34,
        }
    }

    /// Dataverse's `operation` option values: 1 Create, 2 Update, 3 Delete. Assigning, and
    /// relating through a one-to-many relationship, change a column of an existing row: Update.
    pub fn operation(self) -> i32 {
        match self {
            Action::Create => 1,
            Action::Delete => 3,
            Action::Update | Action::Assign | Action::Associate | Action::Disassociate => 2,
        }
    }
}

/// The audit table's columns, the primary id first. All are set by the sandbox (`system`), which
/// also keeps deleting a row from clearing the audit rows that name it.
pub fn columns(tables: &[TableMeta], systemuser: Option<usize>) -> Vec<ColumnMeta> {
    let column = |name: &str, kind: ColumnKind| ColumnMeta { name: name.into(), kind, system: true };
    let users = ColumnKind::Lookup { targets: systemuser.into_iter().collect() };
    let mut operations: Vec<i32> = Action::ALL.iter().map(|a| a.operation()).collect();
    operations.sort_unstable();
    operations.dedup();
    vec![
        ColumnMeta { name: "auditid".into(), kind: ColumnKind::PrimaryKey, system: false },
        column("createdon", ColumnKind::DateTime),
        column("action", ColumnKind::Choice { options: Action::ALL.iter().map(|a| a.value()).collect() }),
        column("operation", ColumnKind::Choice { options: operations }),
        // In the Web API, objecttypecode reads as the table's logical name.
        column("objecttypecode", ColumnKind::String { max_length: 64 }),
        column("objectid", ColumnKind::Lookup { targets: tables.iter().map(|t| t.index).collect() }),
        column("userid", users.clone()),
        column("callinguserid", users),
        column("changedata", ColumnKind::Memo { max_length: 1_048_576 }),
    ]
}

/// One column a write set: its value before and after, as the Web API writes values.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub column: String,
    pub old: Json,
    pub new: Json,
}

/// The columns a new row was given (those with a value; the sandbox's own columns left out).
pub fn created(table: &TableMeta, row: &StoredRow) -> Vec<Change> {
    data_columns(table, row)
        .map(|(column, value)| Change { column: column.name.clone(), old: Json::Null, new: value })
        .collect()
}

/// The values a deleted row held.
pub fn deleted(table: &TableMeta, row: &StoredRow) -> Vec<Change> {
    data_columns(table, row)
        .map(|(column, value)| Change { column: column.name.clone(), old: value, new: Json::Null })
        .collect()
}

/// The columns (by index) a write set, old and new. Dataverse audits every column sent, even
/// one sent with the value it already had.
pub fn changed(table: &TableMeta, before: &StoredRow, after: &StoredRow, columns: &[usize]) -> Vec<Change> {
    columns
        .iter()
        .map(|&i| {
            let column = &table.columns[i];
            Change {
                column: column.name.clone(),
                old: values::sql_to_json(column, &before.values[i]),
                new: values::sql_to_json(column, &after.values[i]),
            }
        })
        .collect()
}

fn data_columns<'t>(table: &'t TableMeta, row: &'t StoredRow) -> impl Iterator<Item = (&'t ColumnMeta, Json)> + 't {
    table
        .columns
        .iter()
        .zip(&row.values)
        .skip(1)
        .filter(|(column, value)| !column.system && **value != SqlValue::Null)
        .map(|(column, value)| (column, values::sql_to_json(column, value)))
}

/// Writes the audit row of a write to `table`'s row `id`, on the write's own transaction.
pub fn record(
    conn: &Connection,
    metadata: &Metadata,
    caller: &Caller,
    table: &TableMeta,
    id: Guid,
    action: Action,
    changes: &[Change],
) -> Result<(), ApiError> {
    let audit = metadata
        .by_logical_name(LOGICAL_NAME)
        .ok_or_else(|| ApiError::unexpected("the metadata has no audit table"))?;
    let changedata = json!({
        "changedAttributes": changes
            .iter()
            .map(|c| json!({ "logicalName": c.column, "oldValue": c.old, "newValue": c.new }))
            .collect::<Vec<_>>(),
    });
    let mut cells = Cells::default();
    cells.set("auditid", SqlValue::Text(next_audit_id(conn)?.to_string()));
    cells.set("createdon", SqlValue::Text(datetime::now()));
    cells.set("action", SqlValue::Integer(action.value().into()));
    cells.set("operation", SqlValue::Integer(action.operation().into()));
    cells.set("objecttypecode", SqlValue::Text(table.logical_name.clone()));
    cells.set_reference_if_present(audit, "objectid", Some((id, table.logical_name.as_str())));
    cells.set_reference_if_present(audit, "userid", Some((caller.user.id, "systemuser")));
    cells.set_reference_if_present(audit, "callinguserid", caller.on_behalf_of().map(|id| (id, "systemuser")));
    cells.set("changedata", SqlValue::Text(changedata.to_string()));
    rows::insert(conn, audit, &cells)?;
    Ok(())
}

/// Audit ids grow with each row (a counter in the first 48 bits, the rest random), so ordering
/// by `auditid` is the order the writes happened in, even within the second `createdon` shows.
fn next_audit_id(conn: &Connection) -> Result<Guid, ApiError> {
    let sequence: i64 = conn
        .prepare_cached("UPDATE _sandbox_counter SET value = value + 1 WHERE name = 'audit' RETURNING value")?
        .query_row([], |row| row.get(0))?;
    let random = Guid::new_random().to_string();
    let text = format!("{:08x}-{:04x}{}", (sequence >> 16) as u32, sequence & 0xffff, &random[13..]);
    Guid::parse(&text).map_err(|e| ApiError::unexpected(format!("audit id: {e}")))
}

/// Audit rows are written by the sandbox alone; Dataverse's audit table is read-only too.
pub fn refuse_write(table: &TableMeta, message: &str) -> Result<(), ApiError> {
    if table.kind != TableKind::Audit {
        return Ok(());
    }
    Err(ApiError::new(
        405,
        "",
        format!("The '{message}' method does not support entities of type '{}'.", table.logical_name),
    ))
}
