//! The engine: what every way in (pages, the REST API, the command line, webhooks, the
//! scheduler) acts through. It holds the store, the named hosts, the job worker's wake-up
//! and the live log feeds; its commands (`crate::commands`) take the caller and decide,
//! validate, write, audit and queue in one place.

use std::{collections::HashMap, sync::Arc, time::Duration};

use tokio::sync::{Mutex, Notify};
use tokio_util::sync::CancellationToken;

use crate::{
    cloud::{Cached, Cloud},
    delivery::job_events::DeliverySettings,
    exec::Host,
    jobs::{feeds::LogFeeds, viewers::ViewerLimits},
    metrics::Metrics,
    model::{
        approval::ApprovalPolicy,
        cloud::{MachinesView, ZoneRecord},
    },
    nixops::DeploySettings,
    probes::builder::BuilderOptions,
    store::Store,
};

/// Everything the engine is made from.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub store: Store,
    /// The hosts commands run on, by name; `deployer` runs every NixOps command.
    pub hosts: Vec<Host>,
    pub deploys: DeploySettings,
    /// Names this process in job leases; unique per process.
    pub worker_id: String,
    /// Jobs this process runs at once.
    pub max_parallel: usize,
    /// Live log streams one person may hold open at once.
    pub streams_per_person: usize,
    /// The AWS side (secrets, machines, DNS); `None` where nixdeck runs without it.
    pub cloud: Option<Cloud>,
    /// How the builder (the host named `builder`, if any) is probed and maintained.
    pub builder: BuilderOptions,
    /// The two-person rule for production.
    pub approvals: ApprovalPolicy,
    /// Links in what other systems are told, and which of them are told.
    pub delivery: DeliverySettings,
}

/// A handle to the engine; cheap to clone.
#[derive(Debug, Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    hosts: HashMap<String, Host>,
    deploys: DeploySettings,
    worker_id: String,
    max_parallel: usize,
    wake: Notify,
    feeds: LogFeeds,
    viewers: ViewerLimits,
    cloud: Option<Cloud>,
    cloud_caches: CloudCaches,
    builder: BuilderOptions,
    approvals: ApprovalPolicy,
    delivery: DeliverySettings,
    metrics: Metrics,
    /// Held while the builder is probed, so probes never overlap.
    probe_lock: Mutex<()>,
    /// Asks the prober for a probe now.
    probe_nudge: Notify,
    /// Cancelled when nixdeck stops: live streams end, the worker lets go of its jobs.
    stopping: CancellationToken,
}

impl Engine {
    /// An engine that stops (ends its streams, lets go of its jobs) when `stopping` fires.
    pub fn new(config: EngineConfig, stopping: CancellationToken) -> Engine {
        let feeds = LogFeeds::new(config.store.clone(), stopping.clone());
        let metrics = Metrics::default();
        Engine {
            inner: Arc::new(Inner {
                hosts: config
                    .hosts
                    .into_iter()
                    .map(|host| (host.name.clone(), host))
                    .collect(),
                store: config.store,
                deploys: config.deploys,
                worker_id: config.worker_id,
                max_parallel: config.max_parallel.max(1),
                wake: Notify::new(),
                feeds,
                viewers: ViewerLimits::new(config.streams_per_person.max(1)),
                cloud: config.cloud.map(|cloud| cloud.metered(&metrics)),
                cloud_caches: CloudCaches::default(),
                builder: BuilderOptions {
                    probe_interval: config.builder.probe_interval.max(Duration::from_secs(1)),
                    ..config.builder
                },
                approvals: config.approvals,
                delivery: DeliverySettings {
                    public_url: config.delivery.public_url.trim_end_matches('/').to_owned(),
                    ..config.delivery
                },
                metrics,
                probe_lock: Mutex::new(()),
                probe_nudge: Notify::new(),
                stopping,
            }),
        }
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The host named `name`, if configured.
    pub fn host(&self, name: &str) -> Option<&Host> {
        self.inner.hosts.get(name)
    }

    pub fn deploys(&self) -> &DeploySettings {
        &self.inner.deploys
    }

    pub fn worker_id(&self) -> &str {
        &self.inner.worker_id
    }

    pub fn max_parallel(&self) -> usize {
        self.inner.max_parallel
    }

    pub fn feeds(&self) -> &LogFeeds {
        &self.inner.feeds
    }

    /// The AWS side, when configured.
    pub fn cloud_config(&self) -> Option<&Cloud> {
        self.inner.cloud.as_ref()
    }

    pub(crate) fn cloud_caches(&self) -> &CloudCaches {
        &self.inner.cloud_caches
    }

    pub fn builder_options(&self) -> &BuilderOptions {
        &self.inner.builder
    }

    /// Links in what other systems are told, and which of them are told.
    pub fn delivery(&self) -> &DeliverySettings {
        &self.inner.delivery
    }

    /// Whether production jobs wait for a second admin, and how long.
    pub fn approvals(&self) -> ApprovalPolicy {
        self.inner.approvals
    }

    /// What this engine measures, for Prometheus.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The metrics with what the database knows and this process's open log streams read
    /// in afresh: what a scrape encodes.
    pub async fn refresh_metrics(&self) -> Result<(), crate::store::StoreError> {
        self.inner
            .metrics
            .refresh(
                &self.inner.store,
                self.inner.viewers.open(),
                self.host(crate::model::job::BUILDER_HOST).is_some(),
            )
            .await
    }

    pub(crate) fn probe_lock(&self) -> &Mutex<()> {
        &self.inner.probe_lock
    }

    pub(crate) fn probe_nudge(&self) -> &Notify {
        &self.inner.probe_nudge
    }

    pub(crate) fn viewers(&self) -> &ViewerLimits {
        &self.inner.viewers
    }

    pub fn stopping(&self) -> &CancellationToken {
        &self.inner.stopping
    }

    /// Tells the worker to look at the queue now (a job was queued or cancelled).
    pub fn wake_worker(&self) {
        self.inner.wake.notify_one();
    }

    pub(crate) async fn woken(&self) {
        self.inner.wake.notified().await;
    }
}

/// What AWS last said about each cluster's machines (by cluster and region) and each
/// zone's records (by zone).
#[derive(Debug, Default)]
pub(crate) struct CloudCaches {
    pub machines: Cached<MachinesView>,
    pub zones: Cached<ZoneRecords>,
}

/// A zone's records and when they were read.
#[derive(Debug, Clone)]
pub(crate) struct ZoneRecords {
    pub records: Vec<ZoneRecord>,
    pub checked_at: i64,
}
