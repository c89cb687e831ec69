//! What the engine needs from AWS, as three small traits: a secret store (Secrets
//! Manager), an inventory of a cluster's machines (EC2) and a DNS reader (Route53). Their
//! implementation lives in its own crate, so nothing here (and none of the engine's tests)
//! compiles the AWS SDK.

mod cache;
mod metered;
mod secret_text;

pub use cache::Cached;
pub use secret_text::SecretText;

use std::{fmt, sync::Arc};

use crate::{
    jobs::handler::BoxFuture,
    model::{
        cloud::{Machine, ZoneRecord},
        failure::{Failure, FailureKind},
        secrets::SecretVersion,
    },
};

/// Why an AWS call did not give an answer. Messages name the service and operation, never a
/// value sent or received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloudError {
    /// No answer within the operation timeout (retries included).
    Timeout(String),
    /// The endpoint could not be reached (refused, reset, DNS, TLS).
    Unreachable(String),
    /// AWS answered with an error: its code and message.
    Refused { code: String, message: String },
}

impl fmt::Display for CloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CloudError::Timeout(what) | CloudError::Unreachable(what) => {
                write!(f, "AWS did not answer ({what})")
            }
            CloudError::Refused { code, message } => write!(f, "AWS refused: {code}: {message}"),
        }
    }
}

impl std::error::Error for CloudError {}

impl From<CloudError> for Failure {
    /// Timeouts are 504, everything else AWS did is 502.
    fn from(error: CloudError) -> Failure {
        let kind = match error {
            CloudError::Timeout(_) => FailureKind::UpstreamTimeout,
            CloudError::Unreachable(_) | CloudError::Refused { .. } => FailureKind::Upstream,
        };
        Failure::new(kind, error.to_string())
    }
}

/// A secret's versions as Secrets Manager lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretListing {
    /// Newest first.
    pub versions: Vec<SecretVersion>,
}

impl SecretListing {
    /// The version labelled `AWSCURRENT`.
    pub fn current(&self) -> Option<&str> {
        self.versions
            .iter()
            .find(|v| {
                v.stages
                    .iter()
                    .any(|s| s == crate::model::secrets::CURRENT_STAGE)
            })
            .map(|v| v.id.as_str())
    }
}

/// One version's value: a JSON object as text, never shown or logged.
#[derive(Debug, Clone)]
pub struct SecretDocument {
    pub version_id: String,
    pub text: SecretText,
}

/// Secrets Manager, for the secrets nixdeck manages.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// The secret's versions; `None` when it does not exist.
    fn versions<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<SecretListing>, CloudError>>;

    /// The current version's value; `None` when the secret does not exist.
    fn read<'a>(&'a self, id: &'a str)
        -> BoxFuture<'a, Result<Option<SecretDocument>, CloudError>>;

    /// Creates the secret with `text` as its first version, whose id is `token` (a retry
    /// with the same token makes no second version).
    fn create<'a>(
        &'a self,
        id: &'a str,
        text: &'a SecretText,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>>;

    /// Writes `text` as a new current version whose id is `token`.
    fn put<'a>(
        &'a self,
        id: &'a str,
        text: &'a SecretText,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>>;

    /// Moves `AWSCURRENT` from version `from` to version `to`.
    fn make_current<'a>(
        &'a self,
        id: &'a str,
        to: &'a str,
        from: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>>;
}

/// EC2, for the instances NixOps made.
pub trait Inventory: Send + Sync + fmt::Debug {
    /// The instances in `region` tagged as machines of NixOps deployment `deployment`.
    fn machines<'a>(
        &'a self,
        region: &'a str,
        deployment: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Machine>, CloudError>>;
}

/// Route53, read only.
pub trait DnsReader: Send + Sync + fmt::Debug {
    /// Every record of the hosted zone named `zone`; `None` when there is no such zone.
    fn zone_records<'a>(
        &'a self,
        zone: &'a str,
    ) -> BoxFuture<'a, Result<Option<Vec<ZoneRecord>>, CloudError>>;
}

/// The AWS side as the engine uses it.
#[derive(Debug, Clone)]
pub struct Cloud {
    pub secrets: Arc<dyn SecretStore>,
    pub inventory: Arc<dyn Inventory>,
    pub dns: Arc<dyn DnsReader>,
    /// How long to serve machines and DNS from memory before reading AWS again, in
    /// milliseconds.
    pub cache_millis: i64,
    /// How long a change to a secret may hold its claim before another may settle it, in
    /// milliseconds: longer than any AWS call can take (its timeout, retries included).
    pub claim_millis: i64,
}

impl Cloud {
    /// The same AWS side, each call timed and its failures counted in `metrics`.
    pub fn metered(self, metrics: &crate::metrics::Metrics) -> Cloud {
        Cloud {
            secrets: Arc::new(metered::MeteredSecrets {
                inner: self.secrets,
                metrics: metrics.clone(),
            }),
            inventory: Arc::new(metered::MeteredInventory {
                inner: self.inventory,
                metrics: metrics.clone(),
            }),
            dns: Arc::new(metered::MeteredDns {
                inner: self.dns,
                metrics: metrics.clone(),
            }),
            ..self
        }
    }
}
