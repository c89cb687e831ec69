//! The audit log's hash chain, written and verified on both engines.

use engine::{
    audit::{self, AuditFilter, ChainReport, NewAuditEvent},
    store::Store,
};
use serde_json::json;

use testkit::on_both_databases;

fn event(actor: &str, action: &str, target: &str) -> NewAuditEvent {
    NewAuditEvent {
        actor: actor.to_owned(),
        action: action.to_owned(),
        target: target.to_owned(),
        details: json!({ "note": format!("{actor} did {action}") }),
        source_addr: Some("127.0.0.1".to_owned()),
    }
}

async fn record_events(store: &Store, count: usize) {
    for i in 0..count {
        let mut tx = store.begin().await.expect("begin");
        audit::record(&mut tx, event(&format!("user{}", i % 3), "test.act", "t"))
            .await
            .expect("record");
        tx.commit().await.expect("commit");
    }
}

/// Runs raw SQL, standing in for someone editing the database behind nixdeck's back.
async fn tamper(store: &Store, statement: &'static str) {
    testkit::execute(store, statement).await;
}

async fn an_empty_log_verifies_as_intact(store: Store) {
    let report = audit::verify(&store, None).await.expect("verify");
    assert_eq!(report, ChainReport::Intact { events: 0 });
}

async fn recorded_events_form_an_intact_chain(store: Store) {
    record_events(&store, 5).await;
    let report = audit::verify(&store, None).await.expect("verify");
    assert_eq!(report, ChainReport::Intact { events: 5 });
}

async fn an_event_in_a_rolled_back_transaction_leaves_no_trace(store: Store) {
    record_events(&store, 1).await;
    let mut tx = store.begin().await.expect("begin");
    audit::record(&mut tx, event("mallory", "test.act", "t"))
        .await
        .expect("record");
    drop(tx);
    record_events(&store, 1).await;
    let report = audit::verify(&store, None).await.expect("verify");
    assert_eq!(report, ChainReport::Intact { events: 2 });
    let all = audit::list(&store, &AuditFilter::default(), 10)
        .await
        .expect("list");
    assert!(all.iter().all(|row| row.actor != "mallory"));
}

async fn an_altered_event_is_named_by_verification(store: Store) {
    record_events(&store, 4).await;
    tamper(
        &store,
        "update audit_events set actor = 'someone else' where id = 3",
    )
    .await;
    let report = audit::verify(&store, None).await.expect("verify");
    assert_eq!(
        report,
        ChainReport::Broken {
            event_id: 3,
            problem: "event 3 was altered".to_owned()
        }
    );
}

async fn a_removed_event_is_named_by_verification(store: Store) {
    record_events(&store, 4).await;
    tamper(&store, "delete from audit_events where id = 2").await;
    let report = audit::verify(&store, None).await.expect("verify");
    assert_eq!(
        report,
        ChainReport::Broken {
            event_id: 2,
            problem: "event 2 is missing".to_owned()
        }
    );
}

async fn cutting_off_the_newest_events_is_detected(store: Store) {
    record_events(&store, 4).await;
    tamper(&store, "delete from audit_events where id >= 3").await;
    let report = audit::verify(&store, None).await.expect("verify");
    assert_eq!(
        report,
        ChainReport::Broken {
            event_id: 3,
            problem: "event 3 is missing".to_owned()
        }
    );
}

async fn concurrent_writers_each_get_their_own_place_in_the_chain(store: Store) {
    let writers = (0..8).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { record_events(&store, 5).await })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.expect("writer task");
    }
    let report = audit::verify(&store, None).await.expect("verify");
    assert_eq!(report, ChainReport::Intact { events: 40 });
}

async fn the_log_lists_newest_first_with_filters_and_pages(store: Store) {
    record_events(&store, 9).await;
    let page = audit::list(&store, &AuditFilter::default(), 4)
        .await
        .expect("first page");
    let ids: Vec<i64> = page.iter().map(|row| row.id).collect();
    assert_eq!(ids, vec![9, 8, 7, 6]);

    let next = AuditFilter {
        before_id: Some(6),
        ..AuditFilter::default()
    };
    let page = audit::list(&store, &next, 4).await.expect("second page");
    assert_eq!(page.first().map(|row| row.id), Some(5));

    let by_actor = AuditFilter {
        actor: Some("user1".to_owned()),
        ..AuditFilter::default()
    };
    let rows = audit::list(&store, &by_actor, 100).await.expect("filtered");
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    assert_eq!(ids, vec![8, 5, 2]);
}

on_both_databases!(
    an_empty_log_verifies_as_intact,
    recorded_events_form_an_intact_chain,
    an_event_in_a_rolled_back_transaction_leaves_no_trace,
    an_altered_event_is_named_by_verification,
    a_removed_event_is_named_by_verification,
    cutting_off_the_newest_events_is_detected,
    concurrent_writers_each_get_their_own_place_in_the_chain,
    the_log_lists_newest_first_with_filters_and_pages,
    the_head_recorded_outside_the_database_catches_a_rewound_tail,
);

/// Verification reads the head first: events committed while it walks are left for the
/// next run, never reported missing.
#[test]
fn verifying_while_events_are_written_finds_the_log_intact() {
    testkit::block_on(async {
        let db = testkit::TestDb::sqlite().await;
        let store = db.store.clone();
        record_events(&store, 50).await;
        let writer = {
            let store = store.clone();
            tokio::spawn(async move { record_events(&store, 200).await })
        };
        while !writer.is_finished() {
            match audit::verify(&store, None).await.expect("verify") {
                ChainReport::Intact { .. } => {}
                broken => panic!("a live log verified as {broken:?}"),
            }
        }
        writer.await.expect("writer");
    })
}

async fn the_head_recorded_outside_the_database_catches_a_rewound_tail(store: Store) {
    record_events(&store, 4).await;
    let newest = audit::list(&store, &AuditFilter::default(), 1)
        .await
        .expect("list");
    let anchor = (newest[0].id, newest[0].hash.clone());
    assert_eq!(
        audit::verify(&store, Some(anchor.clone()))
            .await
            .expect("verify"),
        ChainReport::Intact { events: 4 }
    );
    tamper(&store, "delete from audit_events where id >= 3").await;
    tamper(
        &store,
        "update audit_chain_head set last_id = 2, \
         last_hash = (select hash from audit_events where id = 2)",
    )
    .await;
    assert_eq!(
        audit::verify(&store, None).await.expect("verify"),
        ChainReport::Intact { events: 2 },
        "the database alone cannot tell"
    );
    let report = audit::verify(&store, Some(anchor)).await.expect("verify");
    let ChainReport::Broken { event_id, .. } = report else {
        panic!("not noticed: {report:?}");
    };
    assert_eq!(event_id, 3);
}
