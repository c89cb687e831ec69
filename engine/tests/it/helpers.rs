//! What the engine's tests act with: an engine over a test store (no hosts, no worker),
//! and callers of each role.

use engine::{
    commands::Caller,
    model::{
        access::{Principal, Role, Via},
        cluster::ClusterInput,
        job::JobView,
    },
    nixops::DeploySettings,
    store::Store,
    Engine, EngineConfig,
};
use tokio_util::sync::CancellationToken;

pub fn engine(store: &Store) -> Engine {
    Engine::new(
        EngineConfig {
            store: store.clone(),
            hosts: Vec::new(),
            deploys: DeploySettings {
                nixops_root: "/var/lib/nixops".to_owned(),
                repo_url: "https://example.com/disciplina-nixops.git".to_owned(),
                deployer_checkout: "/var/lib/nixops/deployer/disciplina-nixops".to_owned(),
            },
            worker_id: "worker-1".to_owned(),
            max_parallel: 1,
            streams_per_person: 2,
            cloud: None,
            builder: Default::default(),
            approvals: Default::default(),
            delivery: Default::default(),
        },
        CancellationToken::new(),
    )
}

/// A person signed in with `role`, whose actor is `actor`.
pub fn caller(actor: &str, role: Role) -> Caller {
    let login = actor.split_once(':').map_or(actor, |(_, login)| login);
    Caller::from_request(
        Principal {
            user_id: Some(format!("id-{login}")),
            actor: actor.to_owned(),
            login: login.to_owned(),
            name: login.to_owned(),
            role,
            via: Via::Session,
        },
        Some("127.0.0.1".to_owned()),
    )
}

pub fn admin() -> Caller {
    caller("github:alice", Role::Admin)
}

pub fn operator() -> Caller {
    caller("github:olga", Role::Operator)
}

pub fn staging(name: &str, index: i64) -> ClusterInput {
    ClusterInput {
        name: name.to_owned(),
        region: String::new(),
        cluster_index: index,
        env: "staging".to_owned(),
        domain: format!("{name}.disciplina.io"),
        dns_zone: "disciplina.io.".to_owned(),
    }
}

/// Creates the staging cluster `name` numbered `index`, as an admin.
pub async fn create(engine: &Engine, name: &str, index: i64) {
    engine
        .create_cluster(&admin(), &staging(name, index), &[])
        .await
        .expect(name);
}

/// Queues a deploy (or a preview) of `cluster` by an admin and returns the job's id.
pub async fn deploy(engine: &Engine, cluster: &str, preview: bool) -> String {
    engine
        .deploy(&admin(), cluster, preview)
        .await
        .expect("deploy")
        .job
        .id
}

/// Creates a staging cluster and queues its first job (a create) by `by`.
pub async fn cluster_with_a_job(engine: &Engine, name: &str, by: &Caller) -> JobView {
    create(engine, name, 2).await;
    engine.deploy(by, name, false).await.expect("deploy").job
}

/// A job of `cluster` created at `created_at` that ended in `state` half a second later
/// (or is still `running`), with `lines` log lines; its arguments are those of the first
/// job of cluster zeta, which must exist.
pub async fn finished_job(
    store: &Store,
    id: &str,
    cluster: &str,
    created_at: i64,
    state: &str,
    lines: i64,
) {
    let finished_at = if state == "running" {
        "null".to_owned()
    } else {
        (created_at + 500).to_string()
    };
    testkit::execute(
        store,
        &format!(
            "insert into jobs (id, kind, cluster, cluster_id, state, params, requested_by, \
             requested_via, host, concurrency_key, exclusive, created_at, started_at, \
             finished_at, trigger_kind) values ('{id}', 'deploy', '{cluster}', 'c-{cluster}', \
             '{state}', (select min(params) from jobs where cluster = 'zeta'), 'github:alice', \
             'session', 'deployer', '{cluster}', false, {created_at}, {created_at}, \
             {finished_at}, 'ui')"
        ),
    )
    .await;
    testkit::execute(
        store,
        &format!(
            "with recursive n(i) as (select 1 union all select i + 1 from n where i < {lines}) \
             insert into job_log (job_id, seq, stream, at, text) \
             select '{id}', i, 'stdout', {created_at}, 'line' from n"
        ),
    )
    .await;
}
