//! Sign-in with an OpenID Connect provider: discovery from the issuer, the authorization
//! code flow with PKCE and a nonce, and a verified ID token (signature by a key of the
//! provider's JWKS, issuer, audience, expiry and nonce). The role comes from a groups claim.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use engine::model::{access::Role, sign_in::Refusal};
use jsonwebtoken::{
    errors::ErrorKind,
    jwk::{Jwk, JwkSet},
    Algorithm, DecodingKey, Validation,
};
use oauth2::{
    basic::{
        BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
        BasicTokenType,
    },
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ExtraTokenFields, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::RwLock;
use url::Url;

use super::{http_client::provider_http_client, Identity, LoginFailure};
use crate::config::OidcSettings;

/// How long discovery and keys are trusted before being fetched again (a key the cache
/// does not know also triggers a fetch).
const DISCOVERY_TTL: Duration = Duration::from_secs(60 * 60);
/// Clock difference tolerated between nixdeck and the provider.
const LEEWAY_SECONDS: u64 = 60;
/// Only asymmetric signatures: a key anyone could read must never verify a token.
const ALLOWED_ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

#[derive(Debug, Clone, Serialize, Deserialize)]
struct IdTokenField {
    id_token: String,
}

impl ExtraTokenFields for IdTokenField {}

type OidcTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OidcClient = oauth2::Client<
    BasicErrorResponse,
    OidcTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The parts of the discovery document nixdeck uses.
#[derive(Debug, Deserialize)]
struct DiscoveryDocument {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// What discovery found, with the provider's keys.
#[derive(Debug)]
struct Discovered {
    client: OidcClient,
    jwks_uri: String,
    keys: JwkSet,
    fetched_at: Instant,
}

#[derive(Debug)]
pub struct OidcLogin {
    settings: OidcSettings,
    redirect_url: String,
    http: reqwest::Client,
    discovered: RwLock<Option<Arc<Discovered>>>,
}

impl OidcLogin {
    pub fn new(settings: OidcSettings, redirect_url: &str) -> Result<OidcLogin, String> {
        Ok(OidcLogin {
            settings,
            redirect_url: redirect_url.to_owned(),
            http: provider_http_client()?,
            discovered: RwLock::new(None),
        })
    }

    /// The issuer's host, to name the provider on the sign-in page.
    pub fn issuer_host(&self) -> String {
        Url::parse(&self.settings.issuer)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_else(|| self.settings.issuer.clone())
    }

    /// Where to send the browser to start signing in.
    pub async fn authorize_url(
        &self,
        state: &str,
        challenge: PkceCodeChallenge,
        nonce: &str,
    ) -> Result<Url, LoginFailure> {
        let discovered = self.discovered().await?;
        let state = state.to_owned();
        let (url, _) = discovered
            .client
            .authorize_url(move || CsrfToken::new(state))
            .add_scope(Scope::new("openid".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .add_scope(Scope::new("email".to_owned()))
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", nonce)
            .url();
        Ok(url)
    }

    /// Turns the callback's code into the person named by a verified ID token.
    pub async fn finish(
        &self,
        code: &str,
        verifier: &str,
        nonce: &str,
    ) -> Result<Identity, LoginFailure> {
        let discovered = self.discovered().await?;
        let response = discovered
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(exchange_failure)?;
        let claims = self
            .verify(&discovered, &response.extra_fields().id_token, nonce)
            .await?;
        Ok(self.identity(&claims))
    }

    fn identity(&self, claims: &Value) -> Identity {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let subject = text("sub").unwrap_or_default();
        // An address the provider has not verified is anyone's to claim: it names nobody.
        let verified_email = claims
            .get("email_verified")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .then(|| text("email"))
            .flatten();
        let login = text("preferred_username")
            .or(verified_email)
            .unwrap_or_else(|| subject.clone());
        let groups: Vec<String> = match claims.get(&self.settings.groups_claim) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        };
        let in_group = |group: &Option<String>| {
            group
                .as_ref()
                .is_some_and(|group| groups.iter().any(|g| g == group))
        };
        let role = if in_group(&self.settings.admin_group) {
            Role::Admin
        } else if in_group(&self.settings.operator_group) {
            Role::Operator
        } else {
            Role::Viewer
        };
        Identity {
            name: text("name").unwrap_or_else(|| login.clone()),
            subject,
            login,
            role,
            sealed_token: None,
            // The provider vouches for the person, and their groups, until the ID token
            // expires; the session ends then and they sign in again.
            vouched_until: claims
                .get("exp")
                .and_then(Value::as_i64)
                .map(|seconds| seconds.saturating_mul(1000)),
        }
    }

    async fn verify(
        &self,
        discovered: &Arc<Discovered>,
        id_token: &str,
        nonce: &str,
    ) -> Result<Value, LoginFailure> {
        let invalid = |detail: String| LoginFailure::new(Refusal::InvalidIdToken, detail);
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|e| invalid(format!("ID token header unreadable: {e}")))?;
        if !ALLOWED_ALGORITHMS.contains(&header.alg) {
            return Err(invalid(format!(
                "ID token signed with {:?}, which is not accepted",
                header.alg
            )));
        }
        let jwk = match find_key(&discovered.keys, header.kid.as_deref()) {
            Some(jwk) => jwk,
            // The provider may have rotated its keys since they were fetched.
            None => {
                let refreshed = self.refresh_keys(discovered).await?;
                find_key(&refreshed.keys, header.kid.as_deref()).ok_or_else(|| {
                    invalid("ID token signed by a key the provider does not publish".to_owned())
                })?
            }
        };
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|e| invalid(format!("the provider's key is unusable: {e}")))?;
        let mut validation = Validation::new(header.alg);
        let issuer = self.settings.issuer.trim_end_matches('/');
        validation.set_issuer(&[issuer.to_owned(), format!("{issuer}/")]);
        validation.set_audience(&[&self.settings.client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECONDS;
        let data = jsonwebtoken::decode::<Value>(id_token, &key, &validation).map_err(|e| {
            invalid(match e.kind() {
                ErrorKind::InvalidIssuer => "ID token has the wrong issuer".to_owned(),
                ErrorKind::InvalidAudience => "ID token is for another audience".to_owned(),
                ErrorKind::ExpiredSignature => "ID token has expired".to_owned(),
                ErrorKind::InvalidSignature => "ID token signature does not verify".to_owned(),
                ErrorKind::MissingRequiredClaim(claim) => {
                    format!("ID token lacks the {claim} claim")
                }
                _ => format!("ID token rejected: {e}"),
            })
        })?;
        let claims = data.claims;
        if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
            return Err(invalid(
                "ID token nonce does not match this sign-in".to_owned(),
            ));
        }
        Ok(claims)
    }

    /// Discovery and keys, fetched when first needed and again after an hour.
    async fn discovered(&self) -> Result<Arc<Discovered>, LoginFailure> {
        if let Some(current) = self.discovered.read().await.as_ref() {
            if current.fetched_at.elapsed() < DISCOVERY_TTL {
                return Ok(current.clone());
            }
        }
        let fresh = Arc::new(self.discover().await?);
        *self.discovered.write().await = Some(fresh.clone());
        Ok(fresh)
    }

    async fn refresh_keys(&self, stale: &Discovered) -> Result<Arc<Discovered>, LoginFailure> {
        let keys = self.fetch_json::<JwkSet>(&stale.jwks_uri, "keys").await?;
        let fresh = Arc::new(Discovered {
            client: stale.client.clone(),
            jwks_uri: stale.jwks_uri.clone(),
            keys,
            fetched_at: Instant::now(),
        });
        *self.discovered.write().await = Some(fresh.clone());
        Ok(fresh)
    }

    async fn discover(&self) -> Result<Discovered, LoginFailure> {
        let issuer = self.settings.issuer.trim_end_matches('/');
        let document: DiscoveryDocument = self
            .fetch_json(
                &format!("{issuer}/.well-known/openid-configuration"),
                "discovery document",
            )
            .await?;
        if document.issuer.trim_end_matches('/') != issuer {
            return Err(LoginFailure::new(
                Refusal::ProviderUnavailable,
                format!(
                    "the discovery document names issuer {:?}, not the configured one",
                    document.issuer
                ),
            ));
        }
        let unusable = |what: &str, e: String| {
            LoginFailure::new(
                Refusal::ProviderUnavailable,
                format!("the discovery document's {what} is unusable: {e}"),
            )
        };
        let client: OidcClient =
            oauth2::Client::new(ClientId::new(self.settings.client_id.clone()))
                .set_client_secret(ClientSecret::new(
                    self.settings.client_secret.expose_secret().to_owned(),
                ))
                .set_auth_uri(
                    AuthUrl::new(document.authorization_endpoint)
                        .map_err(|e| unusable("authorization_endpoint", e.to_string()))?,
                )
                .set_token_uri(
                    TokenUrl::new(document.token_endpoint)
                        .map_err(|e| unusable("token_endpoint", e.to_string()))?,
                )
                .set_redirect_uri(
                    RedirectUrl::new(self.redirect_url.clone())
                        .map_err(|e| unusable("redirect URL", e.to_string()))?,
                )
                .set_auth_type(AuthType::BasicAuth);
        let keys = self
            .fetch_json::<JwkSet>(&document.jwks_uri, "keys")
            .await?;
        Ok(Discovered {
            client,
            jwks_uri: document.jwks_uri,
            keys,
            fetched_at: Instant::now(),
        })
    }

    async fn fetch_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        what: &str,
    ) -> Result<T, LoginFailure> {
        let unavailable = |detail: String| LoginFailure::new(Refusal::ProviderUnavailable, detail);
        let response =
            self.http.get(url).send().await.map_err(|e| {
                unavailable(format!("the provider's {what} could not be fetched: {e}"))
            })?;
        if !response.status().is_success() {
            return Err(unavailable(format!(
                "the provider answered {} for its {what}",
                response.status()
            )));
        }
        response
            .json::<T>()
            .await
            .map_err(|e| unavailable(format!("the provider's {what} was not understood: {e}")))
    }
}

/// The key with this id, or the only key when the token names none.
fn find_key(keys: &JwkSet, kid: Option<&str>) -> Option<Jwk> {
    match kid {
        Some(kid) => keys.find(kid).cloned(),
        None if keys.keys.len() == 1 => keys.keys.first().cloned(),
        None => None,
    }
}

fn exchange_failure(
    error: RequestTokenError<oauth2::HttpClientError<reqwest::Error>, BasicErrorResponse>,
) -> LoginFailure {
    match error {
        RequestTokenError::ServerResponse(error) => LoginFailure::new(
            Refusal::CodeRejected,
            format!("the provider refused the code: {}", error.error()),
        ),
        RequestTokenError::Parse(_, _) => LoginFailure::new(
            Refusal::CodeRejected,
            "the provider's token answer had no usable ID token",
        ),
        RequestTokenError::Request(error) => LoginFailure::new(
            Refusal::ProviderUnavailable,
            format!("the provider's token endpoint could not be reached: {error}"),
        ),
        RequestTokenError::Other(problem) => LoginFailure::new(
            Refusal::CodeRejected,
            format!("the provider's token endpoint answered unexpectedly: {problem}"),
        ),
    }
}
