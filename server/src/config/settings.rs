//! Every setting nixdeck reads, declared once: its environment variable, its key in
//! `nixdeck.toml` (the variable in lowercase without `NIXDECK_`), whether its value is a
//! secret, and the section it belongs to. The file's accepted keys, `check-config`'s output
//! and the test that `.env.example` documents every variable all come from this list; a
//! new setting is one entry here plus the code that uses its value.

/// One setting.
#[derive(Debug, PartialEq, Eq)]
pub struct Setting {
    pub variable: &'static str,
    pub secret: bool,
    pub section: Section,
}

impl Setting {
    /// The key in `nixdeck.toml`.
    pub fn key(&self) -> String {
        self.variable
            .trim_start_matches("NIXDECK_")
            .to_ascii_lowercase()
    }
}

/// Where a setting belongs, for `check-config`'s grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Server,
    GitHub,
    Oidc,
    Deployer,
    Builder,
    Aws,
    Delivery,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Server => "server",
            Section::GitHub => "sign-in with GitHub",
            Section::Oidc => "sign-in with OpenID Connect",
            Section::Deployer => "the deployer",
            Section::Builder => "the macOS builder",
            Section::Aws => "AWS (credentials come from the standard AWS chain)",
            Section::Delivery => "delivery (approvals, GitHub deployments, Slack)",
        }
    }
}

const fn plain(variable: &'static str, section: Section) -> Setting {
    Setting {
        variable,
        secret: false,
        section,
    }
}

const fn secret(variable: &'static str, section: Section) -> Setting {
    Setting {
        variable,
        secret: true,
        section,
    }
}

pub const LISTEN: Setting = plain("NIXDECK_LISTEN", Section::Server);
pub const PUBLIC_URL: Setting = plain("NIXDECK_PUBLIC_URL", Section::Server);
pub const ALLOWED_HOSTS: Setting = plain("NIXDECK_ALLOWED_HOSTS", Section::Server);
pub const DATA_DIR: Setting = plain("NIXDECK_DATA_DIR", Section::Server);
/// Not secret as such, but a URL that may carry a password: shown redacted.
pub const DATABASE_URL: Setting = plain("NIXDECK_DATABASE_URL", Section::Server);
pub const AUDIT_ANCHOR: Setting = plain("NIXDECK_AUDIT_ANCHOR", Section::Server);
pub const LOG_FORMAT: Setting = plain("NIXDECK_LOG_FORMAT", Section::Server);
pub const METRICS_LISTEN: Setting = plain("NIXDECK_METRICS_LISTEN", Section::Server);
pub const LOG_RETENTION_DAYS: Setting = plain("NIXDECK_LOG_RETENTION_DAYS", Section::Server);

pub const GITHUB_CLIENT_ID: Setting = plain("NIXDECK_GITHUB_CLIENT_ID", Section::GitHub);
pub const GITHUB_CLIENT_SECRET: Setting = secret("NIXDECK_GITHUB_CLIENT_SECRET", Section::GitHub);
pub const GITHUB_ORG: Setting = plain("NIXDECK_GITHUB_ORG", Section::GitHub);
pub const GITHUB_ADMIN_TEAM: Setting = plain("NIXDECK_GITHUB_ADMIN_TEAM", Section::GitHub);
pub const GITHUB_OPERATOR_TEAM: Setting = plain("NIXDECK_GITHUB_OPERATOR_TEAM", Section::GitHub);
pub const GITHUB_URL: Setting = plain("NIXDECK_GITHUB_URL", Section::GitHub);
pub const GITHUB_API_URL: Setting = plain("NIXDECK_GITHUB_API_URL", Section::GitHub);

pub const OIDC_ISSUER: Setting = plain("NIXDECK_OIDC_ISSUER", Section::Oidc);
pub const OIDC_CLIENT_ID: Setting = plain("NIXDECK_OIDC_CLIENT_ID", Section::Oidc);
pub const OIDC_CLIENT_SECRET: Setting = secret("NIXDECK_OIDC_CLIENT_SECRET", Section::Oidc);
pub const OIDC_ADMIN_GROUP: Setting = plain("NIXDECK_OIDC_ADMIN_GROUP", Section::Oidc);
pub const OIDC_OPERATOR_GROUP: Setting = plain("NIXDECK_OIDC_OPERATOR_GROUP", Section::Oidc);
pub const OIDC_GROUPS_CLAIM: Setting = plain("NIXDECK_OIDC_GROUPS_CLAIM", Section::Oidc);

pub const DEPLOYER_SSH: Setting = plain("NIXDECK_DEPLOYER_SSH", Section::Deployer);
pub const DEPLOYER_SSH_KEY: Setting = plain("NIXDECK_DEPLOYER_SSH_KEY", Section::Deployer);
pub const DEPLOYER_HOST_KEY: Setting = plain("NIXDECK_DEPLOYER_HOST_KEY", Section::Deployer);
pub const DEPLOYER_KEEPALIVE: Setting = plain("NIXDECK_DEPLOYER_KEEPALIVE", Section::Deployer);
pub const NIXOPS_ROOT: Setting = plain("NIXDECK_NIXOPS_ROOT", Section::Deployer);
/// May carry credentials (`https://user:token@...`): shown redacted.
pub const NIXOPS_REPO_URL: Setting = plain("NIXDECK_NIXOPS_REPO_URL", Section::Deployer);
pub const DEPLOYER_CHECKOUT: Setting = plain("NIXDECK_DEPLOYER_CHECKOUT", Section::Deployer);

pub const BUILDER_SSH: Setting = plain("NIXDECK_BUILDER_SSH", Section::Builder);
pub const BUILDER_SSH_KEY: Setting = plain("NIXDECK_BUILDER_SSH_KEY", Section::Builder);
pub const BUILDER_HOST_KEY: Setting = plain("NIXDECK_BUILDER_HOST_KEY", Section::Builder);
pub const BUILDER_WORK_DIR: Setting = plain("NIXDECK_BUILDER_WORK_DIR", Section::Builder);
pub const BUILDER_AGENT: Setting = plain("NIXDECK_BUILDER_AGENT", Section::Builder);
pub const BUILDER_PROBE_INTERVAL: Setting =
    plain("NIXDECK_BUILDER_PROBE_INTERVAL", Section::Builder);

pub const AWS_REGION: Setting = plain("NIXDECK_AWS_REGION", Section::Aws);
pub const AWS_TIMEOUT: Setting = plain("NIXDECK_AWS_TIMEOUT", Section::Aws);
/// The AWS SDK's own variable: read by the SDK, not the configuration, but shown with the
/// rest (tests point it at a local AWS).
pub const AWS_ENDPOINT_URL: Setting = plain("AWS_ENDPOINT_URL", Section::Aws);

pub const PRODUCTION_APPROVALS: Setting = plain("NIXDECK_PRODUCTION_APPROVALS", Section::Delivery);
pub const APPROVAL_TTL: Setting = plain("NIXDECK_APPROVAL_TTL", Section::Delivery);
pub const GITHUB_WEBHOOK_SECRET: Setting =
    secret("NIXDECK_GITHUB_WEBHOOK_SECRET", Section::Delivery);
pub const GITHUB_DEPLOY_TOKEN: Setting = secret("NIXDECK_GITHUB_DEPLOY_TOKEN", Section::Delivery);
pub const SLACK_SIGNING_SECRET: Setting = secret("NIXDECK_SLACK_SIGNING_SECRET", Section::Delivery);

/// Every setting, in the order `check-config` shows them.
pub const SETTINGS: [&Setting; 44] = [
    &LISTEN,
    &PUBLIC_URL,
    &ALLOWED_HOSTS,
    &DATA_DIR,
    &DATABASE_URL,
    &AUDIT_ANCHOR,
    &LOG_FORMAT,
    &METRICS_LISTEN,
    &LOG_RETENTION_DAYS,
    &GITHUB_CLIENT_ID,
    &GITHUB_CLIENT_SECRET,
    &GITHUB_ORG,
    &GITHUB_ADMIN_TEAM,
    &GITHUB_OPERATOR_TEAM,
    &GITHUB_URL,
    &GITHUB_API_URL,
    &OIDC_ISSUER,
    &OIDC_CLIENT_ID,
    &OIDC_CLIENT_SECRET,
    &OIDC_ADMIN_GROUP,
    &OIDC_OPERATOR_GROUP,
    &OIDC_GROUPS_CLAIM,
    &DEPLOYER_SSH,
    &DEPLOYER_SSH_KEY,
    &DEPLOYER_HOST_KEY,
    &DEPLOYER_KEEPALIVE,
    &NIXOPS_ROOT,
    &NIXOPS_REPO_URL,
    &DEPLOYER_CHECKOUT,
    &BUILDER_SSH,
    &BUILDER_SSH_KEY,
    &BUILDER_HOST_KEY,
    &BUILDER_WORK_DIR,
    &BUILDER_AGENT,
    &BUILDER_PROBE_INTERVAL,
    &AWS_REGION,
    &AWS_TIMEOUT,
    &AWS_ENDPOINT_URL,
    &PRODUCTION_APPROVALS,
    &APPROVAL_TTL,
    &GITHUB_WEBHOOK_SECRET,
    &GITHUB_DEPLOY_TOKEN,
    &SLACK_SIGNING_SECRET,
    &RUST_LOG,
];

/// The log filter: read by the logging set-up, not the configuration, but documented and
/// shown like the rest.
pub const RUST_LOG: Setting = plain("RUST_LOG", Section::Server);

/// The setting with this file key, if any.
pub fn by_key(key: &str) -> Option<&'static Setting> {
    SETTINGS
        .iter()
        .copied()
        .find(|setting| setting.variable.starts_with("NIXDECK_") && setting.key() == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_keys_are_the_variables_in_lowercase() {
        assert_eq!(LISTEN.key(), "listen");
        assert_eq!(NIXOPS_REPO_URL.key(), "nixops_repo_url");
        assert_eq!(by_key("github_org"), Some(&GITHUB_ORG));
        assert_eq!(by_key("lisen"), None);
    }

    #[test]
    fn env_example_documents_every_variable() {
        let example = include_str!("../../../.env.example");
        for setting in SETTINGS {
            assert!(
                example.contains(&format!("{}=", setting.variable)),
                ".env.example does not document {}",
                setting.variable
            );
        }
    }
}
