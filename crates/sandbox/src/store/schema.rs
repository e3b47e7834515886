//! The SQLite schema: one STRICT table per Dataverse table, plus the sandbox's own tables
//! (named `_sandbox_…`, which no logical name can be, since those start with a letter).

use rusqlite::Transaction;

use crate::metadata::{quote_ident, ColumnKind, Metadata, TableMeta};

const SANDBOX_TABLES: &str = "
CREATE TABLE _sandbox_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
CREATE TABLE _sandbox_counter (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) STRICT;
CREATE TABLE _sandbox_privilege (privilegeid TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE) STRICT;
CREATE TABLE _sandbox_role (roleid TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL UNIQUE, businessunitid TEXT NOT NULL) STRICT;
CREATE TABLE _sandbox_roleprivilege (
    roleid TEXT NOT NULL, privilegeid TEXT NOT NULL, depth INTEGER NOT NULL CHECK (depth IN (1, 2, 4, 8)),
    PRIMARY KEY (roleid, privilegeid)) STRICT;
CREATE TABLE _sandbox_userrole (systemuserid TEXT NOT NULL, roleid TEXT NOT NULL, PRIMARY KEY (systemuserid, roleid)) STRICT;
CREATE TABLE _sandbox_teamrole (teamid TEXT NOT NULL, roleid TEXT NOT NULL, PRIMARY KEY (teamid, roleid)) STRICT;
CREATE TABLE _sandbox_teammember (teamid TEXT NOT NULL, systemuserid TEXT NOT NULL, PRIMARY KEY (teamid, systemuserid)) STRICT;
CREATE INDEX _sandbox_teammember_user ON _sandbox_teammember (systemuserid);
CREATE TABLE _sandbox_share (objectid TEXT NOT NULL, principalid TEXT NOT NULL, principaltype INTEGER NOT NULL,
    mask INTEGER NOT NULL, PRIMARY KEY (objectid, principalid)) STRICT;
CREATE INDEX _sandbox_share_principal ON _sandbox_share (principalid);
INSERT INTO _sandbox_counter (name, value) VALUES ('versionnumber', 1000), ('audit', 0);
";

pub fn create(tx: &Transaction, metadata: &Metadata) -> rusqlite::Result<()> {
    tx.execute_batch(SANDBOX_TABLES)?;
    for table in metadata.tables() {
        tx.execute_batch(&table_ddl(table))?;
    }
    Ok(())
}

fn table_ddl(table: &TableMeta) -> String {
    let mut columns = Vec::new();
    let mut indexes = Vec::new();
    for column in &table.columns {
        let name = quote_ident(&column.name);
        let definition = match &column.kind {
            ColumnKind::PrimaryKey => "TEXT PRIMARY KEY NOT NULL",
            // Dataverse compares text case-insensitively (SQL Server collation); NOCASE gives
            // the same for =, <, ORDER BY and LIKE on ASCII text.
            ColumnKind::String { .. } | ColumnKind::Memo { .. } => "TEXT COLLATE NOCASE",
            ColumnKind::Integer | ColumnKind::Choice { .. } | ColumnKind::Boolean => "INTEGER",
            ColumnKind::BigInt => "INTEGER NOT NULL",
            ColumnKind::Decimal | ColumnKind::Money => "REAL",
            ColumnKind::DateTime | ColumnKind::Guid => "TEXT",
            ColumnKind::Lookup { .. } | ColumnKind::Owner => "TEXT",
        };
        columns.push(format!("{name} {definition}"));
        if column.is_reference() {
            columns.push(format!("{} TEXT", quote_ident(&column.target_table_column())));
            // Lookups are filtered on (and the owner and business unit by every secured read).
            indexes.push(format!(
                "CREATE INDEX {} ON {} ({name});",
                quote_ident(&format!("{}__{}", table.logical_name, column.name)),
                quote_ident(&table.logical_name)
            ));
        }
    }
    format!(
        "CREATE TABLE {} (\n  {}\n) STRICT;\n{}",
        quote_ident(&table.logical_name),
        columns.join(",\n  "),
        indexes.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn contact_gets_typed_columns_and_system_columns() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let ddl = table_ddl(metadata.by_logical_name("contact").unwrap());
        for expected in [
            "\"contactid\" TEXT PRIMARY KEY NOT NULL",
            "\"firstname\" TEXT COLLATE NOCASE",
            "\"numberofchildren\" INTEGER",
            "\"creditlimit\" REAL",
            "\"parentcustomerid$table\" TEXT",
            "\"ownerid\" TEXT",
            "\"versionnumber\" INTEGER NOT NULL",
            ") STRICT;",
        ] {
            assert!(ddl.contains(expected), "missing {expected} in\n{ddl}");
        }
    }
}
