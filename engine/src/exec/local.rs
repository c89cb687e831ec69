//! Commands as local processes (nixdeck installed on the deployer itself). The same
//! program, arguments, working directory and environment as over SSH, without a shell.

use std::{process::Stdio, time::Duration};

use tokio::{
    io::{AsyncRead, AsyncReadExt},
    process::Command as Process,
    sync::mpsc,
};
use tokio_util::sync::CancellationToken;

use super::{ExecError, Exit, LineSplitter, OutputLine};
use crate::{model::job::Stream, nixops::Command};

/// After SIGTERM, how long a command has to end before it is killed.
const TERM_GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Default)]
pub struct LocalExecutor;

impl LocalExecutor {
    pub async fn run(
        &self,
        command: &Command,
        output: &mpsc::Sender<OutputLine>,
        cancel: &CancellationToken,
    ) -> Result<Exit, ExecError> {
        let mut child = Process::new(&command.program)
            .args(&command.args)
            .current_dir(&command.cwd)
            .envs(command.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so cancelling reaches the processes it starts too.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| ExecError::Spawn {
                program: command.program.clone(),
                problem: e.to_string(),
            })?;
        let pid = child.id();
        let stdout = child
            .stdout
            .take()
            .map(|s| pump(s, Stream::Stdout, output.clone()));
        let stderr = child
            .stderr
            .take()
            .map(|s| pump(s, Stream::Stderr, output.clone()));
        let status = tokio::select! {
            status = child.wait() => status,
            () = cancel.cancelled() => {
                signal_group(pid, "TERM").await;
                match tokio::time::timeout(TERM_GRACE, child.wait()).await {
                    Ok(status) => status,
                    Err(_) => {
                        signal_group(pid, "KILL").await;
                        child.wait().await
                    }
                }
            }
        }
        .map_err(|e| ExecError::Spawn {
            program: command.program.clone(),
            problem: e.to_string(),
        })?;
        // The pipes end when the process (and anything holding them) does.
        for pump in [stdout, stderr].into_iter().flatten() {
            let _ = pump.await;
        }
        Ok(match status.code() {
            Some(code) => Exit::Code(code),
            None => Exit::Signal(signal_name(&status)),
        })
    }
}

/// Reads a pipe to its end, sending each line.
fn pump(
    mut pipe: impl AsyncRead + Unpin + Send + 'static,
    stream: Stream,
    output: mpsc::Sender<OutputLine>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut splitter = LineSplitter::default();
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            match pipe.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    for line in splitter.push(&buffer[..n]) {
                        if output.send((stream, line)).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
        if let Some(line) = splitter.finish() {
            let _ = output.send((stream, line)).await;
        }
    })
}

/// Signals the process group led by `pid` (the `kill` utility: no unsafe code here).
async fn signal_group(pid: Option<u32>, signal: &str) {
    if let Some(pid) = pid {
        let _ = Process::new("kill")
            .arg(format!("-{signal}"))
            .arg("--")
            .arg(format!("-{pid}"))
            .status()
            .await;
    }
}

fn signal_name(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(15) => "TERM".to_owned(),
        Some(9) => "KILL".to_owned(),
        Some(2) => "INT".to_owned(),
        Some(1) => "HUP".to_owned(),
        Some(other) => other.to_string(),
        None => "unknown".to_owned(),
    }
}
