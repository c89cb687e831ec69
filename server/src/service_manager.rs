//! Telling the service manager how nixdeck is (systemd's `Type=notify`): `READY=1` once the
//! database is migrated, the jobs of the previous run are taken back and the listener is
//! up, so units ordered after nixdeck start when it answers; `STOPPING=1` as soon as it is
//! asked to stop. Without a notification socket (not started by systemd) it does nothing.

use std::{io, os::unix::net::UnixDatagram};

#[derive(Debug, Clone, Default)]
pub struct ServiceManager {
    /// `NOTIFY_SOCKET`: a path, or an abstract socket's name after `@`.
    socket: Option<String>,
}

impl ServiceManager {
    pub fn new(socket: Option<String>) -> ServiceManager {
        ServiceManager { socket }
    }

    /// nixdeck serves; `status` is shown by `systemctl status`.
    pub fn ready(&self, status: &str) {
        self.notify(&format!("READY=1\nSTATUS={status}"));
    }

    /// nixdeck is stopping; `status` says what it finishes first.
    pub fn stopping(&self, status: &str) {
        self.notify(&format!("STOPPING=1\nSTATUS={status}"));
    }

    fn notify(&self, message: &str) {
        let Some(socket) = &self.socket else {
            return;
        };
        // A lost notification must not stop nixdeck: systemd then times out the start, or
        // kills the stop, and says why.
        if let Err(error) = send(socket, message) {
            tracing::warn!(%error, socket, "cannot notify the service manager");
        }
    }
}

fn send(socket: &str, message: &str) -> io::Result<()> {
    let sender = UnixDatagram::unbound()?;
    match socket.strip_prefix('@') {
        Some(name) => send_abstract(&sender, name, message)?,
        None => {
            sender.send_to(message.as_bytes(), socket)?;
        }
    }
    Ok(())
}

/// Abstract socket names are Linux's (systemd's own platform).
#[cfg(target_os = "linux")]
fn send_abstract(sender: &UnixDatagram, name: &str, message: &str) -> io::Result<()> {
    use std::os::linux::net::SocketAddrExt;
    let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
    sender.send_to_addr(message.as_bytes(), &address)?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn send_abstract(_: &UnixDatagram, _: &str, _: &str) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "abstract sockets exist only on Linux",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn notifications_reach_a_path_or_an_abstract_socket() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("notify");
        let listener = UnixDatagram::bind(&path).expect("bind");
        ServiceManager::new(Some(path.display().to_string())).ready("listening");
        let mut buffer = [0; 256];
        let read = listener.recv(&mut buffer).expect("a notification");
        assert_eq!(&buffer[..read], b"READY=1\nSTATUS=listening");

        use std::os::linux::net::SocketAddrExt;
        let name = format!("nixdeck-test-{}", std::process::id());
        let address =
            std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).expect("name");
        let listener = UnixDatagram::bind_addr(&address).expect("bind abstract");
        ServiceManager::new(Some(format!("@{name}"))).stopping("finishing");
        let read = listener.recv(&mut buffer).expect("a notification");
        assert_eq!(&buffer[..read], b"STOPPING=1\nSTATUS=finishing");

        // Nobody listening: nothing but a warning.
        ServiceManager::new(Some("/nonexistent/notify".to_owned())).ready("x");
        ServiceManager::default().ready("x");
    }
}
