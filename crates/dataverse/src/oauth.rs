//! The OAuth 2.0 protocol is the oauth2 crate's; this is the glue: its client typed for Entra
//! (token replies carry an id token), a transport over our reqwest, and Entra's errors.

use std::future::Future;
use std::pin::Pin;
use std::time::{SystemTime, UNIX_EPOCH};

use oauth2::basic::{BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::{
    AsyncHttpClient, AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointNotSet, EndpointSet, ErrorResponse, ExtraTokenFields,
    HttpRequest, HttpResponse, RequestTokenError, StandardErrorResponse, StandardRevocableToken,
    StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};

use crate::entra::{EntraError, Endpoints};
use crate::environments::Environment;
use crate::error::AuthError;
use crate::tokens::TokenSet;

/// Entra returns the id token beside the access token when `openid` was asked for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}
impl ExtraTokenFields for IdTokenField {}

pub(crate) type EntraTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

pub(crate) type EntraClient = oauth2::Client<
    BasicErrorResponse,
    EntraTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

pub(crate) fn client(environment: &Environment, client_id: &str) -> Result<EntraClient, AuthError> {
    let endpoints = Endpoints::for_authority(&environment.authority)?;
    Ok(oauth2::Client::new(ClientId::new(client_id.to_string()))
        .set_auth_uri(AuthUrl::from_url(endpoints.authorize))
        .set_token_uri(TokenUrl::from_url(endpoints.token))
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(endpoints.device_code)))
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TransportError {
    #[error("{0}")]
    Request(#[from] reqwest::Error),
    #[error("{0}")]
    Http(#[from] http::Error),
}

/// oauth2's HTTP client over our reqwest client (one reqwest in the build). A named type rather
/// than a closure, so the sign-in futures stay `Send` for `tokio::spawn`.
pub(crate) struct Transport(reqwest::Client);

pub(crate) fn transport(http: &reqwest::Client) -> Transport {
    Transport(http.clone())
}

impl<'c> AsyncHttpClient<'c> for Transport {
    type Error = TransportError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.0.execute(reqwest::Request::try_from(request)?).await?;
            let mut reply = http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                reply = reply.header(name, value);
            }
            Ok(reply.body(response.bytes().await?.to_vec())?)
        })
    }
}

pub(crate) fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Keeps what Flowbench needs of a token reply. The expiry is counted on this machine's clock
/// from `expires_in`, so a skewed clock never makes a fresh token look expired or the reverse.
pub(crate) fn token_set(reply: &EntraTokenResponse, previous_refresh_token: Option<&str>) -> TokenSet {
    let lifetime = reply.expires_in().map(|d| d.as_secs()).unwrap_or(3600);
    TokenSet {
        access_token: reply.access_token().secret().clone(),
        // A reply without a new refresh token keeps the old one; with one, the old is replaced.
        refresh_token: reply
            .refresh_token()
            .map(|t| t.secret().clone())
            .or_else(|| previous_refresh_token.map(str::to_string)),
        expires_at: now_seconds() + lifetime,
    }
}

/// oauth2's request error as the maker should read it.
pub(crate) fn request_error<T>(url: &str, e: RequestTokenError<TransportError, StandardErrorResponse<T>>) -> AuthError
where
    T: oauth2::ErrorResponseType + std::fmt::Display,
    StandardErrorResponse<T>: ErrorResponse,
{
    match e {
        RequestTokenError::ServerResponse(reply) => AuthError::Entra(EntraError::new(
            &reply.error().to_string(),
            reply.error_description().map(String::as_str),
        )),
        RequestTokenError::Request(e) => AuthError::Network { url: url.to_string(), reason: e.to_string() },
        RequestTokenError::Parse(e, body) => AuthError::Protocol(format!(
            "{url} answered with something that is not an OAuth token reply ({e}): {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        )),
        RequestTokenError::Other(message) => {
            AuthError::Protocol(format!("{url} did not answer as an OAuth token endpoint: {message}"))
        }
    }
}
