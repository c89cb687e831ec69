//! Running one command to its end on a host, whatever happens to the connection or to
//! nixdeck meanwhile. The command is started detached under the supervisor (at most once:
//! its run directory is the proof it was started), its output is read from byte offsets,
//! and a broken connection is followed by a reconnect and a re-attach from the last line
//! taken. A cancel sends TERM to the command's process group, then KILL after a grace
//! period, and waits until the group is gone. Only when the command is known to have ended
//! does `run` return `Ended`; a detach (nixdeck stopping, the job's lease lost) returns
//! `Detached` and leaves the command running for whoever takes the job over.

use std::time::Duration;

use tokio::{sync::mpsc, time::Instant};
use tokio_util::sync::CancellationToken;

use super::{
    host::{Host, HostError, HostErrorKind, Session},
    lines::LineSplitter,
    supervisor::{Abandoned, Chunk, RunStatus},
    Command, Exit,
};
use crate::model::job::Stream;

/// After TERM, how long a command has to end before its group gets KILL.
pub const TERM_GRACE: Duration = Duration::from_secs(10);
/// How long a run may show as being started before it counts as never started.
const START_PATIENCE: Duration = Duration::from_secs(10);
/// Waits between attempts to reach a host again.
const FIRST_RETRY: Duration = Duration::from_millis(500);
const LAST_RETRY: Duration = Duration::from_secs(30);

/// What standard output is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutUse {
    /// Lines go to the job's log.
    Log,
    /// Lines are handed over as `Captured` and never logged (they may hold secrets); they
    /// are read from the start again after a re-attach.
    Capture,
}

/// One command to run, and where its output was taken up to.
#[derive(Debug, Clone)]
pub struct RunRequest<'a> {
    pub run_dir: String,
    pub command: &'a Command,
    /// An earlier attempt (before a restart) may have started it: an unreachable host is
    /// then waited for, since the command may be running there.
    pub may_have_started: bool,
    pub stdout_offset: u64,
    pub stderr_offset: u64,
    pub stdout: StdoutUse,
}

/// What a run reports while it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutput {
    /// A line of the command's output and the byte offset its stream is taken up to.
    Line {
        stream: Stream,
        text: String,
        end_offset: u64,
    },
    /// A line of standard output kept out of the log.
    Captured(String),
    /// nixdeck's own note about the run (reconnecting, a signal sent).
    Notice(String),
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunEnd {
    Ended(Exit),
    /// Stopped following; the command may still run.
    Detached,
}

/// What may interrupt a run.
#[derive(Debug, Clone, Copy)]
pub struct RunSignals<'a> {
    /// Stop the command (TERM, then KILL), and wait for it to end.
    pub cancel: &'a CancellationToken,
    /// Stop following it, leaving it running.
    pub detach: &'a CancellationToken,
}

/// Runs (or re-attaches to) `request.command` on `host` until it ends or the run is
/// detached. Errors are the ones that retrying cannot fix, or a host that cannot be
/// reached while nothing was started yet.
pub async fn run(
    host: &Host,
    request: RunRequest<'_>,
    output: &mpsc::Sender<RunOutput>,
    signals: RunSignals<'_>,
) -> Result<RunEnd, HostError> {
    let mut run = Run {
        host,
        output,
        signals,
        may_have_started: request.may_have_started,
        out_offset: match request.stdout {
            StdoutUse::Log => request.stdout_offset,
            StdoutUse::Capture => 0,
        },
        err_offset: request.stderr_offset,
        term_sent: None,
        kill_sent: false,
        cut_off: false,
        request: &request,
    };
    let mut retry = FIRST_RETRY;
    let mut outage: Option<String> = None;
    loop {
        if signals.detach.is_cancelled() {
            return Ok(RunEnd::Detached);
        }
        let attempt = async {
            let session = host.connect().await?;
            run.attempt(&session).await
        };
        let result = tokio::select! {
            result = attempt => result,
            () = signals.detach.cancelled() => return Ok(RunEnd::Detached),
        };
        match result {
            Ok(Some(end)) => return Ok(end),
            Ok(None) => retry = FIRST_RETRY,
            Err(error) if error.is_transient() && run.may_have_started => {
                let why = error.to_string();
                if outage.as_ref() != Some(&why) {
                    run.notice(format!("{why}; trying again until it answers"))
                        .await;
                    outage = Some(why);
                }
                run.cut_off = true;
                tokio::select! {
                    () = tokio::time::sleep(retry) => {}
                    () = signals.detach.cancelled() => return Ok(RunEnd::Detached),
                }
                retry = (retry * 2).min(LAST_RETRY);
            }
            Err(error) => return Err(error),
        }
    }
}

/// The state of one run across reconnects.
struct Run<'a> {
    host: &'a Host,
    request: &'a RunRequest<'a>,
    output: &'a mpsc::Sender<RunOutput>,
    signals: RunSignals<'a>,
    may_have_started: bool,
    /// Offsets just after the last complete line handed out, per stream.
    out_offset: u64,
    err_offset: u64,
    term_sent: Option<Instant>,
    kill_sent: bool,
    /// The host was lost since the last attempt: say so when it answers again.
    cut_off: bool,
}

impl Run<'_> {
    /// One connection's worth: `Some` when the run ended (or was detached), `None` when
    /// the output stream ended early and the run should be looked at again.
    async fn attempt(&mut self, session: &Session) -> Result<Option<RunEnd>, HostError> {
        let dir = self.request.run_dir.clone();
        let host = self.host;
        let fail = |kind: HostErrorKind| host.error(kind);
        let mut status = session.status(&dir).await.map_err(fail)?;
        if std::mem::take(&mut self.cut_off) {
            self.notice(format!(
                "{} answers again: following the command from the last line stored",
                host.describe()
            ))
            .await;
        }
        if status == RunStatus::Absent {
            if self.signals.cancel.is_cancelled() {
                return Ok(Some(RunEnd::Ended(Exit::NotStarted)));
            }
            self.may_have_started = true;
            status = session
                .start(&dir, &host.work_dir, self.request.command)
                .await
                .map_err(fail)?;
        }
        let mut since = Instant::now();
        let mut claimed = false;
        while status == RunStatus::Starting {
            if since.elapsed() > START_PATIENCE {
                if claimed {
                    // Claimed, and still no supervisor after twice the patience: whoever
                    // claimed is gone (a supervisor that died, or an abandon cut short).
                    return Ok(Some(RunEnd::Ended(Exit::NotStarted)));
                }
                // The run directory was made but its supervisor has not come up (the host
                // went down between the two, or is starved): take the claim, so that it
                // never runs the command late.
                if session.abandon(&dir).await.map_err(fail)? == Abandoned::Never {
                    return Ok(Some(RunEnd::Ended(Exit::NotStarted)));
                }
                claimed = true;
                since = Instant::now();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            status = session.status(&dir).await.map_err(fail)?;
        }
        if status == RunStatus::Never {
            return Ok(Some(RunEnd::Ended(Exit::NotStarted)));
        }
        self.may_have_started = true;
        let mut stdout = LineSplitter::starting_at(self.out_offset);
        let mut stderr = LineSplitter::starting_at(self.err_offset);
        let mut chunks = session
            .attach(&dir, self.out_offset, self.err_offset)
            .await
            .map_err(fail)?;
        let grace_over = |sent: Option<Instant>| async move {
            match sent {
                Some(at) => tokio::time::sleep_until(at + TERM_GRACE).await,
                None => std::future::pending().await,
            }
        };
        loop {
            tokio::select! {
                chunk = chunks.recv() => match chunk {
                    Some(Chunk::Data(stream, bytes)) => {
                        let splitter = if stream == Stream::Stdout { &mut stdout } else { &mut stderr };
                        for line in splitter.push(&bytes) {
                            self.emit(stream, line.text, line.end_offset).await;
                        }
                    }
                    Some(Chunk::End) | None => break,
                    Some(Chunk::Lost(why)) => return Err(fail(HostErrorKind::Lost(why))),
                },
                () = self.signals.cancel.cancelled(), if self.term_sent.is_none() => {
                    session.signal(&dir, "TERM").await.map_err(fail)?;
                    self.term_sent = Some(Instant::now());
                    self.notice(format!("sent TERM to the command on {}", host.describe())).await;
                }
                () = grace_over(self.term_sent), if !self.kill_sent => {
                    session.signal(&dir, "KILL").await.map_err(fail)?;
                    self.kill_sent = true;
                    self.notice(format!(
                        "the command did not end within {} s of TERM: sent KILL",
                        TERM_GRACE.as_secs()
                    ))
                    .await;
                }
            }
        }
        let exit = match session.status(&dir).await.map_err(fail)? {
            RunStatus::Exited(code) => Exit::Code(code),
            RunStatus::Vanished => Exit::Vanished,
            RunStatus::Never => Exit::NotStarted,
            // The readers ended but the command runs on: follow it again.
            RunStatus::Running | RunStatus::Starting => return Ok(None),
            RunStatus::Absent => {
                return Err(fail(HostErrorKind::Protocol(
                    "the run directory disappeared while the command ran".to_owned(),
                )))
            }
        };
        for (stream, splitter) in [(Stream::Stdout, &mut stdout), (Stream::Stderr, &mut stderr)] {
            if let Some(line) = splitter.finish() {
                self.emit(stream, line.text, line.end_offset).await;
            }
        }
        Ok(Some(RunEnd::Ended(exit)))
    }

    async fn emit(&mut self, stream: Stream, text: String, end_offset: u64) {
        let output = match (stream, self.request.stdout) {
            (Stream::Stdout, StdoutUse::Capture) => {
                self.out_offset = end_offset;
                RunOutput::Captured(text)
            }
            _ => {
                if stream == Stream::Stdout {
                    self.out_offset = end_offset;
                } else {
                    self.err_offset = end_offset;
                }
                RunOutput::Line {
                    stream,
                    text,
                    end_offset,
                }
            }
        };
        // A receiver that went away is the job ending; the run still completes.
        let _ = self.output.send(output).await;
    }

    async fn notice(&self, text: String) {
        let _ = self.output.send(RunOutput::Notice(text)).await;
    }
}
