//! Job commands: deploy (a create the first time), preview, operate (info, stop, start),
//! redeploy and cancel; read jobs. Permission is always decided against the cluster as it
//! is now, read in the transaction that queues or changes the job, never against what an
//! old job recorded.

use serde_json::json;

use super::{require, Caller};
use crate::{
    audit,
    clusters::current,
    engine::Engine,
    maintenance::{maintenance_plan, MaintenanceTargets},
    model::{
        access::{Action, Environment},
        cluster::{ClusterView, DEPLOYER_DEPLOYMENT},
        failure::Failure,
        job::{
            JobKind, JobParams, JobState, JobView, LogRemoval, MaintenanceParams, Trigger,
            BUILDER_HOST,
        },
    },
    nixops::plan_for,
    store::{clusters, jobs as stored, jobs::JobRow, now_millis, Tx},
};

/// A job just queued, and what it will change (compared with the cluster's last
/// successful deploy, or, for a redeploy, with the cluster as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub job: JobView,
    pub changes: Vec<String>,
}

/// A job as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobDetails {
    pub job: JobView,
    /// What changed since the cluster's previous successful deploy.
    pub changes: Vec<String>,
    /// The environment of the job's cluster as it is now (who may cancel or redeploy
    /// depends on it); `None` once the cluster is gone or was replaced.
    pub cluster_env: Option<Environment>,
    /// Set once the retention rule removed the job's log.
    pub log_removed: Option<LogRemoval>,
}

impl Engine {
    /// Queues a deploy of the cluster as it is now: the runbook's steps 1 to 6 (*create*)
    /// while its deployment does not exist on the deployer, steps 3 to 6 (*deploy*)
    /// otherwise, or the last pass as a dry run (*preview*).
    pub async fn deploy(
        &self,
        caller: &Caller,
        cluster: &str,
        preview: bool,
    ) -> Result<Requested, Failure> {
        let mut tx = self.store().begin().await?;
        let view = current(&mut tx, cluster).await?;
        let kind = match (preview, view.on_deployer) {
            (true, _) => JobKind::Preview,
            (false, false) => JobKind::Create,
            (false, true) => JobKind::Deploy,
        };
        require(caller, kind.action(view.args.env))?;
        let job = self.queue(tx, caller, &view, kind, None, None).await?;
        let changes = self.changes_since_previous(&job).await?;
        Ok(Requested { job, changes })
    }

    /// Queues `info`/`check`, `stop` or `start` on a deployed cluster.
    pub async fn operate(
        &self,
        caller: &Caller,
        cluster: &str,
        kind: JobKind,
    ) -> Result<Requested, Failure> {
        if !matches!(kind, JobKind::Info | JobKind::Stop | JobKind::Start) {
            return Err(Failure::invalid(
                "kind",
                "use info, stop or start (deploys and previews: POST .../deploys; destroy: DELETE the cluster)",
            ));
        }
        let mut tx = self.store().begin().await?;
        let view = current(&mut tx, cluster).await?;
        require(caller, kind.action(view.args.env))?;
        if !view.on_deployer {
            return Err(Failure::conflict(format!(
                "cluster {cluster:?} was never created on the deployer: deploy it before asking for {kind}"
            )));
        }
        Ok(Requested {
            job: self.queue(tx, caller, &view, kind, None, None).await?,
            changes: Vec::new(),
        })
    }

    /// Repeats a past create or deploy of a cluster with that job's dependency versions and
    /// the cluster's current arguments (a redeploy never takes a cluster's arguments back:
    /// they may have changed who may deploy it). The answer lists what the redeploy will
    /// change, arguments included. A job of an earlier cluster of the same name (removed
    /// and created again since) is not repeated.
    pub async fn redeploy(&self, caller: &Caller, job_id: &str) -> Result<Requested, Failure> {
        let mut tx = self.store().begin().await?;
        let past = stored::find_in(&mut tx, job_id)
            .await?
            .ok_or_else(|| no_job(job_id))?;
        if !matches!(past.kind, JobKind::Create | JobKind::Deploy) {
            return Err(Failure::conflict(format!(
                "only a deploy can be repeated, and job {job_id} is a {}",
                past.kind
            )));
        }
        let cluster = clusters::find_in(&mut tx, &past.cluster).await?;
        let cluster = match cluster {
            Some(row) if row.id == past.cluster_id => crate::clusters::view_of(row)?,
            Some(_) => {
                return Err(Failure::conflict(format!(
                    "job {job_id} deployed an earlier cluster named {:?}, removed since; \
                     deploy the current one instead",
                    past.cluster
                )))
            }
            None => {
                return Err(Failure::conflict(format!(
                    "cluster {:?} no longer exists",
                    past.cluster
                )))
            }
        };
        let kind = if cluster.on_deployer {
            JobKind::Deploy
        } else {
            JobKind::Create
        };
        require(caller, kind.action(cluster.args.env))?;
        let repeated = past.params()?;
        let params = JobParams {
            args: cluster.args.clone(),
            versions: repeated.versions.clone(),
        };
        // The arguments a redeploy does not take back, then the versions it does.
        let mut changes: Vec<String> = params
            .changes_since(&repeated)
            .into_iter()
            .map(|change| {
                format!("{change} (arguments changed since that job; the current ones are used)")
            })
            .collect();
        changes.extend(params.changes_since(&cluster.params()));
        let job = self
            .queue(
                tx,
                caller,
                &cluster,
                kind,
                Some(params),
                Some(past.id.clone()),
            )
            .await?;
        Ok(Requested { job, changes })
    }

    /// Asks for a job to stop: a queued one (or one waiting for approval) is cancelled at
    /// once; a running one when its
    /// worker sees the request (it sends TERM, then KILL, to the command and waits for it
    /// to be gone). The cluster's current environment decides who may.
    pub async fn cancel(&self, caller: &Caller, job_id: &str) -> Result<JobView, Failure> {
        let mut tx = self.store().begin().await?;
        let job = stored::find_in(&mut tx, job_id)
            .await?
            .ok_or_else(|| no_job(job_id))?;
        if job.kind.is_cluster_job() {
            let cluster = clusters::find_by_id_in(&mut tx, &job.cluster_id).await?;
            require(caller, Action::cancel_job(cluster.map(|row| row.env)))?;
        } else {
            require(caller, Action::MaintainHosts)?;
        }
        if job.state.is_final() {
            return Err(Failure::conflict(format!(
                "job {job_id} has ended already ({})",
                job.state
            )));
        }
        let now = now_millis();
        stored::request_cancel(&mut tx, job_id, now).await?;
        if matches!(job.state, JobState::Queued | JobState::AwaitingApproval) {
            let reason = "cancelled before it started";
            stored::finish(
                &mut tx,
                job_id,
                None,
                JobState::Cancelled,
                Some(reason),
                now,
            )
            .await?;
            self.job_reached(&mut tx, &job, JobState::Cancelled, Some(reason))
                .await?;
        }
        audit::record(
            &mut tx,
            caller.event(
                "job.cancel_requested",
                format!("job:{job_id}"),
                json!({ "cluster": job.cluster, "target": job_target(&job), "was": job.state }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        self.job_view_of(job_id).await
    }

    /// One job, what it changed, and its cluster's current environment.
    pub async fn job(&self, caller: &Caller, job_id: &str) -> Result<JobDetails, Failure> {
        require(caller, Action::Read)?;
        let row = stored::find(self.store(), job_id)
            .await?
            .ok_or_else(|| no_job(job_id))?;
        let cluster_env = if row.kind.is_cluster_job() {
            clusters::find(self.store(), &row.cluster)
                .await?
                .filter(|cluster| cluster.id == row.cluster_id)
                .map(|cluster| cluster.env)
        } else {
            None
        };
        let log_removed = crate::store::log_retention::removal_of(self.store(), &row.id)
            .await?
            .map(|(removed_at, lines)| LogRemoval { removed_at, lines });
        let job = self.job_view(row).await?;
        let changes = self.changes_since_previous(&job).await?;
        Ok(JobDetails {
            job,
            changes,
            cluster_env,
            log_removed,
        })
    }

    /// Jobs newest first, of one cluster or all, on one host or all.
    pub async fn jobs(
        &self,
        caller: &Caller,
        cluster: Option<&str>,
        host: Option<&str>,
        limit: i64,
    ) -> Result<Vec<JobView>, Failure> {
        require(caller, Action::Read)?;
        self.job_views(stored::list(self.store(), cluster, host, limit.clamp(1, 500)).await?)
            .await
    }

    /// The newest finished creates and deploys of `cluster`, newest first, at most
    /// `limit`: what its deploy chart draws, however many checks and other jobs ran since.
    pub async fn finished_deploys(
        &self,
        caller: &Caller,
        cluster: &str,
        limit: i64,
    ) -> Result<Vec<JobView>, Failure> {
        require(caller, Action::Read)?;
        self.job_views(stored::finished_deploys(self.store(), cluster, limit.clamp(1, 500)).await?)
            .await
    }

    /// Queues a job for `cluster` (its current arguments and versions unless `params`
    /// says otherwise): inserts it with its audit event, commits `tx` (which holds what
    /// the decision was made on), wakes the worker and answers with the job.
    pub(crate) async fn queue(
        &self,
        tx: Tx,
        caller: &Caller,
        cluster: &ClusterView,
        kind: JobKind,
        params: Option<JobParams>,
        redeploy_of: Option<String>,
    ) -> Result<JobView, Failure> {
        let (row, steps, detail) = self.cluster_job(caller, cluster, kind, params, redeploy_of)?;
        let subject = format!("cluster:{}", cluster.name());
        self.enqueue(tx, caller, row, &steps, subject, detail).await
    }

    /// A job for `cluster` as `caller` asks for it now (not stored yet): its row, its
    /// steps and its audit details. A production job that needs a second admin waits.
    pub(crate) fn cluster_job(
        &self,
        caller: &Caller,
        cluster: &ClusterView,
        kind: JobKind,
        params: Option<JobParams>,
        redeploy_of: Option<String>,
    ) -> Result<(JobRow, Vec<String>, serde_json::Value), Failure> {
        let params = params.unwrap_or_else(|| cluster.params());
        let settings = self.deploys();
        let plan = plan_for(kind, &params, &settings.nixops_root, &settings.repo_url);
        let steps: Vec<String> = plan.steps.iter().map(|step| step.name.clone()).collect();
        let name = cluster.name();
        let mut row = JobRow {
            cluster: name.to_owned(),
            cluster_id: cluster.id.clone(),
            redeploy_of: redeploy_of.clone(),
            concurrency_key: format!("deployment:{name}"),
            exclusive: name == DEPLOYER_DEPLOYMENT,
            ..JobRow::queued(kind, caller, json_of(&params)?)
        };
        if redeploy_of.is_some() {
            row.trigger_kind = Trigger::Redeploy;
        }
        let approvals = self.approvals();
        if approvals.requires(kind, cluster.args.env) {
            row.state = JobState::AwaitingApproval;
            row.approval_expires_at = Some(row.created_at.saturating_add(approvals.ttl_ms));
            row.approval_basis = Some(json_of(&cluster.params())?);
        }
        let detail = json!({ "job_id": row.id, "redeploy_of": redeploy_of });
        Ok((row, steps, detail))
    }

    /// Inserts `row` with its steps and its audit event (on `subject`, with `detail`),
    /// commits `tx` (which holds what the decision was made on), wakes the worker and
    /// answers with the job.
    pub(crate) async fn enqueue(
        &self,
        mut tx: Tx,
        caller: &Caller,
        row: JobRow,
        steps: &[String],
        subject: String,
        detail: serde_json::Value,
    ) -> Result<JobView, Failure> {
        stored::insert(&mut tx, &row, steps).await?;
        let waits = row.state == JobState::AwaitingApproval;
        audit::record(
            &mut tx,
            caller.event(
                &format!("job.{}_requested", row.kind),
                subject.clone(),
                detail,
            ),
        )
        .await?;
        if waits {
            audit::record(
                &mut tx,
                caller.event(
                    "job.approval_requested",
                    format!("job:{}", row.id),
                    json!({ "cluster": row.cluster, "kind": row.kind,
                            "expires_at": row.approval_expires_at }),
                ),
            )
            .await?;
        }
        self.job_reached(&mut tx, &row, row.state, None).await?;
        tx.commit().await?;
        self.wake_worker();
        self.job_view(row).await
    }
}

impl Engine {
    /// Queues a maintenance job of the builder or the deployer, with its audit event, in
    /// `tx`. Builder jobs run one at a time; the deployer's own deploy is a job on the
    /// `deployer` deployment, so nothing runs beside it on the deployer.
    pub(crate) async fn queue_maintenance(
        &self,
        tx: Tx,
        caller: &Caller,
        kind: JobKind,
        params: MaintenanceParams,
    ) -> Result<JobView, Failure> {
        let host = kind.host();
        let plan = maintenance_plan(kind, &params, self.maintenance_targets());
        let steps: Vec<String> = plan.steps.iter().map(|step| step.name.clone()).collect();
        let on_deployer = kind == JobKind::DeployDeployer;
        let row = JobRow {
            cluster: if on_deployer {
                DEPLOYER_DEPLOYMENT.to_owned()
            } else {
                String::new()
            },
            concurrency_key: if on_deployer {
                format!("deployment:{DEPLOYER_DEPLOYMENT}")
            } else {
                format!("host:{host}")
            },
            exclusive: on_deployer,
            ..JobRow::queued(kind, caller, json_of(&params)?)
        };
        let detail = json!({ "job_id": row.id, "days": params.days });
        self.enqueue(tx, caller, row, &steps, format!("host:{host}"), detail)
            .await
    }
}

impl JobRow {
    /// A job of `kind` as `caller` queues it now, on the host its kind runs on, belonging
    /// to no cluster and running beside others: callers set what differs.
    fn queued(kind: JobKind, caller: &Caller, params: String) -> JobRow {
        JobRow {
            id: uuid::Uuid::now_v7().to_string(),
            kind,
            cluster: String::new(),
            cluster_id: String::new(),
            state: JobState::Queued,
            params,
            requested_by: caller.actor().to_owned(),
            requested_via: caller.door,
            redeploy_of: None,
            host: kind.host().to_owned(),
            concurrency_key: String::new(),
            exclusive: false,
            created_at: now_millis(),
            started_at: None,
            finished_at: None,
            error: None,
            lease_owner: None,
            lease_expires_at: None,
            cancel_requested_at: None,
            trigger_kind: caller.trigger,
            trigger_ref: caller.trigger_ref.clone(),
            approval_expires_at: None,
            approval_basis: None,
            decided_by: None,
            decided_at: None,
            decision_comment: None,
        }
    }
}

fn json_of(params: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string(params).map_err(|e| super::unreadable("job parameters", &e))
}

impl Engine {
    /// What maintenance acts on, as configured.
    pub(crate) fn maintenance_targets(&self) -> MaintenanceTargets<'_> {
        MaintenanceTargets {
            builder_dir: self
                .host(BUILDER_HOST)
                .map_or("", |builder| builder.work_dir.as_str()),
            agent_label: &self.builder_options().agent_label,
            deployer_checkout: &self.deploys().deployer_checkout,
        }
    }
}

/// What a job acts on, as the audit log names it: its cluster, or the host it maintains.
pub(crate) fn job_target(job: &JobRow) -> &str {
    if job.kind.is_cluster_job() {
        &job.cluster
    } else {
        job.kind.host()
    }
}

pub(crate) fn no_job(job_id: &str) -> Failure {
    Failure::not_found(format!("there is no job {job_id:?}"))
}
