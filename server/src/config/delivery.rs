//! Delivery: the two-person rule for production (`NIXDECK_PRODUCTION_APPROVALS`, on unless
//! a team of one turns it off) and how long a job waits for its second admin
//! (`NIXDECK_APPROVAL_TTL`: seconds, or a number with s, m, h or d; a day by default);
//! GitHub deployments as a trigger (`NIXDECK_GITHUB_WEBHOOK_SECRET` verifies their
//! webhooks) and their statuses (`NIXDECK_GITHUB_DEPLOY_TOKEN` posts them to
//! `NIXDECK_GITHUB_API_URL`), with or without GitHub sign-in.

use engine::model::approval::{
    parse_duration_seconds, ApprovalPolicy, DEFAULT_APPROVAL_TTL_SECONDS,
};
use secrecy::SecretString;
use url::Url;

use super::{
    parse::{Layers, Report},
    providers::{provider_url, GITHUB_API_URL},
    settings, ConfigError, Origin,
};

/// GitHub deployments: the webhook's secret, and where and with what statuses are posted.
#[derive(Debug, Clone)]
pub struct GithubDelivery {
    /// Unset, `/hooks/github` answers 404.
    pub webhook_secret: Option<SecretString>,
    /// Unset, no status is posted.
    pub deploy_token: Option<SecretString>,
    pub api_url: Url,
}

/// Slack's `/deploy`: the app's signing secret. Unset, `/hooks/slack/commands` answers 404.
pub fn slack_secret_of(layers: &Layers<'_>, report: &mut Report) -> Option<SecretString> {
    match layers.given(&settings::SLACK_SIGNING_SECRET) {
        Some(raw) => {
            report.show_raw(&raw);
            Some(SecretString::from(raw.text()))
        }
        None => {
            report.show(
                &settings::SLACK_SIGNING_SECRET,
                "(none: /hooks/slack/commands is off)",
                Origin::Default,
            );
            None
        }
    }
}

/// The shortest secret nixdeck accepts for a webhook: guessing it must be hopeless.
const MIN_SECRET: usize = 16;

/// The shortest and longest waits: a minute, and thirty days.
const TTL_RANGE: std::ops::RangeInclusive<u64> = 60..=30 * 86_400;

impl Layers<'_> {
    pub fn approvals(&self, report: &mut Report) -> Result<ApprovalPolicy, ConfigError> {
        let required = match self.given(&settings::PRODUCTION_APPROVALS) {
            Some(raw) => {
                let required = match raw.text().as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(raw.invalid("must be on or off".to_owned())),
                };
                report.show_raw(&raw);
                required
            }
            None => {
                report.show(&settings::PRODUCTION_APPROVALS, "on", Origin::Default);
                true
            }
        };
        let seconds = match self.given(&settings::APPROVAL_TTL) {
            Some(raw) => {
                let seconds = parse_duration_seconds(&raw.text())
                    .filter(|s| TTL_RANGE.contains(s))
                    .ok_or_else(|| {
                        raw.invalid(
                            "must be a duration from 60s to 30d (seconds, or a number with s, \
                             m, h or d)"
                                .to_owned(),
                        )
                    })?;
                report.show_raw(&raw);
                seconds
            }
            None => {
                report.show(&settings::APPROVAL_TTL, "24h", Origin::Default);
                DEFAULT_APPROVAL_TTL_SECONDS
            }
        };
        Ok(ApprovalPolicy {
            required,
            ttl_ms: i64::try_from(seconds * 1000).unwrap_or(i64::MAX),
        })
    }
}

impl Layers<'_> {
    /// `sign_in_shows_api_url`: GitHub sign-in is configured and has shown the API address.
    pub fn github_delivery(
        &self,
        report: &mut Report,
        sign_in_shows_api_url: bool,
    ) -> Result<GithubDelivery, ConfigError> {
        let webhook_secret = match self.given(&settings::GITHUB_WEBHOOK_SECRET) {
            Some(raw) => {
                if raw.text().chars().count() < MIN_SECRET {
                    return Err(raw.invalid(format!(
                        "must be at least {MIN_SECRET} characters (the same secret as the webhook's on GitHub)"
                    )));
                }
                report.show_raw(&raw);
                Some(SecretString::from(raw.text()))
            }
            None => {
                report.show(
                    &settings::GITHUB_WEBHOOK_SECRET,
                    "(none: /hooks/github is off)",
                    Origin::Default,
                );
                None
            }
        };
        let deploy_token = self.given(&settings::GITHUB_DEPLOY_TOKEN).map(|raw| {
            report.show_raw(&raw);
            SecretString::from(raw.text())
        });
        let api_url = match self.given(&settings::GITHUB_API_URL) {
            Some(raw) => {
                let url = provider_url(&raw)?;
                if !sign_in_shows_api_url {
                    report.show_raw(&raw);
                }
                url
            }
            None => {
                if !sign_in_shows_api_url && deploy_token.is_some() {
                    report.show(&settings::GITHUB_API_URL, GITHUB_API_URL, Origin::Default);
                }
                Url::parse(GITHUB_API_URL).map_err(|e| ConfigError::Invalid {
                    setting: settings::GITHUB_API_URL.variable.to_owned(),
                    problem: e.to_string(),
                })?
            }
        };
        Ok(GithubDelivery {
            webhook_secret,
            deploy_token,
            api_url,
        })
    }
}
