//! The handler of maintenance jobs: runs the plan's steps on the job's host, each step one
//! command whose non-zero exit fails the job. A job taken over after a restart skips the
//! steps that are over and re-attaches to the one that was running. A builder job asks
//! for a new probe when it ends, so the Builder page shows what it changed.

use crate::{
    exec::{Exit, RunEnd, StdoutUse},
    jobs::{BoxFuture, JobContext, JobHandler, Outcome},
    model::job::{JobState, MaintenanceParams, StepState, BUILDER_HOST},
    store::{jobs::JobRow, StoreError, Tx},
};

use super::{maintenance_plan, MaintenanceDirs};

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
    let plan = maintenance_plan(
        cx.job.kind,
        &params,
        MaintenanceDirs {
            builder: &host.work_dir,
            deployer_checkout: &cx.engine().deploys().deployer_checkout,
        },
    );
    if !cx.is_continued() {
        cx.note(format!("{} on {}", cx.job.kind, host.describe()))
            .await;
    }
    for (position, step) in plan.steps.iter().enumerate() {
        let position = i64::try_from(position).unwrap_or(i64::MAX);
        if cx.step_state(position).is_final() {
            continue;
        }
        if cx.stopping() {
            return Outcome::Stopped;
        }
        cx.begin_step(position, &step.name).await;
        let run = cx
            .run_command(position, 0, &cx.job.host, &step.command, StdoutUse::Log)
            .await;
        let end = match run {
            Ok(run) => run.end,
            Err(why) => {
                cx.end_step(position, StepState::Failed).await;
                return Outcome::Failed(format!("step \"{}\": {why}", step.name));
            }
        };
        match end {
            RunEnd::Ended(exit) if exit.success() => {
                cx.end_step(position, StepState::Succeeded).await;
            }
            RunEnd::Detached => return Outcome::Stopped,
            RunEnd::Ended(exit) if cx.cancel_requested() || exit == Exit::NotStarted => {
                if cx.cancel_requested() {
                    cx.end_step(position, StepState::Cancelled).await;
                }
                return Outcome::Stopped;
            }
            RunEnd::Ended(exit) => {
                cx.end_step(position, StepState::Failed).await;
                return Outcome::Failed(format!(
                    "step \"{}\": the command failed ({})",
                    step.name,
                    exit.describe()
                ));
            }
        }
    }
    Outcome::Succeeded
}
