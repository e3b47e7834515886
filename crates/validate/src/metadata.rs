//! What an environment says about its tables, for the rules that need it. Built by whoever
//! attaches an environment (the embedded sandbox now, a real environment's EntityDefinitions later).

#[derive(Clone, Debug, Default)]
pub struct EnvironmentMetadata {
    pub tables: Vec<TableInfo>,
}

#[derive(Clone, Debug)]
pub struct TableInfo {
    pub logical_name: String,
    pub entity_set_name: String,
    pub primary_id_column: String,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Clone, Debug)]
pub struct ColumnInfo {
    pub name: String,
    pub kind: ColumnKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ColumnKind {
    Text { max_length: Option<u32> },
    Integer,
    Decimal,
    Boolean,
    DateTime,
    Choice { values: Vec<i64> },
    /// Logical names of the tables it may point at.
    Lookup { targets: Vec<String> },
    Guid,
    Other,
}

/// Columns every table has, whether or not the metadata lists them.
pub const SYSTEM_COLUMNS: &[&str] = &[
    "ownerid",
    "owningbusinessunit",
    "owninguser",
    "owningteam",
    "createdby",
    "createdon",
    "createdonbehalfby",
    "modifiedby",
    "modifiedon",
    "modifiedonbehalfby",
    "statecode",
    "statuscode",
    "versionnumber",
    "overriddencreatedon",
    "importsequencenumber",
];

impl EnvironmentMetadata {
    pub fn by_entity_set(&self, set: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.entity_set_name.eq_ignore_ascii_case(set))
    }

    pub fn by_logical_name(&self, name: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.logical_name.eq_ignore_ascii_case(name))
    }
}

impl TableInfo {
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// A column, a lookup's `_name_value` form, the primary id, or a system column.
    pub fn knows(&self, name: &str) -> bool {
        let lookup_value = name.strip_prefix('_').and_then(|n| n.strip_suffix("_value"));
        self.column(name).is_some()
            || self.primary_id_column.eq_ignore_ascii_case(name)
            || SYSTEM_COLUMNS.iter().any(|s| s.eq_ignore_ascii_case(name))
            || lookup_value.is_some_and(|n| self.column(n).is_some() || SYSTEM_COLUMNS.iter().any(|s| s.eq_ignore_ascii_case(n)))
    }
}
