//! What an environment says about who may do what (reference §2.6): business units, the
//! privileges a user or team holds with their depths, and the tables' schema names and
//! ownership. The permission preflight of a real environment is built on these.

use serde::Deserialize;
use serde_json::Value;

use crate::error::AuthError;
use crate::web_api::{guid, WebApi};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BusinessUnit {
    #[serde(rename = "businessunitid")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "_parentbusinessunitid_value", default)]
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Team {
    #[serde(rename = "teamid")]
    pub id: String,
    pub name: String,
    #[serde(rename = "_businessunitid_value", default)]
    pub business_unit_id: Option<String>,
}

/// One entry of `RolePrivileges`: `Depth` is Basic, Local, Deep or Global.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RolePrivilege {
    pub privilege_name: String,
    pub depth: String,
    pub business_unit_id: String,
}

/// A table's name in privilege names, and who owns its rows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableSecurity {
    pub logical_name: String,
    pub schema_name: String,
    #[serde(default)]
    pub entity_set_name: Option<String>,
    #[serde(default)]
    pub ownership_type: Option<String>,
}

impl WebApi<'_> {
    pub async fn business_units(&self) -> Result<Vec<BusinessUnit>, AuthError> {
        let body = self.get("businessunits?$select=businessunitid,name,_parentbusinessunitid_value").await?;
        rows(body, "business units")
    }

    pub async fn find_team(&self, name: &str) -> Result<Team, AuthError> {
        let literal = name.replace('\'', "''");
        let filter: String = url::form_urlencoded::byte_serialize(format!("name eq '{literal}'").as_bytes()).collect();
        let mut teams: Vec<Team> =
            rows(self.get(&format!("teams?$select=teamid,name,_businessunitid_value&$filter={filter}")).await?, "teams")?;
        match teams.len() {
            1 => Ok(teams.remove(0)),
            0 => Err(AuthError::Environment(format!("the environment has no team named '{name}' (or it is out of your reach)"))),
            n => Err(AuthError::Protocol(format!("{n} teams are named '{name}'"))),
        }
    }

    /// RetrieveUserPrivileges: the user's own roles and its teams' roles.
    pub async fn user_privileges(&self, user_id: &str) -> Result<Vec<RolePrivilege>, AuthError> {
        let id = guid(user_id)?;
        role_privileges(self.get(&format!("systemusers({id})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges")).await?)
    }

    /// RetrieveTeamPrivileges: what the team's roles grant its members.
    pub async fn team_privileges(&self, team_id: &str) -> Result<Vec<RolePrivilege>, AuthError> {
        let id = guid(team_id)?;
        role_privileges(self.get(&format!("teams({id})/Microsoft.Dynamics.CRM.RetrieveTeamPrivileges")).await?)
    }

    /// Every table's schema name and ownership (no columns: cheap enough to read each time).
    pub async fn table_security(&self) -> Result<Vec<TableSecurity>, AuthError> {
        let body = self.get("EntityDefinitions?$select=LogicalName,SchemaName,EntitySetName,OwnershipType").await?;
        rows(body, "table definitions")
    }
}

fn role_privileges(body: Value) -> Result<Vec<RolePrivilege>, AuthError> {
    let list = body
        .get("RolePrivileges")
        .cloned()
        .ok_or_else(|| AuthError::Protocol("the reply has no RolePrivileges; is this a Dataverse environment?".into()))?;
    serde_json::from_value(list).map_err(|e| AuthError::Protocol(format!("RolePrivileges is not readable: {e}")))
}

fn rows<T: for<'de> Deserialize<'de>>(body: Value, what: &str) -> Result<Vec<T>, AuthError> {
    let list = body.get("value").cloned().ok_or_else(|| AuthError::Protocol(format!("the list of {what} has no 'value'")))?;
    serde_json::from_value(list).map_err(|e| AuthError::Protocol(format!("the list of {what} is not readable: {e}")))
}
