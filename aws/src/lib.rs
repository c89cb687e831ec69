//! nixdeck's AWS side: Secrets Manager, EC2 and Route53 through the AWS SDK for Rust,
//! implementing the traits the engine defines (`engine::cloud`). Credentials and region come
//! from the standard AWS chain (environment, profile, the instance role), and so does the
//! endpoint (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`). Every call has an operation
//! timeout that covers its retries, so a silent AWS is an error within that time, never a
//! hang.

mod dns;
mod errors;
mod inventory;
mod secrets;

use std::{sync::Arc, time::Duration};

use aws_config::{retry::RetryConfig, timeout::TimeoutConfig, BehaviorVersion, Region};
use aws_sdk_secretsmanager::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use engine::cloud::Cloud;

pub use aws_config::SdkConfig;
pub use dns::Route53Dns;
pub use inventory::Ec2Inventory;
pub use secrets::SecretsManager;

/// How nixdeck reaches AWS.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the secrets live (EC2 calls go to each cluster's own region; Route53 is
    /// global).
    pub region: String,
    /// The longest one call may take, retries included.
    pub timeout: Duration,
    /// An endpoint for every service instead of the one the standard chain finds.
    pub endpoint: Option<String>,
    /// Fixed credentials instead of the standard chain.
    pub credentials: Option<(String, String)>,
}

/// How long the engine keeps what AWS said about machines and DNS.
const CACHE: Duration = Duration::from_secs(30);

impl Settings {
    /// The SDK's shared configuration: the standard chain with nixdeck's timeouts, retries,
    /// TLS on ring, and the overrides set here.
    pub async fn sdk_config(&self) -> SdkConfig {
        let timeouts = TimeoutConfig::builder()
            .operation_timeout(self.timeout)
            // Several attempts fit in one operation, so a frozen connection is retried
            // on a fresh one before the operation gives up.
            .operation_attempt_timeout(self.timeout / 2)
            .connect_timeout(self.timeout.min(Duration::from_secs(3)))
            .build();
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(self.region.clone()))
            .timeout_config(timeouts)
            // Quick retries: a person is waiting, and a refused connection should say so
            // well within the timeout rather than back off past it.
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(200))
                    .with_max_backoff(Duration::from_secs(2)),
            )
            .http_client(http);
        if let Some(endpoint) = &self.endpoint {
            loader = loader.endpoint_url(endpoint.clone());
        }
        if let Some((key, secret)) = &self.credentials {
            loader = loader.credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                key,
                secret,
                None,
                None,
                "nixdeck settings",
            )));
        }
        loader.load().await
    }

    /// The engine's AWS side.
    pub async fn connect(&self) -> Cloud {
        let config = self.sdk_config().await;
        let timeout_millis = i64::try_from(self.timeout.as_millis()).unwrap_or(i64::MAX / 4);
        Cloud {
            secrets: Arc::new(SecretsManager::new(&config, self.timeout)),
            inventory: Arc::new(Ec2Inventory::new(config.clone(), self.timeout)),
            dns: Arc::new(Route53Dns::new(&config, self.timeout)),
            cache_millis: CACHE.as_millis() as i64,
            // A change makes at most three calls (read or list, write, and a check after a
            // failed write), each bounded by the timeout; with one more and a margin, a
            // live holder is always done by then.
            claim_millis: timeout_millis.saturating_mul(4) + 30_000,
        }
    }
}
