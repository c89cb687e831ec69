//! The one typed configuration, loaded once at start: defaults, then an optional
//! `nixdeck.toml`, then `NIXDECK_*` environment variables, which win. Every value is
//! checked here, before anything touches data, and a bad one is reported as one line naming
//! the variable and the problem. Nothing else in the program reads the environment.

mod database_url;
mod deployer;
mod error;
mod file;
mod parse;
mod providers;

use std::{
    collections::HashMap,
    fmt,
    net::SocketAddr,
    path::{Path, PathBuf},
};

pub use database_url::DatabaseUrl;
pub use deployer::{DeployerSettings, DeployerTarget};
pub use error::ConfigError;
use file::FileConfig;
pub use providers::{GitHubSettings, OidcSettings};
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
    /// Where nixdeck keeps its files, the SQLite database by default (`NIXDECK_DATA_DIR`).
    pub data_dir: PathBuf,
    /// The database (`NIXDECK_DATABASE_URL`); may hold a password, so it redacts itself.
    pub database_url: DatabaseUrl,
    /// Sign-in with GitHub, if configured (`NIXDECK_GITHUB_*`).
    pub github: Option<GitHubSettings>,
    /// Sign-in with an OpenID Connect provider, if configured (`NIXDECK_OIDC_*`).
    pub oidc: Option<OidcSettings>,
    /// Where the runbook's commands run (`NIXDECK_DEPLOYER_*`, `NIXDECK_NIXOPS_*`).
    pub deployer: DeployerSettings,
    /// The configuration file that was read, if any.
    pub file: Option<PathBuf>,
    /// Where each setting came from, by variable name.
    pub origins: HashMap<&'static str, Origin>,
}

/// What `describe` shows instead of a secret.
const REDACTED: &str = "(redacted)";

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
        let mut origins = HashMap::new();

        let (listen, origin) = layers.listen()?;
        origins.insert("NIXDECK_LISTEN", origin);
        let (data_dir, origin) = layers.data_dir()?;
        origins.insert("NIXDECK_DATA_DIR", origin);
        let (database_url, origin) = layers.database_url(&data_dir)?;
        origins.insert("NIXDECK_DATABASE_URL", origin);
        let (public_url, origin) = layers.public_url(listen)?;
        origins.insert("NIXDECK_PUBLIC_URL", origin);
        let mut provider_origins = Vec::new();
        let github = layers.github(&mut provider_origins)?;
        let oidc = layers.oidc(&mut provider_origins)?;
        let deployer = layers.deployer(&mut provider_origins)?;
        origins.extend(provider_origins);
        let local_mode = github.is_none() && oidc.is_none();
        if local_mode && !listen.ip().is_loopback() {
            return Err(ConfigError::Invalid {
                setting: "NIXDECK_LISTEN".to_owned(),
                problem: format!(
                    "{listen} is not a loopback address: with no sign-in provider configured, \
                     nixdeck runs in local mode, where anyone who can reach it is an admin, so it \
                     only listens on 127.0.0.1 or [::1]"
                ),
            });
        }

        Ok(Config {
            listen,
            public_url,
            data_dir,
            database_url,
            github,
            oidc,
            deployer,
            file: file.map(Path::to_path_buf),
            origins,
        })
    }

    /// The configuration as TOML, secrets redacted, each line noting where its value came
    /// from: what `nixdeck check-config` prints.
    pub fn describe(&self) -> String {
        let origin = |variable: &str| {
            self.origins
                .get(variable)
                .map_or_else(|| "default".to_owned(), ToString::to_string)
        };
        let file = self
            .file
            .as_ref()
            .map_or_else(|| "none".to_owned(), |path| path.display().to_string());
        let mut lines = vec![
            format!("# nixdeck configuration (file: {file}; environment variables win)"),
            format!(
                "listen = {:?}  # NIXDECK_LISTEN, {}",
                self.listen.to_string(),
                origin("NIXDECK_LISTEN")
            ),
            format!(
                "public_url = {:?}  # NIXDECK_PUBLIC_URL, {}",
                self.public_url_str(),
                origin("NIXDECK_PUBLIC_URL")
            ),
            format!(
                "data_dir = {:?}  # NIXDECK_DATA_DIR, {}",
                self.data_dir.display().to_string(),
                origin("NIXDECK_DATA_DIR")
            ),
            format!(
                "database_url = {:?}  # NIXDECK_DATABASE_URL, {}, {}",
                self.database_url.redacted(),
                origin("NIXDECK_DATABASE_URL"),
                self.database_url.engine().as_str()
            ),
        ];
        lines.extend(self.describe_providers(&origin));
        lines.extend(self.describe_deployer(&origin));
        lines.join("\n")
    }

    /// The sign-in providers' settings, secrets redacted, for `describe`.
    fn describe_providers(&self, origin: &dyn Fn(&str) -> String) -> Vec<String> {
        let line = |key: &str, variable: &str, value: Option<&str>| {
            value.map(|value| format!("{key} = {value:?}  # {variable}, {}", origin(variable)))
        };
        let mut lines = Vec::new();
        if let Some(github) = &self.github {
            lines.extend([
                line(
                    "github_client_id",
                    "NIXDECK_GITHUB_CLIENT_ID",
                    Some(&github.client_id),
                ),
                line(
                    "github_client_secret",
                    "NIXDECK_GITHUB_CLIENT_SECRET",
                    Some(REDACTED),
                ),
                line("github_org", "NIXDECK_GITHUB_ORG", Some(&github.org)),
                line(
                    "github_admin_team",
                    "NIXDECK_GITHUB_ADMIN_TEAM",
                    github.admin_team.as_deref(),
                ),
                line(
                    "github_operator_team",
                    "NIXDECK_GITHUB_OPERATOR_TEAM",
                    github.operator_team.as_deref(),
                ),
                line(
                    "github_url",
                    "NIXDECK_GITHUB_URL",
                    Some(github.web_url.as_str()),
                ),
                line(
                    "github_api_url",
                    "NIXDECK_GITHUB_API_URL",
                    Some(github.api_url.as_str()),
                ),
            ]);
        }
        if let Some(oidc) = &self.oidc {
            lines.extend([
                line("oidc_issuer", "NIXDECK_OIDC_ISSUER", Some(&oidc.issuer)),
                line(
                    "oidc_client_id",
                    "NIXDECK_OIDC_CLIENT_ID",
                    Some(&oidc.client_id),
                ),
                line(
                    "oidc_client_secret",
                    "NIXDECK_OIDC_CLIENT_SECRET",
                    Some(REDACTED),
                ),
                line(
                    "oidc_admin_group",
                    "NIXDECK_OIDC_ADMIN_GROUP",
                    oidc.admin_group.as_deref(),
                ),
                line(
                    "oidc_operator_group",
                    "NIXDECK_OIDC_OPERATOR_GROUP",
                    oidc.operator_group.as_deref(),
                ),
                line(
                    "oidc_groups_claim",
                    "NIXDECK_OIDC_GROUPS_CLAIM",
                    Some(&oidc.groups_claim),
                ),
            ]);
        }
        if self.local_mode() {
            lines.push(Some(
                "# no sign-in provider: local mode (a single local admin, loopback only)"
                    .to_owned(),
            ));
        }
        lines.into_iter().flatten().collect()
    }

    /// The deployer's settings, for `describe` (the key file's path, never its contents).
    fn describe_deployer(&self, origin: &dyn Fn(&str) -> String) -> Vec<String> {
        let deployer = &self.deployer;
        let line = |key: &str, variable: &str, value: &str| {
            format!("{key} = {value:?}  # {variable}, {}", origin(variable))
        };
        let mut lines = vec![line(
            "deployer_ssh",
            "NIXDECK_DEPLOYER_SSH",
            &deployer.address,
        )];
        if let DeployerTarget::Ssh(_) = deployer.target {
            lines.push(line(
                "deployer_ssh_key",
                "NIXDECK_DEPLOYER_SSH_KEY",
                "(set)",
            ));
            lines.push(line(
                "deployer_host_key",
                "NIXDECK_DEPLOYER_HOST_KEY",
                "(pinned)",
            ));
        }
        lines.push(line(
            "nixops_root",
            "NIXDECK_NIXOPS_ROOT",
            &deployer.nixops_root,
        ));
        lines.push(line(
            "nixops_repo_url",
            "NIXDECK_NIXOPS_REPO_URL",
            &deployer.repo_url,
        ));
        lines
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
