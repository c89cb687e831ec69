//! `TestApp`: the server's router over a fresh database, answered in-process.

use std::sync::Arc;

use app::state::AppState;
use axum::{
    body::Body,
    http::{Request, Response},
    Router,
};
use engine::{
    exec::{Executor, LocalExecutor, SshExecutor, SshTarget},
    jobs::{LogHub, Runner, RunnerConfig},
    store::Store,
};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use nixdeck_server::login::Providers;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// The public URL every test app believes it has (providers redirect back to it).
pub const PUBLIC_URL: &str = "http://127.0.0.1:3000";

fn idle_runner_config() -> RunnerConfig {
    RunnerConfig {
        nixops_root: "/nonexistent".to_owned(),
        repo_url: "/nonexistent.git".to_owned(),
        executor: Executor::Local(LocalExecutor),
        worker_id: "idle".to_owned(),
        max_parallel: 1,
    }
}

pub fn ssh_runner_config(deployer: &testkit::deployer::Deployer) -> RunnerConfig {
    let mut target = SshTarget::parse(&deployer.address(), &deployer.key_path, &deployer.host_key)
        .expect("the fixture's SSH settings");
    // Quick to notice a frozen deployer.
    target.keepalive_interval = std::time::Duration::from_secs(1);
    target.keepalive_max = 2;
    target.connect_timeout = std::time::Duration::from_secs(5);
    RunnerConfig {
        nixops_root: deployer.nixops_root.clone(),
        repo_url: deployer.repo_url.clone(),
        executor: Executor::Ssh(Box::new(SshExecutor::new(target))),
        worker_id: uuid::Uuid::new_v4().to_string(),
        max_parallel: 4,
    }
}

/// The router under test and the store it uses.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    /// Stops the worker (if one runs) when the app is dropped.
    _worker: Option<tokio_util::sync::DropGuard>,
    /// Keeps a database this app created alive (and its SQLite file on disk) as long as
    /// the app.
    _db: Option<testkit::TestDb>,
}

impl TestApp {
    /// An app over a fresh SQLite database that it owns.
    pub async fn on_sqlite() -> TestApp {
        let db = testkit::TestDb::sqlite().await;
        let mut app = TestApp::new(db.store.clone());
        app._db = Some(db);
        app
    }

    /// An app offering sign-in through `providers`, over a database it owns.
    pub fn owning(db: testkit::TestDb, providers: Providers) -> TestApp {
        let mut app = TestApp::with_providers(db.store.clone(), providers);
        app._db = Some(db);
        app
    }

    /// An app in local mode over `store`, which the caller keeps alive.
    pub fn new(store: Store) -> TestApp {
        TestApp::with_providers(store, Providers::default())
    }

    /// An app offering sign-in through `providers`.
    pub fn with_providers(store: Store, providers: Providers) -> TestApp {
        // A worker that is never started: requests queue jobs that stay queued.
        let runner = Runner::new(store.clone(), LogHub::default(), idle_runner_config());
        TestApp::assemble(store, providers, runner, None)
    }

    /// A local-mode app whose worker runs jobs on `deployer` over SSH.
    pub async fn with_deployer(deployer: &testkit::deployer::Deployer) -> TestApp {
        let db = testkit::TestDb::sqlite().await;
        let mut app = TestApp::with_deployer_on(db.store.clone(), deployer);
        app._db = Some(db);
        app
    }

    /// The same over a store the caller keeps alive.
    pub fn with_deployer_on(store: Store, deployer: &testkit::deployer::Deployer) -> TestApp {
        let runner = Runner::new(
            store.clone(),
            LogHub::default(),
            ssh_runner_config(deployer),
        );
        let worker = CancellationToken::new();
        runner.spawn(worker.clone());
        TestApp::assemble(
            store,
            Providers::default(),
            runner,
            Some(worker.drop_guard()),
        )
    }

    /// A local-mode app whose worker runs with `config`, over a store the caller keeps.
    pub fn with_runner_config(store: Store, config: RunnerConfig) -> TestApp {
        let runner = Runner::new(store.clone(), LogHub::default(), config);
        let worker = CancellationToken::new();
        runner.spawn(worker.clone());
        TestApp::assemble(
            store,
            Providers::default(),
            runner,
            Some(worker.drop_guard()),
        )
    }

    /// A local-mode app using `runner`, whose worker the caller starts and stops.
    pub fn with_runner(store: Store, runner: Runner) -> TestApp {
        TestApp::assemble(store, Providers::default(), runner, None)
    }

    fn assemble(
        store: Store,
        providers: Providers,
        runner: Runner,
        worker: Option<tokio_util::sync::DropGuard>,
    ) -> TestApp {
        let state = AppState {
            leptos_options: LeptosOptions::builder().output_name("nixdeck").build(),
            store: store.clone(),
            public_url: PUBLIC_URL.to_owned(),
            sign_in_methods: providers.sign_in_methods(),
            jobs: runner.clone(),
        };
        TestApp {
            router: nixdeck_server::http::router(state, Arc::new(providers)),
            store,
            _worker: worker,
            _db: None,
        }
    }

    /// Sends one request and returns the response with its body read to the end.
    pub async fn send(&self, request: Request<Body>) -> (Response<()>, String) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router always answers");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("read the body").to_bytes();
        (
            Response::from_parts(parts, ()),
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    pub async fn get(&self, path: &str) -> (Response<()>, String) {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// Signs in as local mode's admin and returns the `Cookie` header value to send.
    pub async fn sign_in(&self) -> String {
        let (response, _) = self
            .send(
                Request::post("/auth/local")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from("next=%2F"))
                    .expect("request"),
            )
            .await;
        let set_cookie = response.headers()["set-cookie"]
            .to_str()
            .expect("ASCII cookie");
        set_cookie.split(';').next().expect("name=value").to_owned()
    }

    /// A GET with a cookie (a signed-in browser).
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> (Response<()>, String) {
        self.send(
            Request::get(path)
                .header("cookie", cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// A GET with a bearer token (automation).
    pub async fn get_with_token(&self, path: &str, token: &str) -> (Response<()>, String) {
        self.send(
            Request::get(path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }
}
