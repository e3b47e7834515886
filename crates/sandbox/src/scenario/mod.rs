//! The scenario file: the tables a sandbox serves and the security world it enforces.
//!
//! A scenario is JSON (camelCase keys). Tables declare their columns; business units, teams,
//! users and security roles declare who may do what; rows seed the store. References between
//! parts use names (a user's business unit, a team's roles), ids are fixed so that tests and
//! saved flows can name rows. `scenarios/default.json` is the built-in one.

mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::guid::Guid;

pub use validate::{Problem, ScenarioError};

const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.json");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    #[serde(rename = "$comment", default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub organization: Organization,
    pub tables: Vec<TableDef>,
    pub business_units: Vec<BusinessUnitDef>,
    #[serde(default)]
    pub teams: Vec<TeamDef>,
    pub roles: Vec<RoleDef>,
    pub users: Vec<UserDef>,
    #[serde(default)]
    pub rows: Vec<RowDef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Organization {
    pub id: Guid,
    pub name: String,
    /// The Entra tenant the sandbox pretends to belong to; tokens carry it as `tid`.
    pub tenant_id: Guid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableDef {
    pub logical_name: String,
    /// Used in privilege names: prvCreate + SchemaName.
    pub schema_name: String,
    pub entity_set_name: String,
    /// Appears in privilege errors ("on OTC=2"); custom tables get one from 10000 up when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_type_code: Option<i32>,
    pub primary_id_column: String,
    pub primary_name_column: String,
    #[serde(default)]
    pub ownership: Ownership,
    pub columns: Vec<ColumnDef>,
}

/// Who owns a table's rows, which decides how depth applies (Dataverse's OwnershipType).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ownership {
    /// Rows have an owner (a user or a team) and belong to the owner's business unit.
    #[default]
    User,
    /// Rows belong to a business unit and have no owner (systemuser, team, businessunit).
    Business,
    /// Rows belong to the organization; only Global (or no) access applies.
    Organization,
}

/// One column. Which optional fields apply depends on `type`; validation says when one is
/// given where it does not belong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ColumnDef {
    pub name: String,
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// string and memo: the longest value in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// choice: the allowed values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceOption>>,
    /// lookup: the tables (logical names) it may point at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<String>>,
    /// lookup: navigation property names per target, where they differ from the defaults
    /// (the column name for one target, `<column>_<target>` for several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub navigation_properties: Option<BTreeMap<String, String>>,
    /// lookup: the relationship's schema name per target, which is also the collection-valued
    /// navigation property on the target table (`contact_customer_accounts`); defaults to
    /// `<table>_<column>` for one target, `<table>_<column>_<target>` for several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    String,
    Memo,
    Integer,
    Decimal,
    Money,
    Boolean,
    Datetime,
    Choice,
    Lookup,
    /// A uniqueidentifier column that is not a lookup (e.g. azureactivedirectoryobjectid).
    Guid,
    /// The owner column; the sandbox adds `ownerid` to user-owned tables itself, so declaring
    /// one is refused with a pointer to `ownership`.
    Owner,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: i32,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BusinessUnitDef {
    pub id: Guid,
    pub name: String,
    /// The parent's name; exactly one business unit (the root) has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TeamDef {
    pub id: Guid,
    pub name: String,
    pub business_unit: String,
    /// Role names; members get these privileges too.
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RoleDef {
    pub name: String,
    /// Privilege name → depth, for any privilege (table or not).
    #[serde(default)]
    pub privileges: BTreeMap<String, Depth>,
    /// Shorthand for table privileges: these rights on these tables ("*" = every table).
    #[serde(default)]
    pub table_privileges: Vec<TablePrivilegeGrant>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TablePrivilegeGrant {
    pub tables: Vec<String>,
    pub rights: Vec<Right>,
    pub depth: Depth,
}

/// The record-level privileges every table has (the verb in prv<Verb><Table>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Right {
    Create,
    Read,
    Write,
    Delete,
    Append,
    AppendTo,
    Assign,
    Share,
}

impl Right {
    pub const ALL: [Right; 8] = [
        Right::Create,
        Right::Read,
        Right::Write,
        Right::Delete,
        Right::Append,
        Right::AppendTo,
        Right::Assign,
        Right::Share,
    ];

    pub fn verb(self) -> &'static str {
        match self {
            Right::Create => "Create",
            Right::Read => "Read",
            Right::Write => "Write",
            Right::Delete => "Delete",
            Right::Append => "Append",
            Right::AppendTo => "AppendTo",
            Right::Assign => "Assign",
            Right::Share => "Share",
        }
    }

    /// The AccessRights name Dataverse uses in row-access errors.
    /// Dataverse's AccessRights flag for this right (what GrantAccess's AccessMask names).
    pub fn access_mask(self) -> u32 {
        match self {
            Right::Read => 1,
            Right::Write => 2,
            Right::Append => 4,
            Right::AppendTo => 16,
            Right::Create => 32,
            Right::Delete => 65_536,
            Right::Share => 262_144,
            Right::Assign => 524_288,
        }
    }

    pub fn access_right_name(self) -> &'static str {
        match self {
            Right::Create => "CreateAccess",
            Right::Read => "ReadAccess",
            Right::Write => "WriteAccess",
            Right::Delete => "DeleteAccess",
            Right::Append => "AppendAccess",
            Right::AppendTo => "AppendToAccess",
            Right::Assign => "AssignAccess",
            Right::Share => "ShareAccess",
        }
    }
}

/// Access level of a privilege; ordered so that a higher level includes the lower ones.
/// Accepts the API names and the names the Power Platform admin centre shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Depth {
    #[serde(alias = "User")]
    Basic,
    #[serde(alias = "BusinessUnit")]
    Local,
    #[serde(alias = "ParentChildBusinessUnits")]
    Deep,
    #[serde(alias = "Organization")]
    Global,
}

impl Depth {
    /// `roleprivileges.privilegedepthmask`.
    pub fn mask(self) -> i64 {
        match self {
            Depth::Basic => 1,
            Depth::Local => 2,
            Depth::Deep => 4,
            Depth::Global => 8,
        }
    }

    pub fn from_mask(mask: i64) -> Option<Depth> {
        match mask {
            1 => Some(Depth::Basic),
            2 => Some(Depth::Local),
            4 => Some(Depth::Deep),
            8 => Some(Depth::Global),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserDef {
    /// The short name tokens are asked for by (`admin`, `sam`, …).
    pub persona: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub system_user_id: Guid,
    pub full_name: String,
    pub domain_name: String,
    /// The Entra object id: tokens carry it as `oid`, `CallerObjectId` names it.
    pub azure_active_directory_object_id: Guid,
    pub business_unit: String,
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RowDef {
    pub table: String,
    pub id: Guid,
    /// A persona or a team name; user-owned tables only. Defaults to the first user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// A persona; defaults to the owner (or the first user for team-owned rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Column values in Web API form, `@odata.bind` for lookups.
    pub values: serde_json::Map<String, serde_json::Value>,
}

impl Scenario {
    /// Parses and checks a scenario; every problem found is reported, each with where it is.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|e| ScenarioError::Syntax {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        validate::check(&scenario)?;
        Ok(scenario)
    }

    /// The built-in scenario (`scenarios/default.json`): admin, sam, nora, audrey and svc.
    pub fn builtin() -> Scenario {
        // Compiled in and covered by tests, so a failure here is a build defect, not input.
        Scenario::from_json(DEFAULT_SCENARIO).expect("the built-in scenario is valid")
    }

    pub fn table(&self, logical_name: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.logical_name == logical_name)
    }

    pub fn user(&self, persona: &str) -> Option<&UserDef> {
        self.users.iter().find(|u| u.persona == persona)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_scenario_is_valid_and_has_the_personas() {
        let scenario = Scenario::builtin();
        for persona in ["admin", "sam", "nora", "audrey", "svc"] {
            assert!(scenario.user(persona).is_some(), "{persona}");
        }
        for table in ["contact", "account", "task", "systemuser", "team", "businessunit"] {
            assert!(scenario.table(table).is_some(), "{table}");
        }
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = Scenario::from_json("{\n  \"organization\": 3,\n}").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn relationship_names_must_not_clash_on_the_table_they_point_at() {
        let mut value: serde_json::Value = serde_json::from_str(DEFAULT_SCENARIO).unwrap();
        // account.primarycontactid's relationship renamed to contact's existing one.
        value["tables"][0]["columns"][10]["relationships"] = serde_json::json!({ "contact": "contact_customer_contacts" });
        let err = Scenario::from_json(&value.to_string()).unwrap_err().to_string();
        assert!(err.contains("tables[contact].columns[parentcustomerid].relationships: relationship 'contact_customer_contacts' on 'contact' is also used by account.primarycontactid"), "{err}");
        value["tables"][0]["columns"][10]["relationships"] = serde_json::json!({ "contact": "fullname" });
        let err = Scenario::from_json(&value.to_string()).unwrap_err().to_string();
        assert!(err.contains("is also a column or navigation property of 'contact'"), "{err}");
        value["tables"][0]["columns"][10]["relationships"] = serde_json::json!({ "account": "x" });
        let err = Scenario::from_json(&value.to_string()).unwrap_err().to_string();
        assert!(err.contains("'account' is not one of the lookup's targets"), "{err}");
    }

    #[test]
    fn unknown_column_types_are_named() {
        let mut value: serde_json::Value = serde_json::from_str(DEFAULT_SCENARIO).unwrap();
        value["tables"][0]["columns"][0]["type"] = "strng".into();
        let err = Scenario::from_json(&value.to_string()).unwrap_err().to_string();
        assert!(err.contains("strng"), "{err}");
    }
}
