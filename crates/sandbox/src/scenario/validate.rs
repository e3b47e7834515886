//! Checks a parsed scenario and reports every problem with where it is, so a scenario author
//! fixes them in one pass instead of one per start.

use std::collections::{HashMap, HashSet};
use std::fmt;

use super::{ColumnDef, ColumnType, Depth, Ownership, Right, Scenario, TableDef};
use crate::metadata::{Metadata, SYSTEM_COLUMNS};
use crate::payload;
use crate::security::privileges::MISC_PRIVILEGES;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// A path into the scenario, e.g. `tables[contact].columns[firstname].maxLength`.
    pub at: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("the scenario is not valid JSON for a scenario at line {line}, column {column}: {message}")]
    Syntax { line: usize, column: usize, message: String },
    #[error("{}", describe(.0))]
    Invalid(Vec<Problem>),
}

fn describe(problems: &[Problem]) -> String {
    let mut text = format!("the scenario has {} problem(s):", problems.len());
    for p in problems {
        text.push_str(&format!("\n- at {}: {}", p.at, p.message));
    }
    text
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, at: impl fmt::Display, message: impl Into<String>) {
        self.0.push(Problem { at: at.to_string(), message: message.into() });
    }
}

/// Lowercase letters, digits and underscores, starting with a letter: Dataverse logical names.
/// The store also relies on this to keep its own tables (`_sandbox_…`) apart.
pub(crate) fn is_logical_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && name.len() <= 64
}

fn is_schema_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64
}

fn is_persona_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-'))
        && name.len() <= 64
}

/// A column the security model reads: name, type and (for lookups) the target table.
type RequiredColumn = (&'static str, ColumnType, Option<&'static str>);

/// The security tables, their primary ids and the columns the security model reads.
const SECURITY_TABLES: [(&str, &str, &[RequiredColumn]); 3] = [
    (
        "systemuser",
        "systemuserid",
        &[
            ("fullname", ColumnType::String, None),
            ("domainname", ColumnType::String, None),
            ("azureactivedirectoryobjectid", ColumnType::Guid, None),
            ("businessunitid", ColumnType::Lookup, Some("businessunit")),
        ],
    ),
    (
        "team",
        "teamid",
        &[("name", ColumnType::String, None), ("businessunitid", ColumnType::Lookup, Some("businessunit"))],
    ),
    (
        "businessunit",
        "businessunitid",
        &[("name", ColumnType::String, None), ("parentbusinessunitid", ColumnType::Lookup, Some("businessunit"))],
    ),
];

pub(super) fn check(scenario: &Scenario) -> Result<(), ScenarioError> {
    let mut problems = Problems(Vec::new());
    check_tables(scenario, &mut problems);
    check_security_tables(scenario, &mut problems);
    check_business_units(scenario, &mut problems);
    check_roles(scenario, &mut problems);
    check_teams_and_users(scenario, &mut problems);
    check_unique_ids(scenario, &mut problems);
    check_relationship_names(scenario, &mut problems);
    if problems.0.is_empty() {
        // Rows are checked against the tables, so only once the tables themselves are sound.
        check_rows(scenario, &mut problems);
    }
    if problems.0.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid(problems.0))
    }
}

fn check_tables(scenario: &Scenario, problems: &mut Problems) {
    let table_names: HashSet<&str> = scenario.tables.iter().map(|t| t.logical_name.as_str()).collect();
    let mut seen_logical = HashSet::new();
    let mut seen_sets = HashSet::new();
    let mut seen_schema = HashSet::new();
    let mut seen_otc = HashSet::new();
    if scenario.tables.is_empty() {
        problems.add("tables", "a scenario needs at least the security tables systemuser, team and businessunit");
    }
    for (index, table) in scenario.tables.iter().enumerate() {
        let at = format!(
            "tables[{}]",
            if table.logical_name.is_empty() { index.to_string() } else { table.logical_name.clone() }
        );
        if !is_logical_name(&table.logical_name) {
            problems.add(
                &at,
                format!(
                    "logicalName '{}' must be lowercase letters, digits and '_', starting with a letter",
                    table.logical_name
                ),
            );
        }
        // The audit table is the sandbox's own (crate::audit); a scenario cannot declare it.
        if table.logical_name == crate::audit::LOGICAL_NAME || table.entity_set_name == crate::audit::ENTITY_SET {
            problems.add(
                &at,
                format!(
                    "'{}' ({}) is the sandbox's built-in audit table; give the table another name",
                    table.logical_name, table.entity_set_name
                ),
            );
        }
        if table.object_type_code == Some(crate::audit::OBJECT_TYPE_CODE) {
            problems.add(
                format!("{at}.objectTypeCode"),
                format!("{} is the object type code of the built-in audit table", crate::audit::OBJECT_TYPE_CODE),
            );
        }
        if !seen_logical.insert(table.logical_name.as_str()) {
            problems.add(&at, format!("a second table is named '{}'", table.logical_name));
        }
        if !is_logical_name(&table.entity_set_name) {
            problems.add(
                format!("{at}.entitySetName"),
                format!("'{}' must be lowercase letters, digits and '_'", table.entity_set_name),
            );
        }
        if !seen_sets.insert(table.entity_set_name.as_str()) {
            problems.add(
                format!("{at}.entitySetName"),
                format!("'{}' is already the entity set of another table", table.entity_set_name),
            );
        }
        if !is_schema_name(&table.schema_name) {
            problems.add(
                format!("{at}.schemaName"),
                format!("'{}' must be letters, digits and '_', starting with a letter", table.schema_name),
            );
        }
        if !seen_schema.insert(table.schema_name.to_ascii_lowercase()) {
            problems.add(
                format!("{at}.schemaName"),
                format!(
                    "'{}' is already the schema name of another table (privilege names would clash)",
                    table.schema_name
                ),
            );
        }
        if let Some(otc) = table.object_type_code {
            if otc <= 0 {
                problems.add(format!("{at}.objectTypeCode"), "must be a positive number");
            }
            if !seen_otc.insert(otc) {
                problems.add(
                    format!("{at}.objectTypeCode"),
                    format!("{otc} is already the object type code of another table"),
                );
            }
        }
        if !is_logical_name(&table.primary_id_column) {
            problems.add(
                format!("{at}.primaryIdColumn"),
                format!("'{}' is not a valid column name", table.primary_id_column),
            );
        }
        check_columns(table, &at, &table_names, problems);
        match table.columns.iter().find(|c| c.name == table.primary_name_column) {
            Some(c) if c.column_type == ColumnType::String => {}
            Some(_) => problems.add(
                format!("{at}.primaryNameColumn"),
                format!("'{}' must be a string column", table.primary_name_column),
            ),
            None => problems.add(
                format!("{at}.primaryNameColumn"),
                format!("'{}' is not one of the table's columns", table.primary_name_column),
            ),
        }
    }
}

fn check_columns(table: &TableDef, table_at: &str, table_names: &HashSet<&str>, problems: &mut Problems) {
    let mut seen = HashSet::new();
    let mut navigation_names: HashMap<String, String> = HashMap::new();
    for (index, column) in table.columns.iter().enumerate() {
        let at = format!(
            "{table_at}.columns[{}]",
            if column.name.is_empty() { index.to_string() } else { column.name.clone() }
        );
        if !is_logical_name(&column.name) {
            problems.add(
                &at,
                format!("'{}' must be lowercase letters, digits and '_', starting with a letter", column.name),
            );
        }
        if !seen.insert(column.name.as_str()) {
            problems.add(&at, "a second column has this name");
        }
        if column.name == table.primary_id_column {
            problems.add(&at, "the primary id column is added by the sandbox; do not declare it");
        }
        if SYSTEM_COLUMNS.iter().any(|s| s.name == column.name) {
            problems.add(&at, format!("'{}' is a system column the sandbox adds itself", column.name));
        }
        check_column_fields(column, &at, table_names, problems);
        if column.column_type == ColumnType::Lookup {
            let targets = column.targets.clone().unwrap_or_default();
            for target in &targets {
                let nav = crate::metadata::navigation_property_name(column, target, targets.len());
                if let Some(other) = navigation_names.insert(nav.clone(), column.name.clone()) {
                    problems.add(&at, format!("navigation property '{nav}' is also used by column '{other}'"));
                }
            }
        }
    }
}

fn check_column_fields(column: &ColumnDef, at: &str, table_names: &HashSet<&str>, problems: &mut Problems) {
    let kind = column.column_type;
    let is_text = matches!(kind, ColumnType::String | ColumnType::Memo);
    match (column.max_length, is_text) {
        (Some(_), false) => {
            problems.add(format!("{at}.maxLength"), "maxLength applies to string and memo columns only")
        }
        (Some(0), true) => problems.add(format!("{at}.maxLength"), "must be at least 1"),
        (Some(n), true) if n > 1_048_576 => problems.add(format!("{at}.maxLength"), "must be at most 1048576"),
        _ => {}
    }
    match (&column.options, kind) {
        (Some(options), ColumnType::Choice) => {
            if options.is_empty() {
                problems.add(format!("{at}.options"), "a choice column needs at least one option");
            }
            let mut values = HashSet::new();
            for option in options {
                if !values.insert(option.value) {
                    problems.add(format!("{at}.options"), format!("value {} appears twice", option.value));
                }
            }
        }
        (None, ColumnType::Choice) => problems
            .add(format!("{at}.options"), "a choice column needs its options ([{\"value\": 1, \"label\": \"…\"}])"),
        (Some(_), _) => problems.add(format!("{at}.options"), "options apply to choice columns only"),
        (None, _) => {}
    }
    match (&column.targets, kind) {
        (Some(targets), ColumnType::Lookup) => {
            if targets.is_empty() {
                problems.add(format!("{at}.targets"), "a lookup needs at least one target table");
            }
            for target in targets {
                if !table_names.contains(target.as_str()) {
                    problems.add(format!("{at}.targets"), format!("no table named '{target}'"));
                }
            }
            if let Some(navs) = &column.navigation_properties {
                for (target, nav) in navs {
                    if !targets.contains(target) {
                        problems.add(
                            format!("{at}.navigationProperties"),
                            format!("'{target}' is not one of the lookup's targets"),
                        );
                    }
                    if !is_schema_name(nav) {
                        problems.add(
                            format!("{at}.navigationProperties"),
                            format!("'{nav}' is not a valid navigation property name"),
                        );
                    }
                }
            }
        }
        (None, ColumnType::Lookup) => {
            problems.add(format!("{at}.targets"), "a lookup needs its target tables ([\"account\"])")
        }
        (Some(_), _) => problems.add(format!("{at}.targets"), "targets apply to lookup columns only"),
        (None, _) => {}
    }
    if let (Some(relationships), Some(targets)) = (&column.relationships, &column.targets) {
        for (target, name) in relationships {
            if !targets.contains(target) {
                problems.add(format!("{at}.relationships"), format!("'{target}' is not one of the lookup's targets"));
            }
            if !is_schema_name(name) {
                problems.add(format!("{at}.relationships"), format!("'{name}' is not a valid relationship name"));
            }
        }
    }
    if column.relationships.is_some() && kind != ColumnType::Lookup {
        problems.add(format!("{at}.relationships"), "relationships apply to lookup columns only");
    }
    if column.navigation_properties.is_some() && kind != ColumnType::Lookup {
        problems.add(format!("{at}.navigationProperties"), "navigationProperties apply to lookup columns only");
    }
    if kind == ColumnType::Owner {
        problems.add(
            format!("{at}.type"),
            "the owner column (ownerid) is added by the sandbox; set the table's \"ownership\": \"user\" instead",
        );
    }
}

/// A relationship's name is a collection-valued navigation property on the table it points at,
/// so it must be unique there and differ from that table's columns and navigation properties.
fn check_relationship_names(scenario: &Scenario, problems: &mut Problems) {
    let mut taken: HashMap<(String, String), String> = HashMap::new();
    for table in &scenario.tables {
        for system in SYSTEM_COLUMNS.iter().filter(|s| (s.applies_to)(table.ownership)) {
            let targets: &[&str] = match system.name {
                "ownerid" => &["systemuser", "team"],
                "owningbusinessunit" => &["businessunit"],
                "createdon" | "modifiedon" | "versionnumber" => &[],
                _ => &["systemuser"],
            };
            for target in targets {
                let name = crate::relationships::system_relationship_name(&table.logical_name, system.name, target);
                taken.insert((target.to_string(), name), format!("the system column {}.{}", table.logical_name, system.name));
            }
        }
    }
    for (target, name, origin) in crate::relationships::collection_names(scenario) {
        let Some(referenced) = scenario.table(&target) else { continue };
        let at = format!("tables[{}].columns[{}].relationships", origin.split('.').next().unwrap_or_default(), origin.split('.').nth(1).unwrap_or_default());
        let clashes_with_column = referenced.primary_id_column == name || referenced.columns.iter().any(|c| {
            c.name == name
                || c.targets.as_ref().is_some_and(|ts| {
                    ts.iter().any(|t| crate::metadata::navigation_property_name(c, t, ts.len()) == name)
                })
        });
        if clashes_with_column {
            problems.add(&at, format!("relationship '{name}' is also a column or navigation property of '{target}'"));
        }
        if let Some(other) = taken.insert((target.clone(), name.clone()), origin.clone()) {
            problems.add(&at, format!("relationship '{name}' on '{target}' is also used by {other}"));
        }
    }
}

fn check_security_tables(scenario: &Scenario, problems: &mut Problems) {
    for (name, primary_id, columns) in SECURITY_TABLES {
        let Some(table) = scenario.table(name) else {
            problems.add("tables", format!("the security model needs a '{name}' table"));
            continue;
        };
        let at = format!("tables[{name}]");
        if table.primary_id_column != primary_id {
            problems.add(format!("{at}.primaryIdColumn"), format!("must be '{primary_id}'"));
        }
        if table.ownership != Ownership::Business {
            problems.add(
                format!("{at}.ownership"),
                "must be \"business\" (its rows belong to a business unit, not an owner)",
            );
        }
        for (column, kind, target) in columns.iter() {
            let found = table.columns.iter().find(|c| c.name == *column);
            let fits = found.is_some_and(|c| {
                c.column_type == *kind
                    && target.is_none_or(|t| c.targets.as_ref().is_some_and(|ts| ts.len() == 1 && ts[0] == t))
            });
            if !fits {
                let wanted = match target {
                    Some(t) => format!("a lookup to {t}"),
                    None => format!("a {kind:?} column").to_lowercase(),
                };
                problems.add(&at, format!("the security model needs column '{column}' as {wanted}"));
            }
        }
    }
}

fn check_business_units(scenario: &Scenario, problems: &mut Problems) {
    let names: HashSet<&str> = scenario.business_units.iter().map(|b| b.name.as_str()).collect();
    let mut seen = HashSet::new();
    let roots: Vec<_> = scenario.business_units.iter().filter(|b| b.parent.is_none()).collect();
    if roots.len() != 1 {
        problems.add(
            "businessUnits",
            format!("exactly one business unit must have no parent (the root); found {}", roots.len()),
        );
    }
    for bu in &scenario.business_units {
        let at = format!("businessUnits[{}]", bu.name);
        if bu.name.trim().is_empty() {
            problems.add(&at, "a business unit needs a name");
        }
        if !seen.insert(bu.name.as_str()) {
            problems.add(&at, "a second business unit has this name");
        }
        if let Some(parent) = &bu.parent {
            if !names.contains(parent.as_str()) {
                problems.add(format!("{at}.parent"), format!("no business unit named '{parent}'"));
            }
        }
    }
    // A cycle would make Deep access loop forever; walk up from each unit.
    let parent_of: HashMap<&str, &str> =
        scenario.business_units.iter().filter_map(|b| b.parent.as_deref().map(|p| (b.name.as_str(), p))).collect();
    for bu in &scenario.business_units {
        let mut current = bu.name.as_str();
        for _ in 0..=scenario.business_units.len() {
            match parent_of.get(current) {
                Some(parent) => current = parent,
                None => break,
            }
            if current == bu.name {
                problems.add(format!("businessUnits[{}].parent", bu.name), "business units form a cycle");
                break;
            }
        }
    }
}

fn check_roles(scenario: &Scenario, problems: &mut Problems) {
    let mut seen = HashSet::new();
    for role in &scenario.roles {
        let at = format!("roles[{}]", role.name);
        if !seen.insert(role.name.as_str()) {
            problems.add(&at, "a second role has this name");
        }
        for (privilege, depth) in &role.privileges {
            check_privilege_name(scenario, privilege, *depth, &format!("{at}.privileges"), problems);
        }
        for (index, grant) in role.table_privileges.iter().enumerate() {
            let grant_at = format!("{at}.tablePrivileges[{index}]");
            if grant.rights.is_empty() {
                problems.add(&grant_at, "rights is empty");
            }
            for table in &grant.tables {
                if table == "*" {
                    continue;
                }
                match scenario.table(table) {
                    None => problems.add(format!("{grant_at}.tables"), format!("no table named '{table}'")),
                    Some(t) if t.ownership == Ownership::Organization && grant.depth != Depth::Global => problems.add(
                        &grant_at,
                        format!("table '{table}' is organization-owned, so its privileges take Global depth only"),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}

fn check_privilege_name(scenario: &Scenario, name: &str, depth: Depth, at: &str, problems: &mut Problems) {
    if MISC_PRIVILEGES.contains(&name) {
        return;
    }
    for table in &scenario.tables {
        for right in Right::ALL {
            if name == format!("prv{}{}", right.verb(), table.schema_name) {
                if table.ownership == Ownership::Organization && depth != Depth::Global {
                    problems.add(
                        at,
                        format!(
                            "{name}: table '{}' is organization-owned, so only Global depth applies",
                            table.logical_name
                        ),
                    );
                }
                return;
            }
        }
    }
    let tables: Vec<&str> = scenario.tables.iter().map(|t| t.schema_name.as_str()).collect();
    problems.add(
        at,
        format!(
            "unknown privilege '{name}': table privileges are prv<Create|Read|Write|Delete|Append|AppendTo|Assign|Share><SchemaName> \
             for the tables {}; other privileges the sandbox knows: {}",
            tables.join(", "),
            MISC_PRIVILEGES.join(", ")
        ),
    );
}

fn check_teams_and_users(scenario: &Scenario, problems: &mut Problems) {
    let bus: HashSet<&str> = scenario.business_units.iter().map(|b| b.name.as_str()).collect();
    let roles: HashSet<&str> = scenario.roles.iter().map(|r| r.name.as_str()).collect();
    let teams: HashSet<&str> = scenario.teams.iter().map(|t| t.name.as_str()).collect();
    let mut seen_teams = HashSet::new();
    for team in &scenario.teams {
        let at = format!("teams[{}]", team.name);
        if !seen_teams.insert(team.name.as_str()) {
            problems.add(&at, "a second team has this name");
        }
        if !bus.contains(team.business_unit.as_str()) {
            problems.add(format!("{at}.businessUnit"), format!("no business unit named '{}'", team.business_unit));
        }
        for role in &team.roles {
            if !roles.contains(role.as_str()) {
                problems.add(format!("{at}.roles"), format!("no role named '{role}'"));
            }
        }
    }
    if scenario.users.is_empty() {
        problems.add("users", "a scenario needs at least one user");
    }
    let mut personas = HashSet::new();
    let mut object_ids = HashSet::new();
    for user in &scenario.users {
        let at = format!("users[{}]", user.persona);
        if !is_persona_name(&user.persona) {
            problems.add(&at, "persona must be lowercase letters, digits, '_' or '-', starting with a letter");
        }
        if !personas.insert(user.persona.as_str()) {
            problems.add(&at, "a second user has this persona");
        }
        if teams.contains(user.persona.as_str()) {
            problems.add(&at, "a team has the same name, so row owners would be ambiguous");
        }
        if !object_ids.insert(user.azure_active_directory_object_id) {
            problems.add(format!("{at}.azureActiveDirectoryObjectId"), "another user has the same Entra object id");
        }
        if !bus.contains(user.business_unit.as_str()) {
            problems.add(format!("{at}.businessUnit"), format!("no business unit named '{}'", user.business_unit));
        }
        for team in &user.teams {
            if !teams.contains(team.as_str()) {
                problems.add(format!("{at}.teams"), format!("no team named '{team}'"));
            }
        }
        for role in &user.roles {
            if !roles.contains(role.as_str()) {
                problems.add(format!("{at}.roles"), format!("no role named '{role}'"));
            }
        }
    }
}

/// Users and teams share the owner column, and rows are named by id, so ids must not repeat
/// anywhere in the scenario.
fn check_unique_ids(scenario: &Scenario, problems: &mut Problems) {
    let mut seen = HashMap::new();
    let mut claim = |id: crate::guid::Guid, at: String, problems: &mut Problems| {
        if let Some(first) = seen.insert(id, at.clone()) {
            problems.add(at, format!("id {id} is already used at {first}"));
        }
    };
    claim(scenario.organization.id, "organization.id".into(), problems);
    for bu in &scenario.business_units {
        claim(bu.id, format!("businessUnits[{}].id", bu.name), problems);
    }
    for team in &scenario.teams {
        claim(team.id, format!("teams[{}].id", team.name), problems);
    }
    for user in &scenario.users {
        claim(user.system_user_id, format!("users[{}].systemUserId", user.persona), problems);
    }
    for (index, row) in scenario.rows.iter().enumerate() {
        claim(row.id, format!("rows[{index}].id"), problems);
    }
}

fn check_rows(scenario: &Scenario, problems: &mut Problems) {
    let metadata = Metadata::from_scenario(scenario);
    let mut known_ids: HashMap<(usize, crate::guid::Guid), ()> = HashMap::new();
    for bu in &scenario.business_units {
        if let Some(t) = metadata.table_index("businessunit") {
            known_ids.insert((t, bu.id), ());
        }
    }
    for team in &scenario.teams {
        if let Some(t) = metadata.table_index("team") {
            known_ids.insert((t, team.id), ());
        }
    }
    for user in &scenario.users {
        if let Some(t) = metadata.table_index("systemuser") {
            known_ids.insert((t, user.system_user_id), ());
        }
    }
    for row in &scenario.rows {
        if let Some(t) = metadata.table_index(&row.table) {
            known_ids.insert((t, row.id), ());
        }
    }
    for (index, row) in scenario.rows.iter().enumerate() {
        let at = format!("rows[{index}]");
        let Some(table_index) = metadata.table_index(&row.table) else {
            problems.add(format!("{at}.table"), format!("no table named '{}'", row.table));
            continue;
        };
        let table = metadata.table(table_index);
        if ["systemuser", "team", "businessunit"].contains(&row.table.as_str()) {
            problems.add(
                format!("{at}.table"),
                "users, teams and business units come from users, teams and businessUnits, not rows",
            );
        }
        match (&row.owner, table.ownership) {
            (Some(_), Ownership::Business | Ownership::Organization) => problems.add(
                format!("{at}.owner"),
                format!("table '{}' is not user-owned, so its rows have no owner", row.table),
            ),
            (Some(owner), Ownership::User)
                if scenario.user(owner).is_none() && !scenario.teams.iter().any(|t| &t.name == owner) =>
            {
                problems.add(format!("{at}.owner"), format!("'{owner}' is neither a persona nor a team"))
            }
            _ => {}
        }
        if let Some(created_by) = &row.created_by {
            if scenario.user(created_by).is_none() {
                problems.add(format!("{at}.createdBy"), format!("'{created_by}' is not a persona"));
            }
        }
        match payload::parse(&metadata, table, &row.values) {
            Err(e) => problems.add(format!("{at}.values"), e.message),
            Ok(parsed) => {
                if parsed.owner.is_some() {
                    problems.add(format!("{at}.values"), "set the owner with \"owner\", not ownerid@odata.bind");
                }
                if let Some(id) = parsed.id {
                    if id != row.id {
                        problems.add(
                            format!("{at}.values"),
                            format!("the primary id {id} differs from the row's id {}", row.id),
                        );
                    }
                }
                for change in &parsed.lookups {
                    if let Some(target) = change.target {
                        if !known_ids.contains_key(&(target.table, target.id)) {
                            let target_table = &metadata.table(target.table).logical_name;
                            problems.add(
                                format!("{at}.values"),
                                format!("{target_table} {} is not in the scenario", target.id),
                            );
                        }
                    }
                }
            }
        }
    }
}
