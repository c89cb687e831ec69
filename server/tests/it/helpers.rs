//! `TestApp`: the application as `serve` assembles it (the same builder, from a
//! configuration read from an environment), over a fresh database, answered in-process.

use std::collections::HashMap;

use axum::{
    body::Body,
    http::{header, Request, Response},
    Router,
};
use engine::{store::Store, Engine};
use http_body_util::BodyExt;
use nixdeck_server::{application::Application, config::Config};
use testkit::deployer::Deployer;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// The public URL every test app believes it has (providers redirect back to it).
pub const PUBLIC_URL: &str = "http://127.0.0.1:3000";
/// The `Host` a browser sends for it.
pub const HOST: &str = "127.0.0.1:3000";

/// The router under test and what it runs on.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    pub engine: Engine,
    pub application: Application,
    stopping: CancellationToken,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Keeps a database this app created alive (and its SQLite file on disk).
    _db: Option<testkit::TestDb>,
    /// The data directory (the audit anchor lives there).
    pub _data_dir: tempfile::TempDir,
}

/// The settings of the deployer fixture, as an operator would write them; `port` replaces
/// the fixture's (a proxy in front of it).
pub fn deployer_env(deployer: &Deployer, port: Option<u16>) -> Vec<(&'static str, String)> {
    vec![
        (
            "NIXDECK_DEPLOYER_SSH",
            format!(
                "{}@127.0.0.1:{}",
                deployer.user,
                port.unwrap_or(deployer.port)
            ),
        ),
        (
            "NIXDECK_DEPLOYER_SSH_KEY",
            deployer.key_path.display().to_string(),
        ),
        ("NIXDECK_DEPLOYER_HOST_KEY", deployer.host_key.clone()),
        ("NIXDECK_DEPLOYER_KEEPALIVE", "1".to_owned()),
        ("NIXDECK_NIXOPS_ROOT", deployer.nixops_root.clone()),
        ("NIXDECK_NIXOPS_REPO_URL", deployer.repo_url.clone()),
    ]
}

impl TestApp {
    /// Records a staging cluster `name` at `index` as the CLI would, nothing run yet.
    pub async fn staging_cluster(&self, name: &str, index: i64) {
        let input = engine::model::cluster::ClusterInput {
            name: name.to_owned(),
            cluster_index: index,
            env: "staging".into(),
            domain: format!("{name}.example.org"),
            dns_zone: "example.org.".into(),
            ..Default::default()
        };
        self.engine
            .create_cluster(&engine::commands::Caller::cli(), &input, &[])
            .await
            .expect("a cluster");
    }

    /// Queues the first deploy of cluster `name` (the worker is not running: it stays
    /// queued) and answers its job's id.
    pub async fn queued_deploy(&self, name: &str) -> String {
        self.engine
            .deploy(&engine::commands::Caller::cli(), name, false)
            .await
            .expect("a deploy")
            .job
            .id
    }

    /// A local-mode app over a fresh SQLite database that it owns; its worker is not
    /// started (queued jobs stay queued).
    pub async fn on_sqlite() -> TestApp {
        let db = testkit::TestDb::sqlite().await;
        TestApp::owning(db, &[]).await
    }

    /// A local-mode app over `store`, which the caller keeps alive.
    pub async fn new(store: Store) -> TestApp {
        TestApp::with_env(store, &[]).await
    }

    /// An app configured by `env` (as environment variables), over a database it owns.
    pub async fn owning(db: testkit::TestDb, env: &[(&str, String)]) -> TestApp {
        let mut app = TestApp::with_env(db.store.clone(), env).await;
        app._db = Some(db);
        app
    }

    /// An app configured by `env`, over `store`.
    pub async fn with_env(store: Store, env: &[(&str, String)]) -> TestApp {
        TestApp::configured(store, env, None).await
    }

    /// A local-mode app over a fresh SQLite database whose AWS is the moto at `aws` (see
    /// `testkit::Counterpart::moto`).
    pub async fn with_aws(aws: &str, env: &[(&str, String)]) -> TestApp {
        let db = testkit::TestDb::sqlite().await;
        let mut app = TestApp::configured(db.store.clone(), env, Some(aws)).await;
        app._db = Some(db);
        app
    }

    /// An app configured by `env`, over `store`, with AWS at `aws` if given.
    pub async fn configured(store: Store, env: &[(&str, String)], aws: Option<&str>) -> TestApp {
        let data_dir = tempfile::tempdir().expect("data directory");
        let mut variables: HashMap<String, String> = env
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect();
        variables
            .entry("NIXDECK_DATA_DIR".to_owned())
            .or_insert_with(|| data_dir.path().display().to_string());
        variables
            .entry("NIXDECK_NIXOPS_ROOT".to_owned())
            .or_insert_with(|| "/nonexistent".to_owned());
        let mut config = Config::from_sources(None, &variables).expect("test configuration");
        if let Some(aws) = aws {
            config.aws.endpoint = Some(aws.to_owned());
            config.aws.credentials = Some(("testing".to_owned(), "testing".to_owned()));
        }
        let stopping = CancellationToken::new();
        let application = Application::assemble(&config, store, stopping.clone())
            .await
            .expect("assemble");
        TestApp {
            router: application.router.clone(),
            store: application.engine.store().clone(),
            engine: application.engine.clone(),
            application,
            stopping,
            tasks: Vec::new(),
            _db: None,
            _data_dir: data_dir,
        }
    }

    /// A local-mode app whose worker runs jobs on `deployer` over SSH.
    pub async fn with_deployer(deployer: &Deployer) -> TestApp {
        let db = testkit::TestDb::sqlite().await;
        let mut app = TestApp::owning(db, &deployer_env(deployer, None)).await;
        app.start();
        app
    }

    /// The same over a store the caller keeps alive.
    pub async fn with_deployer_on(store: Store, deployer: &Deployer) -> TestApp {
        let mut app = TestApp::with_env(store, &deployer_env(deployer, None)).await;
        app.start();
        app
    }

    /// Starts what `serve` starts beside the requests (the worker among them).
    pub fn start(&mut self) {
        self.tasks = self.application.start();
    }

    /// Stops as `serve` does on SIGTERM: streams end, the worker lets go of its jobs.
    pub async fn stop(&mut self) {
        self.stopping.cancel();
        for task in self.tasks.drain(..) {
            task.await.expect("a background task ends");
        }
    }

    /// Sends one request (as a browser would, with the `Host` of the public URL unless it
    /// names another) and returns the response with its body read to the end.
    pub async fn send(&self, mut request: Request<Body>) -> (Response<()>, String) {
        if !request.headers().contains_key(header::HOST) {
            request
                .headers_mut()
                .insert(header::HOST, header::HeaderValue::from_static(HOST));
        }
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

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stopping.cancel();
    }
}
