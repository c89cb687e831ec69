//! Test counterparts that run as their own processes (the GitHub stand-in, the OIDC
//! provider): started on a free 127.0.0.1 port, stopped when dropped.

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
        let path = counterparts_dir().join(script);
        let mut child = Command::new("node")
            .arg(&path)
            .args(["--port", "0"])
            .args(args)
            // oauth2-mock-server is resolved from the project's node_modules.
            .current_dir(project_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start node for {}: {e}", path.display()));
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
