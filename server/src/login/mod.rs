//! Sign-in through a provider: GitHub (organisation and team membership decide who may
//! sign in and with which role) or any OpenID Connect provider (a groups claim decides the
//! role). Each provider turns a callback's authorization code into an `Identity`, or a
//! `LoginFailure` saying why not.

pub mod github;
pub(crate) mod http_client;
pub mod membership_recheck;
pub mod oidc;
mod seal;

use engine::model::{
    access::Role,
    sign_in::{Refusal, SignInMethod},
};

pub use github::GitHubLogin;
pub use oidc::OidcLogin;

use crate::config::Config;

/// The configured providers, shared by the sign-in routes and the membership re-check.
#[derive(Debug, Default)]
pub struct Providers {
    pub github: Option<GitHubLogin>,
    pub oidc: Option<OidcLogin>,
}

impl Providers {
    pub fn from_config(config: &Config) -> Result<Providers, String> {
        let redirect = |kind: ProviderKind| {
            format!(
                "{}/auth/{}/callback",
                config.public_url_str(),
                kind.as_str()
            )
        };
        Ok(Providers {
            github: config
                .github
                .clone()
                .map(|settings| GitHubLogin::new(settings, &redirect(ProviderKind::GitHub)))
                .transpose()?,
            oidc: config
                .oidc
                .clone()
                .map(|settings| OidcLogin::new(settings, &redirect(ProviderKind::Oidc)))
                .transpose()?,
        })
    }
}

impl Providers {
    /// What the sign-in page offers: the providers, or the local admin when there are none.
    pub fn sign_in_methods(&self) -> Vec<SignInMethod> {
        let mut methods = Vec::new();
        if let Some(github) = &self.github {
            methods.push(SignInMethod::GitHub {
                org: github.org().to_owned(),
            });
        }
        if let Some(oidc) = &self.oidc {
            methods.push(SignInMethod::Oidc {
                issuer_host: oidc.issuer_host(),
            });
        }
        if methods.is_empty() {
            methods.push(SignInMethod::Local);
        }
        methods
    }
}

/// Which provider a sign-in route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    GitHub,
    Oidc,
}

impl ProviderKind {
    /// The provider a route names (`github`, `oidc`).
    pub fn parse(name: &str) -> Option<ProviderKind> {
        [ProviderKind::GitHub, ProviderKind::Oidc]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// The name in routes, the audit log and the people table.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::GitHub => "github",
            ProviderKind::Oidc => "oidc",
        }
    }
}

/// A person the provider vouched for.
#[derive(Debug, Clone)]
pub struct Identity {
    /// The provider's stable id for the person.
    pub subject: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    /// The provider's access token, sealed, when membership is re-checked later.
    pub sealed_token: Option<String>,
    /// When the provider's word about the person lapses (milliseconds since the epoch):
    /// the session ends then at the latest.
    pub vouched_until: Option<i64>,
}

/// Why a sign-in did not produce an identity: what the person is told (`refusal`), and
/// what the audit log records besides (`detail`, never a secret; `login` if known).
#[derive(Debug, Clone)]
pub struct LoginFailure {
    pub refusal: Refusal,
    pub detail: String,
    pub login: Option<String>,
}

impl LoginFailure {
    pub fn new(refusal: Refusal, detail: impl Into<String>) -> LoginFailure {
        LoginFailure {
            refusal,
            detail: detail.into(),
            login: None,
        }
    }

    pub fn of(mut self, login: &str) -> LoginFailure {
        self.login = Some(login.to_owned());
        self
    }
}
