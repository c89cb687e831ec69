//! The two-person rule: approve or reject a production job that waits for a second admin,
//! list those that wait, and end the waits that are over (out of time, or asked on a
//! cluster that has changed since). An approval is for exactly one job, given by a person
//! (never a token) who is not the one who asked for it, whatever door they used.

use serde_json::json;

use super::{jobs::no_job, require, Caller};
use crate::{
    audit,
    clusters::view_of,
    engine::Engine,
    model::{
        access::Action,
        approval::validate_comment,
        cluster::ClusterView,
        failure::{Failure, FailureKind},
        job::{JobParams, JobState, JobView, Trigger},
        time::format_utc,
    },
    store::{clusters, job_approvals, jobs as stored, jobs::JobRow, now_millis, Tx},
};

impl Engine {
    /// Approves a job waiting for a second admin: it joins the queue as it was asked.
    pub async fn approve(
        &self,
        caller: &Caller,
        job_id: &str,
        comment: Result<Option<String>, Failure>,
    ) -> Result<JobView, Failure> {
        let comment = self.may_decide(caller, comment)?;
        let mut tx = self.store().begin().await?;
        let job = waiting_job(&mut tx, caller, job_id).await?;
        let now = now_millis();
        if let Some(reason) = self.why_not_approvable(&mut tx, &job, now).await? {
            self.expire(&mut tx, &job, &reason, now).await?;
            tx.commit().await?;
            return Err(Failure::conflict(format!(
                "job {job_id} can no longer be approved: {reason}"
            )));
        }
        job_approvals::approve(&mut tx, job_id, caller.actor(), comment.as_deref(), now).await?;
        audit::record(
            &mut tx,
            caller.event(
                "job.approved",
                format!("job:{job_id}"),
                json!({ "cluster": job.cluster, "kind": job.kind,
                        "requested_by": job.requested_by, "comment": comment }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.wake_worker();
        self.job_view_of(job_id).await
    }

    /// Rejects a job waiting for a second admin: it ends, and never runs.
    pub async fn reject(
        &self,
        caller: &Caller,
        job_id: &str,
        comment: Result<Option<String>, Failure>,
    ) -> Result<JobView, Failure> {
        let comment = self.may_decide(caller, comment)?;
        let mut tx = self.store().begin().await?;
        let job = waiting_job(&mut tx, caller, job_id).await?;
        let now = now_millis();
        let reason = match &comment {
            Some(comment) => format!("rejected by {}: {comment}", caller.actor()),
            None => format!("rejected by {}", caller.actor()),
        };
        stored::finish(
            &mut tx,
            job_id,
            None,
            JobState::Rejected,
            Some(&reason),
            now,
        )
        .await?;
        self.job_reached(&mut tx, &job, JobState::Rejected, Some(&reason))
            .await?;
        job_approvals::record_decision(&mut tx, job_id, caller.actor(), comment.as_deref(), now)
            .await?;
        audit::record(
            &mut tx,
            caller.event(
                "job.rejected",
                format!("job:{job_id}"),
                json!({ "cluster": job.cluster, "kind": job.kind,
                        "requested_by": job.requested_by, "comment": comment }),
            ),
        )
        .await?;
        tx.commit().await?;
        self.job_view_of(job_id).await
    }

    /// The jobs waiting for approval, oldest first.
    pub async fn awaiting_approval(&self, caller: &Caller) -> Result<Vec<JobView>, Failure> {
        require(caller, Action::Read)?;
        self.job_views(job_approvals::awaiting(self.store()).await?)
            .await
    }

    /// Ends the waits whose time is over, each with its audit event (once, however many
    /// replicas sweep at the same time). Returns how many expired.
    pub async fn expire_overdue_approvals(&self) -> Result<usize, Failure> {
        let mut tx = self.store().begin().await?;
        let now = now_millis();
        let overdue = job_approvals::overdue(&mut tx, now).await?;
        let mut expired = 0;
        for job in &overdue {
            let reason = format!(
                "nobody approved it before {}",
                format_utc(job.approval_expires_at.unwrap_or(now))
            );
            if self.expire(&mut tx, job, &reason, now).await? {
                expired += 1;
            }
        }
        tx.commit().await?;
        Ok(expired)
    }

    /// Who may decide: an admin, acting as themselves. The comment (the adapter's reading
    /// of the request body) is judged only after that, before anything is read.
    fn may_decide(
        &self,
        caller: &Caller,
        comment: Result<Option<String>, Failure>,
    ) -> Result<Option<String>, Failure> {
        require(caller, Action::ApproveJobs)?;
        if !caller.is_person() {
            return Err(Failure::new(
                FailureKind::Forbidden,
                "an approval is a person's act: sign in to approve or reject (a token cannot)",
            ));
        }
        validate_comment(comment?.as_deref())
            .map_err(|message| Failure::invalid("comment", message))
    }

    /// Why a waiting job may not be approved now, if it may not: its time is over, its
    /// cluster is gone, or the cluster's arguments or versions changed since it was asked.
    async fn why_not_approvable(
        &self,
        tx: &mut Tx,
        job: &JobRow,
        now: i64,
    ) -> Result<Option<String>, Failure> {
        if job.approval_expires_at.is_some_and(|at| at <= now) {
            return Ok(Some(format!(
                "nobody approved it before {}",
                format_utc(job.approval_expires_at.unwrap_or(now))
            )));
        }
        let Some(row) = clusters::find_by_id_in(tx, &job.cluster_id).await? else {
            return Ok(Some(format!("cluster {:?} was removed", job.cluster)));
        };
        changed_since_asked(job, &view_of(row)?)
    }

    /// A job as shown, read afresh.
    pub(crate) async fn job_view_of(&self, job_id: &str) -> Result<JobView, Failure> {
        self.job_view(
            stored::find(self.store(), job_id)
                .await?
                .ok_or_else(|| no_job(job_id))?,
        )
        .await
    }
}

/// What changed in the cluster since `job` was asked for, as a reason, if anything did.
fn changed_since_asked(job: &JobRow, cluster: &ClusterView) -> Result<Option<String>, Failure> {
    let Some(basis) = &job.approval_basis else {
        return Ok(None);
    };
    let asked: JobParams = serde_json::from_str(basis)
        .map_err(|e| super::unreadable(&format!("approval basis of job {}", job.id), &e))?;
    let changes = cluster.params().changes_since(&asked);
    Ok((!changes.is_empty()).then(|| {
        format!(
            "the cluster changed while it waited ({})",
            changes.join("; ")
        )
    }))
}

/// The job, locked, if it is waiting for approval and `caller` did not ask for it. Its
/// cluster is locked first, in the order a change of the cluster locks them (cluster, then
/// its waiting jobs), so an approval and a change never wait on each other.
async fn waiting_job(tx: &mut Tx, caller: &Caller, job_id: &str) -> Result<JobRow, Failure> {
    let cluster_id = job_approvals::cluster_id_of(tx, job_id)
        .await?
        .ok_or_else(|| no_job(job_id))?;
    clusters::find_by_id_in(tx, &cluster_id).await?;
    let job = stored::find_in(tx, job_id)
        .await?
        .ok_or_else(|| no_job(job_id))?;
    if job.state != JobState::AwaitingApproval {
        return Err(Failure::conflict(format!(
            "job {job_id} is not waiting for approval (it is {})",
            job.state
        )));
    }
    if asked_by(&job, caller) {
        return Err(Failure::new(
            FailureKind::Forbidden,
            format!(
                "you asked for job {job_id}: the two-person rule needs another admin to \
                 approve or reject it (cancel it if it is no longer wanted)"
            ),
        ));
    }
    Ok(job)
}

/// Whether `caller` is who asked for `job`, whatever door they used: its requester; for a
/// scheduled job, the person who set the schedule; for a GitHub deployment, the person of
/// that GitHub login however they sign in here (GitHub logins ignore case).
fn asked_by(job: &JobRow, caller: &Caller) -> bool {
    if job.requested_by == caller.actor() {
        return true;
    }
    match job.trigger_kind {
        Trigger::Schedule => job.trigger_ref.as_deref() == Some(caller.actor()),
        Trigger::Github => job
            .requested_by
            .strip_prefix("github:")
            .is_some_and(|login| login.eq_ignore_ascii_case(&caller.principal.login)),
        _ => false,
    }
}

impl Engine {
    /// Ends the waits of a cluster's jobs that were asked on what the cluster no longer is,
    /// in the transaction that changed it (each with a `job.expired` event saying what
    /// changed).
    pub(crate) async fn expire_changed(
        &self,
        tx: &mut Tx,
        cluster: &ClusterView,
    ) -> Result<(), Failure> {
        let now = now_millis();
        for job in job_approvals::awaiting_on_cluster(tx, &cluster.id).await? {
            if let Some(reason) = changed_since_asked(&job, cluster)? {
                self.expire(tx, &job, &reason, now).await?;
            }
        }
        Ok(())
    }

    /// Ends one wait as expired, with its audit event by nixdeck; whether this call ended
    /// it.
    async fn expire(
        &self,
        tx: &mut Tx,
        job: &JobRow,
        reason: &str,
        now: i64,
    ) -> Result<bool, Failure> {
        let ended = stored::finish(tx, &job.id, None, JobState::Expired, Some(reason), now).await?;
        if ended {
            audit::record(
                tx,
                Caller::system().event(
                    "job.expired",
                    format!("job:{}", job.id),
                    json!({ "cluster": job.cluster, "kind": job.kind,
                            "requested_by": job.requested_by, "reason": reason }),
                ),
            )
            .await?;
            self.job_reached(tx, job, JobState::Expired, Some(reason))
                .await?;
        }
        Ok(ended)
    }
}
