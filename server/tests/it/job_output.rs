//! A job's output as stored: any bytes (NUL, invalid UTF-8) are kept and made visible on
//! both databases; a line the database refuses every time fails the job with the reason in
//! its log instead of wedging it; and a machine that is not a deployer says what it lacks.

use axum::http::StatusCode;
use engine::{commands::Caller, store::Db};
use testkit::deployer::Deployer;

use crate::{
    helpers::TestApp,
    job_helpers::{create_and_deploy, log_text, wait_until_final},
};

async fn not_utf8_and_nul_bytes_are_stored_visibly(db: testkit::TestDb) {
    let deployer = Deployer::start().await;
    // `a NUL b 0xff c` on stdout, in every deploy pass.
    deployer.control(&["NIXOPS_STANDIN_RAW_HEX=6100629f63"]);
    let app = TestApp::with_deployer_on(db.store.clone(), &deployer).await;
    let cookie = app.sign_in().await;
    let id = create_and_deploy(&app, &cookie).await;
    let job = wait_until_final(&app, &cookie, &id).await;
    let log = log_text(&app, &cookie, &id).await;
    assert_eq!(job["state"], "succeeded", "{job:#}\n{log}");
    assert_eq!(log.matches("a\\x00b\\x9fc").count(), 3, "{log}");
    drop(db);
}

#[test]
fn not_utf8_and_nul_bytes_are_stored_visibly_on_sqlite() {
    testkit::block_on(async {
        not_utf8_and_nul_bytes_are_stored_visibly(testkit::TestDb::sqlite().await).await;
    })
}

#[test]
fn not_utf8_and_nul_bytes_are_stored_visibly_on_postgres() {
    testkit::block_on(async {
        not_utf8_and_nul_bytes_are_stored_visibly(testkit::TestDb::postgres().await).await;
    })
}

/// A trigger that refuses any log line holding `XYZZY`: a write that can never succeed.
async fn refuse_marked_lines(store: &engine::store::Store) {
    let statements: &[&str] = match store.db() {
        Db::Sqlite(_) => &["create trigger refuse_marked before insert on job_log \
             when new.text like '%XYZZY%' \
             begin select raise(abort, 'refused by a test trigger'); end"],
        Db::Postgres(_) => &[
            "create function refuse_marked() returns trigger language plpgsql as $$ \
             begin if new.text like '%XYZZY%' then \
             raise exception 'refused by a test trigger'; end if; return new; end $$",
            "create trigger refuse_marked before insert on job_log \
             for each row execute function refuse_marked()",
        ],
    };
    for statement in statements {
        testkit::execute(store, statement).await;
    }
}

async fn a_line_the_database_refuses_fails_the_job_with_the_reason(db: testkit::TestDb) {
    let deployer = Deployer::start().await;
    // "XYZZY" in pass 1's output, then a long build the failure must interrupt.
    deployer.control(&[
        "NIXOPS_STANDIN_RAW_HEX=58595a5a59",
        "NIXOPS_STANDIN_SLEEP=1",
    ]);
    refuse_marked_lines(&db.store).await;
    let app = TestApp::with_deployer_on(db.store.clone(), &deployer).await;
    let cookie = app.sign_in().await;
    let id = create_and_deploy(&app, &cookie).await;
    let job = wait_until_final(&app, &cookie, &id).await;
    let log = log_text(&app, &cookie, &id).await;
    assert_eq!(job["state"], "failed", "{job:#}\n{log}");
    let error = job["error"].as_str().expect("error");
    assert!(
        error.starts_with("the job's log could not be stored"),
        "{error}"
    );
    assert!(error.contains("refused by a test trigger"), "{error}");
    assert!(log.contains("the job's log could not be stored"), "{log}");
    // The deployment is free again: the next deploy runs.
    deployer.control(&[]);
    let next = crate::job_helpers::deploy(&app, &cookie, "alpha").await;
    assert_eq!(
        wait_until_final(&app, &cookie, &next).await["state"],
        "succeeded"
    );
    drop(db);
}

#[test]
fn a_line_the_database_refuses_fails_the_job_on_sqlite() {
    testkit::block_on(async {
        a_line_the_database_refuses_fails_the_job_with_the_reason(testkit::TestDb::sqlite().await)
            .await;
    })
}

#[test]
fn a_line_the_database_refuses_fails_the_job_on_postgres() {
    testkit::block_on(async {
        a_line_the_database_refuses_fails_the_job_with_the_reason(
            testkit::TestDb::postgres().await,
        )
        .await;
    })
}

#[test]
fn a_machine_that_is_not_a_deployer_says_what_it_lacks_and_how_to_fix_it() {
    testkit::block_on(async {
        // Local processes (the default), with a NixOps root that does not exist here.
        let mut app = TestApp::on_sqlite().await;
        let view = app
            .engine
            .host_view(&Caller::cli(), "deployer")
            .expect("the deployer");
        assert_eq!(view.address, "local processes");
        assert!(
            view.problems.iter().any(|p| p
                .starts_with("/nonexistent does not exist on this machine")
                && p.contains("NIXDECK_DEPLOYER_SSH")),
            "{:?}",
            view.problems
        );
        app.start();
        let cookie = app.sign_in().await;
        let id = create_and_deploy(&app, &cookie).await;
        let job = wait_until_final(&app, &cookie, &id).await;
        assert_eq!(job["state"], "failed");
        let error = job["error"].as_str().expect("error");
        assert!(
            error.starts_with(
                "step \"prepare\": /nonexistent does not exist on deployer (local processes): "
            ) && error.contains("point NIXDECK_DEPLOYER_SSH at the deployer"),
            "{error}"
        );
        let (response, _) = app
            .get_with_cookie(&format!("/api/v1/jobs/{id}"), &cookie)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    })
}
