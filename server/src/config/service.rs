//! How nixdeck runs as a service: the format of its log lines (`NIXDECK_LOG_FORMAT`), and
//! the socket systemd's `Type=notify` gives it (`NOTIFY_SOCKET`, the service manager's own
//! variable, not a setting: it is there exactly when systemd waits for word).

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

    /// Where to tell systemd that nixdeck is ready or stopping, if it asked.
    pub fn notify_socket(&self) -> Option<String> {
        self.env
            .get(NOTIFY_SOCKET)
            .filter(|socket| !socket.trim().is_empty())
            .cloned()
    }
}
