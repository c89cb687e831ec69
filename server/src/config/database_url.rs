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
/// text, valid URL or not, so it is safe to use in error messages about malformed URLs. A
/// password may itself hold '/', '?', '#' or '@': the user information runs up to the last
/// '@', since a host name holds none. A token given as the user name (`https://TOKEN@host`)
/// is hidden too, unless it reads as a plain user name.
pub fn redact(raw: &str) -> String {
    let Some((scheme, rest)) = raw.split_once("://") else {
        return redact_password_parameter(raw);
    };
    let Some(at) = rest.rfind('@') else {
        return format!("{scheme}://{}", redact_password_parameter(rest));
    };
    let (userinfo, host_and_tail) = (&rest[..at], &rest[at + 1..]);
    let tail = redact_password_parameter(host_and_tail);
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{tail}"),
        None if looks_like_a_user_name(userinfo) => format!("{scheme}://{userinfo}@{tail}"),
        None => format!("{scheme}://***@{tail}"),
    }
}

/// Short names of letters, digits, '-', '_' and '.' are user names; anything longer or
/// stranger may be a token.
fn looks_like_a_user_name(text: &str) -> bool {
    (1..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
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

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_whatever_characters_they_hold() {
        assert_eq!(
            redact("postgres://nixdeck:pa/ss?w#rd@db.internal:5432/nixdeck"),
            "postgres://nixdeck:***@db.internal:5432/nixdeck"
        );
        assert_eq!(
            redact("postgres://nixdeck@db/nixdeck?password=x&sslmode=require"),
            "postgres://nixdeck@db/nixdeck?password=***&sslmode=require"
        );
        assert_eq!(
            redact("https://ghp_0123456789abcdef0123456789abcdef01234567@github.com/o/r.git"),
            "https://***@github.com/o/r.git"
        );
        assert_eq!(
            redact("sqlite://./data/nixdeck.db"),
            "sqlite://./data/nixdeck.db"
        );
        assert_eq!(redact("127.0.0.1:3000"), "127.0.0.1:3000");
    }
}
