//! Jobs as pages and the API show them, read from their rows.

use std::collections::HashMap;

use crate::{
    commands::unreadable,
    engine::Engine,
    model::{
        failure::Failure,
        job::{
            ApprovalView, JobKind, JobParams, JobState, JobView, LogLine, MaintenanceParams,
            StepView,
        },
    },
    store::jobs::{self as stored, JobRow, LogRow, StepRow},
};

impl JobRow {
    /// The arguments and versions the job was queued with.
    pub(crate) fn params(&self) -> Result<JobParams, Failure> {
        serde_json::from_str(&self.params)
            .map_err(|e| unreadable(&format!("parameters of job {}", self.id), &e))
    }

    /// What a maintenance job was queued with.
    pub(crate) fn maintenance_params(&self) -> Result<MaintenanceParams, Failure> {
        serde_json::from_str(&self.params)
            .map_err(|e| unreadable(&format!("parameters of job {}", self.id), &e))
    }
}

impl Engine {
    pub(crate) async fn job_view(&self, row: JobRow) -> Result<JobView, Failure> {
        let steps = stored::steps(self.store(), &row.id).await?;
        view_of(row, steps)
    }

    /// Views of `rows`, their steps read in one query.
    pub(crate) async fn job_views(&self, rows: Vec<JobRow>) -> Result<Vec<JobView>, Failure> {
        let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
        let mut steps: HashMap<String, Vec<StepRow>> = HashMap::new();
        for step in stored::steps_of(self.store(), &ids).await? {
            steps.entry(step.job_id.clone()).or_default().push(step);
        }
        rows.into_iter()
            .map(|row| {
                let own = steps.remove(&row.id).unwrap_or_default();
                view_of(row, own)
            })
            .collect()
    }

    /// What a job changes compared with the previous successful create or deploy of the
    /// same cluster (nothing for the first one).
    pub(crate) async fn changes_since_previous(
        &self,
        job: &JobView,
    ) -> Result<Vec<String>, Failure> {
        let (Some(cluster), Some(params)) = (&job.cluster, &job.params) else {
            return Ok(Vec::new());
        };
        let earlier = stored::list(self.store(), Some(cluster), None, 200).await?;
        let previous = earlier.into_iter().find(|row| {
            row.id < job.id
                && matches!(row.kind, JobKind::Create | JobKind::Deploy)
                && row.state == JobState::Succeeded
        });
        match previous {
            Some(row) => Ok(params.changes_since(&row.params()?)),
            None => Ok(Vec::new()),
        }
    }
}

/// A job as pages and the API show it, from its row and its steps.
fn view_of(row: JobRow, steps: Vec<StepRow>) -> Result<JobView, Failure> {
    let steps = steps
        .into_iter()
        .map(|step| StepView {
            name: step.name,
            state: step.state,
            started_at: step.started_at,
            finished_at: step.finished_at,
        })
        .collect();
    let cluster_job = row.kind.is_cluster_job();
    let (params, maintenance) = if cluster_job {
        (Some(row.params()?), None)
    } else {
        (None, Some(row.maintenance_params()?))
    };
    let approval = row.approval_expires_at.map(|expires_at| ApprovalView {
        expires_at,
        decided_by: row.decided_by.clone(),
        decided_at: row.decided_at,
        comment: row.decision_comment.clone(),
    });
    Ok(JobView {
        params,
        maintenance,
        approval,
        trigger: row.trigger_kind,
        trigger_ref: row.trigger_ref.clone(),
        id: row.id,
        kind: row.kind,
        target: if cluster_job {
            row.cluster.clone()
        } else {
            row.kind.host().to_owned()
        },
        host: row.host,
        cluster: cluster_job.then_some(row.cluster),
        state: row.state,
        steps,
        requested_by: row.requested_by,
        requested_via: row.requested_via,
        created_at: row.created_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        error: row.error,
        redeploy_of: row.redeploy_of,
    })
}

pub(crate) fn line_of(row: LogRow) -> LogLine {
    LogLine {
        seq: row.seq,
        stream: row.stream,
        at: row.at,
        text: row.text,
    }
}
