//! A job's log as stored: lines are written only by the worker holding the job's lease,
//! numbered inside the writing transaction (so a take-over can never reuse a number), and
//! each batch moves the offsets of the commands it came from in the same transaction.

use engine::{
    model::job::Stream,
    store::{
        jobs::{self as queue, CommandRow, NewLogLine, OffsetUpdate},
        now_millis, Store,
    },
};
use testkit::on_both_databases;

use crate::helpers::{admin, create, deploy, engine};

fn lines(count: usize, tag: &str) -> Vec<NewLogLine> {
    (0..count)
        .map(|i| NewLogLine {
            stream: if i % 2 == 0 {
                Stream::Stdout
            } else {
                Stream::Stderr
            },
            at: 1000,
            text: format!("{tag} {i} with 'quotes', \\x00 and \u{1b}[1;32mcolour\u{1b}[0m"),
        })
        .collect()
}

async fn claimed_job(store: &Store) -> String {
    let engine = engine(store);
    create(&engine, "alpha", 1).await;
    let id = deploy(&engine, "alpha", false).await;
    let now = now_millis();
    queue::claim(store, "w1", now, now + 30_000)
        .await
        .expect("claim")
        .expect("claimed");
    id
}

async fn only_the_lease_holder_writes_and_numbers_never_repeat(store: Store) {
    let id = claimed_job(&store).await;
    assert_eq!(
        queue::append_log(&store, &id, "w2", &lines(3, "intruder"), &[])
            .await
            .expect("append"),
        None,
        "a worker without the lease writes nothing"
    );
    assert_eq!(
        queue::append_log(&store, &id, "w1", &lines(1200, "a"), &[])
            .await
            .expect("append"),
        Some(1)
    );
    // Taken over by w2: its lines continue the numbering, w1's are refused.
    testkit::execute(&store, "update jobs set lease_expires_at = 1").await;
    let now = now_millis();
    queue::take_over(&store, "w2", now, now + 30_000)
        .await
        .expect("take")
        .expect("taken");
    assert_eq!(
        queue::append_log(&store, &id, "w1", &lines(5, "late"), &[])
            .await
            .expect("append"),
        None
    );
    assert_eq!(
        queue::append_log(&store, &id, "w2", &lines(5, "b"), &[])
            .await
            .expect("append"),
        Some(1201)
    );
    let all = queue::log_after(&store, &id, 0, 5000).await.expect("log");
    assert_eq!(all.len(), 1205);
    assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert!(all
        .iter()
        .all(|line| !line.text.starts_with("intruder") && !line.text.starts_with("late")));
}

async fn concurrent_batches_get_distinct_numbers(store: Store) {
    let id = claimed_job(&store).await;
    let writers = (0..6).map(|n| {
        let store = store.clone();
        let id = id.clone();
        tokio::spawn(async move {
            for round in 0..5 {
                let tag = format!("writer{n}-{round}");
                // The job's row is locked by each batch (SQLite's write lock, or the row
                // lock on PostgreSQL), so racing batches queue rather than clash.
                queue::append_log(&store, &id, "w1", &lines(20, &tag), &[])
                    .await
                    .expect("append")
                    .expect("lease held");
            }
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.expect("writer");
    }
    let all = queue::log_after(&store, &id, 0, 5000).await.expect("log");
    assert_eq!(all.len(), 6 * 5 * 20);
    assert!(all.windows(2).all(|w| w[1].seq == w[0].seq + 1));
}

async fn offsets_move_with_the_lines_that_take_them_there(store: Store) {
    let id = claimed_job(&store).await;
    queue::begin_command(
        &store,
        &CommandRow {
            job_id: id.clone(),
            step: 3,
            ordinal: 0,
            host: "deployer".to_owned(),
            run_dir: "/var/lib/nixops/.nixdeck/jobs/x/3-0".to_owned(),
            stdout_offset: 0,
            stderr_offset: 0,
            ending: None,
            exit_status: None,
            started_at: now_millis(),
            finished_at: None,
        },
    )
    .await
    .expect("begin");
    let offsets = [moved_to(Stream::Stdout, 120), moved_to(Stream::Stderr, 40)];
    queue::append_log(&store, &id, "w1", &lines(4, "x"), &offsets)
        .await
        .expect("append");
    assert_eq!(offsets_of(&store, &id).await, (120, 40));
    // A batch refused for want of the lease moves nothing.
    let later = [moved_to(Stream::Stdout, 999)];
    queue::append_log(&store, &id, "w9", &lines(1, "y"), &later)
        .await
        .expect("append");
    assert_eq!(offsets_of(&store, &id).await, (120, 40));
}

/// Where a batch leaves a stream of the command at step 3, ordinal 0.
fn moved_to(stream: Stream, offset: i64) -> OffsetUpdate {
    OffsetUpdate {
        step: 3,
        ordinal: 0,
        stream,
        offset,
    }
}

async fn offsets_of(store: &Store, id: &str) -> (i64, i64) {
    let row = queue::command(store, id, 3, 0)
        .await
        .expect("read")
        .expect("row");
    (row.stdout_offset, row.stderr_offset)
}

async fn a_long_log_is_read_newest_first_page_by_page(store: Store) {
    let id = claimed_job(&store).await;
    queue::append_log(&store, &id, "w1", &lines(2500, "l"), &[])
        .await
        .expect("append");
    let engine = engine(&store);
    let newest = engine
        .log_page(&admin(), &id, None, 1000)
        .await
        .expect("page");
    assert!(newest.earlier);
    assert_eq!(newest.lines.first().map(|l| l.seq), Some(1501));
    assert_eq!(newest.lines.last().map(|l| l.seq), Some(2500));
    let before = engine
        .log_page(&admin(), &id, Some(1501), 1000)
        .await
        .expect("page");
    assert_eq!(before.lines.first().map(|l| l.seq), Some(501));
    let first = engine
        .log_page(&admin(), &id, Some(501), 1000)
        .await
        .expect("page");
    assert!(!first.earlier);
    assert_eq!(first.lines.len(), 500);
}

on_both_databases!(
    only_the_lease_holder_writes_and_numbers_never_repeat,
    concurrent_batches_get_distinct_numbers,
    offsets_move_with_the_lines_that_take_them_there,
    a_long_log_is_read_newest_first_page_by_page,
);
