//! The sign-in providers: GitHub (an OAuth app, gated by organisation and teams) and any
//! OpenID Connect provider. Each is configured as a whole or not at all: setting one of its
//! variables without the others it needs is an error naming the missing one.

use secrecy::SecretString;
use url::Url;

use super::{
    parse::{Layers, Raw, Report},
    settings::{self, Setting},
    ConfigError, Origin,
};

/// GitHub's public web and API addresses; GitHub Enterprise Server users set their own.
const GITHUB_URL: &str = "https://github.com";
pub(super) const GITHUB_API_URL: &str = "https://api.github.com";
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

impl Layers<'_> {
    /// GitHub sign-in, if any of its required settings is given.
    pub fn github(&self, report: &mut Report) -> Result<Option<GitHubSettings>, ConfigError> {
        let client_id = self.given(&settings::GITHUB_CLIENT_ID);
        let client_secret = self.given(&settings::GITHUB_CLIENT_SECRET);
        let org = self.given(&settings::GITHUB_ORG);
        let admin_team = self.given(&settings::GITHUB_ADMIN_TEAM);
        let operator_team = self.given(&settings::GITHUB_OPERATOR_TEAM);
        let web_url_setting = self.given(&settings::GITHUB_URL);
        let api_url = self.given(&settings::GITHUB_API_URL);
        let required = [&client_id, &client_secret, &org];
        if required.iter().all(|s| s.is_none()) {
            // The API address also serves deployment statuses, sign-in or not.
            let statuses = self.given(&settings::GITHUB_DEPLOY_TOKEN).is_some();
            let api_url = api_url.as_ref().filter(|_| !statuses);
            let optional = [
                admin_team.as_ref(),
                operator_team.as_ref(),
                web_url_setting.as_ref(),
                api_url,
            ];
            if let Some(stray) = optional.into_iter().flatten().next() {
                return Err(stray.invalid(
                    "GitHub sign-in also needs NIXDECK_GITHUB_CLIENT_ID, NIXDECK_GITHUB_CLIENT_SECRET and NIXDECK_GITHUB_ORG".to_owned(),
                ));
            }
            return Ok(None);
        }
        let client_id = require(client_id, &settings::GITHUB_CLIENT_ID, "GitHub")?;
        let client_secret = require(client_secret, &settings::GITHUB_CLIENT_SECRET, "GitHub")?;
        let org = require(org, &settings::GITHUB_ORG, "GitHub")?;
        check_github_name(&org, 39)?;
        for team in admin_team.iter().chain(operator_team.iter()) {
            check_github_name(team, 100)?;
        }
        let web_url = match &web_url_setting {
            Some(setting) => provider_url(setting)?,
            None => {
                report.show(&settings::GITHUB_URL, GITHUB_URL, Origin::Default);
                Url::parse(GITHUB_URL).map_err(|e| internal(e.to_string()))?
            }
        };
        let api_url_value = match &api_url {
            Some(setting) => provider_url(setting)?,
            None => {
                report.show(&settings::GITHUB_API_URL, GITHUB_API_URL, Origin::Default);
                Url::parse(GITHUB_API_URL).map_err(|e| internal(e.to_string()))?
            }
        };
        for raw in [
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
            report.show_raw(raw);
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
    pub fn oidc(&self, report: &mut Report) -> Result<Option<OidcSettings>, ConfigError> {
        let issuer = self.given(&settings::OIDC_ISSUER);
        let client_id = self.given(&settings::OIDC_CLIENT_ID);
        let client_secret = self.given(&settings::OIDC_CLIENT_SECRET);
        let admin_group = self.given(&settings::OIDC_ADMIN_GROUP);
        let operator_group = self.given(&settings::OIDC_OPERATOR_GROUP);
        let groups_claim = self.given(&settings::OIDC_GROUPS_CLAIM);
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
        let issuer = require(issuer, &settings::OIDC_ISSUER, "OIDC")?;
        let client_id = require(client_id, &settings::OIDC_CLIENT_ID, "OIDC")?;
        let client_secret = require(client_secret, &settings::OIDC_CLIENT_SECRET, "OIDC")?;
        provider_url(&issuer)?;
        for raw in [
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
            report.show_raw(raw);
        }
        if groups_claim.is_none() {
            report.show(
                &settings::OIDC_GROUPS_CLAIM,
                DEFAULT_GROUPS_CLAIM,
                Origin::Default,
            );
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

fn require(raw: Option<Raw>, setting: &Setting, provider: &str) -> Result<Raw, ConfigError> {
    raw.ok_or_else(|| ConfigError::Invalid {
        setting: setting.variable.to_owned(),
        problem: format!(
            "is required for {provider} sign-in (some of its other settings are given)"
        ),
    })
}

/// Organisation logins and team slugs: letters, digits, '-', '_' and '.', as GitHub allows.
fn check_github_name(setting: &Raw, max_len: usize) -> Result<(), ConfigError> {
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
pub(super) fn provider_url(setting: &Raw) -> Result<Url, ConfigError> {
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
