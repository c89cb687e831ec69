//! The macOS builder: its state as the probes found it, a probe on demand, and its
//! maintenance as jobs (admins), one at a time, on the same queue as cluster jobs.

use super::{require, Caller};
use crate::{
    commands::unreadable,
    engine::Engine,
    model::{
        access::Action,
        builder::{
            builder_job, reachability_strip, BuilderFacts, BuilderView, ProbeFailure,
            HISTORY_MILLIS,
        },
        failure::Failure,
        job::{JobView, BUILDER_HOST},
    },
    store::{builder_probes, now_millis},
};

/// A request for builder maintenance, as an adapter read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuilderJobRequest {
    pub kind: String,
    /// Garbage collection's age, as sent (a number's text).
    pub days: Option<String>,
}

impl Engine {
    /// The builder as the last probes found it.
    pub async fn builder(&self, caller: &Caller) -> Result<BuilderView, Failure> {
        require(caller, Action::Read)?;
        self.builder_view().await
    }

    /// Probes the builder now (reading only), then answers as `builder`.
    pub async fn probe_builder(&self, caller: &Caller) -> Result<BuilderView, Failure> {
        require(caller, Action::Read)?;
        self.probe_builder_now().await?;
        self.builder_view().await
    }

    /// Queues builder maintenance: `kind` is `update-channels`, `rebuild`,
    /// `restart-agent` or `collect-garbage` (which takes `days`, as text). The request
    /// comes as the adapter read it, so a caller who may not is refused before what they
    /// sent is judged.
    pub async fn start_builder_job(
        &self,
        caller: &Caller,
        request: Result<BuilderJobRequest, Failure>,
    ) -> Result<JobView, Failure> {
        require(caller, Action::MaintainHosts)?;
        let request = request?;
        let (kind, params) = builder_job(&request.kind, request.days.as_deref())?;
        if self.host(BUILDER_HOST).is_none() {
            return Err(Failure::conflict(
                "no builder is configured: set NIXDECK_BUILDER_SSH, NIXDECK_BUILDER_SSH_KEY and \
                 NIXDECK_BUILDER_HOST_KEY",
            ));
        }
        let tx = self.store().begin().await?;
        self.queue_maintenance(tx, caller, kind, params).await
    }

    async fn builder_view(&self) -> Result<BuilderView, Failure> {
        let Some(host) = self.host(BUILDER_HOST) else {
            return Ok(BuilderView::default());
        };
        let (newest, reached) = builder_probes::latest(self.store()).await?;
        let now = now_millis();
        let history = builder_probes::since(self.store(), now - HISTORY_MILLIS).await?;
        let facts: BuilderFacts = match reached.as_ref().and_then(|row| row.facts.as_deref()) {
            Some(json) => {
                serde_json::from_str(json).map_err(|e| unreadable("the builder's facts", &e))?
            }
            None => BuilderFacts::default(),
        };
        let failed = newest.as_ref().filter(|row| !row.reachable);
        Ok(BuilderView {
            configured: true,
            address: Some(host.address()),
            reachable: newest.as_ref().is_some_and(|row| row.reachable),
            checked_at: newest.as_ref().map(|row| row.checked_at),
            error: failed.and_then(|row| row.error.clone()),
            reason: failed
                .and_then(|row| row.reason.as_deref())
                .and_then(|reason| ProbeFailure::parse(reason).ok()),
            facts_at: reached.as_ref().map(|row| row.checked_at),
            facts,
            history: reachability_strip(now, &history),
        })
    }
}
