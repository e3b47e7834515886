//! Microsoft Entra ID as Dataverse uses it: the v2.0 endpoints under an authority, the scopes a
//! Dataverse token needs, and what Entra's error replies mean for the maker.

use url::Url;

use crate::error::AuthError;

/// Work and school accounts of any tenant: what the documented sample client is registered for.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com/organizations";
/// Microsoft's documented client id for Dataverse development and prototyping; an organisation
/// with its own app registration sets `--client-id`.
pub const SAMPLE_CLIENT_ID: &str = "51f81489-12ee-4a9e-aaae-a2591f45987d";

/// The v2.0 endpoints of an authority (`https://login.microsoftonline.com/<tenant>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub authorize: Url,
    pub token: Url,
    pub device_code: Url,
}

impl Endpoints {
    pub fn for_authority(authority: &str) -> Result<Endpoints, AuthError> {
        let base = authority.trim_end_matches('/');
        let parsed = Url::parse(base)
            .map_err(|e| AuthError::Environment(format!("the authority '{authority}' is not a URL: {e}")))?;
        if parsed.scheme() != "https" && !is_loopback(&parsed) {
            return Err(AuthError::Environment(format!(
                "the authority '{authority}' must use https (plain http is allowed on 127.0.0.1 and localhost only)"
            )));
        }
        let endpoint = |path: &str| {
            Url::parse(&format!("{base}/oauth2/v2.0/{path}"))
                .map_err(|e| AuthError::Environment(format!("the authority '{authority}' gives no valid endpoint: {e}")))
        };
        Ok(Endpoints { authorize: endpoint("authorize")?, token: endpoint("token")?, device_code: endpoint("devicecode")? })
    }
}

pub fn is_loopback(url: &Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1") | Some("localhost") | Some("[::1]"))
}

/// Delegated access to the environment, a refresh token, and an id token naming the user.
pub fn user_scopes(environment_url: &str) -> Vec<String> {
    vec![format!("{}/user_impersonation", environment_url.trim_end_matches('/')), "offline_access".into(), "openid".into(), "profile".into()]
}

/// A refresh asks for a subset of the original scopes: the environment's alone.
pub fn refresh_scopes(environment_url: &str) -> Vec<String> {
    vec![format!("{}/user_impersonation", environment_url.trim_end_matches('/'))]
}

/// Client credentials take exactly one `<resource>/.default` scope.
pub fn application_scope(environment_url: &str) -> String {
    format!("{}/.default", environment_url.trim_end_matches('/'))
}

/// An error reply of the token or authorize endpoint (`error`, `error_description`), with the
/// AADSTS number Entra puts at the start of the description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct EntraError {
    pub error: String,
    pub description: String,
    pub aadsts: Option<u32>,
}

impl EntraError {
    pub fn new(error: &str, description: Option<&str>) -> EntraError {
        // Entra appends "\r\nTrace ID: ...\r\nCorrelation ID: ...\r\nTimestamp: ..." lines.
        let description = description.unwrap_or("").lines().next().unwrap_or("").trim().to_string();
        let aadsts = description
            .strip_prefix("AADSTS")
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
            .and_then(|digits| digits.parse().ok());
        EntraError { error: error.to_string(), description, aadsts }
    }

    /// The stored sign-in cannot be used any more: the user must sign in again.
    pub fn means_sign_in_again(&self) -> bool {
        const EXPIRED_OR_REVOKED: [u32; 8] = [50173, 70008, 700082, 700084, 50132, 50076, 50079, 50078];
        // Consent (65001) can be granted later by an administrator: the sign-in itself still holds.
        self.error == "invalid_grant" && !matches!(self.aadsts, Some(50126) | Some(65001) | Some(7000215) | Some(7000222))
            || self.error == "interaction_required"
            || self.aadsts.is_some_and(|code| EXPIRED_OR_REVOKED.contains(&code))
    }

    pub fn means_cancelled(&self) -> bool {
        matches!(self.error.as_str(), "access_denied" | "authorization_declined" | "expired_token")
            || self.aadsts == Some(65004)
    }

    fn explanation(&self) -> Option<&'static str> {
        Some(match (self.aadsts, self.error.as_str()) {
            (Some(50126), _) => "the user name or password is wrong",
            (Some(65004), _) | (_, "access_denied") => "consent was declined, so Flowbench may not act for you",
            (Some(65001), _) | (_, "consent_required") => {
                "the app needs consent in this tenant; an administrator can grant it, or sign in interactively to consent"
            }
            (Some(7000215), _) | (Some(7000222), _) => "the client secret is wrong or has expired",
            (Some(700016), _) | (_, "unauthorized_client") => {
                "the client id is not registered in this tenant, or may not use this sign-in method"
            }
            (Some(500011), _) | (_, "invalid_resource") | (_, "invalid_target") => {
                "the environment URL is not a Dataverse environment this tenant knows"
            }
            (Some(50076), _) | (Some(50079), _) | (_, "interaction_required") => {
                "multi-factor authentication or a conditional access policy needs an interactive sign-in"
            }
            (_, "authorization_declined") => "the sign-in was declined on the device page",
            (_, "expired_token") => "the device code expired before the sign-in finished",
            (_, "invalid_grant") => "the sign-in has expired or was revoked",
            (_, "temporarily_unavailable") => "the identity provider is busy; try again in a moment",
            _ => return None,
        })
    }

    pub fn message(&self) -> String {
        let detail = if self.description.is_empty() { self.error.clone() } else { self.description.clone() };
        match self.explanation() {
            Some(why) if self.means_sign_in_again() => format!("{why} ({detail}); sign in again"),
            Some(why) => format!("{why} ({detail})"),
            None => format!("the identity provider refused: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_v2_layout_under_the_authority() {
        let e = Endpoints::for_authority("https://login.microsoftonline.com/contoso.onmicrosoft.com/").unwrap();
        assert_eq!(e.authorize.as_str(), "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
        assert_eq!(e.token.as_str(), "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
        assert_eq!(e.device_code.as_str(), "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode");
        let refused = Endpoints::for_authority("http://login.example.com/common").unwrap_err();
        assert!(refused.to_string().contains("must use https"), "{refused}");
        assert!(Endpoints::for_authority("http://127.0.0.1:8080/tenant").is_ok());
    }

    #[test]
    fn scopes_name_the_environment_as_entra_expects() {
        assert_eq!(user_scopes("https://org.crm.dynamics.com/")[0], "https://org.crm.dynamics.com/user_impersonation");
        assert_eq!(application_scope("https://org.crm.dynamics.com"), "https://org.crm.dynamics.com/.default");
    }

    #[test]
    fn aadsts_numbers_are_read_from_the_first_line() {
        let e = EntraError::new(
            "invalid_grant",
            Some("AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nTimestamp: 2026-11-26 07:00:00Z"),
        );
        assert_eq!(e.aadsts, Some(700082));
        assert!(e.means_sign_in_again());
        assert_eq!(e.to_string(), "the sign-in has expired or was revoked (AADSTS700082: The refresh token has expired due to inactivity.); sign in again");
    }
}
