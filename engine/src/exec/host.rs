//! Named hosts: the machines nixdeck runs commands on (the deployer now, the macOS builder
//! next), each with its own way in (local processes, or SSH with its own address, key and
//! pinned host key) and its working directory, where run directories are kept. Errors name
//! the host, so a message says which machine failed and how.

use std::{fmt, time::Duration};

use super::{local::LocalSession, ssh::SshSession, SshTarget};

/// The most a read (`Host::read`) answers: a deployment's whole `nixops export` fits.
const MAX_READ: usize = 64 * 1024 * 1024;

/// How nixdeck reaches a host.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Commands run as local processes (nixdeck is installed on the host itself).
    Local,
    Ssh(Box<SshTarget>),
}

#[derive(Debug, Clone)]
pub struct Host {
    /// What the host is to nixdeck (`deployer`, `builder`): used in messages and job rows.
    pub name: String,
    pub transport: Transport,
    /// An absolute directory on the host that must exist; run directories live under
    /// `WORK_DIR/.nixdeck/jobs`.
    pub work_dir: String,
    /// What to do when the working directory is missing, for the error message.
    pub work_dir_hint: String,
}

impl Host {
    /// `deployer (local processes)` or `deployer (user@host:port)`.
    pub fn describe(&self) -> String {
        format!("{} ({})", self.name, self.address())
    }

    /// How the host is reached: `local processes` or `user@host:port`.
    pub fn address(&self) -> String {
        match &self.transport {
            Transport::Local => "local processes".to_owned(),
            Transport::Ssh(target) => format!("{}@{}:{}", target.user, target.host, target.port),
        }
    }

    /// The directory a job step's command runs under; unique per job, step and command.
    pub fn run_dir(&self, job_id: &str, step: i64, ordinal: i64) -> String {
        format!("{}/{step}-{ordinal}", self.job_dir(job_id))
    }

    /// The directory holding all of a job's run directories.
    pub fn job_dir(&self, job_id: &str) -> String {
        format!(
            "{}/.nixdeck/jobs/{job_id}",
            self.work_dir.trim_end_matches('/')
        )
    }

    /// What is known to keep commands from running on a host reached as local processes:
    /// a missing working directory, or a program that is not on PATH (each with how to fix
    /// it). Over SSH nothing is checked ahead: the first command says.
    pub fn local_problems(&self, programs: &[&str]) -> Vec<String> {
        if !matches!(self.transport, Transport::Local) {
            return Vec::new();
        }
        let mut problems = Vec::new();
        if !std::path::Path::new(&self.work_dir).is_dir() {
            problems.push(format!(
                "{} does not exist on this machine: {}",
                self.work_dir, self.work_dir_hint
            ));
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        for program in programs {
            let found = std::env::split_paths(&path).any(|dir| dir.join(program).is_file());
            if !found {
                problems.push(format!(
                    "`{program}` is not on this machine's PATH: {}",
                    self.work_dir_hint
                ));
            }
        }
        problems
    }

    pub(crate) fn error(&self, kind: HostErrorKind) -> HostError {
        HostError {
            host: self.describe(),
            hint: self.work_dir_hint.clone(),
            kind,
        }
    }

    /// Runs one read-only command (a program and its arguments; a script is `sh -c SCRIPT
    /// NAME ARGS...`) over one connection and answers its standard output, all within
    /// `deadline`. Unlike a job's command it is not detached: it is for quick reads that
    /// change nothing, and a non-zero exit is an error.
    pub async fn read(&self, words: &[String], deadline: Duration) -> Result<String, HostError> {
        let reading = async {
            let session = self.connect().await?;
            session
                .call(words, MAX_READ)
                .await
                .map_err(|kind| self.error(kind))
        };
        match tokio::time::timeout(deadline, reading).await {
            Ok(answer) => answer,
            Err(_) => Err(self.error(HostErrorKind::TimedOut(format!(
                "no answer within {} s",
                deadline.as_secs()
            )))),
        }
    }

    pub(crate) async fn connect(&self) -> Result<Session, HostError> {
        match &self.transport {
            Transport::Local => Ok(Session::Local(LocalSession)),
            Transport::Ssh(target) => SshSession::connect(target)
                .await
                .map(|session| Session::Ssh(Box::new(session)))
                .map_err(|kind| self.error(kind)),
        }
    }
}

/// An open way in to a host: an SSH connection, or nothing at all for local processes.
pub(crate) enum Session {
    Local(LocalSession),
    Ssh(Box<SshSession>),
}

/// Why something could not be done on a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostError {
    /// The host as `describe` names it.
    pub host: String,
    hint: String,
    pub kind: HostErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostErrorKind {
    /// No connection could be made (refused, name unknown).
    Unreachable(String),
    /// The host did not answer in time (while connecting, signing in, or reading).
    TimedOut(String),
    /// The host showed another key than the pinned one.
    HostKey,
    /// The host refused the key.
    Auth(String),
    /// An open connection broke (cut, or the host stopped answering keepalives).
    Lost(String),
    /// A local process could not be started.
    Spawn(String),
    /// The host's working directory does not exist.
    NoWorkDir(String),
    /// The host answered something nixdeck does not understand.
    Protocol(String),
}

impl HostError {
    /// Whether trying again later may succeed (the network, not the configuration).
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            HostErrorKind::Unreachable(_) | HostErrorKind::TimedOut(_) | HostErrorKind::Lost(_)
        )
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = &self.host;
        match &self.kind {
            HostErrorKind::Unreachable(why) | HostErrorKind::TimedOut(why) => {
                write!(f, "cannot reach {host}: {why}")
            }
            HostErrorKind::HostKey => write!(
                f,
                "the host key of {host} does not match its pinned key; refusing to connect"
            ),
            HostErrorKind::Auth(why) => write!(f, "{host} refused the SSH key: {why}"),
            HostErrorKind::Lost(why) => write!(f, "the connection to {host} was lost: {why}"),
            HostErrorKind::Spawn(why) => write!(f, "cannot start a process on {host}: {why}"),
            HostErrorKind::NoWorkDir(dir) => {
                write!(f, "{dir} does not exist on {host}")?;
                if !self.hint.is_empty() {
                    write!(f, ": {}", self.hint)?;
                }
                Ok(())
            }
            HostErrorKind::Protocol(why) => write!(f, "{host} answered unexpectedly: {why}"),
        }
    }
}

impl std::error::Error for HostError {}
