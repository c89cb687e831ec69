//! Reading each setting from its layers and checking it. Each function returns the value
//! with its origin, or an error that names the setting the way the person wrote it.

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::{Path, PathBuf},
};

use url::Url;

use super::{file::FileConfig, ConfigError, DatabaseUrl, Origin};

/// Listen address used when nothing is configured.
const DEFAULT_LISTEN: &str = "127.0.0.1:3000";
/// Data directory used when nothing is configured, relative to the working directory.
const DEFAULT_DATA_DIR: &str = "./data";
/// The SQLite file inside the data directory.
const SQLITE_FILE: &str = "nixdeck.db";

/// The file's values and the environment, in the order they apply.
pub struct Layers<'a> {
    pub file: &'a FileConfig,
    pub file_path: Option<&'a Path>,
    pub env: &'a HashMap<String, String>,
}

/// A raw value and where it came from.
pub(super) struct Raw {
    pub(super) value: String,
    pub(super) origin: Origin,
}

impl Raw {
    /// An error about this value, naming the variable or file key that gave it.
    pub(super) fn invalid(&self, variable: &str, key: &str, problem: String) -> ConfigError {
        let setting = match &self.origin {
            Origin::File(path) => format!("{key} in {} (or {variable})", path.display()),
            _ => variable.to_owned(),
        };
        ConfigError::Invalid { setting, problem }
    }
}

impl Layers<'_> {
    /// The environment variable if set, else the file's key if present.
    pub(super) fn raw(&self, variable: &'static str, file_value: Option<&String>) -> Option<Raw> {
        if let Some(value) = self.env.get(variable) {
            return Some(Raw {
                value: value.clone(),
                origin: Origin::Env(variable),
            });
        }
        file_value.map(|value| Raw {
            value: value.clone(),
            origin: Origin::File(self.file_path.map(Path::to_path_buf).unwrap_or_default()),
        })
    }

    pub fn listen(&self) -> Result<(SocketAddr, Origin), ConfigError> {
        let Some(raw) = self.raw("NIXDECK_LISTEN", self.file.listen.as_ref()) else {
            return Ok((default_listen(), Origin::Default));
        };
        let address = raw.value.trim().parse::<SocketAddr>().map_err(|_| {
            raw.invalid(
                "NIXDECK_LISTEN",
                "listen",
                format!(
                    "{:?} is not an IP address and port such as {DEFAULT_LISTEN}",
                    raw.value
                ),
            )
        })?;
        Ok((address, raw.origin))
    }

    pub fn data_dir(&self) -> Result<(PathBuf, Origin), ConfigError> {
        let Some(raw) = self.raw("NIXDECK_DATA_DIR", self.file.data_dir.as_ref()) else {
            return Ok((PathBuf::from(DEFAULT_DATA_DIR), Origin::Default));
        };
        let value = raw.value.trim();
        if value.is_empty() {
            return Err(raw.invalid(
                "NIXDECK_DATA_DIR",
                "data_dir",
                "must not be empty".to_owned(),
            ));
        }
        if value.contains(['?', '#']) {
            return Err(raw.invalid(
                "NIXDECK_DATA_DIR",
                "data_dir",
                format!("{value:?} must not contain '?' or '#'"),
            ));
        }
        Ok((PathBuf::from(value), raw.origin))
    }

    /// The database URL, or an SQLite file in the data directory by default.
    pub fn database_url(&self, data_dir: &Path) -> Result<(DatabaseUrl, Origin), ConfigError> {
        let Some(raw) = self.raw("NIXDECK_DATABASE_URL", self.file.database_url.as_ref()) else {
            let url = format!("sqlite://{}", data_dir.join(SQLITE_FILE).display());
            let parsed = DatabaseUrl::parse(&url).map_err(|problem| ConfigError::Invalid {
                setting: "NIXDECK_DATA_DIR".to_owned(),
                problem,
            })?;
            return Ok((parsed, Origin::Default));
        };
        let parsed = DatabaseUrl::parse(raw.value.trim())
            .map_err(|problem| raw.invalid("NIXDECK_DATABASE_URL", "database_url", problem))?;
        Ok((parsed, raw.origin))
    }

    /// The public URL, or `http://` plus the listen address by default.
    pub fn public_url(&self, listen: SocketAddr) -> Result<(Url, Origin), ConfigError> {
        let Some(raw) = self.raw("NIXDECK_PUBLIC_URL", self.file.public_url.as_ref()) else {
            let url =
                Url::parse(&format!("http://{listen}")).map_err(|e| ConfigError::Invalid {
                    setting: "NIXDECK_LISTEN".to_owned(),
                    problem: e.to_string(),
                })?;
            return Ok((url, Origin::Default));
        };
        let invalid = |problem: String| raw.invalid("NIXDECK_PUBLIC_URL", "public_url", problem);
        let url = Url::parse(raw.value.trim())
            .map_err(|e| invalid(format!("{:?} is not a URL: {e}", raw.value)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "{:?} must start with http:// or https://",
                raw.value
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid(format!("{:?} names no host", raw.value)));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid(format!(
                "{:?} must not have a query or fragment",
                raw.value
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "must not contain a user name or password".to_owned(),
            ));
        }
        Ok((url, raw.origin))
    }
}

fn default_listen() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 3000))
}
