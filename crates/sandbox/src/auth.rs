//! Bearer tokens: the sandbox signs tokens for its personas (HS256, with a key kept in the data
//! directory) and checks every request's token as Dataverse checks Entra's: signature, expiry,
//! audience (the environment's URL) and tenant.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::guid::Guid;

const KEY_FILE: &str = "token-signing.key";
const KEY_BYTES: usize = 32;
/// Entra access tokens last about an hour.
pub const DEFAULT_LIFETIME_SECONDS: u64 = 3600;
/// Clock skew tolerated on exp and nbf.
const LEEWAY_SECONDS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the token signing key {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write the token signing key {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error(
        "the token signing key {path} is damaged ({reason}); delete it to make a new one (issued tokens stop working)"
    )]
    Damaged { path: PathBuf, reason: String },
    #[error("cannot sign a token: {0}")]
    Sign(String),
    #[error("the signing keys of {issuer} are not a usable JWK set: {reason}")]
    Jwks { issuer: String, reason: String },
}

/// The claims of a v2.0 Entra access token that Dataverse and the sandbox use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    /// Entra always sends it; RFC 9068 access tokens of other providers may not.
    #[serde(default)]
    pub nbf: u64,
    pub exp: u64,
    /// The user's Entra object id (systemuser.azureactivedirectoryobjectid).
    pub oid: Guid,
    pub tid: Guid,
    pub sub: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub upn: String,
    #[serde(default)]
    pub ver: String,
}

/// Why a request's token was refused; each becomes a 401 saying so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRejection {
    #[error("The request has no Authorization header; send `Authorization: Bearer <token>`.")]
    Missing,
    #[error("The Authorization header is not a bearer token; send `Authorization: Bearer <token>`.")]
    NotBearer,
    #[error("The bearer token has expired.")]
    Expired,
    #[error("The bearer token is not valid yet (nbf is in the future).")]
    NotYetValid,
    #[error("The bearer token's signature is not valid for this environment.")]
    BadSignature,
    #[error("The bearer token's audience is not this environment ({expected}).")]
    WrongAudience { expected: String },
    #[error("The bearer token was issued for another tenant than this environment's.")]
    WrongTenant,
    #[error("The bearer token is malformed: {0}.")]
    Malformed(String),
}

pub struct SigningKey {
    secret: Vec<u8>,
}

impl SigningKey {
    /// Reads the key from the data directory, making one on first use.
    pub fn load_or_create(data_dir: &Path) -> Result<SigningKey, KeyError> {
        let path = data_dir.join(KEY_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => SigningKey::from_hex(text.trim()).map_err(|reason| KeyError::Damaged { path, reason }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SigningKey::create(&path),
            Err(source) => Err(KeyError::Read { path, source }),
        }
    }

    fn from_hex(text: &str) -> Result<SigningKey, String> {
        if text.len() != KEY_BYTES * 2 {
            return Err(format!("expected {} hexadecimal digits, found {} characters", KEY_BYTES * 2, text.len()));
        }
        let secret = (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|_| "not hexadecimal".to_string()))
            .collect::<Result<Vec<u8>, String>>()?;
        Ok(SigningKey { secret })
    }

    fn create(path: &Path) -> Result<SigningKey, KeyError> {
        let mut secret = vec![0u8; KEY_BYTES];
        getrandom::fill(&mut secret)
            .map_err(|e| KeyError::Write { path: path.to_path_buf(), source: std::io::Error::other(e.to_string()) })?;
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        // Written to a temporary file and renamed, so a crash never leaves half a key; readable
        // by the owner only, since the key mints tokens for every persona.
        let temporary = path.with_extension("key.tmp");
        let write = || -> std::io::Result<()> {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&temporary)?;
            file.write_all(hex.as_bytes())?;
            file.sync_all()?;
            fs::rename(&temporary, path)
        };
        write().map_err(|source| KeyError::Write { path: path.to_path_buf(), source })?;
        Ok(SigningKey { secret })
    }

    pub fn sign(&self, claims: &Claims) -> Result<String, KeyError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(&self.secret))
            .map_err(|e| KeyError::Sign(e.to_string()))
    }

    /// Checks a token for the environment at `audience` in `tenant`.
    pub fn verify(&self, token: &str, audience: &str, tenant: Guid) -> Result<Claims, TokenRejection> {
        let validation = validation(Algorithm::HS256, audience, &issuer(tenant));
        decode(token, &DecodingKey::from_secret(&self.secret), &validation, audience, tenant)
    }
}

/// An identity provider whose tokens the sandbox accepts as Dataverse accepts Entra's: RS256
/// signatures checked against the provider's published keys (JWKS), for this environment's
/// audience and tenant. This is how a sign-in against a real OpenID Connect server is tested.
pub struct TrustedIssuer {
    issuer: String,
    keys: JwkSet,
}

impl TrustedIssuer {
    pub fn new(issuer: &str, jwks_json: &str) -> Result<TrustedIssuer, KeyError> {
        let keys: JwkSet = serde_json::from_str(jwks_json)
            .map_err(|e| KeyError::Jwks { issuer: issuer.to_string(), reason: e.to_string() })?;
        if keys.keys.is_empty() {
            return Err(KeyError::Jwks { issuer: issuer.to_string(), reason: "it holds no key".into() });
        }
        Ok(TrustedIssuer { issuer: issuer.to_string(), keys })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    fn key_for(&self, kid: Option<&str>) -> Option<DecodingKey> {
        let jwk = match kid {
            Some(kid) => self.keys.find(kid)?,
            None if self.keys.keys.len() == 1 => &self.keys.keys[0],
            None => return None,
        };
        DecodingKey::from_jwk(jwk).ok()
    }
}

/// Checks a token against the sandbox's own key, or the trusted issuer that holds its key id.
pub fn verify_token(
    own: &SigningKey,
    trusted: &[TrustedIssuer],
    token: &str,
    audience: &str,
    tenant: Guid,
) -> Result<Claims, TokenRejection> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| TokenRejection::Malformed(e.to_string()))?;
    if header.alg == Algorithm::HS256 {
        return own.verify(token, audience, tenant);
    }
    for issuer in trusted {
        if let Some(key) = issuer.key_for(header.kid.as_deref()) {
            return decode(token, &key, &validation(header.alg, audience, &issuer.issuer), audience, tenant);
        }
    }
    Err(TokenRejection::BadSignature)
}

fn validation(algorithm: Algorithm, audience: &str, issuer: &str) -> Validation {
    let mut validation = Validation::new(algorithm);
    // Dataverse accepts the environment URL with or without the trailing slash.
    validation.set_audience(&[audience.to_string(), format!("{audience}/")]);
    validation.set_issuer(&[issuer]);
    validation.set_required_spec_claims(&["exp", "aud", "iss"]);
    validation.validate_nbf = true;
    validation.leeway = LEEWAY_SECONDS;
    validation
}

fn decode(token: &str, key: &DecodingKey, validation: &Validation, audience: &str, tenant: Guid) -> Result<Claims, TokenRejection> {
    let data = jsonwebtoken::decode::<Claims>(token, key, validation).map_err(|e| match e.kind() {
        ErrorKind::ExpiredSignature => TokenRejection::Expired,
        ErrorKind::ImmatureSignature => TokenRejection::NotYetValid,
        ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => TokenRejection::BadSignature,
        ErrorKind::InvalidAudience => TokenRejection::WrongAudience { expected: audience.to_string() },
        ErrorKind::InvalidIssuer => TokenRejection::WrongTenant,
        _ => TokenRejection::Malformed(e.to_string()),
    })?;
    if data.claims.tid != tenant {
        return Err(TokenRejection::WrongTenant);
    }
    Ok(data.claims)
}

/// The v2.0 issuer Entra writes for a tenant.
pub fn issuer(tenant: Guid) -> String {
    format!("https://login.microsoftonline.com/{tenant}/v2.0")
}

pub fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Reads `Authorization: Bearer <token>`.
pub fn bearer_token(header: Option<&str>) -> Result<&str, TokenRejection> {
    let value = header.ok_or(TokenRejection::Missing)?.trim();
    let (scheme, token) = value.split_once(' ').ok_or(TokenRejection::NotBearer)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(TokenRejection::NotBearer);
    }
    Ok(token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(aud: &str, tid: Guid, exp: u64) -> Claims {
        let now = now_seconds();
        Claims {
            aud: aud.into(),
            iss: issuer(tid),
            iat: now,
            nbf: now,
            exp,
            oid: Guid::new_random(),
            tid,
            sub: "s".into(),
            name: "n".into(),
            upn: "u".into(),
            ver: "2.0".into(),
        }
    }

    #[test]
    fn keys_persist_and_verify_their_tokens() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::load_or_create(dir.path()).unwrap();
        let tenant = Guid::new_random();
        let token = key.sign(&claims("http://127.0.0.1:1", tenant, now_seconds() + 60)).unwrap();
        let again = SigningKey::load_or_create(dir.path()).unwrap();
        assert!(again.verify(&token, "http://127.0.0.1:1", tenant).is_ok());
        assert_eq!(
            again.verify(&token, "http://127.0.0.1:2", tenant),
            Err(TokenRejection::WrongAudience { expected: "http://127.0.0.1:2".into() })
        );
        assert_eq!(again.verify(&token, "http://127.0.0.1:1", Guid::new_random()), Err(TokenRejection::WrongTenant));
    }

    #[test]
    fn expired_foreign_and_garbage_tokens_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::load_or_create(dir.path()).unwrap();
        let other = SigningKey::load_or_create(tempfile::tempdir().unwrap().path()).unwrap();
        let tenant = Guid::new_random();
        let expired = key.sign(&claims("a", tenant, now_seconds() - 3600)).unwrap();
        assert_eq!(key.verify(&expired, "a", tenant), Err(TokenRejection::Expired));
        let foreign = other.sign(&claims("a", tenant, now_seconds() + 60)).unwrap();
        assert_eq!(key.verify(&foreign, "a", tenant), Err(TokenRejection::BadSignature));
        assert!(matches!(key.verify("not.a.token", "a", tenant), Err(TokenRejection::Malformed(_))));
    }

    #[test]
    fn a_damaged_key_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(KEY_FILE), "xyz").unwrap();
        assert!(matches!(SigningKey::load_or_create(dir.path()), Err(KeyError::Damaged { .. })));
    }

    #[test]
    fn reads_bearer_headers() {
        assert_eq!(bearer_token(Some("Bearer abc")), Ok("abc"));
        assert_eq!(bearer_token(Some("bearer  abc ")), Ok("abc"));
        assert_eq!(bearer_token(None), Err(TokenRejection::Missing));
        assert_eq!(bearer_token(Some("Basic abc")), Err(TokenRejection::NotBearer));
        assert_eq!(bearer_token(Some("Bearer")), Err(TokenRejection::NotBearer));
    }
}
