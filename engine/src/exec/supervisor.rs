//! Talking to the command supervisor (`supervise.sh`) on a host: starting a command
//! detached in its run directory, asking how it is, following its output from byte
//! offsets, signalling its process group, and forgetting it. The script is sent with each
//! call (`sh -c SCRIPT nixdeck-run ACTION ...`), so a host needs nothing installed but a
//! POSIX shell, GNU coreutils and `setsid`.

use tokio::sync::mpsc;

use super::{
    host::{HostErrorKind, Session},
    Command,
};
use crate::model::job::Stream;

const SCRIPT: &str = include_str!("supervise.sh");

/// A piece of an attach stream.
#[derive(Debug)]
pub(crate) enum Chunk {
    Data(Stream, Vec<u8>),
    /// The stream ended normally (the command ended, or its readers did).
    End,
    /// The connection broke mid-stream.
    Lost(String),
}

/// What the supervisor knows of a run directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunStatus {
    /// No such run: the command was never started.
    Absent,
    /// Being started this very moment.
    Starting,
    Running,
    /// Ended with this status.
    Exited(i32),
    /// Its processes are gone without an exit status (killed outright).
    Vanished,
}

/// How a start request was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Started {
    /// Started now, or found started by an earlier request.
    Yes,
    /// The host's working directory does not exist.
    NoWorkDir,
}

fn words(action: &str, dir: &str, rest: Vec<String>) -> Vec<String> {
    let mut words = vec![
        "sh".to_owned(),
        "-c".to_owned(),
        SCRIPT.to_owned(),
        "nixdeck-run".to_owned(),
        action.to_owned(),
        dir.to_owned(),
    ];
    words.extend(rest);
    words
}

impl Session {
    async fn call(&self, words: &[String]) -> Result<String, HostErrorKind> {
        match self {
            Session::Local(local) => local.call(words).await,
            Session::Ssh(ssh) => ssh.call(words).await,
        }
    }

    async fn stream(&self, words: &[String]) -> Result<mpsc::Receiver<Chunk>, HostErrorKind> {
        match self {
            Session::Local(local) => local.stream(words).await,
            Session::Ssh(ssh) => ssh.stream(words).await,
        }
    }

    /// The first line of a call's answer.
    async fn answer(&self, words: &[String]) -> Result<String, HostErrorKind> {
        let output = self.call(words).await?;
        Ok(output.lines().next().unwrap_or_default().trim().to_owned())
    }

    pub(crate) async fn status(&self, dir: &str) -> Result<RunStatus, HostErrorKind> {
        let answer = self.answer(&words("status", dir, Vec::new())).await?;
        let mut parts = answer.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some("absent"), _) => Ok(RunStatus::Absent),
            (Some("starting"), _) => Ok(RunStatus::Starting),
            (Some("running"), _) => Ok(RunStatus::Running),
            (Some("vanished"), _) => Ok(RunStatus::Vanished),
            (Some("exited"), Some(code)) => code
                .parse()
                .map(RunStatus::Exited)
                .map_err(|_| HostErrorKind::Protocol(format!("unreadable exit status {code:?}"))),
            _ => Err(HostErrorKind::Protocol(format!(
                "unexpected status answer {answer:?}"
            ))),
        }
    }

    pub(crate) async fn start(
        &self,
        dir: &str,
        work_dir: &str,
        command: &Command,
    ) -> Result<Started, HostErrorKind> {
        let mut rest = vec![work_dir.to_owned(), command.cwd.clone()];
        rest.extend(command.env_words().map_err(HostErrorKind::Protocol)?);
        rest.push(command.program.clone());
        rest.extend(command.args.iter().cloned());
        let answer = self.answer(&words("start", dir, rest)).await?;
        match answer.split_whitespace().next() {
            Some("started" | "exists" | "starting") => Ok(Started::Yes),
            Some("no-work-dir") => Ok(Started::NoWorkDir),
            _ => Err(HostErrorKind::Protocol(format!(
                "unexpected start answer {answer:?}"
            ))),
        }
    }

    /// Follows the run's output from the given offsets until the command ends.
    pub(crate) async fn attach(
        &self,
        dir: &str,
        stdout_offset: u64,
        stderr_offset: u64,
    ) -> Result<mpsc::Receiver<Chunk>, HostErrorKind> {
        let rest = vec![stdout_offset.to_string(), stderr_offset.to_string()];
        self.stream(&words("attach", dir, rest)).await
    }

    /// Sends `signal` (`TERM` or `KILL`) to the run's whole process group.
    pub(crate) async fn signal(&self, dir: &str, signal: &str) -> Result<(), HostErrorKind> {
        self.answer(&words("signal", dir, vec![signal.to_owned()]))
            .await
            .map(drop)
    }

    /// Removes a run directory (or a job's directory of runs).
    pub(crate) async fn forget(&self, dir: &str) -> Result<(), HostErrorKind> {
        self.answer(&words("forget", dir, Vec::new()))
            .await
            .map(drop)
    }
}
