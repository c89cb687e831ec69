//! The body of `GET /healthz`, shared so that monitoring, tests and the dashboard read the
//! same shape.

use serde::{Deserialize, Serialize};

/// Overall health: `ok` only when every dependency is reachable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthReport {
    pub status: HealthStatus,
    pub version: String,
    pub database: DatabaseHealth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Unavailable,
}

/// Whether the database answered a trivial query, and which engine it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    pub engine: String,
    pub reachable: bool,
    /// How long the probe took, in milliseconds.
    pub latency_ms: u64,
}
