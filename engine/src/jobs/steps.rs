//! Running a job's steps in order, the same way for every kind of job: a step that is over
//! (the job is being continued after a restart) is skipped, nothing starts once nixdeck is
//! stopping, and a step's end decides the job's (a failure names the step). Also how one
//! command's end decides its step.

use crate::{
    exec::{Command, Exit, RunEnd, StdoutUse},
    model::job::StepState,
};

use super::{BoxFuture, JobContext, Outcome};

/// What a step's commands came to.
pub enum StepEnd {
    Done(StepState),
    Failed(String),
    Stopped,
}

/// Runs the steps named `names`, in order, each by `run(position, index)`.
pub async fn run_steps<'a>(
    cx: &'a JobContext,
    names: &[&str],
    mut run: impl FnMut(i64, usize) -> BoxFuture<'a, StepEnd>,
) -> Outcome {
    for (index, name) in names.iter().enumerate() {
        let position = i64::try_from(index).unwrap_or(i64::MAX);
        if cx.step_state(position).is_final() {
            continue;
        }
        if cx.stopping() {
            return Outcome::Stopped;
        }
        cx.begin_step(position, name).await;
        match run(position, index).await {
            StepEnd::Done(state) => cx.end_step(position, state).await,
            StepEnd::Stopped => {
                if cx.cancel_requested() {
                    cx.end_step(position, StepState::Cancelled).await;
                }
                return Outcome::Stopped;
            }
            StepEnd::Failed(why) => {
                cx.end_step(position, StepState::Failed).await;
                return Outcome::Failed(format!("step \"{name}\": {why}"));
            }
        }
    }
    Outcome::Succeeded
}

/// A step that is one command on `host`; a non-zero exit fails it.
pub async fn run_one(cx: &JobContext, position: i64, host: &str, command: &Command) -> StepEnd {
    match cx
        .run_command(position, 0, host, command, StdoutUse::Log)
        .await
    {
        Ok(run) => judge(cx, run.end),
        Err(why) => StepEnd::Failed(why),
    }
}

/// How a command's end decides its step.
pub fn judge(cx: &JobContext, end: RunEnd) -> StepEnd {
    match end {
        RunEnd::Detached => StepEnd::Stopped,
        RunEnd::Ended(exit) if exit.success() => StepEnd::Done(StepState::Succeeded),
        RunEnd::Ended(_) if cx.cancel_requested() => StepEnd::Stopped,
        RunEnd::Ended(Exit::NotStarted) => StepEnd::Stopped,
        RunEnd::Ended(exit) => StepEnd::Failed(format!("the command failed ({})", exit.describe())),
    }
}
