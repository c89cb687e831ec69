//! A TCP proxy in front of a test counterpart that can cut every connection or freeze it
//! (stop passing bytes while keeping the sockets open): the faults a network between
//! nixdeck and the deployer can have.

use std::net::SocketAddr;

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Open,
    Frozen,
    Cut,
}

pub struct FaultyProxy {
    pub port: u16,
    mode: watch::Sender<Mode>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultyProxy {
    /// Listens on a free 127.0.0.1 port and forwards to `target_port`.
    pub async fn start(target_port: u16) -> FaultyProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let (mode, _) = watch::channel(Mode::Open);
        let modes = mode.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let target = SocketAddr::from(([127, 0, 0, 1], target_port));
                let modes = modes.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(target).await {
                        let (client_read, client_write) = client.into_split();
                        let (server_read, server_write) = server.into_split();
                        tokio::join!(
                            pass(client_read, server_write, modes.subscribe()),
                            pass(server_read, client_write, modes.subscribe()),
                        );
                    }
                });
            }
        });
        FaultyProxy { port, mode, task }
    }

    /// Closes every connection at once, as a network failure would.
    pub fn cut(&self) {
        self.mode.send_replace(Mode::Cut);
    }

    /// Stops passing bytes (a frozen host), keeping the connections open.
    pub fn freeze(&self) {
        self.mode.send_replace(Mode::Frozen);
    }

    /// The network is back: bytes pass again (after a freeze) and new connections work
    /// (after a cut; the connections cut stay closed). Every mode change replaces the value
    /// even when no connection is open to hear it (a plain `send` would then be lost).
    pub fn restore(&self) {
        self.mode.send_replace(Mode::Open);
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.cut();
        self.task.abort();
    }
}

async fn pass(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut mode: watch::Receiver<Mode>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if *mode.borrow() == Mode::Cut {
            return;
        }
        if *mode.borrow() == Mode::Frozen {
            if mode.changed().await.is_err() {
                return;
            }
            continue;
        }
        tokio::select! {
            read = from.read(&mut buffer) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    // Bytes read just as the connection froze are held, like a stalled link.
                    while *mode.borrow() == Mode::Frozen {
                        if mode.changed().await.is_err() {
                            return;
                        }
                    }
                    if *mode.borrow() == Mode::Cut || to.write_all(&buffer[..n]).await.is_err() {
                        return;
                    }
                }
            },
            changed = mode.changed() => if changed.is_err() { return },
        }
    }
}
