//! The schema on both engines: every enum column refuses values outside its enum, a value
//! that is there anyway (written around the constraint) is an error naming its row rather
//! than a silent default, and the two migration trees make the same tables.

use std::collections::BTreeSet;

use engine::{
    model::failure::FailureKind,
    store::{Db, Store},
};
use testkit::on_both_databases;

use crate::helpers::{admin, create, deploy, engine};

async fn refused(store: &Store, statement: &str) -> bool {
    let statement = sqlx::AssertSqlSafe(statement.to_owned());
    match store.db() {
        Db::Sqlite(pool) => sqlx::query(statement).execute(pool).await.is_err(),
        Db::Postgres(pool) => sqlx::query(statement).execute(pool).await.is_err(),
    }
}

async fn enum_columns_refuse_unknown_values(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    let id = deploy(&engine, "alpha", false).await;
    for statement in [
        "update clusters set env = 'prod'".to_owned(),
        "update clusters set state = 'gone'".to_owned(),
        format!("update jobs set state = 'done' where id = '{id}'"),
        format!("update jobs set kind = 'reboot' where id = '{id}'"),
        format!("update jobs set requested_via = 'email' where id = '{id}'"),
        format!("update jobs set trigger_kind = 'email' where id = '{id}'"),
        format!("update jobs set state = 'approved' where id = '{id}'"),
        "insert into outbox (id, stream, kind, payload, created_at, next_attempt_at) \
         values ('o', 's', 'carrier-pigeon', '{}', 0, 0)".to_owned(),
        "insert into webhook_deliveries (source, delivery_id, received_at) \
         values ('gitlab', 'd', 0)".to_owned(),
        format!("update job_steps set state = 'maybe' where job_id = '{id}'"),
        format!("insert into job_log (job_id, seq, stream, at, text) values ('{id}', 1, 'stdin', 0, 'x')"),
        "insert into users (id, provider, subject, login, name, role, created_at, last_seen_at) \
         values ('u', 'github', '1', 'a', 'A', 'root', 0, 0)".to_owned(),
        "insert into builder_probes (id, checked_at, reachable, reason) \
         values ('p', 0, false, 'bored')".to_owned(),
    ] {
        assert!(refused(&store, &statement).await, "accepted: {statement}");
    }
}

async fn an_unknown_value_is_an_error_naming_its_row(store: Store) {
    let engine = engine(&store);
    create(&engine, "alpha", 1).await;
    // Written around the constraint, as an older or newer nixdeck, or a hand, might have.
    let statement = match store.db() {
        Db::Sqlite(_) => {
            "pragma ignore_check_constraints = on; \
                          update clusters set env = 'prod' where name = 'alpha'; \
                          pragma ignore_check_constraints = off"
        }
        Db::Postgres(_) => "alter table clusters drop constraint clusters_env_check",
    };
    if let Db::Sqlite(pool) = store.db() {
        // One connection, so the pragma applies to the update.
        let mut conn = pool.acquire().await.expect("connection");
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
            .execute(&mut *conn)
            .await
            .expect("tamper");
    } else {
        testkit::execute(&store, statement).await;
        testkit::execute(
            &store,
            "update clusters set env = 'prod' where name = 'alpha'",
        )
        .await;
    }
    let failure = engine
        .cluster(&admin(), "alpha")
        .await
        .expect_err("unreadable");
    assert_eq!(failure.kind, FailureKind::Internal);
    let error = engine::store::clusters::find(&store, "alpha")
        .await
        .expect_err("decode fails");
    let message = error.to_string();
    assert!(message.contains("clusters row \"alpha\""), "{message}");
    assert!(
        message.contains("\"prod\" is not an environment"),
        "{message}"
    );
}

on_both_databases!(
    enum_columns_refuse_unknown_values,
    an_unknown_value_is_an_error_naming_its_row,
);

/// Every table's columns, and whether each may be null, on one engine.
async fn columns(store: &Store) -> BTreeSet<(String, String, bool)> {
    let rows: Vec<(String, String, bool)> = match store.db() {
        Db::Sqlite(pool) => sqlx::query_as(
            "select m.name, p.name, (p.\"notnull\" = 1 or p.pk > 0) \
             from sqlite_master m join pragma_table_info(m.name) p \
             where m.type = 'table' and m.name not like 'sqlite_%' and m.name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .expect("sqlite columns"),
        Db::Postgres(pool) => sqlx::query_as(
            "select table_name::text, column_name::text, is_nullable = 'NO' \
             from information_schema.columns \
             where table_schema = 'public' and table_name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .expect("postgres columns"),
    };
    rows.into_iter().collect()
}

/// The indexes made by name (not those a primary key or unique constraint makes).
async fn named_indexes(store: &Store) -> BTreeSet<String> {
    let rows: Vec<(String,)> = match store.db() {
        Db::Sqlite(pool) => sqlx::query_as(
            "select name from sqlite_master where type = 'index' and sql is not null",
        )
        .fetch_all(pool)
        .await
        .expect("sqlite indexes"),
        Db::Postgres(pool) => sqlx::query_as(
            "select indexname::text from pg_indexes where schemaname = 'public' \
             and indexname not like '%_pkey' and indexname not like '%_key'",
        )
        .fetch_all(pool)
        .await
        .expect("postgres indexes"),
    };
    rows.into_iter().map(|(name,)| name).collect()
}

fn migration_files(engine: &str) -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(engine);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("migrations")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The dialects differ in column types (`integer`/`bigint`, booleans), in how a CHECK is
/// added, and in SQLite's table rebuilds; the result must not.
#[test]
fn both_migration_trees_make_the_same_schema() {
    testkit::block_on(async {
        assert_eq!(migration_files("sqlite"), migration_files("postgres"));
        let sqlite = testkit::TestDb::sqlite().await;
        let postgres = testkit::TestDb::postgres().await;
        assert_eq!(columns(&sqlite.store).await, columns(&postgres.store).await);
        assert_eq!(
            named_indexes(&sqlite.store).await,
            named_indexes(&postgres.store).await
        );
    })
}
