//! The binary as systemd runs it (`Type=notify`): it says it is ready only once it answers,
//! says it is stopping when asked to stop, and logs JSON lines when told to.

use std::{
    os::unix::net::UnixDatagram,
    process::{Command, Stdio},
    time::Duration,
};

fn receive(socket: &UnixDatagram) -> String {
    let mut buffer = [0; 1024];
    let read = socket
        .recv(&mut buffer)
        .expect("a notification within 30 s");
    String::from_utf8_lossy(&buffer[..read]).into_owned()
}

#[test]
fn systemd_hears_ready_then_stopping_and_the_log_is_json() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let notify_path = dir.path().join("notify");
    let socket = UnixDatagram::bind(&notify_path).expect("bind the notification socket");
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let log_path = dir.path().join("nixdeck.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut command = Command::new(env!("CARGO_BIN_EXE_nixdeck"));
    for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("NIXDECK_")) {
        command.env_remove(key);
    }
    let mut server = command
        .arg("serve")
        .current_dir(dir.path())
        .env("NIXDECK_LISTEN", format!("127.0.0.1:{port}"))
        .env("NIXDECK_DATA_DIR", dir.path().join("data"))
        .env("NIXDECK_LOG_FORMAT", "json")
        .env("NOTIFY_SOCKET", &notify_path)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start nixdeck");

    let ready = receive(&socket);
    assert!(ready.starts_with("READY=1\n"), "{ready}");
    assert!(
        ready.contains(&format!("STATUS=listening on http://127.0.0.1:{port}")),
        "{ready}"
    );
    // Ready means answering: no retry needed.
    let health = std::net::TcpStream::connect(("127.0.0.1", port))
        .and_then(|mut stream| {
            use std::io::{Read, Write};
            stream.write_all(
                b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            )?;
            let mut answer = String::new();
            stream.read_to_string(&mut answer)?;
            Ok(answer)
        })
        .expect("healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");

    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(stopped.success());
    let stopping = receive(&socket);
    assert!(stopping.starts_with("STOPPING=1\n"), "{stopping}");
    let status = server.wait().expect("nixdeck ends");
    assert!(status.success(), "{status}");

    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(log.lines().count() >= 2, "{log}");
    for line in log.lines() {
        let event: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        assert!(event["level"].is_string(), "{line}");
    }
    assert!(log.contains("nixdeck is listening"), "{log}");
}
