//! The Dataverse Web API calls sign-in needs: who the token is (WhoAmI) and the users a run may
//! impersonate.

use serde::Deserialize;
use serde_json::Value;

use crate::error::AuthError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoAmI {
    pub user_id: String,
    pub business_unit_id: String,
    pub organization_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SystemUser {
    #[serde(rename = "systemuserid")]
    pub id: String,
    #[serde(rename = "fullname", default)]
    pub full_name: Option<String>,
    #[serde(rename = "domainname", default)]
    pub domain_name: Option<String>,
    #[serde(rename = "azureactivedirectoryobjectid", default)]
    pub object_id: Option<String>,
    #[serde(rename = "_businessunitid_value", default)]
    pub business_unit_id: Option<String>,
}

/// The HTTP client for identity providers and environments: OS TLS, a 20 s connect limit and the
/// 120 s request limit Dataverse itself applies.
pub fn http_client() -> Result<reqwest::Client, AuthError> {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(20))
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .map_err(|e| AuthError::Network { url: "any address".into(), reason: format!("HTTPS could not be set up ({e})") })
}

pub struct WebApi<'a> {
    http: &'a reqwest::Client,
    base: String,
    token: String,
}

const USER_COLUMNS: &str = "systemuserid,fullname,domainname,azureactivedirectoryobjectid,_businessunitid_value";

impl<'a> WebApi<'a> {
    pub fn new(http: &'a reqwest::Client, environment_url: &str, token: String) -> WebApi<'a> {
        WebApi { http, base: format!("{}/api/data/v9.2", environment_url.trim_end_matches('/')), token }
    }

    pub async fn who_am_i(&self) -> Result<WhoAmI, AuthError> {
        let body = self.get("WhoAmI").await?;
        let field = |name: &str| {
            body.get(name).and_then(Value::as_str).map(str::to_string).ok_or_else(|| {
                AuthError::Protocol(format!("WhoAmI's reply has no {name}; is this a Dataverse environment?"))
            })
        };
        Ok(WhoAmI { user_id: field("UserId")?, business_unit_id: field("BusinessUnitId")?, organization_id: field("OrganizationId")? })
    }

    pub async fn user(&self, id: &str) -> Result<SystemUser, AuthError> {
        let id = guid(id)?;
        let body = self.get(&format!("systemusers({id})?$select={USER_COLUMNS}")).await?;
        serde_json::from_value(body).map_err(|e| AuthError::Protocol(format!("the systemuser {id} is not readable: {e}")))
    }

    /// The user signing in as `name` (their user principal name, `domainname` in Dataverse).
    pub async fn find_user(&self, name: &str) -> Result<SystemUser, AuthError> {
        let literal = name.replace('\'', "''");
        let filter: String =
            url::form_urlencoded::byte_serialize(format!("domainname eq '{literal}'").as_bytes()).collect();
        let body = self.get(&format!("systemusers?$select={USER_COLUMNS}&$filter={filter}")).await?;
        let mut users: Vec<SystemUser> = serde_json::from_value(body.get("value").cloned().unwrap_or(Value::Null))
            .map_err(|e| AuthError::Protocol(format!("the user list is not readable: {e}")))?;
        match users.len() {
            1 => Ok(users.remove(0)),
            0 => Err(AuthError::NotSignedIn(format!("the environment has no user named '{name}'"))),
            n => Err(AuthError::Protocol(format!("{n} users are named '{name}'"))),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Result<Value, AuthError> {
        let url = format!("{}/{path}", self.base);
        let network = |e: reqwest::Error| AuthError::Network { url: url.clone(), reason: e.to_string() };
        let response = self
            .http
            .get(&url)
            .bearer_auth(&self.token)
            .header("Accept", "application/json")
            .header("OData-MaxVersion", "4.0")
            .header("OData-Version", "4.0")
            .send()
            .await
            .map_err(network)?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(body);
        }
        let message = body.pointer("/error/message").and_then(Value::as_str).unwrap_or("no error message");
        Err(match status.as_u16() {
            401 => AuthError::NotSignedIn(format!("the environment refused the sign-in: {message}")),
            _ => AuthError::Protocol(format!("{url} answered {status}: {message}")),
        })
    }
}

pub(crate) fn guid(text: &str) -> Result<&str, AuthError> {
    let ok = text.len() == 36 && text.chars().enumerate().all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-') && (c == '-' || c.is_ascii_hexdigit()));
    if ok {
        Ok(text)
    } else {
        Err(AuthError::Protocol(format!("'{text}' is not a GUID")))
    }
}
