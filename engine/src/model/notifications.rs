//! Notification channels: where nixdeck tells people what happened (a Slack incoming
//! webhook, or any URL that takes signed JSON), which events each wants, for which
//! clusters; and what was delivered. A channel's URL and secret are secrets: once saved
//! they are shown masked.

use serde::{Deserialize, Serialize};

use super::{cluster::validate_cluster_name, text_enum::text_enum};

/// Every event a channel may ask for.
pub const EVENTS: [&str; 8] = [
    "job.awaiting_approval",
    "job.started",
    "job.succeeded",
    "job.failed",
    "job.cancelled",
    "job.interrupted",
    "cluster.health_changed",
    "secret.changed",
];

/// The event a channel's "send a test" delivers.
pub const TEST_EVENT: &str = "notification.test";

text_enum! {
    /// How a channel is posted to.
    pub enum ChannelKind("a channel kind") {
        /// A Slack incoming webhook: `{"text"}`.
        Slack = "slack",
        /// Any URL: the event as JSON, signed with the channel's secret.
        Webhook = "webhook",
    }
}

/// A channel as asked for, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInput {
    pub name: String,
    pub kind: String,
    pub url: String,
    pub secret: Option<String>,
    pub events: Vec<String>,
    /// `None`: every cluster.
    pub clusters: Option<Vec<String>>,
}

/// A channel as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidChannel {
    pub name: String,
    pub kind: ChannelKind,
    pub url: String,
    pub secret: Option<String>,
    pub events: Vec<String>,
    pub clusters: Option<Vec<String>>,
}

/// A field that breaks a rule, and why (never quoting a URL or a secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelError {
    pub field: &'static str,
    pub message: String,
}

fn refuse<T>(field: &'static str, message: impl Into<String>) -> Result<T, ChannelError> {
    Err(ChannelError {
        field,
        message: message.into(),
    })
}

impl ChannelInput {
    /// Checks every field (a URL may be `http://` only to this machine).
    pub fn validate(&self) -> Result<ValidChannel, ChannelError> {
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return refuse("name", "a channel's name is 1 to 64 characters of text");
        }
        let kind = ChannelKind::parse(&self.kind).or_else(|e| refuse("kind", e))?;
        if !plausible_url(&self.url) {
            return refuse(
                "url",
                "the URL must be https:// (http:// only to this machine), with a host",
            );
        }
        if kind == ChannelKind::Slack && !self.url.starts_with("https://") && !loopback(&self.url) {
            return refuse("url", "a Slack incoming webhook URL is https://");
        }
        let secret = match self.secret.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(secret) if secret.len() < 16 || secret.len() > 256 => {
                return refuse("secret", "a secret is 16 to 256 characters");
            }
            Some(secret) => Some(secret.to_owned()),
        };
        if self.events.is_empty() {
            return refuse(
                "events",
                format!("pick at least one of {}", EVENTS.join(", ")),
            );
        }
        for event in &self.events {
            if !EVENTS.contains(&event.as_str()) {
                return refuse(
                    "events",
                    format!("{event:?} is not an event: use {}", EVENTS.join(", ")),
                );
            }
        }
        let mut events = self.events.clone();
        events.sort();
        events.dedup();
        if let Some(clusters) = &self.clusters {
            for cluster in clusters {
                if let Err(error) = validate_cluster_name(cluster) {
                    return refuse(
                        "clusters",
                        format!("{cluster:?} is not a cluster name: {}", error.message),
                    );
                }
            }
        }
        Ok(ValidChannel {
            name: name.to_owned(),
            kind,
            url: self.url.clone(),
            secret,
            events,
            clusters: self.clusters.clone(),
        })
    }
}

fn plausible_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let valid = !host.is_empty()
        && !host.contains('@')
        && url.len() <= 2048
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    valid && (scheme == "https" || (scheme == "http" && loopback(url)))
}

fn loopback(url: &str) -> bool {
    [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://[::1]:",
    ]
    .iter()
    .any(|prefix| url.starts_with(prefix))
}

/// A URL as shown once saved: its scheme and host, the rest (which carries Slack's and
/// most receivers' credentials) hidden.
pub fn masked_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{scheme}://{host}/…")
        }
        None => "…".to_owned(),
    }
}

/// A channel as shown: the URL masked, whether a secret is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelView {
    pub id: String,
    pub name: String,
    pub kind: ChannelKind,
    pub url: String,
    pub secret_set: bool,
    pub events: Vec<String>,
    pub clusters: Option<Vec<String>>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One delivery to a channel, as its page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    pub id: String,
    pub event: String,
    pub created_at: i64,
    /// `pending`, `sent` or `failed` (given up on after a day of retries).
    pub state: String,
    pub attempts: i64,
    /// The HTTP status of the last attempt.
    pub status: Option<i64>,
    pub sent_at: Option<i64>,
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ChannelInput {
        ChannelInput {
            name: "ops".to_owned(),
            kind: "webhook".to_owned(),
            url: "https://hooks.example.com/nixdeck/T0KEN".to_owned(),
            secret: Some("sixteen-chars-at-least".to_owned()),
            events: vec!["job.failed".to_owned(), "job.started".to_owned()],
            clusters: None,
        }
    }

    /// A change that breaks one field.
    type Breaks = fn(&mut ChannelInput);

    #[test]
    fn channels_are_checked_field_by_field() {
        assert!(input().validate().is_ok());
        let cases: [(Breaks, &str); 7] = [
            (|i| i.name = String::new(), "name"),
            (|i| i.kind = "email".to_owned(), "kind"),
            (|i| i.url = "http://hooks.example.com/x".to_owned(), "url"),
            (
                |i| i.url = "https://user:pw@example.com/x".to_owned(),
                "url",
            ),
            (|i| i.secret = Some("short".to_owned()), "secret"),
            (|i| i.events = vec!["job.exploded".to_owned()], "events"),
            (|i| i.clusters = Some(vec!["Alpha;".to_owned()]), "clusters"),
        ];
        for (change, field) in cases {
            let mut bad = input();
            change(&mut bad);
            let error = bad.validate().expect_err(field);
            assert_eq!(error.field, field);
            assert!(!error.message.contains("T0KEN"), "{}", error.message);
        }
        let mut local = input();
        local.url = "http://127.0.0.1:9000/hook".to_owned();
        assert!(local.validate().is_ok());
    }

    #[test]
    fn urls_show_only_their_host() {
        assert_eq!(
            masked_url("https://hooks.slack.com/services/T0/B0/XXXX"),
            "https://hooks.slack.com/…"
        );
    }
}
