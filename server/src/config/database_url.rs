//! The database URL, which may carry a password and so never prints one.

use std::fmt;

use engine::store::DatabaseEngine;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// A validated `sqlite:` or `postgres://` URL. `Debug` and `redacted()` hide the password;
/// only `expose()`, used to connect, gives the full URL.
#[derive(Clone)]
pub struct DatabaseUrl {
    url: SecretString,
    engine: DatabaseEngine,
}

impl DatabaseUrl {
    /// Checks the URL's shape; the error is safe to print (it never includes the URL's
    /// password).
    pub fn parse(raw: &str) -> Result<DatabaseUrl, String> {
        let engine = DatabaseEngine::from_url(raw).ok_or_else(|| {
            format!(
                "{:?} must start with sqlite: (embedded) or postgres:// (server)",
                redact(raw)
            )
        })?;
        match engine {
            DatabaseEngine::Sqlite => {
                let path = raw.trim_start_matches("sqlite:").trim_start_matches("//");
                let path = path.split('?').next().unwrap_or_default();
                if path.is_empty() {
                    return Err(
                        "a sqlite: URL needs a file path, as in sqlite://data/nixdeck.db"
                            .to_owned(),
                    );
                }
            }
            DatabaseEngine::Postgres => {
                let url = Url::parse(raw)
                    .map_err(|e| format!("{:?} is not a valid URL: {e}", redact(raw)))?;
                if url.host_str().is_none_or(str::is_empty) {
                    return Err(format!("{:?} names no host", redact(raw)));
                }
            }
        }
        Ok(DatabaseUrl {
            url: SecretString::from(raw.to_owned()),
            engine,
        })
    }

    pub fn engine(&self) -> DatabaseEngine {
        self.engine
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redact(self.url.expose_secret())
    }

    /// The full URL, for connecting only.
    pub fn expose(&self) -> &str {
        self.url.expose_secret()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

/// Replaces the password part of `scheme://user:password@host` with `***`. Works on any
/// text, valid URL or not, so it is safe to use in error messages about malformed URLs.
pub fn redact(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return redact_password_parameter(raw);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let tail = redact_password_parameter(tail);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => format!("{scheme}://{authority}{tail}"),
        },
        None => format!("{scheme}://{authority}{tail}"),
    }
}

/// PostgreSQL also takes the password as a `password=` query parameter.
fn redact_password_parameter(text: &str) -> String {
    let Some((path, query)) = text.split_once('?') else {
        return text.to_owned();
    };
    let query = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&");
    format!("{path}?{query}")
}
