//! Which `Host` a request may name. A page on any domain can resolve that domain to
//! 127.0.0.1 (DNS rebinding) and so become same-origin with a nixdeck listening there;
//! answering only requests for nixdeck's own names defeats that.

use std::net::SocketAddr;

use url::Url;

use super::{parse::Layers, settings, ConfigError, Report};

/// The `Host` values (lowercase, as the header carries them) nixdeck answers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts {
    hosts: Vec<String>,
}

impl AllowedHosts {
    /// Whether a request naming `host` (its `Host` header or authority) is for nixdeck.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        self.hosts
            .iter()
            .any(|known| known.eq_ignore_ascii_case(host))
    }

    pub fn list(&self) -> &[String] {
        &self.hosts
    }
}

impl Layers<'_> {
    /// The public URL's host (with its port, and without it when the port is the scheme's
    /// default), the listen address, `localhost` on the listen port in local mode, and the
    /// names in NIXDECK_ALLOWED_HOSTS (comma-separated, each `name` or `name:port`).
    pub fn allowed_hosts(
        &self,
        public_url: &Url,
        listen: SocketAddr,
        local_mode: bool,
        report: &mut Report,
    ) -> Result<AllowedHosts, ConfigError> {
        let mut hosts = Vec::new();
        if let Some(host) = public_url.host_str() {
            match public_url.port() {
                Some(port) => hosts.push(format!("{host}:{port}")),
                None => {
                    hosts.push(host.to_owned());
                    if let Some(port) = public_url.port_or_known_default() {
                        hosts.push(format!("{host}:{port}"));
                    }
                }
            }
        }
        hosts.push(listen.to_string());
        if local_mode {
            hosts.push(format!("localhost:{}", listen.port()));
        }
        if let Some(raw) = self.given(&settings::ALLOWED_HOSTS) {
            for entry in raw
                .text()
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
            {
                let valid = entry.bytes().all(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']')
                });
                if !valid {
                    return Err(raw.invalid(format!(
                        "{entry:?} is not a host name (name or name:port, comma-separated)"
                    )));
                }
                hosts.push(entry.to_ascii_lowercase());
            }
            report.show_raw(&raw);
        }
        hosts
            .iter_mut()
            .for_each(|host| *host = host.to_ascii_lowercase());
        hosts.dedup();
        Ok(AllowedHosts { hosts })
    }
}
