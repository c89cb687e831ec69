//! Talking to the command supervisor (`supervise.sh`) on a host: starting a command
//! detached in its run directory, asking how it is, following its output from byte
//! offsets, signalling its process group, and forgetting it. The script is sent with each
//! call (`sh -c SCRIPT nixdeck-run ACTION ...`), so a host needs nothing installed but a
//! POSIX shell, and `setsid` and GNU `tail` where they exist (perl and a polling reader
//! where they do not, as on macOS).

use tokio::sync::mpsc;

use super::{
    host::{HostErrorKind, Session},
    Command,
};
use crate::model::job::Stream;

const SCRIPT: &str = include_str!("supervise.sh");

/// A piece of an attach stream.
#[derive(Debug)]
pub(crate) enum Chunk {
    Data(Stream, Vec<u8>),
    /// The stream ended normally (the command ended, or its readers did).
    End,
    /// The connection broke mid-stream.
    Lost(String),
}

/// What the supervisor knows of a run directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunStatus {
    /// No such run: the command was never started.
    Absent,
    /// Being started this very moment.
    Starting,
    Running,
    /// Ended with this status.
    Exited(i32),
    /// Its processes are gone without an exit status (killed outright).
    Vanished,
    /// Its start was abandoned before the supervisor came up: the command never ran.
    Never,
}

/// How a request to abandon a start was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abandoned {
    /// The command will never run.
    Never,
    /// Its supervisor had already claimed the run: it is starting, or started.
    Claimed,
}

fn words(action: &str, dir: &str, rest: Vec<String>) -> Vec<String> {
    let mut words = vec![
        "sh".to_owned(),
        "-c".to_owned(),
        SCRIPT.to_owned(),
        "nixdeck-run".to_owned(),
        action.to_owned(),
        dir.to_owned(),
    ];
    words.extend(rest);
    words
}

impl Session {
    /// Runs `words` and answers their standard output (at most `limit` bytes).
    pub(super) async fn call(
        &self,
        words: &[String],
        limit: usize,
    ) -> Result<String, HostErrorKind> {
        match self {
            Session::Local(local) => local.call(words, limit).await,
            Session::Ssh(ssh) => ssh.call(words, limit).await,
        }
    }

    async fn stream(&self, words: &[String]) -> Result<mpsc::Receiver<Chunk>, HostErrorKind> {
        match self {
            Session::Local(local) => local.stream(words).await,
            Session::Ssh(ssh) => ssh.stream(words).await,
        }
    }

    /// The first line of a call's answer.
    async fn answer(&self, words: &[String]) -> Result<String, HostErrorKind> {
        // Answers are one short line.
        let output = self.call(words, 64 * 1024).await?;
        Ok(output.lines().next().unwrap_or_default().trim().to_owned())
    }

    pub(crate) async fn status(&self, dir: &str) -> Result<RunStatus, HostErrorKind> {
        let answer = self.answer(&words("status", dir, Vec::new())).await?;
        let mut parts = answer.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some("absent"), _) => Ok(RunStatus::Absent),
            (Some("starting"), _) => Ok(RunStatus::Starting),
            (Some("running"), _) => Ok(RunStatus::Running),
            (Some("vanished"), _) => Ok(RunStatus::Vanished),
            (Some("never"), _) => Ok(RunStatus::Never),
            (Some("exited"), Some(code)) => code
                .parse()
                .map(RunStatus::Exited)
                .map_err(|_| HostErrorKind::Protocol(format!("unreadable exit status {code:?}"))),
            _ => Err(HostErrorKind::Protocol(format!(
                "unexpected status answer {answer:?}"
            ))),
        }
    }

    /// Starts the command in `dir` unless it was started before; answers with what the
    /// start learned of the run (`Starting` when it must be asked again).
    pub(crate) async fn start(
        &self,
        dir: &str,
        work_dir: &str,
        command: &Command,
    ) -> Result<RunStatus, HostErrorKind> {
        let mut rest = vec![work_dir.to_owned(), command.cwd.clone()];
        rest.extend(command.env_words().map_err(HostErrorKind::Protocol)?);
        rest.push(command.program.clone());
        rest.extend(command.args.iter().cloned());
        let answer = self.answer(&words("start", dir, rest)).await?;
        match answer.split_whitespace().next() {
            Some("started") => Ok(RunStatus::Running),
            // Started earlier, or its supervisor is still coming up.
            Some("exists" | "starting") => Ok(RunStatus::Starting),
            // Abandoned meanwhile.
            Some("never") => Ok(RunStatus::Never),
            Some("no-work-dir") => Err(HostErrorKind::NoWorkDir(work_dir.to_owned())),
            _ => Err(HostErrorKind::Protocol(format!(
                "unexpected start answer {answer:?}"
            ))),
        }
    }

    /// Gives up on a start whose supervisor has not come up, unless it has claimed the run.
    pub(crate) async fn abandon(&self, dir: &str) -> Result<Abandoned, HostErrorKind> {
        let answer = self.answer(&words("abandon", dir, Vec::new())).await?;
        match answer.as_str() {
            "never" => Ok(Abandoned::Never),
            "claimed" => Ok(Abandoned::Claimed),
            _ => Err(HostErrorKind::Protocol(format!(
                "unexpected abandon answer {answer:?}"
            ))),
        }
    }

    /// Follows the run's output from the given offsets until the command ends.
    pub(crate) async fn attach(
        &self,
        dir: &str,
        stdout_offset: u64,
        stderr_offset: u64,
    ) -> Result<mpsc::Receiver<Chunk>, HostErrorKind> {
        let rest = vec![stdout_offset.to_string(), stderr_offset.to_string()];
        self.stream(&words("attach", dir, rest)).await
    }

    /// Sends `signal` (`TERM` or `KILL`) to the run's whole process group.
    pub(crate) async fn signal(&self, dir: &str, signal: &str) -> Result<(), HostErrorKind> {
        self.answer(&words("signal", dir, vec![signal.to_owned()]))
            .await
            .map(drop)
    }

    /// Removes a run directory (or a job's directory of runs).
    pub(crate) async fn forget(&self, dir: &str) -> Result<(), HostErrorKind> {
        self.answer(&words("forget", dir, Vec::new()))
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    //! The supervisor script itself, run as local processes in a temporary directory.

    use super::{Abandoned, RunStatus};
    use crate::exec::{host::Session, local::LocalSession, Command};

    fn command(script: &str, cwd: &str) -> Command {
        Command {
            program: "sh".to_owned(),
            args: vec!["-c".to_owned(), script.to_owned()],
            cwd: cwd.to_owned(),
            env: Vec::new(),
        }
    }

    async fn settled(session: &Session, dir: &str) -> RunStatus {
        for _ in 0..200 {
            match session.status(dir).await.expect("status") {
                RunStatus::Starting | RunStatus::Running => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                other => return other,
            }
        }
        panic!("the command did not end");
    }

    #[tokio::test]
    async fn a_started_command_runs_detached_and_leaves_its_output_and_status() {
        let work = tempfile::tempdir().expect("tempdir");
        let root = work.path().to_str().expect("utf-8").to_owned();
        let dir = format!("{root}/runs/1-0");
        let session = Session::Local(LocalSession);
        assert_eq!(
            session.status(&dir).await.expect("status"),
            RunStatus::Absent
        );
        let run = command("echo out; echo err >&2; exit 3", &root);
        assert_eq!(
            session.start(&dir, &root, &run).await.expect("start"),
            RunStatus::Running
        );
        assert_eq!(settled(&session, &dir).await, RunStatus::Exited(3));
        let out = std::fs::read_to_string(format!("{dir}/out")).expect("out");
        let err = std::fs::read_to_string(format!("{dir}/err")).expect("err");
        assert_eq!((out.as_str(), err.as_str()), ("out\n", "err\n"));
        // Asking again never runs it twice.
        session.start(&dir, &root, &run).await.expect("again");
        assert_eq!(
            std::fs::read_to_string(format!("{dir}/out")).expect("out"),
            "out\n"
        );
        // A run that has its supervisor cannot be abandoned.
        assert_eq!(
            session.abandon(&dir).await.expect("abandon"),
            Abandoned::Claimed
        );
    }

    #[tokio::test]
    async fn an_abandoned_start_never_runs_even_if_its_supervisor_comes_up_late() {
        let work = tempfile::tempdir().expect("tempdir");
        let root = work.path().to_str().expect("utf-8").to_owned();
        let dir = format!("{root}/runs/1-0");
        let ran = format!("{root}/ran");
        let came_up = format!("{root}/came-up");
        // A host too starved to bring the supervisor up at once: its `setsid` takes a
        // second, then says when the supervisor has ended (the script's check that
        // `setsid` works, `setsid true`, is answered at once).
        let real = std::process::Command::new("sh")
            .args(["-c", "command -v setsid"])
            .output()
            .expect("setsid");
        let real = String::from_utf8(real.stdout).expect("utf-8");
        let bin = format!("{root}/bin");
        std::fs::create_dir(&bin).expect("bin");
        std::fs::write(
            format!("{bin}/setsid"),
            format!(
                "#!/bin/sh\n[ \"$1\" = true ] && exec {real} \"$@\"\nsleep 1\n{real} -w \"$@\"\ntouch {came_up}\n",
                real = real.trim()
            ),
        )
        .expect("wrapper");
        std::process::Command::new("chmod")
            .args(["755", &format!("{bin}/setsid")])
            .status()
            .expect("chmod");
        let path = format!("{bin}:{}", std::env::var("PATH").unwrap_or_default());
        let start = tokio::process::Command::new("sh")
            .args([
                "-c",
                super::SCRIPT,
                "nixdeck-run",
                "start",
                &dir,
                &root,
                &root,
            ])
            .args(["sh", "-c", &format!("touch {ran}")])
            .env("PATH", path)
            .output();
        let start = tokio::spawn(start);

        let session = Session::Local(LocalSession);
        while session.status(&dir).await.expect("status") != RunStatus::Starting {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(
            session.abandon(&dir).await.expect("abandon"),
            Abandoned::Never
        );
        let answer = start.await.expect("join").expect("start");
        assert_eq!(String::from_utf8_lossy(&answer.stdout).trim(), "never");
        for _ in 0..200 {
            if std::path::Path::new(&came_up).exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(
            std::path::Path::new(&came_up).exists(),
            "the supervisor came up"
        );
        assert!(
            !std::path::Path::new(&ran).exists(),
            "the command never ran"
        );
        assert_eq!(
            session.status(&dir).await.expect("status"),
            RunStatus::Never
        );
    }
}
