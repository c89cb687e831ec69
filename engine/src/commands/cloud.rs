//! What a cluster is on AWS: its machines, its DNS records (staging) and the health derived
//! from them and its last `info` job. Read only; answers are kept briefly (see
//! `Cloud::cache_millis`) unless the caller asks for a refresh.

use std::collections::BTreeMap;

use super::{require, Caller};
use crate::{
    clusters::find,
    engine::Engine,
    model::{
        access::Action,
        cloud::{
            check_dns, derive_health, machines_view, not_deployed, ClusterHealth, DnsView,
            LastInfo, MachinesView,
        },
        cluster::{ClusterState, ClusterView},
        failure::Failure,
        job::{JobKind, JobState},
    },
    store::{jobs as stored_jobs, now_millis},
};

impl Engine {
    /// The cluster's EC2 instances and the expected machines it lacks.
    pub async fn machines(
        &self,
        caller: &Caller,
        name: &str,
        refresh: bool,
    ) -> Result<MachinesView, Failure> {
        require(caller, Action::Read)?;
        let cluster = find(self.store(), name).await?;
        self.machines_of(&cluster, refresh).await
    }

    /// The cluster's DNS records compared with what the runbook expects; off for production.
    pub async fn dns(
        &self,
        caller: &Caller,
        name: &str,
        refresh: bool,
    ) -> Result<DnsView, Failure> {
        require(caller, Action::Read)?;
        let cluster = find(self.store(), name).await?;
        self.dns_of(&cluster, refresh).await
    }

    /// The cluster's one health.
    pub async fn cluster_health(
        &self,
        caller: &Caller,
        name: &str,
        refresh: bool,
    ) -> Result<ClusterHealth, Failure> {
        require(caller, Action::Read)?;
        let cluster = find(self.store(), name).await?;
        self.health_of(&cluster, refresh).await
    }

    /// Every cluster's health, by name, read at once (a silent AWS costs one timeout).
    pub async fn cluster_healths(
        &self,
        caller: &Caller,
    ) -> Result<BTreeMap<String, ClusterHealth>, Failure> {
        let clusters = self.clusters(caller).await?;
        let mut reads = tokio::task::JoinSet::new();
        for cluster in clusters {
            let engine = self.clone();
            reads.spawn(async move {
                let health = engine.health_of(&cluster, false).await;
                (cluster.args.name, health)
            });
        }
        let mut healths = BTreeMap::new();
        while let Some(read) = reads.join_next().await {
            let (name, health) = read.map_err(|error| {
                tracing::error!(%error, "a health read panicked");
                Failure::internal()
            })?;
            healths.insert(name, health?);
        }
        Ok(healths)
    }

    async fn machines_of(
        &self,
        cluster: &ClusterView,
        refresh: bool,
    ) -> Result<MachinesView, Failure> {
        let cloud = self.cloud_config().ok_or_else(no_aws)?;
        let key = format!("{}@{}", cluster.args.name, cluster.args.region);
        let now = now_millis();
        if !refresh {
            if let Some(view) = self
                .cloud_caches()
                .machines
                .get(&key, now - cloud.cache_millis)
            {
                return Ok(view);
            }
        }
        let machines = cloud
            .inventory
            .machines(&cluster.args.region, &cluster.args.name)
            .await?;
        let view = machines_view(machines, now);
        self.cloud_caches().machines.put(&key, now, view.clone());
        Ok(view)
    }

    async fn dns_of(&self, cluster: &ClusterView, refresh: bool) -> Result<DnsView, Failure> {
        let Some(dns) = &cluster.args.dns else {
            return Ok(DnsView::disabled());
        };
        let cloud = self.cloud_config().ok_or_else(no_aws)?;
        let now = now_millis();
        let cached = if refresh {
            None
        } else {
            self.cloud_caches()
                .zones
                .get(&dns.zone, now - cloud.cache_millis)
        };
        let (machines, records) = match cached {
            Some(records) => (self.machines_of(cluster, false).await?, records),
            None => {
                let (machines, records) =
                    tokio::try_join!(self.machines_of(cluster, refresh), async {
                        cloud
                            .dns
                            .zone_records(&dns.zone)
                            .await
                            .map_err(Failure::from)
                    })?;
                let records = records.ok_or_else(|| {
                    Failure::not_found(format!(
                        "Route53 has no hosted zone named {:?} (the cluster's dnsZone)",
                        dns.zone
                    ))
                })?;
                self.cloud_caches()
                    .zones
                    .put(&dns.zone, now, records.clone());
                (machines, records)
            }
        };
        Ok(DnsView {
            enabled: true,
            zone: Some(dns.zone.clone()),
            records: check_dns(&dns.domain, &machines.machines, &records),
            checked_at: Some(now),
        })
    }

    async fn health_of(
        &self,
        cluster: &ClusterView,
        refresh: bool,
    ) -> Result<ClusterHealth, Failure> {
        if cluster.state == ClusterState::New && !cluster.on_deployer {
            return Ok(not_deployed(&cluster.args));
        }
        let (machines, dns) = tokio::join!(
            self.machines_of(cluster, refresh),
            self.dns_of(cluster, refresh)
        );
        let last_info =
            match stored_jobs::last_ended(self.store(), &cluster.id, cluster.name(), JobKind::Info)
                .await?
            {
                None => LastInfo::Never,
                Some(job) if job.state == JobState::Succeeded => LastInfo::Succeeded,
                Some(job) if job.state == JobState::Failed => LastInfo::Failed,
                Some(_) => LastInfo::Never,
            };
        Ok(derive_health(
            machines.as_ref().map_err(|f| f.message.as_str()),
            dns.as_ref().map_err(|f| f.message.as_str()),
            last_info,
        ))
    }
}

pub(super) fn no_aws() -> Failure {
    Failure::unavailable("AWS is not configured in this nixdeck")
}
