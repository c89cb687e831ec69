//! The AWS side with every call timed and its failures counted, by service and operation:
//! the three traits wrapped once where the engine is made, so no call can go unmeasured. A
//! call that takes several requests (a lookup, then pages) is timed as a whole, under the
//! name of the operation that answers it.

use std::{future::Future, sync::Arc, time::Instant};

use super::{
    CloudError, DnsReader, Inventory, SecretDocument, SecretListing, SecretStore, SecretText,
};
use crate::{
    jobs::handler::BoxFuture,
    metrics::Metrics,
    model::cloud::{Machine, ZoneRecord},
};

/// Awaits `call`, recording how long it took and whether it failed.
async fn timed<T>(
    metrics: &Metrics,
    service: &str,
    operation: &str,
    call: impl Future<Output = Result<T, CloudError>>,
) -> Result<T, CloudError> {
    let started = Instant::now();
    let result = call.await;
    metrics.aws_call(
        service,
        operation,
        started.elapsed().as_secs_f64(),
        result.as_ref().err(),
    );
    result
}

#[derive(Debug)]
pub(super) struct MeteredSecrets {
    pub inner: Arc<dyn SecretStore>,
    pub metrics: Metrics,
}

const SECRETS: &str = "secretsmanager";

impl SecretStore for MeteredSecrets {
    fn versions<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<SecretListing>, CloudError>> {
        Box::pin(timed(
            &self.metrics,
            SECRETS,
            "ListSecretVersionIds",
            self.inner.versions(id),
        ))
    }

    fn read<'a>(
        &'a self,
        id: &'a str,
    ) -> BoxFuture<'a, Result<Option<SecretDocument>, CloudError>> {
        Box::pin(timed(
            &self.metrics,
            SECRETS,
            "GetSecretValue",
            self.inner.read(id),
        ))
    }

    fn create<'a>(
        &'a self,
        id: &'a str,
        text: &'a SecretText,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>> {
        Box::pin(timed(
            &self.metrics,
            SECRETS,
            "CreateSecret",
            self.inner.create(id, text, token),
        ))
    }

    fn put<'a>(
        &'a self,
        id: &'a str,
        text: &'a SecretText,
        token: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>> {
        Box::pin(timed(
            &self.metrics,
            SECRETS,
            "PutSecretValue",
            self.inner.put(id, text, token),
        ))
    }

    fn make_current<'a>(
        &'a self,
        id: &'a str,
        to: &'a str,
        from: &'a str,
    ) -> BoxFuture<'a, Result<(), CloudError>> {
        Box::pin(timed(
            &self.metrics,
            SECRETS,
            "UpdateSecretVersionStage",
            self.inner.make_current(id, to, from),
        ))
    }
}

#[derive(Debug)]
pub(super) struct MeteredInventory {
    pub inner: Arc<dyn Inventory>,
    pub metrics: Metrics,
}

impl Inventory for MeteredInventory {
    fn machines<'a>(
        &'a self,
        region: &'a str,
        deployment: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Machine>, CloudError>> {
        Box::pin(timed(
            &self.metrics,
            "ec2",
            "DescribeInstances",
            self.inner.machines(region, deployment),
        ))
    }
}

#[derive(Debug)]
pub(super) struct MeteredDns {
    pub inner: Arc<dyn DnsReader>,
    pub metrics: Metrics,
}

impl DnsReader for MeteredDns {
    fn zone_records<'a>(
        &'a self,
        zone: &'a str,
    ) -> BoxFuture<'a, Result<Option<Vec<ZoneRecord>>, CloudError>> {
        Box::pin(timed(
            &self.metrics,
            "route53",
            "ListResourceRecordSets",
            self.inner.zone_records(zone),
        ))
    }
}
