//! What a handler runs a job with: its row and steps as stored, its log, the signals that
//! stop it, and `run_command`, which runs one command of a step on a host (or re-attaches
//! to it when the job is being continued) and journals it, so that no command is started
//! twice and no line of its output is stored twice.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::writer::{LineSource, LogWriter, Record};
use crate::{
    engine::Engine,
    exec::{self, Command, Exit, RunEnd, RunOutput, RunRequest, RunSignals, StdoutUse},
    model::job::{CommandEnding, StepState, Stream},
    store::{
        jobs::{self as stored, CommandRow, JobRow, StepRow},
        now_millis, Store,
    },
};

/// How one command went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRun {
    pub end: RunEnd,
    /// Standard output lines kept out of the log (`StdoutUse::Capture`).
    pub captured: Vec<String>,
}

pub struct JobContext {
    engine: Engine,
    pub job: JobRow,
    /// The steps as they were when this worker took the job: a continued job skips those
    /// that are over.
    pub steps: Vec<StepRow>,
    log: LogWriter,
    /// Someone asked to cancel: commands get TERM, then KILL.
    cancel: CancellationToken,
    /// This worker lets go of the job (nixdeck stops, or its lease is lost): commands are
    /// left running for whoever continues the job.
    detach: CancellationToken,
    /// When each step this worker began was begun, for its duration.
    step_began: std::sync::Mutex<HashMap<i64, i64>>,
}

impl JobContext {
    pub(crate) fn new(
        engine: Engine,
        job: JobRow,
        steps: Vec<StepRow>,
        log: LogWriter,
        cancel: CancellationToken,
        detach: CancellationToken,
    ) -> JobContext {
        JobContext {
            engine,
            job,
            steps,
            log,
            cancel,
            detach,
            step_began: std::sync::Mutex::default(),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn store(&self) -> &Store {
        self.engine.store()
    }

    /// The job's parameters, as the handler stored them.
    pub fn params<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_str(&self.job.params)
            .map_err(|e| format!("the job's stored parameters are unreadable: {e}"))
    }

    /// The step's state when this worker took the job.
    pub fn step_state(&self, position: i64) -> StepState {
        self.steps
            .iter()
            .find(|step| step.position == position)
            .map_or(StepState::Pending, |step| step.state)
    }

    /// Whether this worker took the job over from one that stopped (some step had begun).
    pub fn is_continued(&self) -> bool {
        self.steps
            .iter()
            .any(|step| step.state != StepState::Pending)
    }

    pub fn cancel_requested(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Whether the job should stop before its next step.
    pub fn stopping(&self) -> bool {
        self.cancel.is_cancelled() || self.detach.is_cancelled()
    }

    /// A line of nixdeck's own in the job's log.
    pub async fn note(&self, text: impl Into<String>) {
        self.log.system(Stream::System, text).await;
    }

    /// Marks the step as running and puts its start in the log (once: a step continued
    /// after a restart is not started again).
    pub async fn begin_step(&self, position: i64, name: &str) {
        if self.step_state(position) == StepState::Running {
            self.note(format!("continuing \"{name}\" after nixdeck restarted"))
                .await;
            return;
        }
        self.step_began
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(position, now_millis());
        self.mark_step(position, StepState::Running).await;
        self.log.system(Stream::Step, name).await;
    }

    pub async fn end_step(&self, position: i64, state: StepState) {
        self.mark_step(position, state).await;
        // A step begun before a restart is timed from when it was first begun.
        let began = self
            .step_began
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&position)
            .or_else(|| {
                self.steps
                    .iter()
                    .find(|step| step.position == position)
                    .and_then(|step| step.started_at)
            });
        if let Some(began) = began {
            let seconds = (now_millis() - began).max(0) as f64 / 1000.0;
            self.engine
                .metrics()
                .step_ended(self.job.kind, state, seconds);
        }
    }

    async fn mark_step(&self, position: i64, state: StepState) {
        if let Err(error) =
            stored::set_step(self.store(), &self.job.id, position, state, now_millis()).await
        {
            tracing::warn!(%error, job = %self.job.id, "cannot record a step's state");
        }
    }

    /// Runs `command` as command `ordinal` of step `step` on the host named `host`, or
    /// re-attaches to it if it was started before; returns when it has ended or the job lets
    /// go of it. A command whose end is recorded already is not run again (its output is
    /// stored), unless its standard output is captured (read again from the host).
    pub async fn run_command(
        &self,
        step: i64,
        ordinal: i64,
        host: &str,
        command: &Command,
        stdout: StdoutUse,
    ) -> Result<CommandRun, String> {
        let host = self
            .engine
            .host(host)
            .ok_or_else(|| format!("no host named {host:?} is configured"))?;
        let journal = stored::command(self.store(), &self.job.id, step, ordinal)
            .await
            .map_err(|e| format!("cannot read the job's journal: {e}"))?;
        if let (Some(row), StdoutUse::Log) = (&journal, stdout) {
            if let Some(end) = recorded_end(row) {
                return Ok(CommandRun {
                    end: RunEnd::Ended(end),
                    captured: Vec::new(),
                });
            }
        }
        let run_dir = host.run_dir(&self.job.id, step, ordinal);
        match &journal {
            Some(_) => {
                self.note(format!(
                    "following `{}` on {} again",
                    command.display(),
                    host.describe()
                ))
                .await;
            }
            None => {
                let row = CommandRow {
                    job_id: self.job.id.clone(),
                    step,
                    ordinal,
                    host: host.name.clone(),
                    run_dir: run_dir.clone(),
                    stdout_offset: 0,
                    stderr_offset: 0,
                    ending: None,
                    exit_status: None,
                    started_at: now_millis(),
                    finished_at: None,
                };
                stored::begin_command(self.store(), &row)
                    .await
                    .map_err(|e| format!("cannot journal the command: {e}"))?;
                let shown = if stdout == StdoutUse::Capture {
                    format!(
                        "$ {}   (output not shown: it may hold secrets)",
                        command.display()
                    )
                } else {
                    format!("$ {}", command.display())
                };
                self.note(shown).await;
            }
        }
        let offset = |value: Option<i64>| value.and_then(|v| u64::try_from(v).ok()).unwrap_or(0);
        let request = RunRequest {
            run_dir,
            command,
            may_have_started: journal.is_some(),
            stdout_offset: offset(journal.as_ref().map(|row| row.stdout_offset)),
            stderr_offset: offset(journal.as_ref().map(|row| row.stderr_offset)),
            stdout,
        };
        let (outputs, mut received) = mpsc::channel::<RunOutput>(1024);
        let signals = RunSignals {
            cancel: &self.cancel,
            detach: &self.detach,
        };
        let running = async move {
            let result = exec::run(host, request, &outputs, signals).await;
            drop(outputs);
            result
        };
        let forwarding = async {
            let mut captured = Vec::new();
            while let Some(output) = received.recv().await {
                match output {
                    RunOutput::Line {
                        stream,
                        text,
                        end_offset,
                    } => {
                        let source = LineSource {
                            step,
                            ordinal,
                            end_offset: i64::try_from(end_offset).unwrap_or(i64::MAX),
                        };
                        self.log
                            .send(Record::Line {
                                stream,
                                text,
                                source: Some(source),
                            })
                            .await;
                    }
                    RunOutput::Captured(line) => captured.push(line),
                    RunOutput::Notice(text) => self.note(text).await,
                }
            }
            captured
        };
        let (result, captured) = tokio::join!(running, forwarding);
        let end = result.map_err(|error| error.to_string())?;
        if let RunEnd::Ended(exit) = &end {
            let (ending, exit_status) = match exit {
                Exit::Code(code) => (CommandEnding::Exited, Some(i64::from(*code))),
                Exit::Vanished => (CommandEnding::Vanished, None),
                Exit::NotStarted => (CommandEnding::NotStarted, None),
            };
            self.log
                .send(Record::CommandEnded {
                    step,
                    ordinal,
                    ending,
                    exit_status,
                })
                .await;
        }
        Ok(CommandRun { end, captured })
    }

    /// Removes a command's run directory from its host (its output may hold secrets).
    pub async fn forget_command(&self, step: i64, ordinal: i64, host: &str) {
        let Some(host) = self.engine.host(host) else {
            return;
        };
        let run_dir = host.run_dir(&self.job.id, step, ordinal);
        if let Err(error) = exec::forget_run(host, &run_dir).await {
            tracing::warn!(%error, job = %self.job.id, "cannot remove a run directory");
        }
    }
}

/// The end the journal recorded, if any.
fn recorded_end(row: &CommandRow) -> Option<Exit> {
    match row.ending? {
        CommandEnding::Exited => Some(Exit::Code(
            row.exit_status
                .and_then(|status| i32::try_from(status).ok())
                .unwrap_or(-1),
        )),
        CommandEnding::Vanished => Some(Exit::Vanished),
        CommandEnding::NotStarted => Some(Exit::NotStarted),
    }
}
