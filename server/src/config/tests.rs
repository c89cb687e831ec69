//! How the layers combine and how bad values are reported.

use std::{collections::HashMap, io::Write};

use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn file_with(contents: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temporary file");
    file.write_all(contents.as_bytes()).expect("write config");
    file
}

fn error_of(result: Result<Config, ConfigError>) -> String {
    result
        .expect_err("the configuration should be refused")
        .to_string()
}

#[test]
fn nothing_configured_gives_the_documented_defaults() {
    let config = Config::from_sources(None, &env(&[])).expect("defaults");
    assert_eq!(config.listen.to_string(), "127.0.0.1:3000");
    assert_eq!(config.data_dir, PathBuf::from("./data"));
    assert_eq!(config.database_url.expose(), "sqlite://./data/nixdeck.db");
    assert_eq!(config.public_url_str(), "http://127.0.0.1:3000");
}

#[test]
fn the_sqlite_file_follows_the_data_directory() {
    let config = Config::from_sources(None, &env(&[("NIXDECK_DATA_DIR", "/var/lib/nixdeck")]))
        .expect("config");
    assert_eq!(
        config.database_url.expose(),
        "sqlite:///var/lib/nixdeck/nixdeck.db"
    );
}

#[test]
fn environment_variables_win_over_the_file() {
    let file = file_with("listen = \"127.0.0.1:4000\"\ndata_dir = \"/srv/nixdeck\"\n");
    let config = Config::from_sources(
        Some(file.path()),
        &env(&[("NIXDECK_LISTEN", "127.0.0.1:5000")]),
    )
    .expect("config");
    assert_eq!(config.listen.to_string(), "127.0.0.1:5000");
    assert_eq!(config.data_dir, PathBuf::from("/srv/nixdeck"));
    assert_eq!(
        config.origin_of("NIXDECK_LISTEN"),
        Origin::Env("NIXDECK_LISTEN")
    );
    assert_eq!(
        config.origin_of("NIXDECK_DATA_DIR"),
        Origin::File(file.path().to_path_buf())
    );
}

#[test]
fn a_malformed_listen_address_names_the_variable_and_the_problem() {
    let message = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_LISTEN", "localhost")]),
    ));
    assert_eq!(
        message,
        "invalid NIXDECK_LISTEN: \"localhost\" is not an IP address and port such as 127.0.0.1:3000"
    );
}

#[test]
fn a_bad_value_from_the_file_names_the_key_and_the_file() {
    let file = file_with("listen = \"nowhere\"\n");
    let message = error_of(Config::from_sources(Some(file.path()), &env(&[])));
    assert!(message.starts_with("invalid listen in "), "{message}");
    assert!(message.contains("NIXDECK_LISTEN"), "{message}");
}

#[test]
fn an_unsupported_database_scheme_is_refused_without_showing_the_password() {
    let message = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_DATABASE_URL", "mysql://admin:hunter2@db/nixdeck")]),
    ));
    assert!(
        message.starts_with("invalid NIXDECK_DATABASE_URL: "),
        "{message}"
    );
    assert!(message.contains("sqlite:"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn a_postgres_url_without_a_host_is_refused() {
    let message = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_DATABASE_URL", "postgres:///nixdeck")]),
    ));
    assert!(message.contains("names no host"), "{message}");
}

#[test]
fn a_public_url_must_be_http_or_https() {
    let message = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_PUBLIC_URL", "ftp://deck.example.com")]),
    ));
    assert!(
        message.starts_with("invalid NIXDECK_PUBLIC_URL: "),
        "{message}"
    );
    let config = Config::from_sources(
        None,
        &env(&[("NIXDECK_PUBLIC_URL", "https://deck.example.com/")]),
    )
    .expect("https is fine");
    assert_eq!(config.public_url_str(), "https://deck.example.com");
}

#[test]
fn an_unknown_key_in_the_file_is_refused() {
    let file = file_with("lisen = \"127.0.0.1:3000\"\n");
    let message = error_of(Config::from_sources(Some(file.path()), &env(&[])));
    assert!(message.contains("unknown field `lisen`"), "{message}");
}

#[test]
fn the_description_redacts_the_database_password() {
    let config = Config::from_sources(
        None,
        &env(&[(
            "NIXDECK_DATABASE_URL",
            "postgres://nixdeck:s3cret@db.internal:5432/nixdeck?sslmode=require",
        )]),
    )
    .expect("config");
    let text = config.describe();
    assert!(!text.contains("s3cret"), "{text}");
    assert!(
        text.contains("postgres://nixdeck:***@db.internal:5432/nixdeck"),
        "{text}"
    );
    assert!(!format!("{config:?}").contains("s3cret"));
}

#[test]
fn passwords_and_tokens_never_show_whatever_characters_they_hold() {
    let config = Config::from_sources(
        None,
        &env(&[
            (
                "NIXDECK_DATABASE_URL",
                // Unencoded, a numeric start of the password reads as a port: the URL is
                // well-formed, and everything after the host's colon is the secret.
                "postgres://nixdeck:2024/pa?ss#w@db.internal:5432/nixdeck",
            ),
            (
                "NIXDECK_NIXOPS_REPO_URL",
                "https://bot:ghp_repo_token@github.com/acme/disciplina-nixops.git",
            ),
        ]),
    )
    .expect("config");
    let text = config.describe();
    for secret in ["2024", "pa?ss", "ss#w", "ghp_repo_token"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(
        text.contains("postgres://nixdeck:***@db.internal:5432/nixdeck"),
        "{text}"
    );
    assert!(
        text.contains("https://bot:***@github.com/acme/disciplina-nixops.git"),
        "{text}"
    );
    let debugged = format!("{config:?}");
    assert!(
        !debugged.contains("pa?ss") && !debugged.contains("ghp_repo_token"),
        "{debugged}"
    );
}

#[test]
fn every_setting_is_shown_with_where_it_came_from() {
    let config =
        Config::from_sources(None, &env(&[("NIXDECK_LISTEN", "127.0.0.1:4000")])).expect("config");
    let text = config.describe();
    assert!(
        text.contains("listen = \"127.0.0.1:4000\"  # NIXDECK_LISTEN, from NIXDECK_LISTEN"),
        "{text}"
    );
    assert!(
        text.contains("audit_anchor = \"./data/audit-anchor\"  # NIXDECK_AUDIT_ANCHOR, default"),
        "{text}"
    );
    assert!(text.contains("deployer_ssh = \"local\""), "{text}");
    assert!(text.contains("# the deployer"), "{text}");
}

#[test]
fn a_password_given_as_a_query_parameter_is_redacted_too() {
    assert_eq!(
        database_url::redact("postgres://db/nixdeck?user=a&password=s3cret"),
        "postgres://db/nixdeck?user=a&password=***"
    );
}

#[test]
fn local_mode_refuses_to_listen_beyond_the_loopback_interface() {
    let message = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_LISTEN", "0.0.0.0:3000")]),
    ));
    assert!(
        message.starts_with("invalid NIXDECK_LISTEN: 0.0.0.0:3000 is not a loopback address"),
        "{message}"
    );
    let config = Config::from_sources(None, &env(&[("NIXDECK_LISTEN", "[::1]:3000")]))
        .expect("IPv6 loopback is fine");
    assert!(config.local_mode());
}

const GITHUB: [(&str, &str); 3] = [
    ("NIXDECK_GITHUB_CLIENT_ID", "Iv1.abc"),
    ("NIXDECK_GITHUB_CLIENT_SECRET", "very-secret-value"),
    ("NIXDECK_GITHUB_ORG", "acme"),
];

#[test]
fn github_sign_in_ends_local_mode_and_may_listen_anywhere() {
    let mut pairs = GITHUB.to_vec();
    pairs.extend([
        ("NIXDECK_LISTEN", "0.0.0.0:8080"),
        ("NIXDECK_GITHUB_ADMIN_TEAM", "platform-admins"),
    ]);
    let config = Config::from_sources(None, &env(&pairs)).expect("config");
    assert!(!config.local_mode());
    let github = config.github.as_ref().expect("GitHub");
    assert_eq!(github.org, "acme");
    assert_eq!(github.admin_team.as_deref(), Some("platform-admins"));
    assert_eq!(github.operator_team, None);
    assert_eq!(github.web_url.as_str(), "https://github.com/");
    assert_eq!(github.api_url.as_str(), "https://api.github.com/");
    let described = config.describe();
    assert!(!described.contains("very-secret-value"), "{described}");
    assert!(
        described.contains("github_client_secret = \"(redacted)\""),
        "{described}"
    );
    assert!(!described.contains("local mode"), "{described}");
}

#[test]
fn a_half_configured_provider_names_what_is_missing() {
    let error = error_of(Config::from_sources(
        None,
        &env(&[
            ("NIXDECK_GITHUB_CLIENT_ID", "Iv1.abc"),
            ("NIXDECK_GITHUB_ORG", "acme"),
        ]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_GITHUB_CLIENT_SECRET: is required"),
        "{error}"
    );

    let error = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_GITHUB_ADMIN_TEAM", "admins")]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_GITHUB_ADMIN_TEAM: GitHub sign-in also needs"),
        "{error}"
    );

    let error = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_OIDC_ISSUER", "https://id.example.com")]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_OIDC_CLIENT_ID: is required"),
        "{error}"
    );
}

#[test]
fn provider_urls_must_be_https_unless_on_this_machine() {
    let mut pairs = GITHUB.to_vec();
    pairs.push(("NIXDECK_GITHUB_API_URL", "http://github.internal/api/v3"));
    let error = error_of(Config::from_sources(None, &env(&pairs)));
    assert!(
        error.starts_with("invalid NIXDECK_GITHUB_API_URL:"),
        "{error}"
    );
    assert!(error.contains("https://"), "{error}");

    let mut pairs = GITHUB.to_vec();
    pairs.extend([
        ("NIXDECK_GITHUB_URL", "https://github.example.com"),
        ("NIXDECK_GITHUB_API_URL", "http://127.0.0.1:9999/api/v3"),
    ]);
    let config = Config::from_sources(None, &env(&pairs)).expect("loopback http is fine");
    let github = config.github.expect("GitHub");
    assert_eq!(github.api_url.as_str(), "http://127.0.0.1:9999/api/v3");
    assert_eq!(github.web_url.as_str(), "https://github.example.com/");
}

#[test]
fn an_organisation_name_with_a_slash_is_refused() {
    let mut pairs = GITHUB.to_vec();
    pairs[2] = ("NIXDECK_GITHUB_ORG", "acme/../../user");
    let error = error_of(Config::from_sources(None, &env(&pairs)));
    assert!(error.starts_with("invalid NIXDECK_GITHUB_ORG:"), "{error}");
}

#[test]
fn oidc_sign_in_reads_its_settings_from_the_file_too() {
    let file = file_with(
        "oidc_issuer = \"https://id.example.com/realms/ops\"\n\
         oidc_client_id = \"nixdeck\"\n\
         oidc_client_secret = \"file-secret\"\n\
         oidc_admin_group = \"ops-admins\"\n",
    );
    let config = Config::from_sources(Some(file.path()), &env(&[])).expect("config");
    let oidc = config.oidc.as_ref().expect("OIDC");
    assert_eq!(oidc.issuer, "https://id.example.com/realms/ops");
    assert_eq!(oidc.admin_group.as_deref(), Some("ops-admins"));
    assert_eq!(oidc.groups_claim, "groups");
    assert!(!config.local_mode());
    assert!(!config.describe().contains("file-secret"));
}

#[test]
fn the_deployer_is_local_by_default() {
    let config = Config::from_sources(None, &env(&[])).expect("defaults");
    assert!(matches!(config.deployer.target, DeployerTarget::Local));
    assert_eq!(config.deployer.nixops_root, "/var/lib/nixops");
    assert!(config.deployer.repo_url.ends_with("disciplina-nixops.git"));
    assert!(config.describe().contains("deployer_ssh = \"local\""));
}

#[test]
fn an_ssh_deployer_needs_a_readable_key_and_a_pinned_host_key() {
    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = key_pair(dir.path());
    let key_path = key.to_str().expect("UTF-8");
    let ssh = ("NIXDECK_DEPLOYER_SSH", "nixops@deployer.internal:2222");

    let error = error_of(Config::from_sources(None, &env(&[ssh])));
    assert!(
        error.starts_with("invalid NIXDECK_DEPLOYER_SSH_KEY: is required"),
        "{error}"
    );
    let error = error_of(Config::from_sources(
        None,
        &env(&[ssh, ("NIXDECK_DEPLOYER_SSH_KEY", key_path)]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_DEPLOYER_HOST_KEY: is required"),
        "{error}"
    );
    let error = error_of(Config::from_sources(
        None,
        &env(&[
            ssh,
            ("NIXDECK_DEPLOYER_SSH_KEY", "/nonexistent/key"),
            ("NIXDECK_DEPLOYER_HOST_KEY", public.trim()),
        ]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_DEPLOYER_SSH_KEY: cannot read"),
        "{error}"
    );
    let error = error_of(Config::from_sources(
        None,
        &env(&[
            ssh,
            ("NIXDECK_DEPLOYER_SSH_KEY", key_path),
            ("NIXDECK_DEPLOYER_HOST_KEY", "ssh-ed25519 not-base64!"),
        ]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_DEPLOYER_HOST_KEY:"),
        "{error}"
    );
    let error = error_of(Config::from_sources(
        None,
        &env(&[
            ("NIXDECK_DEPLOYER_SSH", "deployer.internal"),
            ("NIXDECK_DEPLOYER_SSH_KEY", key_path),
            ("NIXDECK_DEPLOYER_HOST_KEY", public.trim()),
        ]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_DEPLOYER_SSH:"),
        "{error}"
    );

    let config = Config::from_sources(
        None,
        &env(&[
            ssh,
            ("NIXDECK_DEPLOYER_SSH_KEY", key_path),
            ("NIXDECK_DEPLOYER_HOST_KEY", public.trim()),
        ]),
    )
    .expect("config");
    let DeployerTarget::Ssh(target) = &config.deployer.target else {
        panic!("an SSH deployer");
    };
    assert_eq!(
        (target.user.as_str(), target.host.as_str(), target.port),
        ("nixops", "deployer.internal", 2222)
    );
    assert!(
        !config.describe().contains("PRIVATE"),
        "the key never shows"
    );
}

#[test]
fn nixops_paths_and_repository_are_checked() {
    let error = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_NIXOPS_ROOT", "var/lib/nixops")]),
    ));
    assert!(error.starts_with("invalid NIXDECK_NIXOPS_ROOT:"), "{error}");
    let error = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_NIXOPS_REPO_URL", "--upload-pack=touch /tmp/x")]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_NIXOPS_REPO_URL:"),
        "{error}"
    );
    let config = Config::from_sources(
        None,
        &env(&[
            ("NIXDECK_NIXOPS_ROOT", "/srv/nixops/"),
            (
                "NIXDECK_NIXOPS_REPO_URL",
                "git@github.com:DisciplinaOU/disciplina-nixops.git",
            ),
        ]),
    )
    .expect("config");
    assert_eq!(config.deployer.nixops_root, "/srv/nixops");
}

#[test]
fn a_builder_is_optional_and_its_address_keys_and_interval_are_checked() {
    let config = Config::from_sources(None, &env(&[])).expect("defaults");
    assert!(config.builder.is_none());
    assert_eq!(
        config.deployer.deployer_checkout,
        "/var/lib/nixops/deployer/disciplina-nixops"
    );

    let dir = tempfile::tempdir().expect("dir");
    let (key, public) = key_pair(dir.path());
    let key_path = key.to_str().expect("UTF-8");
    let with = |pairs: &[(&str, &str)]| {
        let mut all = vec![
            ("NIXDECK_BUILDER_SSH", "administrator@mac.internal"),
            ("NIXDECK_BUILDER_SSH_KEY", key_path),
            ("NIXDECK_BUILDER_HOST_KEY", public.trim()),
        ];
        for (name, value) in pairs {
            all.retain(|(known, _)| known != name);
            all.push((name, value));
        }
        Config::from_sources(None, &env(&all))
    };
    let builder = with(&[]).expect("config").builder.expect("a builder");
    assert_eq!(builder.target.user, "administrator");
    assert_eq!(builder.target.port, 22);
    assert_eq!(builder.work_dir, "/Users/administrator");
    assert_eq!(builder.probe_interval.as_secs(), 60);

    for (pairs, variable) in [
        (
            &[("NIXDECK_BUILDER_SSH", "mac.internal")][..],
            "NIXDECK_BUILDER_SSH",
        ),
        (
            &[("NIXDECK_BUILDER_SSH", "administrator@mac:port")][..],
            "NIXDECK_BUILDER_SSH",
        ),
        (
            &[("NIXDECK_BUILDER_SSH_KEY", "/nonexistent/key")][..],
            "NIXDECK_BUILDER_SSH_KEY",
        ),
        (
            &[("NIXDECK_BUILDER_HOST_KEY", "ssh-ed25519 not-base64!")][..],
            "NIXDECK_BUILDER_HOST_KEY",
        ),
        (
            &[("NIXDECK_BUILDER_PROBE_INTERVAL", "0")][..],
            "NIXDECK_BUILDER_PROBE_INTERVAL",
        ),
        (
            &[("NIXDECK_BUILDER_WORK_DIR", "Users/admin")][..],
            "NIXDECK_BUILDER_WORK_DIR",
        ),
    ] {
        let error = error_of(with(pairs));
        assert!(
            error.starts_with(&format!("invalid {variable}:")),
            "{pairs:?}: {error}"
        );
    }
    let error = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_BUILDER_SSH", "administrator@mac.internal")]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_BUILDER_SSH_KEY: is required"),
        "{error}"
    );
}

/// A new ed25519 key pair in `dir`: the private key's path and the public key line.
fn key_pair(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let key = dir.join("id_ed25519");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen");
    assert!(made.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    (key, public)
}

#[test]
fn the_two_person_rule_is_on_for_a_day_unless_configured() {
    use engine::model::approval::ApprovalPolicy;
    let config = Config::from_sources(None, &env(&[])).expect("defaults");
    assert_eq!(config.approvals, ApprovalPolicy::default());
    assert!(config.approvals.required);
    assert_eq!(config.approvals.ttl_ms, 86_400_000);
    let config = Config::from_sources(
        None,
        &env(&[
            ("NIXDECK_PRODUCTION_APPROVALS", "off"),
            ("NIXDECK_APPROVAL_TTL", "90m"),
        ]),
    )
    .expect("set");
    assert!(!config.approvals.required);
    assert_eq!(config.approvals.ttl_ms, 90 * 60 * 1000);
    assert!(config.describe().contains("production_approvals = \"off\""));
    for (variable, value) in [
        ("NIXDECK_PRODUCTION_APPROVALS", "no"),
        ("NIXDECK_APPROVAL_TTL", "1h30m"),
        ("NIXDECK_APPROVAL_TTL", "59"),
        ("NIXDECK_APPROVAL_TTL", "31d"),
    ] {
        let error = error_of(Config::from_sources(None, &env(&[(variable, value)])));
        assert!(
            error.starts_with(&format!("invalid {variable}:")),
            "{value}: {error}"
        );
    }
}

#[test]
fn github_deployments_are_configured_with_or_without_sign_in() {
    let config = Config::from_sources(None, &env(&[])).expect("defaults");
    assert!(config.github_delivery.webhook_secret.is_none());
    assert!(config.github_delivery.deploy_token.is_none());
    let config = Config::from_sources(
        None,
        &env(&[
            (
                "NIXDECK_GITHUB_WEBHOOK_SECRET",
                "sixteen or more characters",
            ),
            ("NIXDECK_GITHUB_DEPLOY_TOKEN", "ghp_secret_token_value"),
            ("NIXDECK_GITHUB_API_URL", "https://ghe.example.com/api/v3"),
        ]),
    )
    .expect("statuses without sign-in");
    assert!(config.github.is_none());
    assert_eq!(
        config.github_delivery.api_url.as_str(),
        "https://ghe.example.com/api/v3"
    );
    let text = config.describe();
    assert!(!text.contains("ghp_secret_token_value"), "{text}");
    assert!(!text.contains("sixteen or more"), "{text}");
    assert!(text.contains("github_api_url"), "{text}");
    let error = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_GITHUB_WEBHOOK_SECRET", "short")]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_GITHUB_WEBHOOK_SECRET:"),
        "{error}"
    );
    // Without a token or sign-in, the API address alone means nothing.
    let error = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_GITHUB_API_URL", "https://ghe.example.com/api/v3")]),
    ));
    assert!(
        error.starts_with("invalid NIXDECK_GITHUB_API_URL:"),
        "{error}"
    );
}

#[test]
fn metrics_are_off_unless_given_an_address_of_their_own() {
    let config = Config::from_sources(None, &env(&[])).expect("config");
    assert_eq!(config.metrics_listen, None);
    assert!(config.describe().contains("metrics_listen = \"off\""));
    let config = Config::from_sources(None, &env(&[("NIXDECK_METRICS_LISTEN", "127.0.0.1:9464")]))
        .expect("config");
    assert_eq!(
        config.metrics_listen,
        Some("127.0.0.1:9464".parse().expect("address"))
    );
    let message = error_of(Config::from_sources(
        None,
        &env(&[("NIXDECK_METRICS_LISTEN", "localhost:9464")]),
    ));
    assert!(
        message
            .starts_with("invalid NIXDECK_METRICS_LISTEN: \"localhost:9464\" is not an IP address"),
        "{message}"
    );
    let message = error_of(Config::from_sources(
        None,
        &env(&[
            ("NIXDECK_LISTEN", "127.0.0.1:4000"),
            ("NIXDECK_METRICS_LISTEN", "127.0.0.1:4000"),
        ]),
    ));
    assert!(
        message.contains("NIXDECK_METRICS_LISTEN") && message.contains("address of their own"),
        "{message}"
    );
}

#[test]
fn log_retention_is_for_ever_or_a_number_of_days() {
    let config = Config::from_sources(None, &env(&[])).expect("config");
    assert_eq!(config.log_retention_days, None);
    let config =
        Config::from_sources(None, &env(&[("NIXDECK_LOG_RETENTION_DAYS", "90")])).expect("config");
    assert_eq!(config.log_retention_days, Some(90));
    for bad in ["0", "-3", "ninety", "36501", "1.5"] {
        let message = error_of(Config::from_sources(
            None,
            &env(&[("NIXDECK_LOG_RETENTION_DAYS", bad)]),
        ));
        assert!(
            message.starts_with("invalid NIXDECK_LOG_RETENTION_DAYS: "),
            "{bad}: {message}"
        );
    }
}
