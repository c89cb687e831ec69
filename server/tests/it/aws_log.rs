//! The nixdeck binary, logging at debug level, while secrets are written, revealed and
//! refused: no value ever reaches its log.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use crate::aws_helpers::Aws;

#[test]
fn secret_values_never_reach_the_log() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let dir = tempfile::tempdir().expect("temporary directory");
        let log_path = dir.path().join("nixdeck.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            listener.local_addr().expect("address").port()
        };
        let mut command = Command::new(env!("CARGO_BIN_EXE_nixdeck"));
        for (key, _) in std::env::vars()
            .filter(|(key, _)| key.starts_with("NIXDECK_") || key.starts_with("AWS_"))
        {
            command.env_remove(key);
        }
        let mut server = command
            .arg("serve")
            .current_dir(dir.path())
            .env("NIXDECK_LISTEN", format!("127.0.0.1:{port}"))
            .env("NIXDECK_DATA_DIR", dir.path().join("data"))
            .env("RUST_LOG", "debug")
            .env("AWS_ENDPOINT_URL", &aws.moto.url)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start nixdeck");
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let mut ready = false;
        for _ in 0..200 {
            if client.get(format!("{base}/healthz")).send().await.is_ok() {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(ready, "nixdeck did not start");
        let signed = client
            .post(format!("{base}/auth/local"))
            .form(&[("next", "/")])
            .send()
            .await
            .expect("sign in");
        let cookie = signed.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .split(';')
            .next()
            .expect("name=value")
            .to_owned();
        let send = |method: reqwest::Method, path: &str, body: serde_json::Value| {
            client
                .request(method, format!("{base}{path}"))
                .header("cookie", &cookie)
                .header("origin", &base)
                .json(&body)
                .send()
        };
        let secret = "/api/v1/secrets/staging/buildkite";
        let written = send(
            reqwest::Method::PATCH,
            secret,
            serde_json::json!({"values": {"AgentToken": "agent-token-7f3a", "CachixSigningKey": "cachix-9b1c"}, "base_version": null}),
        )
        .await
        .expect("edit");
        assert_eq!(
            written.status(),
            200,
            "{}",
            written.text().await.unwrap_or_default()
        );
        let revealed = send(
            reqwest::Method::POST,
            &format!("{secret}/reveal"),
            serde_json::json!({"key": "AgentToken"}),
        )
        .await
        .expect("reveal");
        assert_eq!(revealed.status(), 200);
        assert!(revealed
            .text()
            .await
            .expect("body")
            .contains("agent-token-7f3a"));
        let refused = send(
            reqwest::Method::PATCH,
            secret,
            serde_json::json!({"values": {"BuildkiteSSHKeys": {"default": "ssh-key-d41e"}}, "base_version": null}),
        )
        .await
        .expect("refused edit");
        assert_eq!(refused.status(), 422);
        assert!(!refused.text().await.expect("body").contains("ssh-key-d41e"));
        let pages = client
            .get(format!("{base}/secrets"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("page");
        assert!(!pages
            .text()
            .await
            .expect("page")
            .contains("agent-token-7f3a"));

        server.kill().expect("stop nixdeck");
        server.wait().expect("nixdeck stopped");
        let log = std::fs::read_to_string(&log_path).expect("read the log");
        assert!(
            log.contains("DEBUG") || log.contains("debug"),
            "the log was at debug level"
        );
        for value in ["agent-token-7f3a", "cachix-9b1c", "ssh-key-d41e"] {
            assert!(!log.contains(value), "the log holds {value}");
        }
    })
}
