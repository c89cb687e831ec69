//! Cluster schedules: read and set a cluster's check and redeploy schedules (five-field
//! cron, UTC), and run those that are due as `schedule`. A deployed cluster without
//! schedules of its own is checked every six hours. Each run is taken by moving the
//! schedule's last run in the transaction that queues its job, so with several replicas
//! it happens once; runs missed while nixdeck was down become one run.

use serde_json::json;

use super::{require, Caller};
use crate::{
    audit,
    clusters::{current, view_of},
    engine::Engine,
    model::{
        access::{Action, Door, Principal, Role, Via},
        cluster::ClusterView,
        failure::Failure,
        job::{JobKind, Trigger},
        schedule::{Cron, ScheduleView, DEFAULT_CHECK},
    },
    store::{
        clusters, now_millis,
        schedules::{self, ScheduleRow, Which},
    },
};

/// The actor a scheduled job records as its requester.
pub const SCHEDULE_ACTOR: &str = "schedule";

/// What a change of schedules asks for: each a cron expression, or `None` for none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleInput {
    pub check: Option<String>,
    pub redeploy: Option<String>,
}

impl Caller {
    /// nixdeck's scheduler: what an admin set up, run on its own time.
    pub fn schedule() -> Caller {
        Caller {
            principal: Principal {
                user_id: None,
                actor: SCHEDULE_ACTOR.to_owned(),
                login: SCHEDULE_ACTOR.to_owned(),
                name: SCHEDULE_ACTOR.to_owned(),
                role: Role::Admin,
                via: Via::Token,
            },
            door: Door::Schedule,
            source_addr: None,
            trigger: Trigger::Schedule,
            trigger_ref: None,
        }
    }
}

impl Engine {
    /// A cluster's schedules, with when each runs next (a run whose time has passed runs
    /// within the scheduler's next half minute).
    pub async fn schedule(&self, caller: &Caller, name: &str) -> Result<ScheduleView, Failure> {
        require(caller, Action::Read)?;
        let cluster = view_of(
            clusters::find(self.store(), name)
                .await?
                .ok_or_else(|| Failure::not_found(format!("there is no cluster {name:?}")))?,
        )?;
        let row = schedules::find(self.store(), &cluster.id).await?;
        Ok(view(&cluster, row.as_ref()))
    }

    /// Sets a cluster's schedules (both: one left out is none). Each counts from now.
    pub async fn set_schedule(
        &self,
        caller: &Caller,
        name: &str,
        input: Result<ScheduleInput, Failure>,
    ) -> Result<ScheduleView, Failure> {
        require(caller, Action::ManageClusters)?;
        let input = input?;
        let check = parsed("check", input.check.as_deref())?;
        let redeploy = parsed("redeploy", input.redeploy.as_deref())?;
        let mut tx = self.store().begin().await?;
        let cluster = current(&mut tx, name).await?;
        let now = now_millis();
        let row = ScheduleRow {
            cluster_id: cluster.id.clone(),
            check_cron: check.as_ref().map(|c| c.as_str().to_owned()),
            redeploy_cron: redeploy.as_ref().map(|c| c.as_str().to_owned()),
            check_last_at: now,
            redeploy_last_at: now,
            check_ran_at: None,
            redeploy_ran_at: None,
            updated_by: caller.actor().to_owned(),
            updated_at: now,
        };
        schedules::put(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            caller.event(
                "cluster.schedule_changed",
                format!("cluster:{name}"),
                json!({ "check": row.check_cron, "redeploy": row.redeploy_cron }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(view(&cluster, Some(&row)))
    }

    /// Runs each schedule that is due, once; returns the jobs queued.
    pub async fn run_due_schedules(&self) -> Result<Vec<String>, Failure> {
        let now = now_millis();
        let mut queued = Vec::new();
        for row in clusters::list(self.store()).await? {
            let cluster = view_of(row)?;
            let schedule = match schedules::find(self.store(), &cluster.id).await? {
                Some(schedule) => schedule,
                None => {
                    let fresh = default_row(&cluster, now);
                    schedules::put_default(self.store(), &fresh).await?;
                    continue;
                }
            };
            // Both need the deployment to exist: a check reads it, a redeploy updates it.
            if !cluster.on_deployer {
                continue;
            }
            for (which, cron, last) in [
                (Which::Check, &schedule.check_cron, schedule.check_last_at),
                (
                    Which::Redeploy,
                    &schedule.redeploy_cron,
                    schedule.redeploy_last_at,
                ),
            ] {
                let Some(cron) = cron.as_deref().and_then(|text| Cron::parse(text).ok()) else {
                    continue;
                };
                if cron.next_after(last).is_none_or(|next| next > now) {
                    continue;
                }
                match self
                    .run_schedule(&cluster, which, last, now, &schedule.updated_by)
                    .await
                {
                    Ok(Some(job)) => queued.push(job),
                    Ok(None) => {}
                    Err(failure) => {
                        tracing::warn!(cluster = %cluster.name(), message = %failure.message, "a scheduled job was not queued");
                    }
                }
            }
        }
        Ok(queued)
    }

    /// Takes one due run (if no other replica took it) and queues its job, in one
    /// transaction.
    async fn run_schedule(
        &self,
        cluster: &ClusterView,
        which: Which,
        seen: i64,
        now: i64,
        set_by: &str,
    ) -> Result<Option<String>, Failure> {
        let mut tx = self.store().begin().await?;
        if !schedules::claim(&mut tx, &cluster.id, which, seen, now).await? {
            return Ok(None);
        }
        let view = current(&mut tx, cluster.name()).await?;
        let kind = match which {
            Which::Check => JobKind::Info,
            Which::Redeploy => JobKind::Deploy,
        };
        // Whoever set the schedule asked for its runs: they may not approve one.
        let caller = Caller::schedule().with_trigger(Trigger::Schedule, Some(set_by.to_owned()));
        require(&caller, kind.action(view.args.env))?;
        let job = self.queue(tx, &caller, &view, kind, None, None).await?;
        if which == Which::Check && self.cloud_config().is_some() {
            // The check also reads the cluster's machines and DNS afresh.
            let engine = self.clone();
            let name = view.name().to_owned();
            tokio::spawn(async move {
                if let Err(failure) = engine.cluster_health(&caller, &name, true).await {
                    tracing::info!(cluster = %name, message = %failure.message, "a scheduled check could not read AWS");
                }
            });
        }
        Ok(Some(job.id))
    }
}

fn parsed(field: &str, text: Option<&str>) -> Result<Option<Cron>, Failure> {
    text.map(|text| Cron::parse(text).map_err(|message| Failure::invalid(field, message)))
        .transpose()
}

/// The schedules a cluster has until someone sets its own: a check every six hours.
fn default_row(cluster: &ClusterView, now: i64) -> ScheduleRow {
    ScheduleRow {
        cluster_id: cluster.id.clone(),
        check_cron: Some(DEFAULT_CHECK.to_owned()),
        redeploy_cron: None,
        check_last_at: now,
        redeploy_last_at: now,
        check_ran_at: None,
        redeploy_ran_at: None,
        updated_by: SCHEDULE_ACTOR.to_owned(),
        updated_at: now,
    }
}

fn view(cluster: &ClusterView, row: Option<&ScheduleRow>) -> ScheduleView {
    let now = now_millis();
    let fresh;
    let row = match row {
        Some(row) => row,
        None => {
            fresh = default_row(cluster, now);
            &fresh
        }
    };
    let next = |cron: &Option<String>, last: i64| {
        cron.as_deref()
            .and_then(|text| Cron::parse(text).ok())
            .and_then(|cron| cron.next_after(last))
    };
    ScheduleView {
        check: row.check_cron.clone(),
        redeploy: row.redeploy_cron.clone(),
        check_next_at: next(&row.check_cron, row.check_last_at),
        redeploy_next_at: next(&row.redeploy_cron, row.redeploy_last_at),
        check_last_at: row.check_ran_at,
        redeploy_last_at: row.redeploy_ran_at,
    }
}
