//! Prometheus metrics on `GET /metrics`, served on a listener of its own
//! (`NIXDECK_METRICS_LISTEN`) so that the dashboard's address never exposes them. A scrape
//! first reads what the database knows (jobs by kind and state, the queue, audit events,
//! the builder's newest probe), then encodes everything in the OpenMetrics text format.

mod http;

use std::sync::Arc;

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use engine::Engine;
use prometheus_client::{encoding::text::encode, metrics::info::Info, registry::Registry};

pub use http::{measure, HttpMetrics};

/// What Prometheus is told it is reading.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Everything one scrape reads.
#[derive(Debug)]
pub struct Scrape {
    registry: Registry,
    engine: Engine,
    /// One scrape at a time: each refreshes the shared gauges, then encodes them.
    turn: tokio::sync::Mutex<()>,
}

impl Scrape {
    /// The engine's metrics, the HTTP metrics and the build's version, under `nixdeck_`.
    pub fn new(engine: &Engine, http: &HttpMetrics) -> Arc<Scrape> {
        let mut registry = Registry::with_prefix("nixdeck");
        registry.register(
            "build",
            "The running nixdeck's version",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        engine.metrics().register(&mut registry);
        http.register(&mut registry);
        Arc::new(Scrape {
            registry,
            engine: engine.clone(),
            turn: tokio::sync::Mutex::new(()),
        })
    }

    /// The metrics as text, with what the database knows read afresh.
    pub async fn encode(&self) -> Result<String, String> {
        let _turn = self.turn.lock().await;
        self.engine
            .refresh_metrics()
            .await
            .map_err(|error| format!("cannot read the database: {error}"))?;
        let mut text = String::new();
        encode(&mut text, &self.registry).map_err(|_| "cannot encode the metrics".to_owned())?;
        Ok(text)
    }
}

/// The metrics listener's whole router: `GET /metrics`, nothing else.
pub fn router(scrape: Arc<Scrape>) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(scrape)
}

async fn metrics(State(scrape): State<Arc<Scrape>>) -> Response {
    match scrape.encode().await {
        Ok(text) => ([(header::CONTENT_TYPE, OPENMETRICS)], text).into_response(),
        Err(problem) => {
            tracing::warn!(%problem, "a metrics scrape failed");
            (StatusCode::SERVICE_UNAVAILABLE, problem).into_response()
        }
    }
}
