//! The home page's activity: the jobs that ended on each of the last days, by how they
//! ended, every day present (zeros included), nothing older counted.

use engine::{model::job::JobsOnDay, store::Store};
use testkit::on_both_databases;

use engine::model::access::Role;

use crate::helpers::{caller, create, deploy, engine, finished_job};

const DAY: i64 = 24 * 60 * 60 * 1000;
/// Midnight (UTC) of 2026-11-01.
const NOV_1: i64 = 1_793_491_200_000;

async fn jobs_per_day_by_outcome(store: Store) {
    let engine = engine(&store);
    create(&engine, "zeta", 3).await;
    deploy(&engine, "zeta", false).await;
    let at = |day: i64, hour: i64| NOV_1 + day * DAY + hour * 3_600_000;
    finished_job(&store, "a", "alpha", at(0, 9), "succeeded", 1).await;
    finished_job(&store, "b", "alpha", at(0, 23), "succeeded", 1).await;
    finished_job(&store, "c", "alpha", at(1, 0), "failed", 1).await;
    finished_job(&store, "d", "beta", at(2, 12), "cancelled", 1).await;
    finished_job(&store, "e", "beta", at(2, 13), "expired", 1).await;
    // Before the window, and one not ended.
    finished_job(&store, "f", "beta", at(-40, 0), "failed", 1).await;
    finished_job(&store, "g", "beta", at(3, 0), "running", 1).await;

    let days = engine
        .job_activity(&caller("github:vera", Role::Viewer), 30, at(3, 18))
        .await
        .expect("activity");
    assert_eq!(days.len(), 30);
    assert_eq!(days.last().map(|day| day.day), Some(NOV_1 + 3 * DAY));
    assert!(days.windows(2).all(|pair| pair[1].day - pair[0].day == DAY));
    let on = |offset: i64| {
        days.iter()
            .find(|day| day.day == NOV_1 + offset * DAY)
            .copied()
            .expect("the day is shown")
    };
    let day = |succeeded, failed, other| JobsOnDay {
        day: 0,
        succeeded,
        failed,
        other,
    };
    let counts = |shown: JobsOnDay| day(shown.succeeded, shown.failed, shown.other);
    assert_eq!(counts(on(0)), day(2, 0, 0));
    assert_eq!(counts(on(1)), day(0, 1, 0));
    assert_eq!(counts(on(2)), day(0, 0, 2));
    assert_eq!(counts(on(3)), day(0, 0, 0));
    let total: i64 = days
        .iter()
        .map(|day| day.succeeded + day.failed + day.other)
        .sum();
    assert_eq!(
        total, 5,
        "nothing older than the window, nothing unfinished"
    );
}

on_both_databases!(jobs_per_day_by_outcome);
