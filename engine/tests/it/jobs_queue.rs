//! The job queue on both engines: claiming respects the per-deployment lock and the
//! deployer rule, leases are renewed and lapse, logs keep their order, clusters and jobs
//! are audited.

use engine::{
    clusters::{self, Actor},
    jobs,
    model::{cluster::ClusterInput, job::JobState},
    store::{
        jobs::{self as queue, LogRow},
        now_millis, Store,
    },
};
use testkit::on_both_databases;

fn actor() -> Actor {
    Actor {
        login: "alice".to_owned(),
        source_addr: Some("127.0.0.1".to_owned()),
    }
}

async fn cluster(store: &Store, name: &str, index: i64) {
    let input = ClusterInput {
        name: name.to_owned(),
        region: String::new(),
        cluster_index: index,
        env: "staging".to_owned(),
        domain: format!("{name}.disciplina.io"),
        dns_zone: "disciplina.io.".to_owned(),
    };
    clusters::create(store, &actor(), &input, &[])
        .await
        .expect("cluster");
}

async fn claim(store: &Store) -> Option<String> {
    let now = now_millis();
    queue::claim(store, "worker-1", now, now + 30_000)
        .await
        .expect("claim")
        .map(|job| job.id)
}

async fn jobs_of_one_deployment_run_one_at_a_time_in_order(store: Store) {
    cluster(&store, "alpha", 1).await;
    cluster(&store, "beta", 2).await;
    let a1 = jobs::request_deploy(&store, &actor(), "alpha", false)
        .await
        .expect("a1")
        .id;
    let a2 = jobs::request_deploy(&store, &actor(), "alpha", true)
        .await
        .expect("a2")
        .id;
    let b1 = jobs::request_deploy(&store, &actor(), "beta", false)
        .await
        .expect("b1")
        .id;
    assert_eq!(claim(&store).await, Some(a1.clone()));
    // alpha is busy: beta's job goes next, alpha's second waits.
    assert_eq!(claim(&store).await, Some(b1.clone()));
    assert_eq!(claim(&store).await, None);
    let mut tx = store.begin().await.expect("tx");
    assert!(queue::finish(&mut tx, &a1, "succeeded", None, now_millis())
        .await
        .expect("finish"));
    tx.commit().await.expect("commit");
    assert_eq!(claim(&store).await, Some(a2));
    let view = jobs::view(&store, &b1).await.expect("view");
    assert_eq!(view.state, JobState::Running);
    assert!(view.started_at.is_some());
}

async fn nothing_runs_beside_a_job_on_the_deployer_deployment(store: Store) {
    cluster(&store, "alpha", 1).await;
    let a = jobs::request_deploy(&store, &actor(), "alpha", false)
        .await
        .expect("a")
        .id;
    // A job on the deployer deployment itself, as maintenance of the deployer would queue.
    testkit::execute(
        &store,
        "insert into jobs (id, kind, cluster, state, params, requested_by, created_at) \
         select '00000000-0000-7000-8000-000000000000', 'info', 'deployer', 'queued', params, \
         'alice', 0 from jobs limit 1",
    )
    .await;
    // The deployer job is older, but cannot start beside nothing-yet; it goes first...
    assert_eq!(
        claim(&store).await.as_deref(),
        Some("00000000-0000-7000-8000-000000000000")
    );
    // ...and while it runs, nothing else starts.
    assert_eq!(claim(&store).await, None);
    let mut tx = store.begin().await.expect("tx");
    queue::finish(
        &mut tx,
        "00000000-0000-7000-8000-000000000000",
        "succeeded",
        None,
        now_millis(),
    )
    .await
    .expect("finish");
    tx.commit().await.expect("commit");
    assert_eq!(claim(&store).await, Some(a));
}

async fn leases_are_renewed_by_their_owner_and_lapsed_ones_found(store: Store) {
    cluster(&store, "alpha", 1).await;
    let id = jobs::request_deploy(&store, &actor(), "alpha", false)
        .await
        .expect("job")
        .id;
    claim(&store).await.expect("claimed");
    assert_eq!(
        queue::renew(&store, &id, "worker-1", now_millis() + 30_000)
            .await
            .expect("renew"),
        Some(false)
    );
    assert_eq!(
        queue::renew(&store, &id, "worker-2", now_millis() + 30_000)
            .await
            .expect("renew"),
        None
    );
    assert!(queue::orphans(&store, Some(now_millis()))
        .await
        .expect("orphans")
        .is_empty());
    assert_eq!(
        queue::orphans(&store, None).await.expect("orphans").len(),
        1
    );
    testkit::execute(&store, "update jobs set lease_expires_at = 1").await;
    assert_eq!(
        queue::orphans(&store, Some(now_millis()))
            .await
            .expect("orphans")
            .len(),
        1
    );

    let cancelled = jobs::cancel(&store, &actor(), &id).await.expect("cancel");
    assert_eq!(
        cancelled.state,
        JobState::Running,
        "a running job stops when its worker sees it"
    );
    assert_eq!(
        queue::renew(&store, &id, "worker-1", now_millis() + 30_000)
            .await
            .expect("renew"),
        Some(true)
    );
}

async fn a_queued_job_is_cancelled_at_once_and_audited(store: Store) {
    cluster(&store, "alpha", 1).await;
    let id = jobs::request_deploy(&store, &actor(), "alpha", false)
        .await
        .expect("job")
        .id;
    let view = jobs::cancel(&store, &actor(), &id).await.expect("cancel");
    assert_eq!(view.state, JobState::Cancelled);
    assert!(view
        .steps
        .iter()
        .all(|s| s.state == engine::model::job::StepState::Cancelled));
    assert!(matches!(
        jobs::cancel(&store, &actor(), &id).await,
        Err(jobs::JobError::Conflict(_))
    ));
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
}

async fn log_lines_come_back_in_order_from_any_point(store: Store) {
    cluster(&store, "alpha", 1).await;
    let id = jobs::request_deploy(&store, &actor(), "alpha", false)
        .await
        .expect("job")
        .id;
    let lines: Vec<LogRow> = (1..=1234)
        .map(|seq| LogRow {
            seq,
            stream: if seq % 2 == 0 { "stderr" } else { "stdout" }.to_owned(),
            at: 1000 + seq,
            text: format!("line {seq} with 'quotes' and \u{1b}[1;32mcolour\u{1b}[0m"),
        })
        .collect();
    queue::append_log(&store, &id, &lines)
        .await
        .expect("append");
    assert_eq!(queue::last_seq(&store, &id).await.expect("last"), 1234);
    let after = queue::log_after(&store, &id, 1000, 100)
        .await
        .expect("after");
    assert_eq!(after.len(), 100);
    assert_eq!(after[0].seq, 1001);
    assert_eq!(after[0].stream, "stdout");
    let all = jobs::log(&store, &id).await.expect("log");
    assert_eq!(all.len(), 1234);
    assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert_eq!(all[1233].text, lines[1233].text);
    // A sequence number is used once.
    assert!(queue::append_log(&store, &id, &lines[..1]).await.is_err());
}

async fn jobs_are_listed_newest_first_per_cluster(store: Store) {
    cluster(&store, "alpha", 1).await;
    cluster(&store, "beta", 2).await;
    let first = jobs::request_deploy(&store, &actor(), "alpha", false)
        .await
        .expect("job")
        .id;
    let second = jobs::request_deploy(&store, &actor(), "alpha", true)
        .await
        .expect("job")
        .id;
    jobs::request_deploy(&store, &actor(), "beta", false)
        .await
        .expect("job");
    let alpha: Vec<String> = jobs::list(&store, Some("alpha"), 10)
        .await
        .expect("list")
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(alpha, [second, first]);
    assert_eq!(jobs::list(&store, None, 10).await.expect("list").len(), 3);
}

on_both_databases!(
    jobs_of_one_deployment_run_one_at_a_time_in_order,
    nothing_runs_beside_a_job_on_the_deployer_deployment,
    leases_are_renewed_by_their_owner_and_lapsed_ones_found,
    a_queued_job_is_cancelled_at_once_and_audited,
    log_lines_come_back_in_order_from_any_point,
    jobs_are_listed_newest_first_per_cluster,
);
