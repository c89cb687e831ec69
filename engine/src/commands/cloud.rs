//! What a cluster is on AWS: its machines, its DNS records (staging) and the health derived
//! from them and its last `info` job. Read only; answers are kept briefly (see
//! `Cloud::cache_millis`) unless the caller asks for a refresh.

use std::collections::BTreeMap;

use super::{require, Caller};
use crate::{
    clusters::{find, view_of},
    engine::{Engine, ZoneRecords},
    model::{
        access::Action,
        cloud::{
            check_dns, derive_health, machines_view, not_deployed, ClusterHealth, DnsView,
            LastInfo, MachinesView, OnAws,
        },
        cluster::{ClusterCursor, ClusterDns, ClusterState, ClusterView, CLUSTERS_PER_PAGE},
        failure::Failure,
        job::{JobKind, JobState},
    },
    store::{clusters, jobs as stored_jobs, notification_channels, now_millis},
};

/// How the last `info` job ended, as the health rules read it.
fn last_info_of(state: Option<JobState>) -> LastInfo {
    match state {
        Some(JobState::Succeeded) => LastInfo::Succeeded,
        Some(JobState::Failed) => LastInfo::Failed,
        _ => LastInfo::Never,
    }
}

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
        let Some(dns) = &cluster.args.dns else {
            return Ok(DnsView::disabled());
        };
        let (machines, records) = tokio::try_join!(
            self.machines_of(&cluster, refresh),
            self.zone_of(&dns.zone, refresh)
        )?;
        Ok(dns_view(dns, &machines, &records))
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
        Ok(self.on_aws_of(&cluster, refresh).await?.health)
    }

    /// Machines, DNS and health together, from one read of each (the cluster page): a part
    /// AWS could not give is its failure, and the others are still there.
    pub async fn on_aws(
        &self,
        caller: &Caller,
        name: &str,
        refresh: bool,
    ) -> Result<OnAws, Failure> {
        require(caller, Action::Read)?;
        let cluster = find(self.store(), name).await?;
        self.on_aws_of(&cluster, refresh).await
    }

    /// The health of every cluster on one page of the list, by name, read at once (a
    /// silent AWS costs one timeout).
    pub async fn cluster_healths(
        &self,
        caller: &Caller,
        cursor: &ClusterCursor,
    ) -> Result<BTreeMap<String, ClusterHealth>, Failure> {
        require(caller, Action::Read)?;
        let clusters = clusters::page(self.store(), cursor, CLUSTERS_PER_PAGE as i64)
            .await?
            .into_iter()
            .map(view_of)
            .collect::<Result<Vec<ClusterView>, Failure>>()?;
        // What the database knows, read once for the page: no query per cluster.
        let ids: Vec<String> = clusters.iter().map(|cluster| cluster.id.clone()).collect();
        let last_infos = stored_jobs::last_ended_states(self.store(), &ids, JobKind::Info).await?;
        let mut reads = tokio::task::JoinSet::new();
        for cluster in clusters {
            let engine = self.clone();
            let last_info = last_info_of(last_infos.get(&cluster.id).copied());
            reads.spawn(async move {
                let health = engine
                    .on_aws_with(&cluster, false, last_info)
                    .await
                    .map(|on| on.health);
                (cluster, health)
            });
        }
        let mut read = Vec::new();
        while let Some(answer) = reads.join_next().await {
            let (cluster, health) = answer.map_err(|error| {
                tracing::error!(%error, "a health read panicked");
                Failure::internal()
            })?;
            read.push((cluster, health?));
        }
        // Compared with what is recorded only now that AWS has answered, so a change
        // recorded meanwhile (a scheduled check) is what the comparison sees.
        let known = notification_channels::healths(self.store()).await?;
        let mut healths = BTreeMap::new();
        for (cluster, health) in read {
            self.note_if_changed(
                &cluster,
                &health,
                known.get(&cluster.id).map(String::as_str),
            )
            .await;
            healths.insert(cluster.args.name, health);
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
        let read = || async {
            let now = now_millis();
            let machines = cloud
                .inventory
                .machines(&cluster.args.region, &cluster.args.name)
                .await?;
            Ok::<_, Failure>((now, machines_view(machines, now)))
        };
        let caches = self.cloud_caches();
        if refresh {
            let (now, view) = read().await?;
            caches.machines.put(&key, now, view.clone());
            return Ok(view);
        }
        caches
            .machines
            .get_or_fill(&key, now_millis() - cloud.cache_millis, read)
            .await
    }

    /// The records of the zone named `zone`.
    async fn zone_of(&self, zone: &str, refresh: bool) -> Result<ZoneRecords, Failure> {
        let cloud = self.cloud_config().ok_or_else(no_aws)?;
        let read = || async {
            let now = now_millis();
            let records = cloud.dns.zone_records(zone).await?.ok_or_else(|| {
                Failure::not_found(format!(
                    "Route53 has no hosted zone named {zone:?} (the cluster's dnsZone)"
                ))
            })?;
            Ok::<_, Failure>((
                now,
                ZoneRecords {
                    records,
                    checked_at: now,
                },
            ))
        };
        let caches = self.cloud_caches();
        if refresh {
            let (now, records) = read().await?;
            caches.zones.put(zone, now, records.clone());
            return Ok(records);
        }
        caches
            .zones
            .get_or_fill(zone, now_millis() - cloud.cache_millis, read)
            .await
    }

    async fn on_aws_of(&self, cluster: &ClusterView, refresh: bool) -> Result<OnAws, Failure> {
        let last =
            stored_jobs::last_ended(self.store(), &cluster.id, cluster.name(), JobKind::Info)
                .await?
                .map(|job| job.state);
        let on = self
            .on_aws_with(cluster, refresh, last_info_of(last))
            .await?;
        let known = notification_channels::health_of(self.store(), &cluster.id).await?;
        self.note_if_changed(cluster, &on.health, known.as_deref())
            .await;
        Ok(on)
    }

    /// Records the cluster's health (and tells its change) when it differs from `known`,
    /// the one recorded; a failure to record it is logged, the health is still shown.
    async fn note_if_changed(
        &self,
        cluster: &ClusterView,
        health: &ClusterHealth,
        known: Option<&str>,
    ) {
        if known == Some(health.status.as_str()) {
            return;
        }
        if let Err(failure) = self.note_health(cluster, health).await {
            tracing::warn!(cluster = %cluster.name(), message = %failure.message, "cannot record the cluster's health");
        }
    }

    /// Machines, DNS and the health derived from them and the last `info` job.
    async fn on_aws_with(
        &self,
        cluster: &ClusterView,
        refresh: bool,
        last_info: LastInfo,
    ) -> Result<OnAws, Failure> {
        let zone = async {
            match &cluster.args.dns {
                Some(dns) => Some(self.zone_of(&dns.zone, refresh).await),
                None => None,
            }
        };
        let (machines, zone) = tokio::join!(self.machines_of(cluster, refresh), zone);
        let dns = match (&cluster.args.dns, zone) {
            (Some(dns), Some(Ok(records))) => machines
                .as_ref()
                .map(|machines| dns_view(dns, machines, &records))
                .map_err(Clone::clone),
            (Some(_), Some(Err(failure))) => Err(failure),
            _ => Ok(DnsView::disabled()),
        };
        let health = if cluster.state == ClusterState::New && !cluster.on_deployer {
            not_deployed(&cluster.args)
        } else {
            derive_health(
                machines.as_ref().map_err(|f| f.message.as_str()),
                dns.as_ref().map_err(|f| f.message.as_str()),
                last_info,
            )
        };
        Ok(OnAws {
            machines,
            dns,
            health,
        })
    }
}

/// A staging cluster's expected names checked against its zone.
fn dns_view(dns: &ClusterDns, machines: &MachinesView, zone: &ZoneRecords) -> DnsView {
    DnsView {
        enabled: true,
        zone: Some(dns.zone.clone()),
        records: check_dns(&dns.domain, &machines.machines, &zone.records),
        checked_at: Some(zone.checked_at),
    }
}

pub(super) fn no_aws() -> Failure {
    Failure::unavailable("AWS is not configured in this nixdeck")
}
