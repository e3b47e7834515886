//! Reading and writing rows of Dataverse tables.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

use crate::guid::Guid;
use crate::metadata::{quote_ident, ColumnMeta, TableMeta};
use crate::security::{PrincipalKind, RowSecurity};

/// A row as stored: one value per column of the table (in metadata order), and for reference
/// columns the logical name of the table pointed at.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    pub values: Vec<SqlValue>,
    pub targets: Vec<Option<String>>,
}

impl StoredRow {
    pub fn id(&self) -> Option<Guid> {
        match &self.values[0] {
            SqlValue::Text(t) => Guid::parse(t).ok(),
            _ => None,
        }
    }

    pub fn value(&self, table: &TableMeta, column: &str) -> &SqlValue {
        const NULL: &SqlValue = &SqlValue::Null;
        table.column_by_name(column).map(|(i, _)| &self.values[i]).unwrap_or(NULL)
    }

    pub fn guid(&self, table: &TableMeta, column: &str) -> Option<Guid> {
        match self.value(table, column) {
            SqlValue::Text(t) => Guid::parse(t).ok(),
            _ => None,
        }
    }

    pub fn version(&self, table: &TableMeta) -> i64 {
        match self.value(table, "versionnumber") {
            SqlValue::Integer(v) => *v,
            _ => 0,
        }
    }

    /// `W/"<versionnumber>"`, the weak ETag Dataverse derives from the row version.
    pub fn etag(&self, table: &TableMeta) -> String {
        format!("W/\"{}\"", self.version(table))
    }

    pub fn security(&self, table: &TableMeta) -> RowSecurity {
        let owner = self.guid(table, "ownerid").map(|id| {
            let kind = match table.column_by_name("ownerid").and_then(|(i, _)| self.targets[i].as_deref()) {
                Some("team") => PrincipalKind::Team,
                _ => PrincipalKind::User,
            };
            (id, kind)
        });
        RowSecurity {
            id: self.id().unwrap_or_else(Guid::new_random),
            owner,
            business_unit: self.guid(table, "owningbusinessunit"),
        }
    }
}

/// The columns to select for a [`StoredRow`], each qualified with the table name.
pub fn select_list(table: &TableMeta) -> String {
    let qualified = quote_ident(&table.logical_name);
    let mut names = Vec::new();
    for column in &table.columns {
        names.push(format!("{qualified}.{}", quote_ident(&column.name)));
        if column.is_reference() {
            names.push(format!("{qualified}.{}", quote_ident(&column.target_table_column())));
        }
    }
    names.join(", ")
}

/// Reads a row selected with [`select_list`].
pub fn read(row: &Row, table: &TableMeta) -> rusqlite::Result<StoredRow> {
    let mut values = Vec::with_capacity(table.columns.len());
    let mut targets = Vec::with_capacity(table.columns.len());
    let mut at = 0;
    for column in &table.columns {
        values.push(row.get::<_, SqlValue>(at)?);
        at += 1;
        if column.is_reference() {
            targets.push(row.get::<_, Option<String>>(at)?);
            at += 1;
        } else {
            targets.push(None);
        }
    }
    Ok(StoredRow { values, targets })
}

pub fn load(conn: &Connection, table: &TableMeta, id: Guid) -> rusqlite::Result<Option<StoredRow>> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?1",
        select_list(table),
        quote_ident(&table.logical_name),
        quote_ident(&table.primary_id)
    );
    conn.prepare_cached(&sql)?.query_row(params![id.to_string()], |row| read(row, table)).optional()
}

pub fn exists(conn: &Connection, table: &TableMeta, id: Guid) -> rusqlite::Result<bool> {
    let sql =
        format!("SELECT 1 FROM {} WHERE {} = ?1", quote_ident(&table.logical_name), quote_ident(&table.primary_id));
    Ok(conn.prepare_cached(&sql)?.query_row(params![id.to_string()], |_| Ok(())).optional()?.is_some())
}

/// Column assignments for an insert or an update, by SQL column name.
#[derive(Debug, Default, Clone)]
pub struct Cells(Vec<(String, SqlValue)>);

impl Cells {
    pub fn set(&mut self, column: &str, value: SqlValue) {
        match self.0.iter_mut().find(|(name, _)| name == column) {
            Some(cell) => cell.1 = value,
            None => self.0.push((column.to_string(), value)),
        }
    }

    /// A reference: the id and the table it points at (both NULL to clear).
    pub fn set_reference(&mut self, column: &ColumnMeta, target: Option<(Guid, &str)>) {
        let (id, table) = match target {
            Some((id, table)) => (SqlValue::Text(id.to_string()), SqlValue::Text(table.to_string())),
            None => (SqlValue::Null, SqlValue::Null),
        };
        self.set(&column.name, id);
        self.set(&column.target_table_column(), table);
    }

    /// Sets a column only where the table has it (system columns differ by ownership).
    pub fn set_if_present(&mut self, table: &TableMeta, column: &str, value: SqlValue) {
        if table.has_column(column) {
            self.set(column, value);
        }
    }

    pub fn set_reference_if_present(&mut self, table: &TableMeta, column: &str, target: Option<(Guid, &str)>) {
        if let Some((_, meta)) = table.column_by_name(column) {
            let meta = meta.clone();
            self.set_reference(&meta, target);
        }
    }
}

pub fn insert(conn: &Connection, table: &TableMeta, cells: &Cells) -> rusqlite::Result<()> {
    let names: Vec<String> = cells.0.iter().map(|(n, _)| quote_ident(n)).collect();
    let marks = vec!["?"; names.len()].join(", ");
    let sql = format!("INSERT INTO {} ({}) VALUES ({marks})", quote_ident(&table.logical_name), names.join(", "));
    conn.prepare_cached(&sql)?.execute(params_from_iter(cells.0.iter().map(|(_, v)| v)))?;
    Ok(())
}

pub fn update(conn: &Connection, table: &TableMeta, id: Guid, cells: &Cells) -> rusqlite::Result<()> {
    if cells.0.is_empty() {
        return Ok(());
    }
    let assignments: Vec<String> = cells.0.iter().map(|(n, _)| format!("{} = ?", quote_ident(n))).collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE {} = ?",
        quote_ident(&table.logical_name),
        assignments.join(", "),
        quote_ident(&table.primary_id)
    );
    let values = cells.0.iter().map(|(_, v)| v.clone()).chain(std::iter::once(SqlValue::Text(id.to_string())));
    conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
    Ok(())
}

pub fn delete(conn: &Connection, table: &TableMeta, id: Guid) -> rusqlite::Result<()> {
    let sql = format!("DELETE FROM {} WHERE {} = ?1", quote_ident(&table.logical_name), quote_ident(&table.primary_id));
    conn.prepare_cached(&sql)?.execute(params![id.to_string()])?;
    Ok(())
}

/// Clears every lookup in `tables` that points at the deleted row (Dataverse's default
/// "remove link" behaviour for non-parental relationships).
pub fn clear_references_to(
    conn: &Connection,
    tables: &[TableMeta],
    target_table: &str,
    id: Guid,
) -> rusqlite::Result<()> {
    for table in tables {
        for column in table.columns.iter().filter(|c| c.is_reference() && !c.system) {
            let sql = format!(
                "UPDATE {t} SET {c} = NULL, {ct} = NULL WHERE {c} = ?1 AND {ct} = ?2",
                t = quote_ident(&table.logical_name),
                c = quote_ident(&column.name),
                ct = quote_ident(&column.target_table_column())
            );
            conn.prepare_cached(&sql)?.execute(params![id.to_string(), target_table])?;
        }
    }
    Ok(())
}

/// The next row version. One counter for the whole store, as Dataverse's row versions are
/// unique across the organization.
pub fn next_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("UPDATE _sandbox_counter SET value = value + 1 WHERE name = 'versionnumber' RETURNING value")?
        .query_row([], |row| row.get(0))
}

/// Who wrote a row, when, and the version the write gets.
#[derive(Debug, Clone)]
pub struct Authorship {
    /// The acting user (the impersonated one when impersonating).
    pub user: Guid,
    /// The real caller when impersonating.
    pub on_behalf_of: Option<Guid>,
    pub at: String,
    pub version: i64,
}

impl Cells {
    pub fn stamp_created(&mut self, table: &TableMeta, by: &Authorship) {
        self.set_reference_if_present(table, "createdby", Some((by.user, "systemuser")));
        self.set_reference_if_present(table, "createdonbehalfby", by.on_behalf_of.map(|id| (id, "systemuser")));
        self.set_if_present(table, "createdon", SqlValue::Text(by.at.clone()));
        self.stamp_modified(table, by);
    }

    pub fn stamp_modified(&mut self, table: &TableMeta, by: &Authorship) {
        self.set_reference_if_present(table, "modifiedby", Some((by.user, "systemuser")));
        self.set_reference_if_present(table, "modifiedonbehalfby", by.on_behalf_of.map(|id| (id, "systemuser")));
        self.set_if_present(table, "modifiedon", SqlValue::Text(by.at.clone()));
        self.set_if_present(table, "versionnumber", SqlValue::Integer(by.version));
    }

    /// The owner and the business unit the row then belongs to.
    pub fn set_owner(&mut self, table: &TableMeta, owner: Guid, kind: PrincipalKind, business_unit: Guid) {
        let owner_table = match kind {
            PrincipalKind::User => "systemuser",
            PrincipalKind::Team => "team",
        };
        self.set_reference_if_present(table, "ownerid", Some((owner, owner_table)));
        self.set_reference_if_present(table, "owningbusinessunit", Some((business_unit, "businessunit")));
    }
}
