//! Sign-in with GitHub: the OAuth web flow with PKCE, then GitHub's REST API for who the
//! person is and whether they belong to the organisation (and which team gives their role).
//! GitHub Enterprise Server works the same with its own web and API URLs.

use engine::model::{access::Role, sign_in::Refusal};
use oauth2::{
    basic::BasicClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::{http_client::provider_http_client, seal::TokenSeal, Identity, LoginFailure};
use crate::config::GitHubSettings;

type GitHubClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Enough to read organisation and team membership (and the person's own profile).
const SCOPE: &str = "read:org";

#[derive(Debug)]
pub struct GitHubLogin {
    settings: GitHubSettings,
    client: GitHubClient,
    http: reqwest::Client,
    seal: TokenSeal,
}

/// What GitHub says about a person's place in the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    Member(Role),
    NotMember,
    /// GitHub no longer accepts the token (the person revoked nixdeck's access).
    TokenRevoked,
}

#[derive(Debug, Deserialize)]
struct GitHubUser {
    login: String,
    id: u64,
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TeamMembership {
    state: String,
}

impl GitHubLogin {
    pub fn new(settings: GitHubSettings, redirect_url: &str) -> Result<GitHubLogin, String> {
        let web = |path: &str| {
            let mut url = settings.web_url.clone();
            url.path_segments_mut()
                .map_err(|()| "NIXDECK_GITHUB_URL cannot have a path appended".to_owned())?
                .pop_if_empty()
                .extend(path.split('/'));
            Ok::<_, String>(url.to_string())
        };
        let client = BasicClient::new(ClientId::new(settings.client_id.clone()))
            .set_client_secret(ClientSecret::new(
                settings.client_secret.expose_secret().to_owned(),
            ))
            .set_auth_uri(AuthUrl::new(web("login/oauth/authorize")?).map_err(|e| e.to_string())?)
            .set_token_uri(
                TokenUrl::new(web("login/oauth/access_token")?).map_err(|e| e.to_string())?,
            )
            .set_redirect_uri(RedirectUrl::new(redirect_url.to_owned()).map_err(|e| e.to_string())?)
            // GitHub documents the client credentials as form fields.
            .set_auth_type(AuthType::RequestBody);
        let seal = TokenSeal::new(&settings.client_secret, "github");
        Ok(GitHubLogin {
            settings,
            client,
            http: provider_http_client()?,
            seal,
        })
    }

    pub fn org(&self) -> &str {
        &self.settings.org
    }

    /// Where to send the browser to start signing in.
    pub fn authorize_url(&self, state: &str, challenge: PkceCodeChallenge) -> Url {
        let state = state.to_owned();
        let (url, _) = self
            .client
            .authorize_url(move || CsrfToken::new(state))
            .add_scope(Scope::new(SCOPE.to_owned()))
            .set_pkce_challenge(challenge)
            .add_extra_param("allow_signup", "false")
            .url();
        url
    }

    /// Turns the callback's code into the person, refusing non-members.
    pub async fn finish(&self, code: &str, verifier: &str) -> Result<Identity, LoginFailure> {
        let token = self.exchange(code, verifier).await?;
        let user = self.user(&token).await?;
        let role = match self.membership(&token, &user.login).await? {
            Membership::Member(role) => role,
            Membership::NotMember => {
                return Err(LoginFailure::new(
                    Refusal::NotMember,
                    format!(
                        "not a member of the GitHub organisation {}",
                        self.settings.org
                    ),
                )
                .of(&user.login))
            }
            Membership::TokenRevoked => {
                return Err(LoginFailure::new(
                    Refusal::CodeRejected,
                    "GitHub refused the token it had just issued",
                )
                .of(&user.login))
            }
        };
        let sealed_token = self
            .seal
            .seal(token.expose_secret())
            .map_err(|e| LoginFailure::new(Refusal::ProviderUnavailable, e))?;
        Ok(Identity {
            subject: user.id.to_string(),
            name: user
                .name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| user.login.clone()),
            login: user.login,
            role,
            sealed_token: Some(sealed_token),
            vouched_until: None,
        })
    }

    /// A session's stored token, if it opens under the current client secret.
    pub fn open_token(&self, sealed: &str) -> Option<SecretString> {
        self.seal.open(sealed)
    }

    async fn exchange(&self, code: &str, verifier: &str) -> Result<SecretString, LoginFailure> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&self.http)
            .await;
        match response {
            Ok(token) => Ok(SecretString::from(token.access_token().secret().to_owned())),
            // GitHub reports a bad code or verifier as HTTP 200 with an `error` field, which
            // does not parse as a token response.
            Err(RequestTokenError::Parse(_, body)) => Err(LoginFailure::new(
                Refusal::CodeRejected,
                format!("GitHub refused the code: {}", error_field(&body)),
            )),
            Err(RequestTokenError::ServerResponse(error)) => Err(LoginFailure::new(
                Refusal::CodeRejected,
                format!("GitHub refused the code: {}", error.error()),
            )),
            Err(RequestTokenError::Request(error)) => Err(LoginFailure::new(
                Refusal::ProviderUnavailable,
                format!("GitHub's token endpoint could not be reached: {error}"),
            )),
            Err(RequestTokenError::Other(problem)) => Err(LoginFailure::new(
                Refusal::ProviderUnavailable,
                format!("GitHub's token endpoint answered unexpectedly: {problem}"),
            )),
        }
    }

    async fn user(&self, token: &SecretString) -> Result<GitHubUser, LoginFailure> {
        let response = self.api_get(token, &["user"]).await?;
        if response.status() != StatusCode::OK {
            return Err(LoginFailure::new(
                Refusal::ProviderUnavailable,
                format!(
                    "GitHub answered {} for the signed-in user",
                    response.status()
                ),
            ));
        }
        response.json::<GitHubUser>().await.map_err(|e| {
            LoginFailure::new(
                Refusal::ProviderUnavailable,
                format!("GitHub's user answer was not understood: {e}"),
            )
        })
    }

    /// Whether `login` belongs to the organisation, and the role their teams give them.
    /// Asked with the person's own token, so private memberships count.
    pub async fn membership(
        &self,
        token: &SecretString,
        login: &str,
    ) -> Result<Membership, LoginFailure> {
        let org = self.settings.org.as_str();
        let response = self
            .api_get(token, &["orgs", org, "members", login])
            .await?;
        match response.status() {
            // 204 is a member; 404 is not, and 302 means the asker is not a member either.
            StatusCode::NO_CONTENT => {}
            StatusCode::UNAUTHORIZED => return Ok(Membership::TokenRevoked),
            status if status == StatusCode::NOT_FOUND || status.is_redirection() => {
                return Ok(Membership::NotMember)
            }
            status => {
                return Err(LoginFailure::new(
                    Refusal::ProviderUnavailable,
                    format!("GitHub answered {status} for organisation membership"),
                ))
            }
        }
        let teams = [
            (self.settings.admin_team.as_deref(), Role::Admin),
            (self.settings.operator_team.as_deref(), Role::Operator),
        ];
        for (team, role) in teams {
            let Some(team) = team else { continue };
            match self.in_team(token, team, login).await? {
                Some(true) => return Ok(Membership::Member(role)),
                Some(false) => {}
                None => return Ok(Membership::TokenRevoked),
            }
        }
        Ok(Membership::Member(Role::Viewer))
    }

    /// `Some(true)` for an active team member, `Some(false)` for anyone else, `None` when
    /// the token is refused.
    async fn in_team(
        &self,
        token: &SecretString,
        team: &str,
        login: &str,
    ) -> Result<Option<bool>, LoginFailure> {
        let org = self.settings.org.as_str();
        let response = self
            .api_get(token, &["orgs", org, "teams", team, "memberships", login])
            .await?;
        match response.status() {
            StatusCode::OK => {
                let membership = response.json::<TeamMembership>().await.map_err(|e| {
                    LoginFailure::new(
                        Refusal::ProviderUnavailable,
                        format!("GitHub's team membership answer was not understood: {e}"),
                    )
                })?;
                // A pending invitation is not membership yet.
                Ok(Some(membership.state == "active"))
            }
            StatusCode::NOT_FOUND => Ok(Some(false)),
            StatusCode::UNAUTHORIZED => Ok(None),
            status => Err(LoginFailure::new(
                Refusal::ProviderUnavailable,
                format!("GitHub answered {status} for membership of team {team}"),
            )),
        }
    }

    async fn api_get(
        &self,
        token: &SecretString,
        segments: &[&str],
    ) -> Result<reqwest::Response, LoginFailure> {
        let mut url = self.settings.api_url.clone();
        url.path_segments_mut()
            .map_err(|()| LoginFailure::new(Refusal::ProviderUnavailable, "bad API URL"))?
            .pop_if_empty()
            .extend(segments);
        self.http
            .get(url)
            .bearer_auth(token.expose_secret())
            .header(reqwest::header::ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .send()
            .await
            .map_err(|e| {
                LoginFailure::new(
                    Refusal::ProviderUnavailable,
                    format!("GitHub's API could not be reached: {e}"),
                )
            })
    }
}

/// The `error` field of a GitHub error body, or a note that there was none. Only the
/// field is kept: the body is not echoed.
fn error_field(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value.get("error")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "an answer without an access token".to_owned())
}
