//! How nixdeck runs as a service: the format of its log lines (`NIXDECK_LOG_FORMAT`), where
//! Prometheus scrapes it (`NIXDECK_METRICS_LISTEN`), how long job logs are kept
//! (`NIXDECK_LOG_RETENTION_DAYS`), and the socket systemd's `Type=notify` gives it
//! (`NOTIFY_SOCKET`, the service manager's own variable, not a setting: it is there exactly
//! when systemd waits for word).

use std::net::SocketAddr;

use super::{
    parse::{Layers, Report},
    settings, ConfigError, Origin,
};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

/// What turns a setting that is off by default off explicitly.
const OFF: &str = "off";
/// The longest retention accepted: a hundred years is "for ever" said differently.
const MAX_RETENTION_DAYS: u32 = 36_500;

/// The variable systemd names its notification socket in.
const NOTIFY_SOCKET: &str = "NOTIFY_SOCKET";

impl Layers<'_> {
    pub fn log_format(&self, report: &mut Report) -> Result<LogFormat, ConfigError> {
        match self.given(&settings::LOG_FORMAT) {
            Some(raw) => {
                let format = match raw.text().as_str() {
                    "text" => LogFormat::Text,
                    "json" => LogFormat::Json,
                    other => {
                        return Err(
                            raw.invalid(format!("{other:?} is not a log format: use text or json"))
                        )
                    }
                };
                report.show_raw(&raw);
                Ok(format)
            }
            None => {
                report.show(&settings::LOG_FORMAT, "text", Origin::Default);
                Ok(LogFormat::Text)
            }
        }
    }

    /// The address `/metrics` is served on, if any: a listener of its own, so the metrics
    /// can be reached by Prometheus and nobody else (off by default).
    pub fn metrics_listen(
        &self,
        listen: SocketAddr,
        report: &mut Report,
    ) -> Result<Option<SocketAddr>, ConfigError> {
        let Some(raw) = self.given(&settings::METRICS_LISTEN) else {
            report.show(&settings::METRICS_LISTEN, OFF, Origin::Default);
            return Ok(None);
        };
        let text = raw.text();
        if text == OFF {
            report.show_raw(&raw);
            return Ok(None);
        }
        let address = text.parse::<SocketAddr>().map_err(|_| {
            raw.invalid(format!(
                "{text:?} is not an IP address and port such as 127.0.0.1:9464 (or {OFF})"
            ))
        })?;
        if address == listen {
            return Err(raw.invalid(format!(
                "{address} is the dashboard's own address (NIXDECK_LISTEN): metrics need an \
                 address of their own"
            )));
        }
        report.show_raw(&raw);
        Ok(Some(address))
    }

    /// How many days a finished job's log lines are kept (`None`: for ever).
    pub fn log_retention_days(&self, report: &mut Report) -> Result<Option<u32>, ConfigError> {
        let Some(raw) = self.given(&settings::LOG_RETENTION_DAYS) else {
            report.show(&settings::LOG_RETENTION_DAYS, "forever", Origin::Default);
            return Ok(None);
        };
        let text = raw.text();
        if text == "forever" {
            report.show_raw(&raw);
            return Ok(None);
        }
        match text.parse::<u32>() {
            Ok(days) if (1..=MAX_RETENTION_DAYS).contains(&days) => {
                report.show_raw(&raw);
                Ok(Some(days))
            }
            _ => Err(raw.invalid(format!(
                "{text:?} is not a number of days from 1 to {MAX_RETENTION_DAYS} (or forever)"
            ))),
        }
    }

    /// Where to tell systemd that nixdeck is ready or stopping, if it asked.
    pub fn notify_socket(&self) -> Option<String> {
        self.env
            .get(NOTIFY_SOCKET)
            .filter(|socket| !socket.trim().is_empty())
            .cloned()
    }
}
