//! The tables and columns the sandbox serves, resolved from a checked scenario: what the
//! payload reader, the query translator, the store and the security checks consult.

use std::collections::HashMap;

use crate::relationships::{self, Relationship};
use crate::scenario::{ColumnDef, ColumnType, Ownership, Scenario};

#[derive(Debug)]
pub struct Metadata {
    tables: Vec<TableMeta>,
    relationships: Vec<Relationship>,
    by_logical_name: HashMap<String, usize>,
    by_entity_set: HashMap<String, usize>,
}

#[derive(Debug)]
pub struct TableMeta {
    pub index: usize,
    pub logical_name: String,
    pub schema_name: String,
    pub entity_set_name: String,
    pub object_type_code: i32,
    pub primary_id: String,
    /// The column a row is known by (lookups' formatted values); none for the audit table.
    pub primary_name: Option<String>,
    pub ownership: Ownership,
    pub kind: TableKind,
    /// The primary id first, then the declared columns, then the system columns.
    pub columns: Vec<ColumnMeta>,
    by_property: HashMap<String, usize>,
    navigations: HashMap<String, Navigation>,
    /// Choice columns' labels by column index: their formatted values.
    choice_labels: HashMap<usize, Vec<(i32, String)>>,
    /// Collection-valued navigation properties: name → index into the metadata's relationships.
    collections: HashMap<String, usize>,
}

/// Where a table comes from: the scenario, or the sandbox itself (read-only through the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Scenario,
    /// `audit`: written by the sandbox beside every write (crate::audit), only read through the API.
    Audit,
}

#[derive(Debug, Clone)]
pub struct ColumnMeta {
    /// The logical name, which is also the SQL column name.
    pub name: String,
    pub kind: ColumnKind,
    /// Set by the sandbox (ownership, audit, version), never written from a payload.
    pub system: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    PrimaryKey,
    String {
        max_length: u32,
    },
    Memo {
        max_length: u32,
    },
    Integer,
    /// versionnumber: a 64-bit row version.
    BigInt,
    Decimal,
    Money,
    Boolean,
    DateTime,
    Choice {
        options: Vec<i32>,
    },
    Guid,
    /// Table indexes of the tables it may point at.
    Lookup {
        targets: Vec<usize>,
    },
    /// ownerid: a user or a team.
    Owner,
}

/// A single-valued navigation property: binding it sets `column`; `target` is fixed for typed
/// navigation properties (`parentcustomerid_account`), open for `ownerid`.
#[derive(Debug, Clone, Copy)]
pub struct Navigation {
    pub column: usize,
    pub target: Option<usize>,
}

pub struct SystemColumn {
    pub name: &'static str,
    /// Only tables whose rows have an owner get `ownerid`; organization-owned rows have no
    /// business unit either.
    pub applies_to: fn(Ownership) -> bool,
}

pub const SYSTEM_COLUMNS: [SystemColumn; 9] = [
    SystemColumn { name: "ownerid", applies_to: |o| o == Ownership::User },
    SystemColumn { name: "owningbusinessunit", applies_to: |o| o != Ownership::Organization },
    SystemColumn { name: "createdby", applies_to: |_| true },
    SystemColumn { name: "createdon", applies_to: |_| true },
    SystemColumn { name: "createdonbehalfby", applies_to: |_| true },
    SystemColumn { name: "modifiedby", applies_to: |_| true },
    SystemColumn { name: "modifiedon", applies_to: |_| true },
    SystemColumn { name: "modifiedonbehalfby", applies_to: |_| true },
    SystemColumn { name: "versionnumber", applies_to: |_| true },
];

/// Dataverse's default string length when a scenario gives none.
const DEFAULT_STRING_LENGTH: u32 = 100;
const DEFAULT_MEMO_LENGTH: u32 = 2000;

/// The navigation property that binds `column` to `target`: declared, or the column name for a
/// single-target lookup, or `<column>_<target>` when it has several.
pub fn navigation_property_name(column: &ColumnDef, target: &str, target_count: usize) -> String {
    if let Some(name) = column.navigation_properties.as_ref().and_then(|n| n.get(target)) {
        return name.clone();
    }
    if target_count == 1 {
        column.name.clone()
    } else {
        format!("{}_{}", column.name, target)
    }
}

impl Metadata {
    /// Builds from a scenario that passed validation (names resolve, nothing repeats).
    pub fn from_scenario(scenario: &Scenario) -> Metadata {
        let by_logical_name: HashMap<String, usize> =
            scenario.tables.iter().enumerate().map(|(i, t)| (t.logical_name.clone(), i)).collect();
        let by_entity_set = scenario.tables.iter().enumerate().map(|(i, t)| (t.entity_set_name.clone(), i)).collect();
        let table_of = |name: &str| by_logical_name.get(name).copied();
        let mut tables = Vec::new();
        for (index, def) in scenario.tables.iter().enumerate() {
            let mut columns =
                vec![ColumnMeta { name: def.primary_id_column.clone(), kind: ColumnKind::PrimaryKey, system: false }];
            let mut navigations = HashMap::new();
            let mut choice_labels = HashMap::new();
            for column in &def.columns {
                let kind = match column.column_type {
                    ColumnType::String => {
                        ColumnKind::String { max_length: column.max_length.unwrap_or(DEFAULT_STRING_LENGTH) }
                    }
                    ColumnType::Memo => {
                        ColumnKind::Memo { max_length: column.max_length.unwrap_or(DEFAULT_MEMO_LENGTH) }
                    }
                    ColumnType::Integer => ColumnKind::Integer,
                    ColumnType::Decimal => ColumnKind::Decimal,
                    ColumnType::Money => ColumnKind::Money,
                    ColumnType::Boolean => ColumnKind::Boolean,
                    ColumnType::Datetime => ColumnKind::DateTime,
                    ColumnType::Guid => ColumnKind::Guid,
                    ColumnType::Owner => ColumnKind::Owner,
                    ColumnType::Choice => {
                        let options = column.options.iter().flatten();
                        choice_labels.insert(columns.len(), options.clone().map(|o| (o.value, o.label.clone())).collect());
                        ColumnKind::Choice { options: options.map(|o| o.value).collect() }
                    }
                    ColumnType::Lookup => {
                        let targets: Vec<String> = column.targets.clone().unwrap_or_default();
                        for target in &targets {
                            let nav = navigation_property_name(column, target, targets.len());
                            navigations.insert(nav, Navigation { column: columns.len(), target: table_of(target) });
                        }
                        ColumnKind::Lookup { targets: targets.iter().filter_map(|t| table_of(t)).collect() }
                    }
                };
                columns.push(ColumnMeta { name: column.name.clone(), kind, system: false });
            }
            for system in SYSTEM_COLUMNS.iter().filter(|s| (s.applies_to)(def.ownership)) {
                let kind = match system.name {
                    "ownerid" => ColumnKind::Owner,
                    "owningbusinessunit" => {
                        ColumnKind::Lookup { targets: table_of("businessunit").into_iter().collect() }
                    }
                    "createdon" | "modifiedon" => ColumnKind::DateTime,
                    "versionnumber" => ColumnKind::BigInt,
                    _ => ColumnKind::Lookup { targets: table_of("systemuser").into_iter().collect() },
                };
                // Every system reference is a single-valued navigation property too
                // (`$expand=createdby($select=fullname)`); writing through one is refused.
                match &kind {
                    ColumnKind::Owner => {
                        navigations.insert(system.name.to_string(), Navigation { column: columns.len(), target: None });
                    }
                    ColumnKind::Lookup { targets } => {
                        let target = targets.first().copied();
                        navigations.insert(system.name.to_string(), Navigation { column: columns.len(), target });
                    }
                    _ => {}
                }
                columns.push(ColumnMeta { name: system.name.to_string(), kind, system: true });
            }
            let by_property = columns.iter().enumerate().map(|(i, c)| (c.property_name(), i)).collect();
            tables.push(TableMeta {
                index,
                logical_name: def.logical_name.clone(),
                schema_name: def.schema_name.clone(),
                entity_set_name: def.entity_set_name.clone(),
                // Custom tables get codes from 10000 up, as Dataverse numbers them.
                object_type_code: def.object_type_code.unwrap_or(10000 + index as i32),
                primary_id: def.primary_id_column.clone(),
                primary_name: Some(def.primary_name_column.clone()),
                ownership: def.ownership,
                kind: TableKind::Scenario,
                columns,
                by_property,
                navigations,
                choice_labels,
                collections: HashMap::new(),
            });
        }
        let relationships = build_relationships(scenario, &tables, &by_logical_name);
        // The audit table follows the scenario's tables (validation keeps its names free). It
        // takes part in nothing else: no relationships, no navigation properties.
        let columns = crate::audit::columns(&tables, table_of("systemuser"));
        let mut by_logical_name = by_logical_name;
        let mut by_entity_set: HashMap<String, usize> = by_entity_set;
        let audit_index = tables.len();
        tables.push(TableMeta {
            index: audit_index,
            logical_name: crate::audit::LOGICAL_NAME.into(),
            schema_name: crate::audit::SCHEMA_NAME.into(),
            entity_set_name: crate::audit::ENTITY_SET.into(),
            object_type_code: crate::audit::OBJECT_TYPE_CODE,
            primary_id: columns[0].name.clone(),
            primary_name: None,
            // Dataverse says OwnershipType None: no owner and no business unit, like an
            // organization-owned table.
            ownership: Ownership::Organization,
            kind: TableKind::Audit,
            by_property: columns.iter().enumerate().map(|(i, c)| (c.property_name(), i)).collect(),
            columns,
            navigations: HashMap::new(),
            choice_labels: HashMap::new(),
            collections: HashMap::new(),
        });
        by_logical_name.insert(crate::audit::LOGICAL_NAME.into(), audit_index);
        by_entity_set.insert(crate::audit::ENTITY_SET.into(), audit_index);
        for (index, relationship) in relationships.iter().enumerate() {
            tables[relationship.referenced_table].collections.insert(relationship.schema_name.clone(), index);
        }
        Metadata { tables, relationships, by_logical_name, by_entity_set }
    }

    pub fn relationship(&self, index: usize) -> &Relationship {
        &self.relationships[index]
    }

    pub fn relationships(&self) -> &[Relationship] {
        &self.relationships
    }

    pub fn tables(&self) -> &[TableMeta] {
        &self.tables
    }

    pub fn table(&self, index: usize) -> &TableMeta {
        &self.tables[index]
    }

    pub fn table_index(&self, logical_name: &str) -> Option<usize> {
        self.by_logical_name.get(logical_name).copied()
    }

    pub fn by_logical_name(&self, logical_name: &str) -> Option<&TableMeta> {
        self.table_index(logical_name).map(|i| &self.tables[i])
    }

    pub fn by_entity_set(&self, entity_set: &str) -> Option<&TableMeta> {
        self.by_entity_set.get(entity_set).map(|&i| &self.tables[i])
    }
}

impl TableMeta {
    /// The column a Web API property names (`firstname`, `_parentcustomerid_value`).
    pub fn column_by_property(&self, property: &str) -> Option<(usize, &ColumnMeta)> {
        self.by_property.get(property).map(|&i| (i, &self.columns[i]))
    }

    pub fn column_by_name(&self, name: &str) -> Option<(usize, &ColumnMeta)> {
        self.columns.iter().enumerate().find(|(_, c)| c.name == name)
    }

    pub fn navigation(&self, name: &str) -> Option<Navigation> {
        self.navigations.get(name).copied()
    }

    /// The single-valued navigation property that binds `column` to `target` (a table index):
    /// what `@Microsoft.Dynamics.CRM.associatednavigationproperty` names.
    pub fn navigation_of(&self, column: usize, target: Option<usize>) -> Option<&str> {
        let all: Vec<(&String, &Navigation)> = self.navigations.iter().filter(|(_, n)| n.column == column).collect();
        all.iter()
            .find(|(_, n)| n.target.is_some() && n.target == target)
            .or_else(|| all.iter().find(|(_, n)| n.target.is_none()))
            .map(|(name, _)| name.as_str())
    }

    /// A choice value's label.
    pub fn choice_label(&self, column: usize, value: i64) -> Option<&str> {
        self.choice_labels.get(&column)?.iter().find(|(v, _)| i64::from(*v) == value).map(|(_, label)| label.as_str())
    }

    /// The relationship (index into the metadata's) a collection-valued navigation property names.
    pub fn collection(&self, name: &str) -> Option<usize> {
        self.collections.get(name).copied()
    }

    pub fn navigation_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.navigations.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.columns.iter().any(|c| c.name == name)
    }

    /// `Microsoft.Dynamics.CRM.<logicalname>`, the OData type name errors mention.
    pub fn odata_type(&self) -> String {
        format!("Microsoft.Dynamics.CRM.{}", self.logical_name)
    }
}

impl ColumnMeta {
    /// The property name in Web API payloads and query options.
    pub fn property_name(&self) -> String {
        if self.is_reference() {
            format!("_{}_value", self.name)
        } else {
            self.name.clone()
        }
    }

    /// Lookups and the owner point at rows; their values are GUIDs with a target table.
    pub fn is_reference(&self) -> bool {
        matches!(self.kind, ColumnKind::Lookup { .. } | ColumnKind::Owner)
    }

    /// The SQL column keeping the logical name of the table a reference points at. `$` cannot
    /// appear in a logical name, so this never collides with a declared column.
    pub fn target_table_column(&self) -> String {
        format!("{}$table", self.name)
    }

    pub fn edm_type(&self) -> &'static str {
        match self.kind {
            ColumnKind::PrimaryKey | ColumnKind::Guid | ColumnKind::Lookup { .. } | ColumnKind::Owner => "Edm.Guid",
            ColumnKind::String { .. } | ColumnKind::Memo { .. } => "Edm.String",
            ColumnKind::Integer | ColumnKind::Choice { .. } => "Edm.Int32",
            ColumnKind::BigInt => "Edm.Int64",
            ColumnKind::Decimal | ColumnKind::Money => "Edm.Decimal",
            ColumnKind::Boolean => "Edm.Boolean",
            ColumnKind::DateTime => "Edm.DateTimeOffset",
        }
    }
}

/// One relationship per reference column and target table, in table and column order.
fn build_relationships(
    scenario: &Scenario,
    tables: &[TableMeta],
    by_logical_name: &HashMap<String, usize>,
) -> Vec<Relationship> {
    let mut found = Vec::new();
    for (table, def) in tables.iter().zip(&scenario.tables) {
        for (column_index, column) in table.columns.iter().enumerate() {
            let declared = def.columns.iter().find(|c| c.name == column.name);
            let targets: Vec<String> = match (&column.kind, declared) {
                (ColumnKind::Owner, _) => vec!["systemuser".into(), "team".into()],
                (ColumnKind::Lookup { targets }, _) => targets.iter().map(|&i| tables[i].logical_name.clone()).collect(),
                _ => continue,
            };
            for target in &targets {
                let Some(&referenced_table) = by_logical_name.get(target) else { continue };
                let (schema_name, referencing_navigation) = match declared {
                    Some(def_column) if !column.system => (
                        relationships::lookup_relationship_name(&table.logical_name, def_column, target, targets.len()),
                        navigation_property_name(def_column, target, targets.len()),
                    ),
                    _ => (
                        relationships::system_relationship_name(&table.logical_name, &column.name, target),
                        column.name.clone(),
                    ),
                };
                found.push(Relationship {
                    schema_name,
                    referenced_table,
                    referencing_table: table.index,
                    referencing_column: column_index,
                    referencing_navigation,
                    system: column.system,
                });
            }
        }
    }
    found
}

/// Quotes an identifier for SQL. Names come from validated metadata, never from a request,
/// and are quoted anyway so that SQL keywords (`name`, `order`) are safe as column names.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_become_value_properties_and_navigation_properties() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let contact = metadata.by_entity_set("contacts").unwrap();
        assert_eq!(contact.primary_id, "contactid");
        assert!(contact.column_by_property("_parentcustomerid_value").is_some());
        assert!(contact.column_by_property("parentcustomerid").is_none());
        let nav = contact.navigation("parentcustomerid_account").unwrap();
        assert_eq!(nav.target, metadata.table_index("account"));
        assert!(contact.navigation("ownerid").is_some());
        assert!(contact.column_by_property("_ownerid_value").is_some());
    }

    #[test]
    fn lookups_give_the_referenced_table_a_collection_valued_navigation_property() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let account = metadata.by_logical_name("account").unwrap();
        let relationship = metadata.relationship(account.collection("contact_customer_accounts").unwrap());
        assert_eq!(relationship.referencing_table, metadata.table_index("contact").unwrap());
        assert_eq!(relationship.referencing_navigation, "parentcustomerid_account");
        assert!(!relationship.system);
        assert!(account.collection("Account_Tasks").is_some());
        assert!(account.collection("account_parent_account").is_some());
        let contact = metadata.by_logical_name("contact").unwrap();
        assert!(contact.collection("contact_customer_contacts").is_some());
        assert!(contact.collection("contact_customer_accounts").is_none());
        // System columns: read through `$expand`, named as Dataverse names them for custom tables.
        let user = metadata.by_logical_name("systemuser").unwrap();
        assert!(user.collection("user_contact").is_some() && user.collection("lk_contact_createdby").is_some());
        assert!(metadata.by_logical_name("team").unwrap().collection("team_account").is_some());
        assert!(contact.navigation("createdby").is_some());
    }

    #[test]
    fn business_owned_tables_have_no_owner() {
        let metadata = Metadata::from_scenario(&Scenario::builtin());
        let user = metadata.by_logical_name("systemuser").unwrap();
        assert!(!user.has_column("ownerid"));
        assert!(user.has_column("owningbusinessunit"));
    }
}
