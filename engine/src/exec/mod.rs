//! Running one command of a plan: on the deployer over SSH, or as a local process when
//! nixdeck is installed on the deployer itself. Either way the output arrives as lines,
//! stdout and stderr kept apart, and the command can be cancelled (it is sent SIGTERM).

mod lines;
mod local;
mod ssh;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub use lines::LineSplitter;
pub use local::LocalExecutor;
pub use ssh::{SshExecutor, SshTarget};

use crate::{model::job::Stream, nixops::Command};

/// One line of a command's output.
pub type OutputLine = (Stream, String);

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this status.
    Code(i32),
    /// A signal ended it (named as `TERM`, `KILL`, ...).
    Signal(String),
}

impl Exit {
    pub fn success(&self) -> bool {
        *self == Exit::Code(0)
    }

    pub fn describe(&self) -> String {
        match self {
            Exit::Code(code) => format!("exit status {code}"),
            Exit::Signal(signal) => format!("killed by signal {signal}"),
        }
    }
}

/// Why a command could not be run to its end.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    #[error("cannot reach the deployer: {0}")]
    Connect(String),
    #[error(
        "the deployer's host key does not match NIXDECK_DEPLOYER_HOST_KEY; refusing to connect"
    )]
    HostKey,
    #[error("the deployer refused the SSH key: {0}")]
    Auth(String),
    #[error("the connection to the deployer was lost: {0}")]
    Lost(String),
    #[error("cannot start {program}: {problem}")]
    Spawn { program: String, problem: String },
}

/// Where commands run.
#[derive(Debug, Clone)]
pub enum Executor {
    Local(LocalExecutor),
    Ssh(Box<SshExecutor>),
}

impl Executor {
    /// Runs `command`, sending each output line to `output`, until it ends. When `cancel`
    /// fires, the command is sent SIGTERM (then SIGKILL if it lingers) and its end is
    /// still awaited and reported.
    pub async fn run(
        &self,
        command: &Command,
        output: &mpsc::Sender<OutputLine>,
        cancel: &CancellationToken,
    ) -> Result<Exit, ExecError> {
        match self {
            Executor::Local(local) => local.run(command, output, cancel).await,
            Executor::Ssh(ssh) => ssh.run(command, output, cancel).await,
        }
    }

    /// Where commands go, for logs and the deployer page.
    pub fn describe(&self) -> String {
        match self {
            Executor::Local(_) => "local processes".to_owned(),
            Executor::Ssh(ssh) => ssh.describe(),
        }
    }
}
