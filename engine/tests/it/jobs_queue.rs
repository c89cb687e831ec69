//! The job queue on both engines: claiming respects concurrency keys and exclusive jobs,
//! leases are renewed, lapse and are taken over, a cancel reaches the worker.

use engine::{
    model::{failure::FailureKind, job::JobState},
    store::{
        jobs::{self as queue, Lease},
        now_millis, Store,
    },
};
use testkit::on_both_databases;

use crate::helpers::{admin, create, deploy, engine};

async fn claim(store: &Store, worker: &str) -> Option<String> {
    let now = now_millis();
    queue::claim(store, worker, now, now + 30_000)
        .await
        .expect("claim")
        .map(|job| job.id)
}

async fn finish(store: &Store, id: &str, worker: &str) {
    let mut tx = store.begin().await.expect("tx");
    assert!(queue::finish(
        &mut tx,
        id,
        Some(worker),
        JobState::Succeeded,
        None,
        now_millis()
    )
    .await
    .expect("finish"));
    tx.commit().await.expect("commit");
}

async fn jobs_of_one_deployment_run_one_at_a_time_in_order(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    create(&engine, "beta", 2).await;
    let a1 = deploy(&engine, "alpha", false).await;
    let a2 = deploy(&engine, "alpha", true).await;
    let b1 = deploy(&engine, "beta", false).await;
    assert_eq!(claim(&store, "w1").await, Some(a1.clone()));
    // alpha is busy: beta's job goes next, alpha's second waits.
    assert_eq!(claim(&store, "w1").await, Some(b1.clone()));
    assert_eq!(claim(&store, "w1").await, None);
    finish(&store, &a1, "w1").await;
    assert_eq!(claim(&store, "w1").await, Some(a2));
    let job = engine.job(&admin(), &b1).await.expect("job").job;
    assert_eq!(job.state, JobState::Running);
    assert!(job.started_at.is_some());
}

async fn nothing_runs_beside_an_exclusive_job_on_its_host(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    let a = deploy(&engine, "alpha", false).await;
    // A job on the deployer deployment itself, as maintenance of the deployer queues it:
    // exclusive on its host, and older than alpha's.
    testkit::execute(
        &store,
        "insert into jobs (id, kind, cluster, cluster_id, state, params, requested_by, \
         requested_via, host, concurrency_key, exclusive, created_at, trigger_kind) \
         select '00000000-0000-7000-8000-000000000000', 'info', 'deployer', '', 'queued', \
         params, 'github:alice', 'session', 'deployer', 'deployment:deployer', exclusive, 0, \
         'ui' from jobs limit 1",
    )
    .await;
    testkit::execute(
        &store,
        "update jobs set exclusive = (id = '00000000-0000-7000-8000-000000000000')",
    )
    .await;
    assert_eq!(
        claim(&store, "w1").await.as_deref(),
        Some("00000000-0000-7000-8000-000000000000")
    );
    // While it runs, nothing else on its host starts.
    assert_eq!(claim(&store, "w1").await, None);
    finish(&store, "00000000-0000-7000-8000-000000000000", "w1").await;
    assert_eq!(claim(&store, "w1").await, Some(a));
}

async fn leases_are_renewed_by_their_owner_and_lapsed_ones_taken_over(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    let id = deploy(&engine, "alpha", false).await;
    claim(&store, "w1").await.expect("claimed");
    let until = now_millis() + 30_000;
    assert_eq!(
        queue::renew(&store, &id, "w1", until).await.expect("renew"),
        Lease::Held
    );
    assert_eq!(
        queue::renew(&store, &id, "w2", until).await.expect("renew"),
        Lease::Lost
    );
    // A live lease is not taken over...
    let now = now_millis();
    assert!(queue::take_over(&store, "w2", now, now + 30_000)
        .await
        .expect("take")
        .is_none());
    // ...a lapsed one is, and the old owner learns it has lost the job.
    testkit::execute(&store, "update jobs set lease_expires_at = 1").await;
    let taken = queue::take_over(&store, "w2", now, now + 30_000)
        .await
        .expect("take")
        .expect("taken over");
    assert_eq!(taken.id, id);
    assert_eq!(taken.lease_owner.as_deref(), Some("w2"));
    assert_eq!(
        queue::renew(&store, &id, "w1", until).await.expect("renew"),
        Lease::Lost
    );

    // A cancel reaches whoever holds the job.
    let cancelled = engine.cancel(&admin(), &id).await.expect("cancel");
    assert_eq!(
        cancelled.state,
        JobState::Running,
        "it stops when its worker sees it"
    );
    assert_eq!(
        queue::renew(&store, &id, "w2", until).await.expect("renew"),
        Lease::CancelRequested
    );
}

async fn leases_are_released_for_the_next_start(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    engine.deploy(&admin(), "alpha", false).await.expect("job");
    claim(&store, "w1").await.expect("claimed");
    assert_eq!(
        queue::release_leases(&store, Some("other"))
            .await
            .expect("release"),
        0
    );
    assert_eq!(
        queue::release_leases(&store, Some("w1"))
            .await
            .expect("release"),
        1
    );
    let now = now_millis();
    assert!(queue::take_over(&store, "w2", now, now + 30_000)
        .await
        .expect("take")
        .is_some());
}

async fn a_queued_job_is_cancelled_at_once_and_audited(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    let id = deploy(&engine, "alpha", false).await;
    let view = engine.cancel(&admin(), &id).await.expect("cancel");
    assert_eq!(view.state, JobState::Cancelled);
    assert!(view
        .steps
        .iter()
        .all(|s| s.state == engine::model::job::StepState::Cancelled));
    let again = engine.cancel(&admin(), &id).await.expect_err("ended");
    assert_eq!(again.kind, FailureKind::Conflict);
    let events = engine::audit::list(&store, &engine::audit::AuditFilter::default(), 10)
        .await
        .expect("audit");
    let actions: Vec<&str> = events.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "cluster.created",
            "job.create_requested",
            "job.cancel_requested"
        ]
    );
    // The cluster never reached the deployer: cancelling left it as it was.
    let cluster = engine.cluster(&admin(), "alpha").await.expect("cluster");
    assert_eq!(cluster.state, engine::model::cluster::ClusterState::New);
}

async fn jobs_are_listed_newest_first_per_cluster(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    create(&engine, "beta", 2).await;
    let first = deploy(&engine, "alpha", false).await;
    let second = deploy(&engine, "alpha", true).await;
    engine.deploy(&admin(), "beta", false).await.expect("job");
    let alpha: Vec<String> = engine
        .jobs(&admin(), Some("alpha"), None, 10)
        .await
        .expect("list")
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(alpha, [second, first]);
    assert_eq!(
        engine
            .jobs(&admin(), None, None, 10)
            .await
            .expect("list")
            .len(),
        3
    );
}

on_both_databases!(
    jobs_of_one_deployment_run_one_at_a_time_in_order,
    nothing_runs_beside_an_exclusive_job_on_its_host,
    leases_are_renewed_by_their_owner_and_lapsed_ones_taken_over,
    leases_are_released_for_the_next_start,
    a_queued_job_is_cancelled_at_once_and_audited,
    jobs_are_listed_newest_first_per_cluster,
);
