//! The one typed configuration, loaded once at start: defaults, then an optional
//! `nixdeck.toml`, then `NIXDECK_*` environment variables, which win. Every value is
//! checked here, before anything touches data, and a bad one is reported as one line naming
//! the variable and the problem. Nothing else in the program reads the environment.

mod aws_settings;
mod builder;
mod database_url;
mod delivery;
mod deployer;
mod error;
mod file;
mod network;
mod parse;
mod providers;
mod service;
pub mod settings;

use std::{
    collections::HashMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
};

pub use builder::BuilderSettings;
pub use database_url::DatabaseUrl;
pub use delivery::GithubDelivery;
pub use deployer::{DeployerSettings, DeployerTarget};
pub use error::ConfigError;
use file::FileConfig;
pub use network::AllowedHosts;
pub use parse::{Report, Shown};
pub use providers::{GitHubSettings, OidcSettings};
pub use service::LogFormat;
use url::Url;

/// Where a setting's value came from, shown by `nixdeck check-config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
    Env(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File(path) => write!(f, "from {}", path.display()),
            Origin::Env(variable) => write!(f, "from {variable}"),
        }
    }
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The address the HTTP server binds (`NIXDECK_LISTEN`).
    pub listen: SocketAddr,
    /// The URL people reach nixdeck at, used for links and OAuth redirects
    /// (`NIXDECK_PUBLIC_URL`). Never ends in a slash.
    pub public_url: Url,
    /// The `Host` values requests may name (`NIXDECK_ALLOWED_HOSTS` and the above).
    pub allowed_hosts: AllowedHosts,
    /// Where nixdeck keeps its files, the SQLite database by default (`NIXDECK_DATA_DIR`).
    pub data_dir: PathBuf,
    /// The database (`NIXDECK_DATABASE_URL`); may hold a password, so it redacts itself.
    pub database_url: DatabaseUrl,
    /// Where each committed audit chain head is recorded (`NIXDECK_AUDIT_ANCHOR`).
    pub audit_anchor: PathBuf,
    /// Sign-in with GitHub, if configured (`NIXDECK_GITHUB_*`).
    pub github: Option<GitHubSettings>,
    /// Sign-in with an OpenID Connect provider, if configured (`NIXDECK_OIDC_*`).
    pub oidc: Option<OidcSettings>,
    /// Where the runbook's commands run (`NIXDECK_DEPLOYER_*`, `NIXDECK_NIXOPS_*`).
    pub deployer: DeployerSettings,
    /// The macOS builder, if configured (`NIXDECK_BUILDER_*`).
    pub builder: Option<BuilderSettings>,
    /// How AWS is reached (`NIXDECK_AWS_*`, and the standard AWS chain).
    pub aws: ::aws::Settings,
    /// The two-person rule for production (`NIXDECK_PRODUCTION_APPROVALS`,
    /// `NIXDECK_APPROVAL_TTL`).
    pub approvals: engine::model::approval::ApprovalPolicy,
    /// GitHub deployments as a trigger, and their statuses (`NIXDECK_GITHUB_WEBHOOK_SECRET`,
    /// `NIXDECK_GITHUB_DEPLOY_TOKEN`, `NIXDECK_GITHUB_API_URL`).
    pub github_delivery: GithubDelivery,
    /// Slack's `/deploy` (`NIXDECK_SLACK_SIGNING_SECRET`).
    pub slack_signing_secret: Option<secrecy::SecretString>,
    /// How log lines are written (`NIXDECK_LOG_FORMAT`).
    pub log_format: LogFormat,
    /// Where Prometheus scrapes `/metrics`, if anywhere (`NIXDECK_METRICS_LISTEN`).
    pub metrics_listen: Option<SocketAddr>,
    /// How many days finished jobs' log lines are kept, `None` for ever
    /// (`NIXDECK_LOG_RETENTION_DAYS`).
    pub log_retention_days: Option<u32>,
    /// systemd's notification socket (`NOTIFY_SOCKET`), when it waits for readiness.
    pub notify_socket: Option<String>,
    /// The configuration file that was read, if any.
    pub file: Option<PathBuf>,
    /// Every effective value (secrets redacted) and where it came from.
    pub report: Report,
}

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_FILE: &str = "nixdeck.toml";

impl Config {
    /// Loads the configuration for this process: the file named by `--config` (which must
    /// exist) or `./nixdeck.toml` (if it exists), then the process environment.
    pub fn load(explicit_file: Option<&Path>) -> Result<Config, ConfigError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        let file = match explicit_file {
            Some(path) => Some(path.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_FILE)).filter(|path| path.is_file()),
        };
        Config::from_sources(file.as_deref(), &env)
    }

    /// Builds the configuration from a file (if any) and an environment, without reading
    /// the process's own: the pure core of `load`, and what the tests call.
    pub fn from_sources(
        file: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Config, ConfigError> {
        let file_values = match file {
            Some(path) => FileConfig::read(path)?,
            None => FileConfig::default(),
        };
        let layers = parse::Layers {
            file: &file_values,
            file_path: file,
            env,
        };
        let mut report = Report::default();
        let listen = layers.listen(&mut report)?;
        let public_url = layers.public_url(listen, &mut report)?;
        let data_dir = layers.data_dir(&mut report)?;
        let database_url = layers.database_url(&data_dir, &mut report)?;
        let audit_anchor = layers.audit_anchor(&data_dir, &mut report)?;
        let log_format = layers.log_format(&mut report)?;
        let metrics_listen = layers.metrics_listen(listen, &mut report)?;
        let log_retention_days = layers.log_retention_days(&mut report)?;
        let github = layers.github(&mut report)?;
        let oidc = layers.oidc(&mut report)?;
        let deployer = layers.deployer(&mut report)?;
        let builder = layers.builder(&mut report)?;
        let aws = layers.aws(&mut report)?;
        let approvals = layers.approvals(&mut report)?;
        let github_delivery = layers.github_delivery(&mut report, github.is_some())?;
        let slack_signing_secret = delivery::slack_secret_of(&layers, &mut report);
        let local_mode = github.is_none() && oidc.is_none();
        if local_mode && !listen.ip().is_loopback() {
            return Err(ConfigError::Invalid {
                setting: settings::LISTEN.variable.to_owned(),
                problem: format!(
                    "{listen} is not a loopback address: with no sign-in provider configured, \
                     nixdeck runs in local mode, where anyone who can reach it is an admin, so it \
                     only listens on 127.0.0.1 or [::1]"
                ),
            });
        }
        let allowed_hosts = layers.allowed_hosts(&public_url, listen, local_mode, &mut report)?;
        if let Some(filter) = env.get(settings::RUST_LOG.variable) {
            report.show(
                &settings::RUST_LOG,
                filter,
                Origin::Env(settings::RUST_LOG.variable),
            );
        }
        Ok(Config {
            listen,
            public_url,
            allowed_hosts,
            data_dir,
            database_url,
            audit_anchor,
            github,
            oidc,
            deployer,
            builder,
            aws,
            approvals,
            github_delivery,
            slack_signing_secret,
            log_format,
            metrics_listen,
            log_retention_days,
            notify_socket: layers.notify_socket(),
            file: file.map(Path::to_path_buf),
            report,
        })
    }

    /// The configuration as TOML, by section, secrets redacted, each value noting where it
    /// came from: what `nixdeck check-config` prints.
    pub fn describe(&self) -> String {
        let file = self
            .file
            .as_ref()
            .map_or_else(|| "none".to_owned(), |path| path.display().to_string());
        let mut lines = vec![format!(
            "# nixdeck configuration (file: {file}; environment variables win)"
        )];
        let mut section = None;
        for setting in settings::SETTINGS {
            let Some(shown) = self.report.shown.iter().find(|s| s.setting == setting) else {
                continue;
            };
            if section != Some(setting.section) {
                section = Some(setting.section);
                lines.push(format!("# {}", setting.section.title()));
            }
            lines.push(format!(
                "{} = {:?}  # {}, {}",
                setting.key(),
                shown.value,
                setting.variable,
                shown.origin
            ));
        }
        if self.local_mode() {
            lines.push(
                "# no sign-in provider: local mode (a single local admin, loopback only)"
                    .to_owned(),
            );
        }
        lines.join("\n")
    }

    /// Where a setting's value came from (`Default` for one not set).
    pub fn origin_of(&self, variable: &str) -> Origin {
        self.report
            .shown
            .iter()
            .find(|shown| shown.setting.variable == variable)
            .map_or(Origin::Default, |shown| shown.origin.clone())
    }

    /// No sign-in provider is configured, so a single local admin signs in, and nixdeck
    /// listens on a loopback address only.
    pub fn local_mode(&self) -> bool {
        self.github.is_none() && self.oidc.is_none()
    }

    /// The public URL without a trailing slash, ready to have paths appended.
    pub fn public_url_str(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
    }
}

#[cfg(test)]
mod tests;
