//! Cluster schedules: a bad cron expression is refused naming its field; a due schedule runs
//! once however many replicas look at it (two engines on one database); runs missed while
//! nixdeck was down are one run; a scheduled production redeploy waits for approval like
//! any other; a cluster without schedules of its own gets the default check.

use engine::{
    commands::{ClusterUpdate, ScheduleInput},
    model::{
        access::Role,
        failure::FailureKind,
        job::{JobKind, JobState, Trigger},
        schedule::DEFAULT_CHECK,
    },
    store::{clusters, now_millis, Store},
    Engine,
};
use testkit::on_both_databases;

use crate::helpers::{admin, create, engine, operator};

async fn deployed(engine: &Engine, store: &Store, name: &str, index: i64) {
    create(engine, name, index).await;
    let row = clusters::find(store, name)
        .await
        .expect("find")
        .expect("cluster");
    clusters::mark_on_deployer(store, &row.id, now_millis())
        .await
        .expect("mark");
}

/// Moves the schedules' last runs `minutes` into the past, as if nixdeck had been down.
async fn down_for(store: &Store, minutes: i64) {
    let then = now_millis() - minutes * 60_000;
    testkit::execute(
        store,
        &format!("update cluster_schedules set check_last_at = {then}, redeploy_last_at = {then}"),
    )
    .await;
}

/// A check on New Year's morning, and a redeploy every five minutes: once a run has
/// happened, the check is not due again for weeks (the test cannot straddle it).
fn yearly_check(check: bool, redeploy: bool) -> ScheduleInput {
    ScheduleInput {
        check: check.then(|| "0 0 1 1 *".to_owned()),
        redeploy: redeploy.then(|| "*/5 * * * *".to_owned()),
    }
}

async fn bad_schedules_are_refused_naming_their_field(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    for (input, field) in [
        (
            ScheduleInput {
                check: Some("61 * * * *".to_owned()),
                redeploy: None,
            },
            "check",
        ),
        (
            ScheduleInput {
                check: None,
                redeploy: Some("* * *".to_owned()),
            },
            "redeploy",
        ),
    ] {
        let refused = engine
            .set_schedule(&admin(), "alpha", Ok(input))
            .await
            .expect_err("bad cron");
        assert_eq!(refused.kind, FailureKind::Invalid);
        assert_eq!(refused.field.as_deref(), Some(field));
    }
    let refused = engine
        .set_schedule(&operator(), "alpha", Ok(yearly_check(true, false)))
        .await
        .expect_err("operators may not");
    assert_eq!(refused.kind, FailureKind::Forbidden);
    // Nothing was stored: the cluster still has the default check.
    let view = engine.schedule(&operator(), "alpha").await.expect("read");
    assert_eq!(view.check.as_deref(), Some(DEFAULT_CHECK));
    assert_eq!(view.redeploy, None);
    assert!(view.check_next_at.is_some());
}

async fn a_due_schedule_runs_once_across_replicas(store: Store) {
    let first = engine(&store);
    let second = engine(&store);
    deployed(&first, &store, "alpha", 1).await;
    first
        .set_schedule(&admin(), "alpha", Ok(yearly_check(true, false)))
        .await
        .expect("set");
    // Two New Year's mornings missed.
    down_for(&store, 800 * 24 * 60).await;
    let (a, b) = tokio::join!(first.run_due_schedules(), second.run_due_schedules());
    let queued: Vec<String> = a
        .expect("first")
        .into_iter()
        .chain(b.expect("second"))
        .collect();
    assert_eq!(queued.len(), 1, "two missed runs make one: {queued:?}");
    let job = first.job(&admin(), &queued[0]).await.expect("job").job;
    assert_eq!(job.kind, JobKind::Info);
    assert_eq!(job.trigger, Trigger::Schedule);
    assert_eq!(job.requested_by, "schedule");
    // Nothing more is due until next New Year.
    assert!(first.run_due_schedules().await.expect("again").is_empty());
    let view = first.schedule(&admin(), "alpha").await.expect("read");
    assert!(view.check_last_at.is_some());
    assert!(view.check_next_at.expect("next") > now_millis());
}

async fn a_scheduled_production_redeploy_waits_for_approval(store: Store) {
    let engine = engine(&store);
    deployed(&engine, &store, "alpha", 1).await;
    engine
        .update_cluster(
            &admin(),
            "alpha",
            ClusterUpdate {
                env: Some("production".to_owned()),
                ..ClusterUpdate::default()
            },
        )
        .await
        .expect("production");
    engine
        .set_schedule(&admin(), "alpha", Ok(yearly_check(false, true)))
        .await
        .expect("set");
    down_for(&store, 10).await;
    let queued = engine.run_due_schedules().await.expect("run");
    assert_eq!(queued.len(), 1);
    let job = engine.job(&admin(), &queued[0]).await.expect("job").job;
    assert_eq!(job.kind, JobKind::Deploy);
    assert_eq!(job.state, JobState::AwaitingApproval);
    // Whoever set the schedule asked for its runs: another admin approves.
    let own = engine
        .approve(&admin(), &job.id, Ok(None))
        .await
        .expect_err("the schedule's author");
    assert_eq!(own.kind, FailureKind::Forbidden);
    let approved = engine
        .approve(
            &crate::helpers::caller("oidc:ada", Role::Admin),
            &job.id,
            Ok(None),
        )
        .await
        .expect("approve");
    assert_eq!(approved.state, JobState::Queued);
}

async fn a_cluster_gets_the_default_check_once_deployed(store: Store) {
    let engine = engine(&store);
    create(&engine, "fresh", 2).await;
    deployed(&engine, &store, "alpha", 1).await;
    // The first look stores the default for each; nothing is due yet.
    assert!(engine.run_due_schedules().await.expect("run").is_empty());
    down_for(&store, 7 * 60).await;
    let queued = engine.run_due_schedules().await.expect("run");
    assert_eq!(queued.len(), 1, "only the deployed cluster is checked");
    let job = engine.job(&admin(), &queued[0]).await.expect("job").job;
    assert_eq!(job.target, "alpha");
}

on_both_databases!(
    bad_schedules_are_refused_naming_their_field,
    a_due_schedule_runs_once_across_replicas,
    a_scheduled_production_redeploy_waits_for_approval,
    a_cluster_gets_the_default_check_once_deployed,
);
