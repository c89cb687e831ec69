//! A deployer for tests: a real OpenSSH sshd on 127.0.0.1 (started by
//! `counterparts/sshd-fixture.sh run`) that logs in an unprivileged user whose PATH finds
//! the recording `nixops` stand-in. Started as [`Role::Builder`] it plays the macOS builder
//! instead (the host stand-in as `darwin-rebuild`, `launchctl`, `sudo`, ...; no `nixops`).
//! Stopped, with everything its sessions started, when dropped (the fixture ends when its
//! standard input closes).

use std::{collections::HashMap, path::PathBuf, process::Stdio, time::Duration};

use serde_json::Value;
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

use crate::counterpart::project_root;

/// Which host the fixture plays (its `SSHD_FIXTURE_ROLE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The NixOS deployer: `nixops`, and the host stand-in as `systemctl` and
    /// `buildkite-agent`.
    Deployer,
    /// The macOS builder: the host stand-in as `sw_vers`, `nix`, `darwin-rebuild`,
    /// `launchctl`, `sudo` and the rest.
    Builder,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Deployer => "deployer",
            Role::Builder => "builder",
        }
    }
}

pub struct Deployer {
    pub port: u16,
    pub user: String,
    pub key_path: PathBuf,
    /// The host key line to pin (`ssh-ed25519 AAAA...`).
    pub host_key: String,
    /// Where the stand-in keeps NixOps' directory tree: the tests' `/var/lib/nixops`.
    pub nixops_root: String,
    record: PathBuf,
    exits: PathBuf,
    control: PathBuf,
    host_record: PathBuf,
    host_control: PathBuf,
    /// `[127.0.0.1]:PORT KEY`, for the OpenSSH client's `UserKnownHostsFile`.
    pub known_hosts: PathBuf,
    /// A git repository with a `master` branch, standing in for disciplina-nixops.
    pub repo_url: String,
    _child: Child,
    _dir: tempfile::TempDir,
}

impl Deployer {
    pub async fn start() -> Deployer {
        Deployer::start_as(Role::Deployer).await
    }

    pub async fn start_as(role: Role) -> Deployer {
        // Under /tmp: every directory above it must be traversable by the SSH user.
        let dir = tempfile::Builder::new()
            .prefix("nixdeck-deployer-")
            .tempdir_in("/tmp")
            .expect("fixture directory");
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("make the fixture directory traversable");
        let script = project_root().join("testkit/counterparts/sshd-fixture.sh");
        let mut child = Command::new("bash")
            .arg(&script)
            .arg("run")
            .arg(dir.path().join("sshd"))
            .env("SSHD_FIXTURE_ROLE", role.name())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start the sshd fixture");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut values = HashMap::new();
        let reading = async {
            while let Some(line) = lines.next_line().await.expect("fixture output") {
                if line == "READY=1" {
                    return true;
                }
                if let Some((key, value)) = line.split_once('=') {
                    values.insert(key.to_owned(), value.to_owned());
                }
            }
            false
        };
        let ready = tokio::time::timeout(Duration::from_secs(30), reading)
            .await
            .expect("the sshd fixture did not start within 30 s");
        assert!(
            ready,
            "the sshd fixture exited before it was ready: {values:?}"
        );
        // Keep reading: a closed pipe would end the fixture at its next line of output.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let value = |key: &str| {
            values
                .get(key)
                .cloned()
                .unwrap_or_else(|| panic!("fixture printed no {key}"))
        };
        let repo_url = make_repository(dir.path(), &value("SSH_USER")).await;
        Deployer {
            port: value("SSH_PORT").parse().expect("port"),
            user: value("SSH_USER"),
            key_path: PathBuf::from(value("SSH_KEY")),
            host_key: value("SSH_HOST_KEY"),
            nixops_root: value("NIXOPS_ROOT"),
            record: PathBuf::from(value("RECORD")),
            known_hosts: PathBuf::from(value("KNOWN_HOSTS")),
            exits: PathBuf::from(value("EXITS")),
            control: PathBuf::from(value("CONTROL")),
            host_record: PathBuf::from(value("HOST_RECORD")),
            host_control: PathBuf::from(value("HOST_CONTROL")),
            repo_url,
            _child: child,
            _dir: dir,
        }
    }

    /// `user@127.0.0.1:port`, as NIXDECK_DEPLOYER_SSH (and NIXDECK_BUILDER_SSH) takes it.
    pub fn address(&self) -> String {
        format!("{}@127.0.0.1:{}", self.user, self.port)
    }

    /// The SSH user's directory for the tests (what `nixops_root` is): the builder's
    /// NIXDECK_BUILDER_WORK_DIR.
    pub fn home(&self) -> String {
        self.nixops_root.clone()
    }

    /// Every `nixops` invocation so far: `{"argv", "cwd", "nixops_deployment", ...}`.
    pub fn calls(&self) -> Vec<Value> {
        read_json_lines(&self.record)
    }

    /// Every `nixops` exit so far: `{"pid", "argv", "status", "reason", ...}`.
    pub fn exits(&self) -> Vec<Value> {
        read_json_lines(&self.exits)
    }

    /// The sshd's own log, for a failing test's message.
    pub fn sshd_log(&self) -> String {
        std::fs::read_to_string(self._dir.path().join("sshd/sshd.log")).unwrap_or_default()
    }

    /// Sets the stand-in's controls (`NIXOPS_STANDIN_*=...` lines) for the calls to come.
    pub fn control(&self, lines: &[&str]) {
        std::fs::write(&self.control, lines.join("\n") + "\n").expect("write controls");
    }

    /// Every host stand-in invocation so far (`sw_vers`, `launchctl`, `systemctl`, ...):
    /// `{"program", "argv", "cwd", "time", "pid", "sudo"}`.
    pub fn host_calls(&self) -> Vec<Value> {
        read_json_lines(&self.host_record)
    }

    /// Sets the host stand-in's controls (`HOST_STANDIN_*=...` lines) for the calls to come.
    pub fn host_control(&self, lines: &[&str]) {
        std::fs::write(&self.host_control, lines.join("\n") + "\n").expect("write host controls");
    }
}

fn read_json_lines(path: &PathBuf) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// A bare repository with one commit on `master`, owned by the SSH user.
async fn make_repository(dir: &std::path::Path, owner: &str) -> String {
    let work = dir.join("repo-work");
    let bare = dir.join("disciplina-nixops.git");
    std::fs::create_dir_all(work.join("deployments")).expect("work tree");
    std::fs::write(work.join("deployments/cluster.nix"), "{ }\n").expect("cluster.nix");
    let git = |args: Vec<String>| async move {
        let status = Command::new("git")
            .args(&args)
            .env("GIT_AUTHOR_NAME", "tests")
            .env("GIT_AUTHOR_EMAIL", "tests@localhost")
            .env("GIT_COMMITTER_NAME", "tests")
            .env("GIT_COMMITTER_EMAIL", "tests@localhost")
            .stdout(Stdio::null())
            .status()
            .await
            .expect("run git");
        assert!(status.success(), "git {args:?} failed");
    };
    let w = work.display().to_string();
    git(vec![
        "init".into(),
        "--quiet".into(),
        "--initial-branch=master".into(),
        w.clone(),
    ])
    .await;
    git(vec!["-C".into(), w.clone(), "add".into(), ".".into()]).await;
    git(vec![
        "-C".into(),
        w.clone(),
        "commit".into(),
        "--quiet".into(),
        "-m".into(),
        "cluster".into(),
    ])
    .await;
    git(vec![
        "clone".into(),
        "--quiet".into(),
        "--bare".into(),
        w,
        bare.display().to_string(),
    ])
    .await;
    // Owned by the SSH user, as a repository it clones must be (git refuses others').
    let _ = Command::new("chown")
        .arg("-R")
        .arg(owner)
        .arg(&bare)
        .status()
        .await;
    bare.display().to_string()
}
