//! Connecting, migrating and transactions.

use engine::store::{DatabaseEngine, Db, Store};

use testkit::on_both_databases;

async fn migrations_can_run_twice_without_changing_anything(store: Store) {
    store.migrate().await.expect("second migration run");
    store.ping().await.expect("ping after migrating twice");
}

async fn a_closed_store_fails_its_ping(store: Store) {
    store.close().await;
    assert!(store.ping().await.is_err());
}

async fn the_store_reports_its_engine(store: Store) {
    let expected = match store.db() {
        Db::Sqlite(_) => DatabaseEngine::Sqlite,
        Db::Postgres(_) => DatabaseEngine::Postgres,
    };
    assert_eq!(store.engine(), expected);
}

on_both_databases!(
    migrations_can_run_twice_without_changing_anything,
    a_closed_store_fails_its_ping,
    the_store_reports_its_engine,
);

#[test]
fn an_unsupported_database_url_is_refused_with_its_reason() {
    testkit::block_on(async {
        let error = Store::connect("mysql://localhost/nixdeck")
            .await
            .expect_err("mysql is not supported");
        assert!(
            error.to_string().contains("sqlite: or postgres://"),
            "{error}"
        );
    })
}
