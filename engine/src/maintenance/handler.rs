//! The handler of maintenance jobs: runs the plan's steps on the job's host, each step one
//! command whose non-zero exit fails the job. A job taken over after a restart skips the
//! steps that are over and re-attaches to the one that was running. A builder job asks
//! for a new probe when it ends, so the Builder page shows what it changed.

use crate::{
    jobs::{
        steps::{run_one, run_steps},
        BoxFuture, JobContext, JobHandler, Outcome,
    },
    model::job::{JobState, MaintenanceParams, BUILDER_HOST},
    store::{jobs::JobRow, StoreError, Tx},
};

use super::maintenance_plan;

#[derive(Debug, Clone, Copy)]
pub struct MaintenanceJobs;

impl JobHandler for MaintenanceJobs {
    fn run<'a>(&'a self, cx: &'a JobContext) -> BoxFuture<'a, Outcome> {
        Box::pin(async move {
            let outcome = run_plan(cx).await;
            if cx.job.host == BUILDER_HOST && outcome != Outcome::Stopped {
                cx.engine().probe_builder_soon();
            }
            outcome
        })
    }

    fn finish<'a>(
        &'a self,
        _tx: &'a mut Tx,
        _job: &'a JobRow,
        _state: JobState,
        _ran: bool,
        _error: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<serde_json::Value>, StoreError>> {
        // Nothing outside the job changes with its end.
        Box::pin(async { Ok(None) })
    }
}

async fn run_plan(cx: &JobContext) -> Outcome {
    let params: MaintenanceParams = match cx.params() {
        Ok(params) => params,
        Err(why) => return Outcome::Failed(why),
    };
    let Some(host) = cx.engine().host(&cx.job.host) else {
        return Outcome::Failed(format!("no host named {:?} is configured", cx.job.host));
    };
    let plan = maintenance_plan(cx.job.kind, &params, cx.engine().maintenance_targets());
    if plan.steps.is_empty() {
        return Outcome::Failed(format!("{} has nothing to run", cx.job.kind));
    }
    if !cx.is_continued() {
        cx.note(format!("{} on {}", cx.job.kind, host.describe()))
            .await;
    }
    let names: Vec<&str> = plan.steps.iter().map(|step| step.name.as_str()).collect();
    let plan = &plan;
    run_steps(cx, &names, |position, index| {
        Box::pin(run_one(
            cx,
            position,
            &cx.job.host,
            &plan.steps[index].command,
        ))
    })
    .await
}
