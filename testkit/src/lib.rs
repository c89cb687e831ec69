//! Fresh, migrated databases for tests, on either engine: a temporary SQLite file, or a
//! new database on the PostgreSQL server named by `NIXDECK_TEST_POSTGRES_URL` (the test
//! script starts a throwaway one).

pub mod counterpart;
pub mod deployer;
pub mod proxy;

use std::{future::Future, sync::LazyLock};

use engine::store::{Db, Store};

/// One runtime for every test in a test binary, as in the real server. Leptos keeps
/// process-wide state (its task spawner) that should not be tied to the runtime of a test
/// that has already finished and shut it down.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("build the test runtime")
});

/// Runs a test's body on the shared runtime.
pub fn block_on<F: Future>(future: F) -> F::Output {
    RUNTIME.block_on(future)
}

/// A migrated store plus whatever keeps it alive (the SQLite file's directory).
pub struct TestDb {
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let store = Store::connect(&url).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        TestDb {
            store,
            _dir: Some(dir),
        }
    }

    pub async fn postgres() -> TestDb {
        let admin_url = postgres_admin_url();
        let admin = Store::connect(&admin_url)
            .await
            .expect("connect to the test PostgreSQL server");
        let name = format!("nixdeck_test_{}", uuid::Uuid::new_v4().simple());
        let Db::Postgres(pool) = admin.db() else {
            panic!("NIXDECK_TEST_POSTGRES_URL must be a postgres:// URL");
        };
        sqlx_create_database(pool, &name).await;
        admin.close().await;
        let url = database_url_for(&admin_url, &name);
        let store = Store::connect(&url)
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate PostgreSQL");
        TestDb { store, _dir: None }
    }
}

/// The URL of the throwaway server's admin database. Without it the PostgreSQL half of the
/// suite cannot run, and silently skipping it would hide a dialect bug, so it is required.
pub fn postgres_admin_url() -> String {
    std::env::var("NIXDECK_TEST_POSTGRES_URL").expect(
        "NIXDECK_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, \
         which starts a throwaway PostgreSQL server, or point it at one",
    )
}

/// The same server with another database name.
pub fn database_url_for(admin_url: &str, database: &str) -> String {
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("a PostgreSQL URL ends in /DATABASE");
    format!("{base}/{database}")
}

async fn sqlx_create_database(pool: &sqlx::PgPool, name: &str) {
    // The name is generated above from a UUID, so interpolating it is safe.
    let statement = format!("create database {name}");
    sqlx::query(sqlx::AssertSqlSafe(statement))
        .execute(pool)
        .await
        .expect("create the test database");
}

/// Runs each named test function (an `async fn(Store)`) twice, once per engine, as
/// `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    $crate::block_on(async {
                        let db = $crate::TestDb::sqlite().await;
                        super::$name(db.store.clone()).await;
                    })
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    $crate::block_on(async {
                        let db = $crate::TestDb::postgres().await;
                        super::$name(db.store.clone()).await;
                    })
                }
            )*
        }
    };
}

/// Runs a statement directly, for tests that need a state the application would not make
/// (an expired row, a tampered value).
pub async fn execute(store: &Store, statement: &str) {
    let statement = sqlx::AssertSqlSafe(statement.to_owned());
    match store.db() {
        Db::Sqlite(pool) => sqlx::query(statement).execute(pool).await.map(drop),
        Db::Postgres(pool) => sqlx::query(statement).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("test statement failed: {e}"));
}

/// A copy of the cluster named `from` as another cluster (`id`, `name`, `index`), stored as
/// restored or imported data could hold it: the index need not be one nixdeck would give.
pub async fn copy_cluster(store: &Store, from: &str, id: &str, name: &str, index: i64) {
    execute(
        store,
        &format!(
            "insert into clusters (id, name, region, cluster_index, env, domain, dns_zone, \
             versions, state, on_deployer, last_error, created_by, created_at, updated_at, \
             github_deployments) select '{id}', '{name}', region, {index}, env, domain, \
             dns_zone, versions, state, on_deployer, last_error, created_by, created_at, \
             updated_at, github_deployments from clusters where name = '{from}'"
        ),
    )
    .await;
}

/// The first column of every row of a query, as text.
pub async fn query_strings(store: &Store, query: &str) -> Vec<String> {
    let query = sqlx::AssertSqlSafe(query.to_owned());
    match store.db() {
        Db::Sqlite(pool) => sqlx::query_scalar::<_, String>(query).fetch_all(pool).await,
        Db::Postgres(pool) => sqlx::query_scalar::<_, String>(query).fetch_all(pool).await,
    }
    .unwrap_or_else(|e| panic!("test query failed: {e}"))
}
