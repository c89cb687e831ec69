//! Reading the AWS settings: the region the secrets live in and the timeout of every call.
//! Credentials and endpoints are the standard AWS chain's (so on the deployer nothing is
//! configured); the endpoint variable is only shown, since the SDK reads it itself.

use std::time::Duration;

use super::{parse::Layers, settings, Origin, Report};
use crate::config::ConfigError;

const DEFAULT_REGION: &str = "eu-central-1";
const DEFAULT_TIMEOUT_SECONDS: u64 = 10;

impl Layers<'_> {
    pub fn aws(&self, report: &mut Report) -> Result<::aws::Settings, ConfigError> {
        let region = match self.given(&settings::AWS_REGION) {
            Some(raw) => {
                let region = raw.text();
                engine::model::cluster::validate_region(&region)
                    .map_err(|error| raw.invalid(error.message))?;
                report.show_raw(&raw);
                region
            }
            None => {
                report.show(&settings::AWS_REGION, DEFAULT_REGION, Origin::Default);
                DEFAULT_REGION.to_owned()
            }
        };
        let timeout = match self.given(&settings::AWS_TIMEOUT) {
            Some(raw) => {
                let seconds = raw
                    .text()
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=300).contains(s))
                    .ok_or_else(|| {
                        raw.invalid("must be a number of seconds from 1 to 300".to_owned())
                    })?;
                report.show_raw(&raw);
                seconds
            }
            None => {
                report.show(
                    &settings::AWS_TIMEOUT,
                    &DEFAULT_TIMEOUT_SECONDS.to_string(),
                    Origin::Default,
                );
                DEFAULT_TIMEOUT_SECONDS
            }
        };
        let endpoint = settings::AWS_ENDPOINT_URL.variable;
        match self.env.get(endpoint).filter(|url| !url.trim().is_empty()) {
            Some(url) => report.show(&settings::AWS_ENDPOINT_URL, url, Origin::Env(endpoint)),
            None => report.show(
                &settings::AWS_ENDPOINT_URL,
                "AWS (the standard endpoints)",
                Origin::Default,
            ),
        }
        Ok(::aws::Settings {
            region,
            timeout: Duration::from_secs(timeout),
            // The SDK reads AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> itself.
            endpoint: None,
            credentials: None,
        })
    }
}
