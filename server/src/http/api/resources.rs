//! What the REST API answers, one derived `Serialize` per shape.

use std::collections::BTreeMap;

use engine::{
    audit::AuditRow,
    model::{
        access::{Environment, Role, Via},
        cluster::{ClusterState, ClusterView},
        job::{JobKind, JobView, LogRemoval},
    },
};
use serde::Serialize;
use serde_json::Value;

/// A cluster: its arguments flat, plus versions, subnets and state.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClusterResource {
    pub name: String,
    pub region: String,
    pub cluster_index: u8,
    pub env: Environment,
    pub domain: Option<String>,
    pub dns_zone: Option<String>,
    pub subnets: [String; 3],
    pub versions: BTreeMap<String, String>,
    pub state: ClusterState,
    /// Whether its NixOps deployment exists on the deployer.
    pub on_deployer: bool,
    /// Whether GitHub deployment events may deploy it.
    pub github_deployments: bool,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<ClusterView> for ClusterResource {
    fn from(view: ClusterView) -> ClusterResource {
        let subnets = view.subnets();
        let (domain, dns_zone) = match view.args.dns {
            Some(dns) => (Some(dns.domain), Some(dns.zone)),
            None => (None, None),
        };
        ClusterResource {
            name: view.args.name,
            region: view.args.region,
            cluster_index: view.args.cluster_index,
            env: view.args.env,
            domain,
            dns_zone,
            subnets,
            versions: view.versions,
            state: view.state,
            on_deployer: view.on_deployer,
            github_deployments: view.github_deployments,
            last_error: view.last_error,
            created_by: view.created_by,
            created_at: view.created_at,
            updated_at: view.updated_at,
        }
    }
}

/// A job with what it changed since its cluster's previous deploy.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct JobResource {
    #[serde(flatten)]
    pub job: JobView,
    pub changes: Vec<String>,
    /// When the retention rule removed the job's log, and how many lines; absent if not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_removed: Option<LogRemoval>,
}

/// A job just queued, and what it will change.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueuedJob {
    pub job_id: String,
    pub kind: JobKind,
    pub changes: Vec<String>,
}

/// Who the credentials belong to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub login: String,
    /// What the audit log records for them (`github:alice`, `token:ci`).
    pub actor: String,
    pub role: Role,
    pub via: Via,
}

/// An audit event, its details as JSON.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub time: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub details: Value,
    pub source: Option<String>,
    pub hash: String,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> AuditEvent {
        AuditEvent {
            details: serde_json::from_str(&row.details).unwrap_or(Value::Null),
            id: row.id,
            time: row.created_at,
            actor: row.actor,
            action: row.action,
            target: row.target,
            source: row.source_addr,
            hash: row.hash,
        }
    }
}

/// A page of audit events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEvents {
    pub events: Vec<AuditEvent>,
}
