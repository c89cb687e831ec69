//! The `nixdeck` binary run as a person would: subcommands, help, and bad configuration.

use std::process::{Command, Output};

fn nixdeck(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nixdeck"));
    command.args(args).current_dir(dir).env("RUST_LOG", "error");
    for (key, _) in std::env::vars().filter(|(key, _)| key.starts_with("NIXDECK_")) {
        command.env_remove(key);
    }
    command.envs(env.iter().copied());
    command.output().expect("run nixdeck")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["check-config", "--help"],
    ] {
        let output = nixdeck(dir.path(), &args, &[]);
        assert!(output.status.success(), "{args:?}");
        assert!(text(&output.stdout).contains("Usage: nixdeck"), "{args:?}");
    }
}

#[test]
fn check_config_prints_the_effective_configuration_with_secrets_redacted() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let output = nixdeck(
        dir.path(),
        &["check-config"],
        &[(
            "NIXDECK_DATABASE_URL",
            "postgres://deck:topsecret@db.internal/nixdeck",
        )],
    );
    assert!(output.status.success());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("listen = \"127.0.0.1:3000\""), "{stdout}");
    assert!(
        stdout.contains("postgres://deck:***@db.internal/nixdeck"),
        "{stdout}"
    );
    assert!(!stdout.contains("topsecret"));
    assert!(
        !dir.path().join("data").exists(),
        "check-config touches no data"
    );
}

#[test]
fn a_malformed_value_gives_one_line_and_a_non_zero_exit_touching_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (variable, value) in [
        ("NIXDECK_LISTEN", "not-an-address"),
        ("NIXDECK_DATABASE_URL", "mysql://root:pw@db/nixdeck"),
        ("NIXDECK_PUBLIC_URL", "nixdeck.example.com"),
        ("NIXDECK_LOG_FORMAT", "yaml"),
        ("NIXDECK_METRICS_LISTEN", "everywhere:9464"),
        ("NIXDECK_LOG_RETENTION_DAYS", "a year"),
    ] {
        for command in ["serve", "migrate", "check-config"] {
            let output = nixdeck(dir.path(), &[command], &[(variable, value)]);
            assert_eq!(output.status.code(), Some(2), "{command} with {variable}");
            let stderr = text(&output.stderr);
            assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
            assert!(
                stderr.starts_with(&format!("nixdeck: invalid {variable}: ")),
                "{stderr}"
            );
            assert!(!stderr.contains(":pw@"), "{stderr}");
        }
    }
    assert!(!dir.path().join("data").exists(), "nothing was created");
}

#[test]
fn migrate_creates_the_embedded_database_in_the_data_directory() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let output = nixdeck(dir.path(), &["migrate"], &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(dir.path().join("data/nixdeck.db").is_file());
    assert!(text(&output.stdout).contains("is up to date"));
    let again = nixdeck(dir.path(), &["migrate"], &[]);
    assert!(again.status.success(), "migrating twice is harmless");
}

#[test]
fn token_create_prints_the_token_alone_and_list_never_shows_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let created = nixdeck(
        dir.path(),
        &[
            "token",
            "create",
            "--name",
            "ci-deployer",
            "--role",
            "operator",
        ],
        &[],
    );
    assert!(created.status.success(), "{}", text(&created.stderr));
    let stdout = text(&created.stdout);
    let token = stdout.trim_end();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        token.starts_with("ndk_") && token.len() == 4 + 64,
        "{token}"
    );

    let listed = nixdeck(dir.path(), &["token", "list"], &[]);
    let listing = text(&listed.stdout);
    assert!(listing.contains("ci-deployer"), "{listing}");
    assert!(listing.contains("operator"), "{listing}");
    assert!(!listing.contains(token), "{listing}");

    let again = nixdeck(
        dir.path(),
        &[
            "token",
            "create",
            "--name",
            "ci-deployer",
            "--role",
            "viewer",
        ],
        &[],
    );
    // A conflict exits 5, an invalid value 3 (see the README's exit codes).
    assert_eq!(again.status.code(), Some(5));
    assert!(
        text(&again.stderr).contains("exists already"),
        "{}",
        text(&again.stderr)
    );

    let revoked = nixdeck(dir.path(), &["token", "revoke", "ci-deployer"], &[]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    let listing = text(&nixdeck(dir.path(), &["token", "list"], &[]).stdout);
    assert!(listing.contains("revoked"), "{listing}");
}

#[test]
fn token_create_refuses_a_bad_name_or_role_and_stores_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, role, expected) in [
        ("ci; rm -rf /", "viewer", "invalid --name"),
        ("ci", "root", "invalid --role"),
    ] {
        let output = nixdeck(
            dir.path(),
            &["token", "create", "--name", name, "--role", role],
            &[],
        );
        assert_eq!(output.status.code(), Some(3));
        assert!(
            text(&output.stderr).contains(expected),
            "{}",
            text(&output.stderr)
        );
        assert!(output.stdout.is_empty());
    }
    let listing = text(&nixdeck(dir.path(), &["token", "list"], &[]).stdout);
    assert_eq!(listing.lines().count(), 1, "only the header: {listing}");
}

#[test]
fn audit_verify_proves_the_log_whole_and_names_an_altered_event() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for name in ["a", "b", "c"] {
        let output = nixdeck(
            dir.path(),
            &["token", "create", "--name", name, "--role", "viewer"],
            &[],
        );
        assert!(output.status.success());
    }
    let verified = nixdeck(dir.path(), &["audit", "verify"], &[]);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    assert!(
        text(&verified.stdout).contains("intact: 3 events"),
        "{}",
        text(&verified.stdout)
    );

    testkit::block_on(async {
        let url = format!("sqlite://{}/data/nixdeck.db", dir.path().display());
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .expect("open the database");
        sqlx::query("update audit_events set target = 'token:z' where id = 2")
            .execute(&pool)
            .await
            .expect("tamper");
        pool.close().await;
    });
    let broken = nixdeck(dir.path(), &["audit", "verify"], &[]);
    assert_eq!(broken.status.code(), Some(1));
    assert_eq!(
        text(&broken.stderr).trim_end(),
        "nixdeck: audit log broken: event 2 was altered"
    );
}

#[test]
fn audit_verify_notices_the_newest_events_removed_and_the_chain_head_rewound() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for name in ["a", "b", "c", "d"] {
        let output = nixdeck(
            dir.path(),
            &["token", "create", "--name", name, "--role", "viewer"],
            &[],
        );
        assert!(output.status.success());
    }
    let anchor = std::fs::read_to_string(dir.path().join("data/audit-anchor")).expect("anchor");
    assert_eq!(anchor.lines().count(), 4, "{anchor}");

    // Someone who can write the database removes the newest events and rewinds the
    // chain's head to match: the database alone looks whole.
    testkit::block_on(async {
        let url = format!("sqlite://{}/data/nixdeck.db", dir.path().display());
        let pool = sqlx::SqlitePool::connect(&url)
            .await
            .expect("open the database");
        for statement in [
            "delete from audit_events where id >= 3",
            "update audit_chain_head set last_id = 2, \
             last_hash = (select hash from audit_events where id = 2)",
        ] {
            sqlx::query(statement).execute(&pool).await.expect("tamper");
        }
        pool.close().await;
    });
    let broken = nixdeck(dir.path(), &["audit", "verify"], &[]);
    assert_eq!(broken.status.code(), Some(1));
    assert_eq!(
        text(&broken.stderr).trim_end(),
        "nixdeck: audit log broken: event 3 is missing: the chain ends at event 2, but event 4 \
         was recorded outside the database"
    );
}

#[test]
fn check_config_shows_where_aws_is() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let output = nixdeck(
        dir.path(),
        &["check-config"],
        &[
            ("NIXDECK_AWS_REGION", "eu-west-1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ],
    );
    assert!(output.status.success());
    let stdout = text(&output.stdout);
    assert!(stdout.contains("aws_region = \"eu-west-1\""), "{stdout}");
    assert!(stdout.contains("aws_timeout = \"10\""), "{stdout}");
    assert!(
        stdout.contains("aws_endpoint_url = \"http://127.0.0.1:5000\"  # AWS_ENDPOINT_URL"),
        "{stdout}"
    );
    let output = nixdeck(
        dir.path(),
        &["check-config"],
        &[("NIXDECK_AWS_TIMEOUT", "0")],
    );
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("NIXDECK_AWS_TIMEOUT"));
}
