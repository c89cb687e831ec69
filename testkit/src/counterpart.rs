//! Test counterparts that run as their own processes (the GitHub stand-in, the OIDC
//! provider, moto for AWS): started on a free 127.0.0.1 port, stopped when dropped.

use std::{path::PathBuf, process::Stdio, time::Duration};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// A running counterpart process and the base URL it announced.
pub struct Counterpart {
    pub url: String,
    /// Held so the process lives as long as this value (it is killed on drop).
    _child: Child,
}

impl Counterpart {
    /// Runs `node testkit/counterparts/SCRIPT --port 0 ARGS...` and waits for its
    /// `listening URL` line.
    pub async fn node(script: &str, args: &[&str]) -> Counterpart {
        let mut command = Command::new("node");
        command
            .arg(counterparts_dir().join(script))
            .args(["--port", "0"])
            .args(args);
        Counterpart::start(script, command).await
    }

    /// moto, a real HTTP server speaking the AWS APIs (Secrets Manager, EC2, Route53), from
    /// the project's virtual environment (`scripts/install-moto.sh`).
    pub async fn moto() -> Counterpart {
        let python = project_root().join(".venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run scripts/install-moto.sh",
            python.display()
        );
        let mut command = Command::new(python);
        command.arg(counterparts_dir().join("moto-server.py"));
        Counterpart::start("moto-server.py", command).await
    }

    /// Starts `command` and waits for its `listening URL` line. Its standard input stays
    /// open while it lives, so a counterpart that watches it ends with the test process.
    async fn start(script: &str, mut command: Command) -> Counterpart {
        let mut child = command
            // oauth2-mock-server is resolved from the project's node_modules.
            .current_dir(project_root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {script}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{script} did not start within 20 s"))
            .expect("read the counterpart's output")
            .unwrap_or_else(|| panic!("{script} exited before listening"));
        let url = line
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("{script} printed {line:?} instead of `listening URL`"))
            .to_owned();
        Counterpart { url, _child: child }
    }
}

/// The project's root directory (where `node_modules` is).
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit lives in the project root")
        .to_path_buf()
}

fn counterparts_dir() -> PathBuf {
    project_root().join("testkit").join("counterparts")
}
