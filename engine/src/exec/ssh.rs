//! Commands on the deployer over SSH (russh). The host key is pinned: a deployer that shows
//! any other key is refused, there is no "accept any key". Each command gets its own
//! connection, with a connect timeout and keepalives (a frozen host is given up on after
//! interval × (max + 1)); the command line is built by `shell_line`, every word quoted, and
//! `exec`s the program so that a cancel's SIGTERM reaches it rather than the shell.

use std::{path::Path, sync::Arc, time::Duration};

use russh::{
    client::{self, Handle},
    keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate},
    ChannelMsg, Sig,
};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::{ExecError, Exit, LineSplitter, OutputLine};
use crate::{
    model::job::Stream,
    nixops::{shell_line, Command},
};

/// After SIGTERM, how long a command has to end before nixdeck stops waiting for it.
const TERM_GRACE: Duration = Duration::from_secs(10);

/// Where and as whom commands run, and how patient to be.
#[derive(Clone)]
pub struct SshTarget {
    pub user: String,
    pub host: String,
    pub port: u16,
    pub key: Arc<PrivateKey>,
    pub host_key: PublicKey,
    pub connect_timeout: Duration,
    pub keepalive_interval: Duration,
    pub keepalive_max: usize,
}

impl std::fmt::Debug for SshTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SshTarget({}@{}:{})", self.user, self.host, self.port)
    }
}

impl SshTarget {
    /// Reads `user@host[:port]`, the private key file and the host's public key line
    /// (`ssh-ed25519 AAAA... [comment]`). Each error says which of the three is wrong.
    pub fn parse(
        address: &str,
        key_path: &Path,
        host_key_line: &str,
    ) -> Result<SshTarget, (u8, String)> {
        let (user, host_port) = address
            .split_once('@')
            .filter(|(user, host)| !user.is_empty() && !host.is_empty())
            .ok_or_else(|| (0, format!("{address:?} is not user@host[:port]")))?;
        let valid_user = user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !valid_user {
            return Err((0, format!("{user:?} is not a user name")));
        }
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| (0, format!("{port:?} is not a port")))?;
                (host.trim_start_matches('[').trim_end_matches(']'), port)
            }
            _ => (host_port, 22),
        };
        if host.is_empty() || host.contains(['/', ' ', '@']) {
            return Err((0, format!("{host:?} is not a host")));
        }
        let key = russh::keys::load_secret_key(key_path, None).map_err(|e| {
            (
                1,
                format!("cannot read the private key {}: {e}", key_path.display()),
            )
        })?;
        let mut words = host_key_line.split_whitespace();
        let (Some(_algorithm), Some(base64)) = (words.next(), words.next()) else {
            return Err((
                2,
                "expected an OpenSSH public key line such as `ssh-ed25519 AAAA...`".to_owned(),
            ));
        };
        let host_key = russh::keys::parse_public_key_base64(base64)
            .map_err(|e| (2, format!("not an OpenSSH public key: {e}")))?;
        Ok(SshTarget {
            user: user.to_owned(),
            host: host.to_owned(),
            port,
            key: Arc::new(key),
            host_key,
            connect_timeout: Duration::from_secs(10),
            keepalive_interval: Duration::from_secs(15),
            keepalive_max: 3,
        })
    }
}

#[derive(Debug, Clone)]
pub struct SshExecutor {
    target: SshTarget,
}

/// Accepts exactly the pinned host key.
struct PinnedHost {
    expected: PublicKey,
}

impl client::Handler for PinnedHost {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        presented: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(match presented {
            PublicKeyOrCertificate::PublicKey { key, .. } => {
                key.key_data() == self.expected.key_data()
            }
            PublicKeyOrCertificate::Certificate(_) => false,
        })
    }
}

impl SshExecutor {
    pub fn new(target: SshTarget) -> SshExecutor {
        SshExecutor { target }
    }

    pub fn describe(&self) -> String {
        format!(
            "{}@{}:{} over SSH",
            self.target.user, self.target.host, self.target.port
        )
    }

    async fn connect(&self) -> Result<Handle<PinnedHost>, ExecError> {
        let target = &self.target;
        let config = Arc::new(client::Config {
            keepalive_interval: Some(target.keepalive_interval),
            keepalive_max: target.keepalive_max,
            nodelay: true,
            ..client::Config::default()
        });
        let handler = PinnedHost {
            expected: target.host_key.clone(),
        };
        let address = (target.host.clone(), target.port);
        let connecting = client::connect(config, address, handler);
        let mut handle = match tokio::time::timeout(target.connect_timeout, connecting).await {
            Err(_) => {
                return Err(ExecError::Connect(format!(
                    "no answer within {} s",
                    target.connect_timeout.as_secs()
                )))
            }
            Ok(Err(russh::Error::UnknownKey)) => return Err(ExecError::HostKey),
            Ok(Err(error)) => return Err(ExecError::Connect(error.to_string())),
            Ok(Ok(handle)) => handle,
        };
        let hash = handle
            .best_supported_rsa_hash()
            .await
            .map_err(|e| ExecError::Connect(e.to_string()))?
            .flatten();
        let auth = handle
            .authenticate_publickey(
                target.user.clone(),
                PrivateKeyWithHashAlg::new(target.key.clone(), hash),
            )
            .await
            .map_err(|e| ExecError::Auth(e.to_string()))?;
        if !auth.success() {
            return Err(ExecError::Auth(format!(
                "public key authentication as {} failed",
                target.user
            )));
        }
        Ok(handle)
    }

    pub async fn run(
        &self,
        command: &Command,
        output: &mpsc::Sender<OutputLine>,
        cancel: &CancellationToken,
    ) -> Result<Exit, ExecError> {
        let handle = self.connect().await?;
        let lost = |e: russh::Error| ExecError::Lost(e.to_string());
        let mut channel = handle.channel_open_session().await.map_err(lost)?;
        channel
            .exec(true, remote_line(command))
            .await
            .map_err(lost)?;
        let mut stdout = LineSplitter::default();
        let mut stderr = LineSplitter::default();
        let mut exit = None;
        let mut term_sent = false;
        let grace = tokio::time::sleep(Duration::MAX);
        tokio::pin!(grace);
        loop {
            tokio::select! {
                message = channel.wait() => match message {
                    Some(ChannelMsg::Data { data }) => {
                        send_all(output, Stream::Stdout, stdout.push(&data)).await;
                    }
                    Some(ChannelMsg::ExtendedData { data, ext: 1 }) => {
                        send_all(output, Stream::Stderr, stderr.push(&data)).await;
                    }
                    Some(ChannelMsg::ExitStatus { exit_status }) => {
                        exit = Some(Exit::Code(i32::try_from(exit_status).unwrap_or(i32::MAX)));
                    }
                    Some(ChannelMsg::ExitSignal { signal_name, .. }) => {
                        exit = Some(Exit::Signal(signal_label(&signal_name)));
                    }
                    Some(ChannelMsg::Close) | None => break,
                    Some(_) => {}
                },
                () = cancel.cancelled(), if !term_sent => {
                    term_sent = true;
                    // A lost signal is not an error: the grace period still ends the wait.
                    let _ = channel.signal(Sig::TERM).await;
                    grace.as_mut().reset(tokio::time::Instant::now() + TERM_GRACE);
                }
                () = &mut grace => break,
            }
        }
        for (stream, splitter) in [(Stream::Stdout, &mut stdout), (Stream::Stderr, &mut stderr)] {
            if let Some(line) = splitter.finish() {
                let _ = output.send((stream, line)).await;
            }
        }
        let _ = handle
            .disconnect(russh::Disconnect::ByApplication, "", "en")
            .await;
        match exit {
            Some(exit) => Ok(exit),
            None if term_sent => Ok(Exit::Signal("TERM".to_owned())),
            None => Err(ExecError::Lost(
                "the command's end was never reported (connection cut or host frozen)".to_owned(),
            )),
        }
    }
}

/// `shell_line`, with the program `exec`ed so signals reach it and not an idle shell.
fn remote_line(command: &Command) -> String {
    let line = shell_line(command);
    match line.split_once(" && ") {
        Some((cd, rest)) => format!("{cd} && exec {rest}"),
        None => line,
    }
}

async fn send_all(output: &mpsc::Sender<OutputLine>, stream: Stream, lines: Vec<String>) {
    for line in lines {
        if output.send((stream, line)).await.is_err() {
            return;
        }
    }
}

fn signal_label(signal: &Sig) -> String {
    match signal {
        Sig::TERM => "TERM".to_owned(),
        Sig::KILL => "KILL".to_owned(),
        Sig::INT => "INT".to_owned(),
        Sig::HUP => "HUP".to_owned(),
        Sig::PIPE => "PIPE".to_owned(),
        Sig::Custom(name) => name.clone(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_is_execed_after_changing_directory() {
        let command = Command {
            program: "nixops".to_owned(),
            args: vec!["info".to_owned(), "-d".to_owned(), "alpha".to_owned()],
            cwd: "/var/lib/nixops/alpha/disciplina-nixops".to_owned(),
            env: vec![("NIXOPS_DEPLOYMENT".to_owned(), "alpha".to_owned())],
        };
        assert_eq!(
            remote_line(&command),
            "cd /var/lib/nixops/alpha/disciplina-nixops && exec env NIXOPS_DEPLOYMENT=alpha nixops info -d alpha"
        );
    }
}
