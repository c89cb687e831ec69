//! `nixdeck serve`: migrates, then serves the dashboard until asked to stop, telling the
//! service manager when it is ready and when it stops. On SIGTERM or Ctrl-C it stops taking
//! requests, ends live log streams (telling viewers to reconnect), lets go of running jobs
//! without stopping their commands (the next start re-attaches), and exits.

use axum::serve::ListenerExt;
use engine::{commands::DEPLOYER_PROGRAMS, nixops::DEPLOYER_HOST};
use tokio_util::sync::CancellationToken;

use crate::{application::Application, config::Config, service_manager::ServiceManager, shutdown};

use super::{open_store, CommandError};

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

    let stopping = CancellationToken::new();
    let application = Application::assemble(&config, store.clone(), stopping.clone())
        .await
        .map_err(CommandError::Refused)?;
    let resumed = application.engine.take_back_running_jobs().await?;
    if resumed > 0 {
        tracing::warn!(
            resumed,
            "jobs left running by the previous run are continued"
        );
    }
    warn_about_the_deployer(&application);
    let metrics = serve_metrics(&config, &application, &stopping).await?;
    shutdown::cancel_on_signal(stopping.clone());
    let background = application.start();
    let service = ServiceManager::new(config.notify_socket.clone());
    service.ready(&format!("listening on http://{address}"));

    tracing::info!(
        %address,
        public_url = %config.public_url_str(),
        database = %config.database_url.redacted(),
        allowed_hosts = ?config.allowed_hosts.list(),
        "nixdeck is listening on http://{address}"
    );
    if config.local_mode() {
        tracing::warn!(
            "local mode: no sign-in provider is configured, so whoever reaches this address signs in as the local admin"
        );
    }
    let served = axum::serve(
        listener,
        application
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown({
        let stopping = stopping.clone();
        async move {
            stopping.cancelled().await;
            service.stopping("finishing open requests and letting go of running jobs");
        }
    })
    .await;
    stopping.cancel();
    for task in background.into_iter().chain(metrics) {
        if task.await.is_err() {
            tracing::error!("a background task panicked");
        }
    }
    store.close().await;
    served.map_err(CommandError::Serve)?;
    tracing::info!("nixdeck stopped");
    Ok(())
}

/// Starts `/metrics` on its own listener, if configured; it stops with nixdeck.
async fn serve_metrics(
    config: &Config,
    application: &Application,
    stopping: &CancellationToken,
) -> Result<Option<tokio::task::JoinHandle<()>>, CommandError> {
    let Some(address) = config.metrics_listen else {
        return Ok(None);
    };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|source| CommandError::Listen {
            address: address.to_string(),
            source,
        })?;
    tracing::info!(%address, "metrics are served on http://{address}/metrics");
    let router = crate::metrics::router(application.scrape.clone());
    let stopping = stopping.clone();
    Ok(Some(tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(async move { stopping.cancelled().await })
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the metrics listener failed");
        }
    })))
}

/// Says at start what keeps deploys from running when the deployer is this machine.
fn warn_about_the_deployer(application: &Application) {
    if let Some(host) = application.engine.host(DEPLOYER_HOST) {
        for problem in host.local_problems(&DEPLOYER_PROGRAMS) {
            tracing::warn!("deploys cannot run: {problem}");
        }
    }
}
