//! `nixdeck serve`: migrates, then serves the dashboard until asked to stop, finishing
//! open requests first.

use app::state::AppState;
use axum::serve::ListenerExt;
use leptos::config::{Env, LeptosOptions};
use tokio_util::sync::CancellationToken;

use std::sync::Arc;

use crate::{
    config::Config,
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
    let state = AppState {
        leptos_options: leptos_options(address),
        store: store.clone(),
        public_url: config.public_url_str(),
        sign_in_methods: providers.sign_in_methods(),
    };
    let shutdown = CancellationToken::new();
    shutdown::cancel_on_signal(shutdown.clone());
    membership_recheck::spawn(store.clone(), providers.clone(), shutdown.clone());

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
    .with_graceful_shutdown(shutdown.cancelled_owned())
    .await;
    store.close().await;
    served.map_err(CommandError::Serve)?;
    tracing::info!("nixdeck stopped");
    Ok(())
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
