//! Runbook step 1 run for real (with git, as local processes): the cluster's clone is
//! checked out at the commit its ref names now, detached, whether the clone is new or was
//! made by an earlier create (a stale local branch must not win).

use std::process::Command;

use engine::{
    model::{cluster::ClusterInput, dependencies::pin_dependencies},
    nixops::create_plan,
};

fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "tests")
        .env("GIT_AUTHOR_EMAIL", "tests@localhost")
        .env("GIT_COMMITTER_NAME", "tests")
        .env("GIT_COMMITTER_EMAIL", "tests@localhost")
        .output()
        .expect("run git");
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Commits a change on the work tree and pushes it to the bare repository.
fn commit(work: &std::path::Path, text: &str) -> String {
    std::fs::write(work.join("cluster.nix"), text).expect("write");
    git(work, &["add", "."]);
    git(work, &["commit", "--quiet", "-m", text]);
    git(
        work,
        &["push", "--quiet", "origin", "HEAD:master", "--tags"],
    );
    git(work, &["rev-parse", "HEAD"])
}

fn prepare(root: &std::path::Path, repo: &str, git_ref: &str) {
    let args = ClusterInput {
        name: "alpha".to_owned(),
        region: String::new(),
        cluster_index: 2,
        env: "production".to_owned(),
        ..ClusterInput::default()
    }
    .validate()
    .expect("valid");
    let deps =
        pin_dependencies(&[("disciplina-nixops".to_owned(), git_ref.to_owned())]).expect("deps");
    let plan = create_plan(&root.display().to_string(), repo, &args, &deps);
    let step = &plan.steps[0].command;
    let output = Command::new(&step.program)
        .args(&step.args)
        .current_dir(&step.cwd)
        .output()
        .expect("run prepare");
    assert!(output.status.success(), "prepare failed: {output:?}");
}

#[test]
fn a_repeated_create_checks_out_what_the_ref_names_now() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (bare, work, root) = (
        dir.path().join("repo.git"),
        dir.path().join("work"),
        dir.path().join("root"),
    );
    std::fs::create_dir_all(&root).expect("root");
    git(
        dir.path(),
        &[
            "init",
            "--quiet",
            "--bare",
            "--initial-branch=master",
            bare.to_str().expect("path"),
        ],
    );
    git(
        dir.path(),
        &[
            "clone",
            "--quiet",
            bare.to_str().expect("path"),
            work.to_str().expect("path"),
        ],
    );
    let first = commit(&work, "one");
    let repo = bare.display().to_string();
    let clone = root.join("alpha/disciplina-nixops");

    prepare(&root, &repo, "master");
    assert_eq!(git(&clone, &["rev-parse", "HEAD"]), first);

    let second = commit(&work, "two");
    prepare(&root, &repo, "master");
    assert_eq!(
        git(&clone, &["rev-parse", "HEAD"]),
        second,
        "the fetched commit, not the stale branch"
    );
    let symbolic = Command::new("git")
        .args(["symbolic-ref", "-q", "HEAD"])
        .current_dir(&clone)
        .status()
        .expect("git");
    assert!(!symbolic.success(), "detached");

    git(&work, &["tag", "v1.0", &first]);
    git(&work, &["push", "--quiet", "origin", "v1.0"]);
    prepare(&root, &repo, "v1.0");
    assert_eq!(git(&clone, &["rev-parse", "HEAD"]), first, "a tag");
    prepare(&root, &repo, &second);
    assert_eq!(git(&clone, &["rev-parse", "HEAD"]), second, "a commit");
}
