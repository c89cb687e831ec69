//! Cluster commands: list and read; create, edit, pin versions and remove, each change
//! checked against `model::cluster` and audited in the transaction that makes it.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use super::{require, Caller};
use crate::{
    audit,
    clusters::{current, find, pinned, row_of, summary_of, view_of},
    engine::Engine,
    model::{
        access::Action,
        cluster::{
            ClusterCursor, ClusterInput, ClusterListing, ClusterState, ClusterView, ClusterViews,
            LatestJob, CLUSTERS_PER_PAGE,
        },
        failure::Failure,
        job::{JobKind, JobView},
    },
    store::{clusters, jobs as stored_jobs, now_millis, StoreError},
};

/// Where a new cluster comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NewCluster {
    /// Made in nixdeck; nothing exists on the deployer yet.
    Created,
    /// Adopted from a deployment the deployer has already; `defaulted` names what its
    /// deployment did not set, which nixdeck's defaults fill in (and its next deploy sets).
    Adopted { defaulted: Vec<String> },
}

/// What a change of arguments sets; `None` keeps the current value. The name cannot change
/// (it names the NixOps deployment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterUpdate {
    pub region: Option<String>,
    pub cluster_index: Option<i64>,
    pub env: Option<String>,
    pub domain: Option<String>,
    pub dns_zone: Option<String>,
    /// Whether GitHub deployment events may deploy the cluster.
    pub github_deployments: Option<bool>,
}

impl ClusterUpdate {
    /// Every field of a complete form.
    pub fn from_input(input: ClusterInput) -> ClusterUpdate {
        ClusterUpdate {
            region: Some(input.region),
            cluster_index: Some(input.cluster_index),
            env: Some(input.env),
            domain: Some(input.domain),
            dns_zone: Some(input.dns_zone),
            github_deployments: None,
        }
    }
}

/// How a removal went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterRemoval {
    /// Nothing of it existed on the deployer: it is gone.
    Forgotten,
    /// Its deployment exists on the deployer: a destroy job was queued.
    Destroying(Box<JobView>),
}

impl Engine {
    /// One page of the clusters in full, by name (`CLUSTERS_PER_PAGE`: every cluster a
    /// deployer can hold), and where the pages beside it start.
    pub async fn clusters(
        &self,
        caller: &Caller,
        cursor: &ClusterCursor,
    ) -> Result<ClusterViews, Failure> {
        require(caller, Action::Read)?;
        let rows = clusters::page(self.store(), cursor, CLUSTERS_PER_PAGE as i64).await?;
        let (previous_before, next_after) = self.pages_beside(&rows).await?;
        Ok(ClusterViews {
            clusters: rows.into_iter().map(view_of).collect::<Result<_, _>>()?,
            previous_before,
            next_after,
        })
    }

    /// Where the pages beside `rows` (one page, in name order) start: the first name when
    /// clusters come before it, the last when clusters come after it.
    async fn pages_beside(
        &self,
        rows: &[clusters::ClusterRow],
    ) -> Result<(Option<String>, Option<String>), Failure> {
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok((None, None));
        };
        let (before, after) = clusters::any_beside(self.store(), &first.name, &last.name).await?;
        Ok((
            before.then(|| first.name.clone()),
            after.then(|| last.name.clone()),
        ))
    }

    /// One page of the clusters list, light rows with each cluster's newest job: three
    /// queries however many clusters and jobs there are.
    pub async fn cluster_list(
        &self,
        caller: &Caller,
        cursor: &ClusterCursor,
    ) -> Result<ClusterListing, Failure> {
        require(caller, Action::Read)?;
        let rows = clusters::page(self.store(), cursor, CLUSTERS_PER_PAGE as i64).await?;
        let (previous_before, next_after) = self.pages_beside(&rows).await?;
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let mut newest: HashMap<String, LatestJob> =
            stored_jobs::newest_of_clusters(self.store(), &ids)
                .await?
                .into_iter()
                .map(|job| {
                    let latest = LatestJob {
                        id: job.id,
                        kind: job.kind,
                        state: job.state,
                        created_at: job.created_at,
                    };
                    (job.cluster_id, latest)
                })
                .collect();
        let clusters = rows
            .into_iter()
            .map(|row| {
                let latest = newest.remove(&row.id);
                summary_of(row, latest)
            })
            .collect::<Result<_, Failure>>()?;
        Ok(ClusterListing {
            clusters,
            previous_before,
            next_after,
        })
    }

    /// Every cluster index in use (the new cluster form suggests the lowest free one).
    pub async fn taken_cluster_indexes(&self, caller: &Caller) -> Result<Vec<u8>, Failure> {
        require(caller, Action::Read)?;
        Ok(clusters::taken_indexes(self.store())
            .await?
            .into_iter()
            .filter_map(|index| u8::try_from(index).ok())
            .collect())
    }

    pub async fn cluster(&self, caller: &Caller, name: &str) -> Result<ClusterView, Failure> {
        require(caller, Action::Read)?;
        find(self.store(), name).await
    }

    /// Creates a cluster in nixdeck (its first deploy creates the NixOps deployment).
    pub async fn create_cluster(
        &self,
        caller: &Caller,
        input: &ClusterInput,
        version_overrides: &[(String, String)],
    ) -> Result<ClusterView, Failure> {
        require(caller, Action::ManageClusters)?;
        self.record_cluster(caller, input, version_overrides, NewCluster::Created)
            .await
    }

    /// Validates and records a new cluster with its audit event: a cluster to create
    /// (its first deploy creates the NixOps deployment), or one adopted from the deployer
    /// (its deployment exists and is deployed). The caller has been allowed already.
    pub(crate) async fn record_cluster(
        &self,
        caller: &Caller,
        input: &ClusterInput,
        version_overrides: &[(String, String)],
        origin: NewCluster,
    ) -> Result<ClusterView, Failure> {
        let args = input.validate()?;
        let versions = pinned(version_overrides)?;
        let now = now_millis();
        let adopted = matches!(origin, NewCluster::Adopted { .. });
        let view = ClusterView {
            id: uuid::Uuid::now_v7().to_string(),
            args,
            versions,
            state: if adopted {
                ClusterState::Deployed
            } else {
                ClusterState::New
            },
            on_deployer: adopted,
            github_deployments: false,
            last_error: None,
            created_by: caller.actor().to_owned(),
            created_at: now,
            updated_at: now,
        };
        let row = row_of(&view)?;
        let name = view.name();
        let mut tx = self.store().begin().await?;
        if clusters::find_in(&mut tx, name).await?.is_some() {
            return Err(Failure::conflict_on(
                "name",
                format!("a cluster named {name:?} exists already"),
            ));
        }
        clusters::insert(&mut tx, &row)
            .await
            .map_err(index_conflict)?;
        let (action, detail) = match origin {
            NewCluster::Created => (
                "cluster.created",
                json!({ "args": &view.args, "versions": &view.versions }),
            ),
            NewCluster::Adopted { defaulted } => (
                "cluster.adopted",
                json!({ "args": &view.args, "versions": &view.versions, "defaulted": defaulted }),
            ),
        };
        audit::record(
            &mut tx,
            caller.event(action, format!("cluster:{name}"), detail),
        )
        .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Changes some of a cluster's arguments; the others keep their values.
    pub async fn update_cluster(
        &self,
        caller: &Caller,
        name: &str,
        update: ClusterUpdate,
    ) -> Result<ClusterView, Failure> {
        require(caller, Action::ManageClusters)?;
        let mut tx = self.store().begin().await?;
        let before = current(&mut tx, name).await?;
        let was = before.args.to_input();
        let input = ClusterInput {
            name: name.to_owned(),
            region: update.region.unwrap_or(was.region),
            cluster_index: update.cluster_index.unwrap_or(was.cluster_index),
            env: update.env.unwrap_or(was.env),
            domain: update.domain.unwrap_or(was.domain),
            dns_zone: update.dns_zone.unwrap_or(was.dns_zone),
        };
        let changed = ClusterView {
            args: input.validate()?,
            github_deployments: update
                .github_deployments
                .unwrap_or(before.github_deployments),
            updated_at: now_millis(),
            ..before.clone()
        };
        clusters::update(&mut tx, &row_of(&changed)?)
            .await
            .map_err(index_conflict)?;
        self.expire_changed(&mut tx, &changed).await?;
        audit::record(
            &mut tx,
            caller.event(
                "cluster.updated",
                format!("cluster:{name}"),
                json!({ "from": &before.args, "to": &changed.args,
                        "github_deployments": changed.github_deployments }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Pins the cluster's dependencies: the refs given replace those named, the rest stay.
    pub async fn set_versions(
        &self,
        caller: &Caller,
        name: &str,
        changes: &[(String, String)],
    ) -> Result<ClusterView, Failure> {
        require(caller, Action::ManageClusters)?;
        let mut tx = self.store().begin().await?;
        let before = current(&mut tx, name).await?;
        let mut overrides: Vec<(String, String)> = before.versions.clone().into_iter().collect();
        overrides.extend(changes.iter().cloned());
        let changed = ClusterView {
            versions: pinned(&overrides)?,
            updated_at: now_millis(),
            ..before.clone()
        };
        clusters::update(&mut tx, &row_of(&changed)?).await?;
        self.expire_changed(&mut tx, &changed).await?;
        let differences: BTreeMap<&String, String> = changed
            .versions
            .iter()
            .filter(|(dep, git_ref)| before.versions.get(*dep) != Some(git_ref))
            .map(|(dep, git_ref)| {
                let old = before.versions.get(dep).cloned().unwrap_or_default();
                (dep, format!("{old} → {git_ref}"))
            })
            .collect();
        audit::record(
            &mut tx,
            caller.event(
                "cluster.versions_changed",
                format!("cluster:{name}"),
                json!({ "changed": differences }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// Removes a cluster. One whose NixOps deployment exists on the deployer (from the
    /// moment `nixops create` succeeded, even if the rest of its create failed) is
    /// destroyed by a job; one that never got that far is forgotten at once.
    pub async fn remove_cluster(
        &self,
        caller: &Caller,
        name: &str,
    ) -> Result<ClusterRemoval, Failure> {
        require(caller, Action::ManageClusters)?;
        let mut tx = self.store().begin().await?;
        let view = current(&mut tx, name).await?;
        if stored_jobs::has_open_job(&mut tx, name).await? {
            return Err(Failure::conflict(format!(
                "cluster {name:?} has a job waiting for approval, queued or running; wait for it or cancel it first"
            )));
        }
        if view.on_deployer {
            let job = self
                .queue(tx, caller, &view, JobKind::Destroy, None, None)
                .await?;
            return Ok(ClusterRemoval::Destroying(Box::new(job)));
        }
        clusters::delete(&mut tx, &view.id).await?;
        audit::record(
            &mut tx,
            caller.event(
                "cluster.removed",
                format!("cluster:{name}"),
                json!({ "state": view.state, "on_deployer": false }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(ClusterRemoval::Forgotten)
    }
}

fn index_conflict(error: StoreError) -> Failure {
    match error {
        StoreError::Conflict(what) if what == clusters::NAME_TAKEN => {
            Failure::conflict_on("name", "a cluster with this name exists already")
        }
        StoreError::Conflict(_) => Failure::conflict_on(
            "cluster_index",
            "another cluster on this deployer has this index",
        ),
        other => other.into(),
    }
}
