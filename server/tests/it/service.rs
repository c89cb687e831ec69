//! The binary as systemd runs it (`Type=notify`): it says it is ready only once it answers
//! (on its metrics address too), says it is stopping when asked to stop, and logs JSON lines
//! when told to.

use std::{
    os::unix::net::UnixDatagram,
    process::{Command, Stdio},
    time::Duration,
};

/// The answer to a `GET path` sent to `port` on 127.0.0.1.
fn get(port: u16, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

/// Two distinct ports nothing listens on (both held until both are known).
fn two_free_ports() -> (u16, u16) {
    let bind = || std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let (first, second) = (bind(), bind());
    let port = |listener: &std::net::TcpListener| listener.local_addr().expect("address").port();
    (port(&first), port(&second))
}

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
    let (port, metrics_port) = two_free_ports();
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
        .env(
            "NIXDECK_METRICS_LISTEN",
            format!("127.0.0.1:{metrics_port}"),
        )
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
    let health = get(port, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let metrics = get(metrics_port, "/metrics");
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(metrics.contains("nixdeck_queue_depth 0"), "{metrics}");
    assert!(
        metrics.contains(
            "nixdeck_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
    // The dashboard's own address has no metrics.
    let elsewhere = get(port, "/metrics");
    assert!(!elsewhere.contains("nixdeck_queue_depth"), "{elsewhere}");

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
