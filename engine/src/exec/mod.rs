//! Commands on named hosts (the deployer, later the macOS builder), over SSH or as local
//! processes. A command runs detached on its host under a small supervisor, so it survives
//! a dropped connection and a restart of nixdeck; nixdeck reads its output by byte offset
//! and re-attaches after either. `run` is the one way a job runs a command.

mod command;
mod host;
mod lines;
mod local;
mod quote;
mod run;
mod ssh;
mod supervisor;

pub use command::Command;
pub use host::{Host, HostError, HostErrorKind, Transport};
pub use quote::redact_url_credentials;
pub use run::{run, RunEnd, RunOutput, RunRequest, RunSignals, StdoutUse};
pub use ssh::SshTarget;

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this status (a shell reports death by signal N as 128 + N).
    Code(i32),
    /// Its processes are gone without an exit status (killed outright, or the host went
    /// down).
    Vanished,
    /// It was never started (cancelled first).
    NotStarted,
}

impl Exit {
    pub fn success(&self) -> bool {
        *self == Exit::Code(0)
    }

    pub fn describe(&self) -> String {
        match self {
            Exit::Code(code) if (129..=192).contains(code) => {
                format!(
                    "exit status {code}, as after signal {}",
                    signal_name(code - 128)
                )
            }
            Exit::Code(code) => format!("exit status {code}"),
            Exit::Vanished => "it ended without an exit status (killed)".to_owned(),
            Exit::NotStarted => "it was never started".to_owned(),
        }
    }
}

fn signal_name(number: i32) -> String {
    match number {
        1 => "HUP".to_owned(),
        2 => "INT".to_owned(),
        9 => "KILL".to_owned(),
        13 => "PIPE".to_owned(),
        15 => "TERM".to_owned(),
        other => other.to_string(),
    }
}

/// Removes a job's run directories from a host once the job has ended (its output is
/// stored). Best effort: a failure leaves a directory behind, nothing worse.
pub async fn forget_job_runs(host: &Host, job_id: &str) -> Result<(), HostError> {
    forget_run(host, &host.job_dir(job_id)).await
}

/// Removes one run directory (its output may hold secrets).
pub async fn forget_run(host: &Host, run_dir: &str) -> Result<(), HostError> {
    let session = host.connect().await?;
    session
        .forget(run_dir)
        .await
        .map_err(|kind| host.error(kind))
}
