//! Lists of jobs as the pages read them: each cluster's newest job in one query, a cluster's
//! jobs through its index, each with its steps.

use engine::store::Store;
use testkit::on_both_databases;

use crate::helpers::{admin, create, deploy, engine, finished_job};

async fn newest_job_of_each_cluster_and_a_clusters_own_jobs(store: Store) {
    let engine = engine(&store);
    create(&engine, "zeta", 3).await;
    let zeta = deploy(&engine, "zeta", false).await;
    create(&engine, "alpha", 4).await;
    // A cluster without any job is simply not in the map.
    create(&engine, "quiet", 5).await;
    // Jobs of alpha and of a cluster nixdeck no longer has, interleaved.
    for i in 0..6 {
        let cluster = if i % 2 == 0 { "alpha" } else { "gone" };
        finished_job(&store, &format!("j{i}"), cluster, 1_000 + i, "succeeded", 1).await;
    }
    // The jobs were inserted with the cluster id `c-<name>`: give alpha's the real one.
    testkit::execute(
        &store,
        "update jobs set cluster_id = (select id from clusters where name = 'alpha') \
         where cluster = 'alpha'",
    )
    .await;

    let newest = engine.newest_jobs(&admin()).await.expect("newest jobs");
    assert_eq!(newest.len(), 2, "{newest:?}");
    assert!(!newest.contains_key("quiet"));
    assert_eq!(newest["zeta"].id, zeta);
    assert_eq!(newest["alpha"].id, "j4");
    assert!(!newest["zeta"].steps.is_empty(), "with its steps");

    let alpha = engine
        .jobs(&admin(), Some("alpha"), None, 10)
        .await
        .expect("alpha's jobs");
    let ids: Vec<&str> = alpha.iter().map(|job| job.id.as_str()).collect();
    assert_eq!(ids, ["j4", "j2", "j0"]);
    let all = engine
        .jobs(&admin(), None, None, 3)
        .await
        .expect("all jobs");
    assert_eq!(all.len(), 3);
}

on_both_databases!(newest_job_of_each_cluster_and_a_clusters_own_jobs);
