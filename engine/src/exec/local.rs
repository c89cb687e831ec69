//! A host reached as local processes (nixdeck installed on the host itself): the
//! supervisor's calls and attach streams are child processes of nixdeck, and the commands
//! they start are detached from it exactly as over SSH.

use std::process::Stdio;

use tokio::{
    io::{AsyncRead, AsyncReadExt},
    process::{Child, Command as Process},
    sync::mpsc,
};

use super::{host::HostErrorKind, supervisor::Chunk};
use crate::model::job::Stream;

pub(crate) struct LocalSession;

impl LocalSession {
    /// Runs `words` (a program and its arguments, no shell in between) and returns its
    /// standard output, which must not exceed `limit` bytes; a non-zero exit is an error
    /// carrying its standard error.
    pub(crate) async fn call(
        &self,
        words: &[String],
        limit: usize,
    ) -> Result<String, HostErrorKind> {
        let output = process(words)?
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .output()
            .await
            .map_err(|e| HostErrorKind::Spawn(format!("{}: {e}", words[0])))?;
        if output.stdout.len() > limit {
            Err(HostErrorKind::Protocol(format!(
                "the answer is larger than {limit} bytes"
            )))
        } else if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            Err(HostErrorKind::Protocol(format!(
                "the command ended with {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )))
        }
    }

    /// Runs `words` and streams its standard output and error until it ends. Dropping the
    /// receiver stops the process group (the readers, never the command they follow).
    pub(crate) async fn stream(
        &self,
        words: &[String],
    ) -> Result<mpsc::Receiver<Chunk>, HostErrorKind> {
        let mut child = process(words)?
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own group, so the readers it starts are stopped with it.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| HostErrorKind::Spawn(format!("{}: {e}", words[0])))?;
        let (chunks, receiver) = mpsc::channel(64);
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(HostErrorKind::Spawn("no pipes to the process".to_owned()));
        };
        tokio::spawn(follow(child, stdout, stderr, chunks));
        Ok(receiver)
    }
}

fn process(words: &[String]) -> Result<Process, HostErrorKind> {
    let (program, args) = words
        .split_first()
        .ok_or_else(|| HostErrorKind::Spawn("no program".to_owned()))?;
    let mut process = Process::new(program);
    process.args(args).stdin(Stdio::null());
    // nixdeck's own settings (OAuth client secrets among them) and systemd's notification
    // socket are nixdeck's, not the commands' it runs.
    for (name, _) in std::env::vars_os() {
        let ours = name
            .to_str()
            .is_some_and(|name| name.starts_with("NIXDECK_") || name == "NOTIFY_SOCKET");
        if ours {
            process.env_remove(name);
        }
    }
    Ok(process)
}

async fn follow(
    mut child: Child,
    stdout: impl AsyncRead + Unpin,
    stderr: impl AsyncRead + Unpin,
    chunks: mpsc::Sender<Chunk>,
) {
    let group = child.id();
    let reading = async {
        let (mut out, mut err) = (Some(stdout), Some(stderr));
        let (mut out_buffer, mut err_buffer) = (vec![0u8; 16 * 1024], vec![0u8; 16 * 1024]);
        while out.is_some() || err.is_some() {
            let (stream, read) = tokio::select! {
                read = read_some(&mut out, &mut out_buffer), if out.is_some() => (Stream::Stdout, read),
                read = read_some(&mut err, &mut err_buffer), if err.is_some() => (Stream::Stderr, read),
            };
            let buffer = if stream == Stream::Stdout {
                &out_buffer
            } else {
                &err_buffer
            };
            match read {
                Some(n) => {
                    if chunks
                        .send(Chunk::Data(stream, buffer[..n].to_vec()))
                        .await
                        .is_err()
                    {
                        return false;
                    }
                }
                None if stream == Stream::Stdout => out = None,
                None => err = None,
            }
        }
        true
    };
    let finished = tokio::select! {
        finished = reading => finished,
        () = chunks.closed() => false,
    };
    if finished {
        let _ = child.wait().await;
        let _ = chunks.send(Chunk::End).await;
    } else {
        signal_group(group).await;
        let _ = child.wait().await;
    }
}

/// Reads once; `None` at the end of the pipe (or on an error, which ends it too).
async fn read_some(pipe: &mut Option<impl AsyncRead + Unpin>, buffer: &mut [u8]) -> Option<usize> {
    let reader = pipe.as_mut()?;
    match reader.read(buffer).await {
        Ok(0) | Err(_) => None,
        Ok(n) => Some(n),
    }
}

/// Stops the process group led by `pid` (the `kill` utility: no unsafe code here).
async fn signal_group(pid: Option<u32>) {
    if let Some(pid) = pid {
        let _ = Process::new("kill")
            .args(["-s", "TERM", "--", &format!("-{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .await;
    }
}
