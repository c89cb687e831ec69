//! The log retention rule: old finished jobs' logs go, in batches, recorded and audited;
//! a cluster's newest 20 jobs and any unfinished job keep theirs; a second sweep finds
//! nothing more to do.

use engine::{
    jobs::retention::{Removed, KEEP_NEWEST},
    store::{audit_events, jobs, log_retention, Store},
};
use testkit::on_both_databases;

use crate::helpers::{admin, create, deploy, engine, finished_job};

const DAY: i64 = 24 * 60 * 60 * 1000;
/// When the history begins.
const T0: i64 = 1_700_000_000_000;

async fn lines_of(store: &Store, id: &str) -> usize {
    jobs::log_after(store, id, 0, 10_000)
        .await
        .expect("log")
        .len()
}

async fn old_logs_go_and_recent_history_stays(store: Store) {
    let engine = engine(&store);
    create(&engine, "zeta", 3).await;
    deploy(&engine, "zeta", false).await;
    // alpha: 25 jobs a minute apart, 60 days ago; the oldest still running (its worker
    // lost, say). beta: two jobs as old, its only ones.
    for i in 0..25 {
        let lines = if i == 1 { 4_500 } else { 3 };
        let state = if i == 0 { "running" } else { "succeeded" };
        finished_job(
            &store,
            &format!("alpha-{i:02}"),
            "alpha",
            T0 + i * 60_000,
            state,
            lines,
        )
        .await;
    }
    finished_job(&store, "beta-00", "beta", T0, "succeeded", 3).await;
    finished_job(&store, "beta-01", "beta", T0 + 60_000, "succeeded", 3).await;
    let now = T0 + 60 * DAY;

    // Nothing is old enough for a 90-day retention.
    assert_eq!(
        engine.remove_old_logs(90, now).await.expect("sweep"),
        Removed::default()
    );

    let removed = engine.remove_old_logs(30, now).await.expect("sweep");
    // alpha-01..04: finished, and older than alpha's newest 20.
    let gone = 25 - KEEP_NEWEST as usize - 1;
    assert_eq!(
        removed,
        Removed {
            jobs: gone,
            lines: 4_500 + 3 * (gone as u64 - 1)
        }
    );
    assert_eq!(
        lines_of(&store, "alpha-00").await,
        3,
        "an unfinished job keeps its log"
    );
    for i in 1..=4 {
        assert_eq!(lines_of(&store, &format!("alpha-{i:02}")).await, 0);
    }
    for i in 5..25 {
        assert_eq!(lines_of(&store, &format!("alpha-{i:02}")).await, 3);
    }
    assert_eq!(
        lines_of(&store, "beta-00").await,
        3,
        "a cluster's newest jobs keep theirs"
    );
    assert_eq!(
        log_retention::removal_of(&store, "alpha-01")
            .await
            .expect("removal"),
        Some((now, 4_500))
    );
    let details = engine.job(&admin(), "alpha-01").await.expect("job");
    assert_eq!(details.log_removed.map(|r| r.lines), Some(4_500));
    let details = engine.job(&admin(), "alpha-05").await.expect("job");
    assert_eq!(details.log_removed, None);

    let events = audit_events::list(&store, &audit_events::AuditFilter::default(), 100)
        .await
        .expect("audit");
    let removals: Vec<_> = events
        .iter()
        .filter(|event| event.action == "job.logs_removed")
        .collect();
    assert_eq!(removals.len(), 1);
    let details: serde_json::Value = serde_json::from_str(&removals[0].details).expect("JSON");
    assert_eq!(details["retention_days"], 30);
    assert_eq!(details["lines"], 4_509);
    assert_eq!(
        details["jobs"],
        serde_json::json!(["alpha-01", "alpha-02", "alpha-03", "alpha-04"])
    );

    // Done: the next sweep removes and audits nothing.
    assert_eq!(
        engine.remove_old_logs(30, now + DAY).await.expect("sweep"),
        Removed::default()
    );
    let again = audit_events::list(&store, &audit_events::AuditFilter::default(), 100)
        .await
        .expect("audit");
    assert_eq!(again.len(), events.len());
}

on_both_databases!(old_logs_go_and_recent_history_stays);
