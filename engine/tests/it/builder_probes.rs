//! The builder's stored probes: the newest, the newest that reached it, and pruning that
//! never loses the last known state of a builder unreachable for longer than probes are kept.

use engine::store::{
    builder_probes::{self, ProbeRow},
    Store,
};
use testkit::on_both_databases;

fn probe(id: &str, checked_at: i64, reachable: bool) -> ProbeRow {
    ProbeRow {
        id: id.to_owned(),
        checked_at,
        reachable,
        reason: (!reachable).then(|| "timeout".to_owned()),
        error: (!reachable).then(|| "cannot reach builder: no answer within 10 s".to_owned()),
        facts: reachable.then(|| r#"{"macos_version":"14.5"}"#.to_owned()),
    }
}

async fn pruning_keeps_the_last_known_state(store: Store) {
    builder_probes::insert(&store, &probe("a", 1_000, true), 0)
        .await
        .expect("insert");
    builder_probes::insert(&store, &probe("b", 2_000, true), 0)
        .await
        .expect("insert");
    builder_probes::insert(&store, &probe("c", 3_000, false), 0)
        .await
        .expect("insert");
    // Everything before 5 000 is old; the builder has not been reached since 2 000.
    builder_probes::insert(&store, &probe("d", 9_000, false), 5_000)
        .await
        .expect("insert");
    let (newest, reached) = builder_probes::latest(&store).await.expect("latest");
    assert_eq!(newest.map(|row| row.id).as_deref(), Some("d"));
    assert_eq!(reached.map(|row| row.id).as_deref(), Some("b"));
    let kept: Vec<i64> = builder_probes::since(&store, 0)
        .await
        .expect("since")
        .into_iter()
        .map(|(at, _)| at)
        .collect();
    assert_eq!(kept, [2_000, 9_000]);
}

on_both_databases!(pruning_keeps_the_last_known_state);
