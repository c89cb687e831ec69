//! The sign-in providers: GitHub (an OAuth app, gated by organisation and teams) and any
//! OpenID Connect provider. Each is configured as a whole or not at all: setting one of its
//! variables without the others it needs is an error naming the missing one.

use secrecy::SecretString;
use url::Url;

use super::{
    parse::{Layers, Raw},
    ConfigError, Origin,
};

/// GitHub's public web and API addresses; GitHub Enterprise Server users set their own.
const GITHUB_URL: &str = "https://github.com";
const GITHUB_API_URL: &str = "https://api.github.com";
/// The ID token claim holding the person's groups, unless configured otherwise.
const DEFAULT_GROUPS_CLAIM: &str = "groups";

/// Sign-in with GitHub.
#[derive(Debug, Clone)]
pub struct GitHubSettings {
    pub client_id: String,
    pub client_secret: SecretString,
    /// Only members of this organisation may sign in.
    pub org: String,
    /// Members of this team (its slug) are admins.
    pub admin_team: Option<String>,
    /// Members of this team are operators; other organisation members are viewers.
    pub operator_team: Option<String>,
    /// Where people authorise nixdeck (`/login/oauth/...` lives under it).
    pub web_url: Url,
    /// The REST API (`/user`, `/orgs/...` live under it).
    pub api_url: Url,
}

/// Sign-in with an OpenID Connect provider, found through discovery.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// As configured (ID tokens must name exactly this issuer, give or take a final '/').
    pub issuer: String,
    pub client_id: String,
    pub client_secret: SecretString,
    pub admin_group: Option<String>,
    pub operator_group: Option<String>,
    /// The claim listing the person's groups.
    pub groups_claim: String,
}

/// A value read from the layers with the variable and file key it is known by.
struct Setting {
    variable: &'static str,
    key: &'static str,
    raw: Raw,
}

impl Setting {
    fn invalid(&self, problem: String) -> ConfigError {
        self.raw.invalid(self.variable, self.key, problem)
    }

    fn text(&self) -> String {
        self.raw.value.trim().to_owned()
    }
}

impl Layers<'_> {
    fn setting(
        &self,
        variable: &'static str,
        key: &'static str,
        file_value: Option<&String>,
    ) -> Option<Setting> {
        self.raw(variable, file_value)
            .filter(|raw| !raw.value.trim().is_empty())
            .map(|raw| Setting { variable, key, raw })
    }

    /// GitHub sign-in, if any of its required settings is given.
    pub fn github(
        &self,
        origins: &mut Vec<(&'static str, Origin)>,
    ) -> Result<Option<GitHubSettings>, ConfigError> {
        let f = self.file;
        let client_id = self.setting(
            "NIXDECK_GITHUB_CLIENT_ID",
            "github_client_id",
            f.github_client_id.as_ref(),
        );
        let client_secret = self.setting(
            "NIXDECK_GITHUB_CLIENT_SECRET",
            "github_client_secret",
            f.github_client_secret.as_ref(),
        );
        let org = self.setting("NIXDECK_GITHUB_ORG", "github_org", f.github_org.as_ref());
        let admin_team = self.setting(
            "NIXDECK_GITHUB_ADMIN_TEAM",
            "github_admin_team",
            f.github_admin_team.as_ref(),
        );
        let operator_team = self.setting(
            "NIXDECK_GITHUB_OPERATOR_TEAM",
            "github_operator_team",
            f.github_operator_team.as_ref(),
        );
        let web_url_setting =
            self.setting("NIXDECK_GITHUB_URL", "github_url", f.github_url.as_ref());
        let api_url = self.setting(
            "NIXDECK_GITHUB_API_URL",
            "github_api_url",
            f.github_api_url.as_ref(),
        );
        let required = [&client_id, &client_secret, &org];
        if required.iter().all(|s| s.is_none()) {
            let optional = [&admin_team, &operator_team, &web_url_setting, &api_url];
            if let Some(stray) = optional.into_iter().flatten().next() {
                return Err(stray.invalid(
                    "GitHub sign-in also needs NIXDECK_GITHUB_CLIENT_ID, NIXDECK_GITHUB_CLIENT_SECRET and NIXDECK_GITHUB_ORG".to_owned(),
                ));
            }
            return Ok(None);
        }
        let client_id = require(client_id, "NIXDECK_GITHUB_CLIENT_ID", "GitHub")?;
        let client_secret = require(client_secret, "NIXDECK_GITHUB_CLIENT_SECRET", "GitHub")?;
        let org = require(org, "NIXDECK_GITHUB_ORG", "GitHub")?;
        check_github_name(&org, 39)?;
        for team in admin_team.iter().chain(operator_team.iter()) {
            check_github_name(team, 100)?;
        }
        let web_url = match &web_url_setting {
            Some(setting) => provider_url(setting)?,
            None => Url::parse(GITHUB_URL).map_err(|e| internal(e.to_string()))?,
        };
        let api_url_value = match &api_url {
            Some(setting) => provider_url(setting)?,
            None => Url::parse(GITHUB_API_URL).map_err(|e| internal(e.to_string()))?,
        };
        for setting in [
            Some(&client_id),
            Some(&client_secret),
            Some(&org),
            admin_team.as_ref(),
            operator_team.as_ref(),
            web_url_setting.as_ref(),
            api_url.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            origins.push((setting.variable, setting.raw.origin.clone()));
        }
        Ok(Some(GitHubSettings {
            client_id: client_id.text(),
            client_secret: SecretString::from(client_secret.text()),
            org: org.text(),
            admin_team: admin_team.map(|s| s.text()),
            operator_team: operator_team.map(|s| s.text()),
            web_url,
            api_url: api_url_value,
        }))
    }

    /// OpenID Connect sign-in, if any of its required settings is given.
    pub fn oidc(
        &self,
        origins: &mut Vec<(&'static str, Origin)>,
    ) -> Result<Option<OidcSettings>, ConfigError> {
        let f = self.file;
        let issuer = self.setting("NIXDECK_OIDC_ISSUER", "oidc_issuer", f.oidc_issuer.as_ref());
        let client_id = self.setting(
            "NIXDECK_OIDC_CLIENT_ID",
            "oidc_client_id",
            f.oidc_client_id.as_ref(),
        );
        let client_secret = self.setting(
            "NIXDECK_OIDC_CLIENT_SECRET",
            "oidc_client_secret",
            f.oidc_client_secret.as_ref(),
        );
        let admin_group = self.setting(
            "NIXDECK_OIDC_ADMIN_GROUP",
            "oidc_admin_group",
            f.oidc_admin_group.as_ref(),
        );
        let operator_group = self.setting(
            "NIXDECK_OIDC_OPERATOR_GROUP",
            "oidc_operator_group",
            f.oidc_operator_group.as_ref(),
        );
        let groups_claim = self.setting(
            "NIXDECK_OIDC_GROUPS_CLAIM",
            "oidc_groups_claim",
            f.oidc_groups_claim.as_ref(),
        );
        let required = [&issuer, &client_id, &client_secret];
        if required.iter().all(|s| s.is_none()) {
            let optional = [&admin_group, &operator_group, &groups_claim];
            if let Some(stray) = optional.into_iter().flatten().next() {
                return Err(stray.invalid(
                    "OIDC sign-in also needs NIXDECK_OIDC_ISSUER, NIXDECK_OIDC_CLIENT_ID and NIXDECK_OIDC_CLIENT_SECRET".to_owned(),
                ));
            }
            return Ok(None);
        }
        let issuer = require(issuer, "NIXDECK_OIDC_ISSUER", "OIDC")?;
        let client_id = require(client_id, "NIXDECK_OIDC_CLIENT_ID", "OIDC")?;
        let client_secret = require(client_secret, "NIXDECK_OIDC_CLIENT_SECRET", "OIDC")?;
        provider_url(&issuer)?;
        for setting in [
            Some(&issuer),
            Some(&client_id),
            Some(&client_secret),
            admin_group.as_ref(),
            operator_group.as_ref(),
            groups_claim.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            origins.push((setting.variable, setting.raw.origin.clone()));
        }
        Ok(Some(OidcSettings {
            issuer: issuer.text(),
            client_id: client_id.text(),
            client_secret: SecretString::from(client_secret.text()),
            admin_group: admin_group.map(|s| s.text()),
            operator_group: operator_group.map(|s| s.text()),
            groups_claim: groups_claim
                .map_or_else(|| DEFAULT_GROUPS_CLAIM.to_owned(), |s| s.text()),
        }))
    }
}

fn require(
    setting: Option<Setting>,
    variable: &'static str,
    provider: &str,
) -> Result<Setting, ConfigError> {
    setting.ok_or_else(|| ConfigError::Invalid {
        setting: variable.to_owned(),
        problem: format!(
            "is required for {provider} sign-in (some of its other settings are given)"
        ),
    })
}

/// Organisation logins and team slugs: letters, digits, '-', '_' and '.', as GitHub allows.
fn check_github_name(setting: &Setting, max_len: usize) -> Result<(), ConfigError> {
    let value = setting.text();
    let valid = !value.is_empty()
        && value.len() <= max_len
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(setting.invalid(format!(
            "{value:?} is not a GitHub name (letters, digits, '-', '_' or '.', at most {max_len})"
        )))
    }
}

/// A provider's base URL: https, or http only on a loopback host (a provider stand-in on the
/// same machine), since codes and tokens travel over it.
fn provider_url(setting: &Setting) -> Result<Url, ConfigError> {
    let value = setting.text();
    let url =
        Url::parse(&value).map_err(|e| setting.invalid(format!("{value:?} is not a URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(setting.invalid(format!(
                "{value:?} must be an https:// URL (http:// only for a provider on this machine)"
            )))
        }
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(setting.invalid(format!(
            "{value:?} must not have a query, fragment or user name"
        )));
    }
    Ok(url)
}

fn internal(problem: String) -> ConfigError {
    ConfigError::Invalid {
        setting: "built-in provider URL".to_owned(),
        problem,
    }
}
