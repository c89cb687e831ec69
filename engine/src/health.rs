//! The health probe shared by `GET /healthz` and the dashboard's status card.

use std::time::{Duration, Instant};

use crate::{
    model::health::{DatabaseHealth, HealthReport, HealthStatus},
    store::Store,
};

/// A database that does not answer within this time counts as unreachable: a health check
/// must answer quickly even when the database hangs.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Probes every dependency and reports `ok` only if all answered.
pub async fn check(store: &Store) -> HealthReport {
    let started = Instant::now();
    let reachable = matches!(
        tokio::time::timeout(PROBE_TIMEOUT, store.ping()).await,
        Ok(Ok(()))
    );
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if !reachable {
        tracing::warn!(
            engine = store.engine().as_str(),
            "database health probe failed"
        );
    }
    HealthReport {
        status: if reachable {
            HealthStatus::Ok
        } else {
            HealthStatus::Unavailable
        },
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database: DatabaseHealth {
            engine: store.engine().as_str().to_owned(),
            reachable,
            latency_ms,
        },
    }
}
