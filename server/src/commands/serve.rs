//! `nixdeck serve`: migrates, then serves the dashboard until asked to stop, finishing
//! open requests first.

use app::state::AppState;
use axum::serve::ListenerExt;
use leptos::config::{Env, LeptosOptions};
use tokio_util::sync::CancellationToken;

use std::sync::Arc;

use engine::{
    exec::{Executor, LocalExecutor, SshExecutor},
    jobs::{LogHub, Runner, RunnerConfig},
};

use crate::{
    config::{Config, DeployerTarget},
    http::router,
    login::{membership_recheck, Providers},
    shutdown,
};

use super::{open_store, CommandError};

/// The base name of the built WebAssembly, JS and CSS files (`output-name` in Cargo.toml).
const OUTPUT_NAME: &str = "nixdeck";

pub async fn run(config: Config) -> Result<(), CommandError> {
    let store = open_store(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| CommandError::Listen {
            address: config.listen.to_string(),
            source,
        })?;
    let address = listener.local_addr().map_err(CommandError::Serve)?;
    // Pages stream in several chunks; with Nagle's algorithm on, a later chunk waits for the
    // client's delayed ACK of the first, adding ~40 ms to every streamed page.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY");
        }
    });

    let providers = Arc::new(Providers::from_config(&config).map_err(CommandError::Refused)?);
    let runner = Runner::new(store.clone(), LogHub::default(), runner_config(&config));
    // SQLite means this is the only nixdeck on the database: every job still marked
    // running was this process's before it stopped. PostgreSQL may have replicas, whose
    // jobs are only taken over once their leases lapse.
    let sole_instance = matches!(store, engine::store::Store::Sqlite(_));
    let interrupted = runner
        .recover(sole_instance)
        .await
        .map_err(|e| CommandError::Refused(e.to_string()))?;
    if interrupted > 0 {
        tracing::warn!(
            interrupted,
            "jobs left running by the previous run were marked interrupted"
        );
    }
    let state = AppState {
        leptos_options: leptos_options(address),
        store: store.clone(),
        public_url: config.public_url_str(),
        sign_in_methods: providers.sign_in_methods(),
        jobs: runner.clone(),
    };
    let shutdown = CancellationToken::new();
    shutdown::cancel_on_signal(shutdown.clone());
    membership_recheck::spawn(store.clone(), providers.clone(), shutdown.clone());
    let worker = runner.spawn(shutdown.clone());

    tracing::info!(
        %address,
        public_url = %config.public_url_str(),
        database = %config.database_url.redacted(),
        "nixdeck is listening on http://{address}"
    );
    if config.local_mode() {
        tracing::warn!(
            "local mode: no sign-in provider is configured, so whoever reaches this address signs in as the local admin"
        );
    }
    let served = axum::serve(
        listener,
        router(state, providers).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown.clone().cancelled_owned())
    .await;
    // Running jobs are stopped and marked interrupted before the database closes.
    shutdown.cancel();
    if worker.await.is_err() {
        tracing::error!("the job worker panicked");
    }
    store.close().await;
    served.map_err(CommandError::Serve)?;
    tracing::info!("nixdeck stopped");
    Ok(())
}

/// How the job worker reaches the deployer.
fn runner_config(config: &Config) -> RunnerConfig {
    let deployer = &config.deployer;
    RunnerConfig {
        nixops_root: deployer.nixops_root.clone(),
        repo_url: deployer.repo_url.clone(),
        executor: match &deployer.target {
            DeployerTarget::Local => Executor::Local(LocalExecutor),
            DeployerTarget::Ssh(target) => {
                Executor::Ssh(Box::new(SshExecutor::new(target.as_ref().clone())))
            }
        },
        worker_id: uuid::Uuid::new_v4().to_string(),
        max_parallel: 4,
    }
}

/// Leptos's own settings, fixed by how the site is built rather than configured.
fn leptos_options(address: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_pkg_dir("pkg")
        .site_addr(address)
        .env(if cfg!(debug_assertions) {
            Env::DEV
        } else {
            Env::PROD
        })
        .build()
}
