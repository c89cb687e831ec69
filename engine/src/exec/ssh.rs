//! Hosts over SSH (russh). The host key is pinned: a host that shows any other key is
//! refused; there is no "accept any key". A connection has a connect timeout and
//! keepalives (a frozen host is noticed after interval × (max + 1)), and carries the
//! supervisor's short calls and its attach streams as separate channels, so a signal can be
//! sent while output is being read. Each command line is built from its words, every one
//! quoted.

use std::{path::Path, sync::Arc, time::Duration};

use russh::{
    client::{self, Handle},
    keys::{PrivateKey, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate},
    ChannelMsg,
};
use tokio::sync::mpsc;

use super::{host::HostErrorKind, quote::quote_words, supervisor::Chunk};
use crate::model::job::Stream;

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

/// An authenticated connection to a host.
pub(crate) struct SshSession {
    handle: Arc<Handle<PinnedHost>>,
}

impl SshSession {
    pub(crate) async fn connect(target: &SshTarget) -> Result<SshSession, HostErrorKind> {
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
                return Err(HostErrorKind::TimedOut(format!(
                    "no answer within {} s",
                    target.connect_timeout.as_secs()
                )))
            }
            Ok(Err(russh::Error::UnknownKey)) => return Err(HostErrorKind::HostKey),
            Ok(Err(error)) => return Err(HostErrorKind::Unreachable(error.to_string())),
            Ok(Ok(handle)) => handle,
        };
        let authenticating = async {
            let hash = handle
                .best_supported_rsa_hash()
                .await
                .map_err(|e| HostErrorKind::Unreachable(e.to_string()))?
                .flatten();
            handle
                .authenticate_publickey(
                    target.user.clone(),
                    PrivateKeyWithHashAlg::new(target.key.clone(), hash),
                )
                .await
                .map_err(|e| HostErrorKind::Auth(e.to_string()))
        };
        let auth = tokio::time::timeout(target.connect_timeout, authenticating)
            .await
            .map_err(|_| HostErrorKind::TimedOut("no answer while signing in".to_owned()))??;
        if !auth.success() {
            return Err(HostErrorKind::Auth(format!(
                "public key authentication as {} failed",
                target.user
            )));
        }
        Ok(SshSession {
            handle: Arc::new(handle),
        })
    }

    /// Runs `words` (quoted into one command line) and returns its standard output, which
    /// must not exceed `limit` bytes; a non-zero exit is an error carrying its standard
    /// error.
    pub(crate) async fn call(
        &self,
        words: &[String],
        limit: usize,
    ) -> Result<String, HostErrorKind> {
        let lost = |e: russh::Error| HostErrorKind::Lost(e.to_string());
        let mut channel = self.handle.channel_open_session().await.map_err(lost)?;
        channel.exec(true, quote_words(words)).await.map_err(lost)?;
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut status = None;
        loop {
            match channel.wait().await {
                Some(ChannelMsg::Data { data }) => {
                    if stdout.len() + data.len() > limit {
                        // Closed, so the command does not wait on a window never opened.
                        let _ = channel.close().await;
                        return Err(HostErrorKind::Protocol(format!(
                            "the answer is larger than {limit} bytes"
                        )));
                    }
                    stdout.extend_from_slice(&data);
                }
                // Kept short: it only explains a failure.
                Some(ChannelMsg::ExtendedData { data, ext: 1 }) if stderr.len() < 64 * 1024 => {
                    stderr.extend_from_slice(&data);
                }
                Some(ChannelMsg::ExitStatus { exit_status }) => status = Some(exit_status),
                Some(ChannelMsg::ExitSignal { signal_name, .. }) => {
                    return Err(HostErrorKind::Protocol(format!(
                        "the supervisor was killed by {signal_name:?}"
                    )))
                }
                Some(ChannelMsg::Close) | None => break,
                Some(_) => {}
            }
        }
        match status {
            Some(0) => Ok(String::from_utf8_lossy(&stdout).into_owned()),
            Some(code) => Err(HostErrorKind::Protocol(format!(
                "the command exited with status {code}: {}",
                String::from_utf8_lossy(&stderr).trim()
            ))),
            None => Err(HostErrorKind::Lost(
                "the call's end was never reported (connection cut or host frozen)".to_owned(),
            )),
        }
    }

    /// Runs `words` and streams its standard output and error as they arrive, until it
    /// ends (`Chunk::End`) or the connection breaks (`Chunk::Lost`). Dropping the receiver
    /// closes the channel.
    pub(crate) async fn stream(
        &self,
        words: &[String],
    ) -> Result<mpsc::Receiver<Chunk>, HostErrorKind> {
        let lost = |e: russh::Error| HostErrorKind::Lost(e.to_string());
        let mut channel = self.handle.channel_open_session().await.map_err(lost)?;
        channel.exec(true, quote_words(words)).await.map_err(lost)?;
        let (chunks, receiver) = mpsc::channel(64);
        let handle = self.handle.clone();
        tokio::spawn(async move {
            // Held so the connection lives as long as the stream.
            let _handle = handle;
            let mut ended = false;
            loop {
                let message = tokio::select! {
                    message = channel.wait() => message,
                    () = chunks.closed() => {
                        let _ = channel.close().await;
                        return;
                    }
                };
                let chunk = match message {
                    Some(ChannelMsg::Data { data }) => Chunk::Data(Stream::Stdout, data.to_vec()),
                    Some(ChannelMsg::ExtendedData { data, ext: 1 }) => {
                        Chunk::Data(Stream::Stderr, data.to_vec())
                    }
                    Some(ChannelMsg::ExitStatus { .. } | ChannelMsg::ExitSignal { .. }) => {
                        ended = true;
                        continue;
                    }
                    Some(ChannelMsg::Close) | None => break,
                    Some(_) => continue,
                };
                if chunks.send(chunk).await.is_err() {
                    return;
                }
            }
            let last = if ended {
                Chunk::End
            } else {
                Chunk::Lost(
                    "the stream's end was never reported (connection cut or host frozen)"
                        .to_owned(),
                )
            };
            let _ = chunks.send(last).await;
        });
        Ok(receiver)
    }
}
