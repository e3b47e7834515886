//! One-to-many relationships: every lookup (and every system reference column) relates the table
//! it points at (referenced, "one") to the table that holds it (referencing, "many"). The
//! referencing table reaches the row through a single-valued navigation property (the lookup's);
//! the referenced table reaches its rows through a collection-valued navigation property named
//! as the relationship's schema name, as Dataverse names it (`contact_customer_accounts`).

use crate::scenario::{ColumnDef, Scenario};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// Also the collection-valued navigation property on the referenced table.
    pub schema_name: String,
    /// Table indexes into the metadata.
    pub referenced_table: usize,
    pub referencing_table: usize,
    /// The referencing table's column (index into its columns) that holds the reference.
    pub referencing_column: usize,
    /// The single-valued navigation property on the referencing table (`parentcustomerid_account`).
    pub referencing_navigation: String,
    /// Declared by the sandbox for a system column (createdby, ownerid, …); such a relationship
    /// is read through `$expand` but never written through `$ref`.
    pub system: bool,
}

/// The schema name of a declared lookup's relationship with `target`: declared in the scenario,
/// else `<table>_<column>` for a single-target lookup, `<table>_<column>_<target>` for several.
pub fn lookup_relationship_name(table: &str, column: &ColumnDef, target: &str, target_count: usize) -> String {
    if let Some(name) = column.relationships.as_ref().and_then(|r| r.get(target)) {
        return name.clone();
    }
    if target_count == 1 {
        format!("{table}_{}", column.name)
    } else {
        format!("{table}_{}_{target}", column.name)
    }
}

/// The schema name of a system column's relationship, as Dataverse names them for custom
/// tables: `lk_<table>_createdby`, `business_unit_<table>`, `user_<table>` / `team_<table>` for
/// the owner.
pub fn system_relationship_name(table: &str, column: &str, target: &str) -> String {
    match (column, target) {
        ("ownerid", "team") => format!("team_{table}"),
        ("ownerid", _) => format!("user_{table}"),
        ("owningbusinessunit", _) => format!("business_unit_{table}"),
        _ => format!("lk_{table}_{column}"),
    }
}

/// Every collection-valued navigation property a scenario gives, as
/// (referenced table, name, where it comes from): what validation checks for clashes.
pub fn collection_names(scenario: &Scenario) -> Vec<(String, String, String)> {
    let mut names = Vec::new();
    for table in &scenario.tables {
        for column in &table.columns {
            let targets = column.targets.clone().unwrap_or_default();
            for target in &targets {
                let name = lookup_relationship_name(&table.logical_name, column, target, targets.len());
                names.push((target.clone(), name, format!("{}.{}", table.logical_name, column.name)));
            }
        }
    }
    names
}
