//! Reading settings from their layers (the environment wins over the file), and recording
//! each effective value with where it came from, for `check-config`.

use std::{
    collections::HashMap,
    net::{Ipv4Addr, SocketAddr, SocketAddrV4},
    path::{Path, PathBuf},
};

use url::Url;

use super::{
    database_url::redact,
    file::FileConfig,
    settings::{self, Setting},
    ConfigError, DatabaseUrl, Origin,
};

/// Listen address used when nothing is configured.
const DEFAULT_LISTEN: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 3000));
/// Data directory used when nothing is configured, relative to the working directory.
const DEFAULT_DATA_DIR: &str = "./data";
/// The SQLite file inside the data directory.
const SQLITE_FILE: &str = "nixdeck.db";
/// The audit anchor inside the data directory.
const ANCHOR_FILE: &str = "audit-anchor";

/// What `describe` shows instead of a secret.
const REDACTED: &str = "(redacted)";

/// The file's values and the environment, in the order they apply.
pub struct Layers<'a> {
    pub file: &'a FileConfig,
    pub file_path: Option<&'a Path>,
    pub env: &'a HashMap<String, String>,
}

/// A raw value and where it came from.
pub(super) struct Raw {
    pub(super) setting: &'static Setting,
    pub(super) value: String,
    pub(super) origin: Origin,
}

impl Raw {
    /// An error about this value, naming the variable or the file key that gave it.
    pub(super) fn invalid(&self, problem: String) -> ConfigError {
        let variable = self.setting.variable;
        let setting = match &self.origin {
            Origin::File(path) => format!(
                "{} in {} (or {variable})",
                self.setting.key(),
                path.display()
            ),
            _ => variable.to_owned(),
        };
        ConfigError::Invalid { setting, problem }
    }

    pub(super) fn text(&self) -> String {
        self.value.trim().to_owned()
    }

    /// The value as an absolute path on a host, without a trailing slash.
    pub(super) fn absolute_path(&self) -> Result<String, ConfigError> {
        let path = self.text();
        if !path.starts_with('/') || path.chars().any(char::is_control) {
            return Err(self.invalid(format!("{path:?} must be an absolute path")));
        }
        Ok(path.trim_end_matches('/').to_owned())
    }
}

/// One effective value as `check-config` shows it.
#[derive(Debug, Clone)]
pub struct Shown {
    pub setting: &'static Setting,
    pub value: String,
    pub origin: Origin,
}

/// The effective values shown so far, secrets redacted as they are recorded.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub shown: Vec<Shown>,
}

impl Report {
    /// Records a value; a secret setting's value is never kept, and credentials in URLs
    /// are hidden.
    pub(super) fn show(&mut self, setting: &'static Setting, value: &str, origin: Origin) {
        let value = if setting.secret {
            REDACTED.to_owned()
        } else {
            redact(value)
        };
        self.shown.push(Shown {
            setting,
            value,
            origin,
        });
    }

    pub(super) fn show_raw(&mut self, raw: &Raw) {
        self.show(raw.setting, &raw.text(), raw.origin.clone());
    }
}

impl Layers<'_> {
    /// The environment variable if set, else the file's key if present.
    pub(super) fn raw(&self, setting: &'static Setting) -> Option<Raw> {
        if let Some(value) = self.env.get(setting.variable) {
            return Some(Raw {
                setting,
                value: value.clone(),
                origin: Origin::Env(setting.variable),
            });
        }
        self.file.get(setting.variable).map(|value| Raw {
            setting,
            value: value.clone(),
            origin: Origin::File(self.file_path.map(Path::to_path_buf).unwrap_or_default()),
        })
    }

    /// The same, when a blank value means "not set".
    pub(super) fn given(&self, setting: &'static Setting) -> Option<Raw> {
        self.raw(setting).filter(|raw| !raw.value.trim().is_empty())
    }

    pub fn listen(&self, report: &mut Report) -> Result<SocketAddr, ConfigError> {
        let Some(raw) = self.raw(&settings::LISTEN) else {
            report.show(
                &settings::LISTEN,
                &DEFAULT_LISTEN.to_string(),
                Origin::Default,
            );
            return Ok(DEFAULT_LISTEN);
        };
        let address = raw.value.trim().parse::<SocketAddr>().map_err(|_| {
            raw.invalid(format!(
                "{:?} is not an IP address and port such as {DEFAULT_LISTEN}",
                raw.value
            ))
        })?;
        report.show_raw(&raw);
        Ok(address)
    }

    pub fn data_dir(&self, report: &mut Report) -> Result<PathBuf, ConfigError> {
        let Some(raw) = self.raw(&settings::DATA_DIR) else {
            report.show(&settings::DATA_DIR, DEFAULT_DATA_DIR, Origin::Default);
            return Ok(PathBuf::from(DEFAULT_DATA_DIR));
        };
        let value = raw.text();
        if value.is_empty() {
            return Err(raw.invalid("must not be empty".to_owned()));
        }
        if value.contains(['?', '#']) {
            return Err(raw.invalid(format!("{value:?} must not contain '?' or '#'")));
        }
        report.show_raw(&raw);
        Ok(PathBuf::from(value))
    }

    /// The database URL, or an SQLite file in the data directory by default.
    pub fn database_url(
        &self,
        data_dir: &Path,
        report: &mut Report,
    ) -> Result<DatabaseUrl, ConfigError> {
        let Some(raw) = self.raw(&settings::DATABASE_URL) else {
            let url = format!("sqlite://{}", data_dir.join(SQLITE_FILE).display());
            let parsed = DatabaseUrl::parse(&url).map_err(|problem| ConfigError::Invalid {
                setting: settings::DATA_DIR.variable.to_owned(),
                problem,
            })?;
            report.show(&settings::DATABASE_URL, &url, Origin::Default);
            return Ok(parsed);
        };
        let parsed =
            DatabaseUrl::parse(raw.value.trim()).map_err(|problem| raw.invalid(problem))?;
        report.show(
            &settings::DATABASE_URL,
            &parsed.redacted(),
            raw.origin.clone(),
        );
        Ok(parsed)
    }

    /// The audit anchor file, `DATA_DIR/audit-anchor` by default.
    pub fn audit_anchor(
        &self,
        data_dir: &Path,
        report: &mut Report,
    ) -> Result<PathBuf, ConfigError> {
        let Some(raw) = self.given(&settings::AUDIT_ANCHOR) else {
            let path = data_dir.join(ANCHOR_FILE);
            report.show(
                &settings::AUDIT_ANCHOR,
                &path.display().to_string(),
                Origin::Default,
            );
            return Ok(path);
        };
        let value = raw.text();
        if value.chars().any(char::is_control) {
            return Err(raw.invalid("must be a file path".to_owned()));
        }
        report.show_raw(&raw);
        Ok(PathBuf::from(value))
    }

    /// The public URL, or `http://` plus the listen address by default.
    pub fn public_url(&self, listen: SocketAddr, report: &mut Report) -> Result<Url, ConfigError> {
        let Some(raw) = self.raw(&settings::PUBLIC_URL) else {
            let url =
                Url::parse(&format!("http://{listen}")).map_err(|e| ConfigError::Invalid {
                    setting: settings::LISTEN.variable.to_owned(),
                    problem: e.to_string(),
                })?;
            report.show(
                &settings::PUBLIC_URL,
                url.as_str().trim_end_matches('/'),
                Origin::Default,
            );
            return Ok(url);
        };
        let url = Url::parse(raw.value.trim())
            .map_err(|e| raw.invalid(format!("{:?} is not a URL: {e}", raw.value)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(raw.invalid(format!(
                "{:?} must start with http:// or https://",
                raw.value
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(raw.invalid(format!("{:?} names no host", raw.value)));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(raw.invalid(format!("{:?} must not have a query or fragment", raw.value)));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(raw.invalid("must not contain a user name or password".to_owned()));
        }
        report.show_raw(&raw);
        Ok(url)
    }
}
