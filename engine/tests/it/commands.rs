//! The engine's commands decide on what they act on as it is now: a redeploy or a cancel
//! is allowed by the cluster's current environment, never by what an old job recorded; a
//! cluster whose deployment exists on the deployer is only removed by a destroy job; every
//! refusal says which field it is about.

use engine::{
    commands::{ClusterRemoval, ClusterUpdate},
    model::{
        access::Environment,
        cluster::ClusterCursor,
        failure::FailureKind,
        job::{JobKind, JobState},
    },
    store::{clusters, jobs as queue, now_millis, Store},
    Engine,
};
use testkit::on_both_databases;

use crate::helpers::{admin, cluster_with_a_job, engine, operator, staging};

/// Marks the cluster's deployment as existing and the job as ended in `state`, as a
/// create leaves them once `nixops create` has succeeded.
async fn created(store: &Store, cluster: &str, job: &str, state: JobState) {
    let row = clusters::find(store, cluster)
        .await
        .expect("find")
        .expect("cluster");
    clusters::mark_on_deployer(store, &row.id, now_millis())
        .await
        .expect("mark");
    let error = (state == JobState::Failed).then_some("pass 2");
    let mut tx = store.begin().await.expect("tx");
    queue::finish(&mut tx, job, None, state, error, now_millis())
        .await
        .expect("finish");
    tx.commit().await.expect("commit");
}

async fn make_production(engine: &Engine, name: &str) {
    engine
        .update_cluster(
            &admin(),
            name,
            ClusterUpdate {
                env: Some("production".to_owned()),
                ..ClusterUpdate::default()
            },
        )
        .await
        .expect("switch to production");
}

async fn an_operator_cannot_redeploy_a_cluster_made_production_since(store: Store) {
    let engine = engine(&store);
    let old = cluster_with_a_job(&engine, "alpha", &operator()).await;
    assert_eq!(old.kind, JobKind::Create);
    created(&store, "alpha", &old.id, JobState::Succeeded).await;
    make_production(&engine, "alpha").await;

    let refused = engine
        .redeploy(&operator(), &old.id)
        .await
        .expect_err("production");
    assert_eq!(refused.kind, FailureKind::Forbidden);
    let queued = engine
        .jobs(&admin(), Some("alpha"), None, 10)
        .await
        .expect("jobs");
    assert_eq!(queued.len(), 1, "nothing was queued");

    // An admin's redeploy keeps the current arguments and says what they changed.
    let redeploy = engine.redeploy(&admin(), &old.id).await.expect("admin may");
    assert_eq!(redeploy.job.kind, JobKind::Deploy);
    assert_eq!(
        redeploy.job.params.expect("a cluster job").args.env,
        Environment::Production
    );
    assert!(
        redeploy
            .changes
            .iter()
            .any(|change| change.starts_with("env: staging → production")),
        "{:?}",
        redeploy.changes
    );
}

async fn a_job_of_a_removed_cluster_is_not_redeployed_on_its_successor(store: Store) {
    let engine = engine(&store);
    let old = cluster_with_a_job(&engine, "alpha", &admin()).await;
    engine.cancel(&admin(), &old.id).await.expect("cancel");
    assert_eq!(
        engine
            .remove_cluster(&admin(), "alpha")
            .await
            .expect("remove"),
        ClusterRemoval::Forgotten
    );
    engine
        .create_cluster(&admin(), &staging("alpha", 3), &[])
        .await
        .expect("again");
    let refused = engine
        .redeploy(&admin(), &old.id)
        .await
        .expect_err("another cluster");
    assert_eq!(refused.kind, FailureKind::Conflict);
    assert!(refused.message.contains("earlier cluster"), "{refused}");
}

async fn a_cancel_is_decided_by_the_clusters_current_environment(store: Store) {
    let engine = engine(&store);
    let job = cluster_with_a_job(&engine, "alpha", &operator()).await;
    make_production(&engine, "alpha").await;
    let refused = engine
        .cancel(&operator(), &job.id)
        .await
        .expect_err("production");
    assert_eq!(refused.kind, FailureKind::Forbidden);
    engine.cancel(&admin(), &job.id).await.expect("admin may");
}

async fn a_cluster_on_the_deployer_is_removed_by_a_destroy_job(store: Store) {
    let engine = engine(&store);
    let create = cluster_with_a_job(&engine, "alpha", &admin()).await;
    // The create failed after `nixops create` succeeded: the deployment exists.
    created(&store, "alpha", &create.id, JobState::Failed).await;

    let removal = engine
        .remove_cluster(&admin(), "alpha")
        .await
        .expect("remove");
    let ClusterRemoval::Destroying(job) = removal else {
        panic!("expected a destroy job, got {removal:?}");
    };
    assert_eq!(job.kind, JobKind::Destroy);
    let cluster = engine
        .cluster(&admin(), "alpha")
        .await
        .expect("still there");
    assert!(cluster.on_deployer);
    // Its index stays taken until the destroy has run.
    let taken = engine
        .create_cluster(&admin(), &staging("beta", 2), &[])
        .await
        .expect_err("index taken");
    assert_eq!(taken.field.as_deref(), Some("cluster_index"));
}

async fn refusals_name_their_field_and_change_nothing(store: Store) {
    let engine = engine(&store);
    engine
        .create_cluster(&admin(), &staging("alpha", 2), &[])
        .await
        .expect("create");
    let name = engine
        .create_cluster(&admin(), &staging("alpha", 3), &[])
        .await
        .expect_err("name taken");
    assert_eq!(
        (name.kind, name.field.as_deref()),
        (FailureKind::Conflict, Some("name"))
    );
    let mut bad = staging("beta", 3);
    bad.region = "mars-north-1".to_owned();
    let region = engine
        .create_cluster(&admin(), &bad, &[])
        .await
        .expect_err("region");
    assert_eq!(
        (region.kind, region.field.as_deref()),
        (FailureKind::Invalid, Some("region"))
    );
    let version = engine
        .set_versions(
            &admin(),
            "alpha",
            &[("disciplina".to_owned(), "$(id)".to_owned())],
        )
        .await
        .expect_err("ref");
    assert_eq!(version.field.as_deref(), Some("disciplina"));
    let viewer = crate::helpers::caller("github:vic", engine::model::access::Role::Viewer);
    let forbidden = engine
        .deploy(&viewer, "alpha", false)
        .await
        .expect_err("viewer");
    assert_eq!(forbidden.kind, FailureKind::Forbidden);
    let missing = engine
        .deploy(&admin(), "nope", false)
        .await
        .expect_err("missing");
    assert_eq!(missing.kind, FailureKind::NotFound);
    let listed = engine
        .clusters(&admin(), &ClusterCursor::First)
        .await
        .expect("list");
    assert_eq!(listed.clusters.len(), 1);
    assert!(engine
        .jobs(&admin(), None, None, 10)
        .await
        .expect("jobs")
        .is_empty());
}

on_both_databases!(
    an_operator_cannot_redeploy_a_cluster_made_production_since,
    a_job_of_a_removed_cluster_is_not_redeployed_on_its_successor,
    a_cancel_is_decided_by_the_clusters_current_environment,
    a_cluster_on_the_deployer_is_removed_by_a_destroy_job,
    refusals_name_their_field_and_change_nothing,
);
