//! Lists as the pages read them: the clusters list a page at a time with each cluster's
//! newest job, a cluster's jobs through its index, each with its steps.

use engine::{
    model::{
        cluster::{ClusterCursor, ClusterListing, CLUSTERS_PER_PAGE},
        job::{JobKind, JobState},
    },
    store::Store,
};
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

    let listing = engine
        .cluster_list(&admin(), &ClusterCursor::First)
        .await
        .expect("the clusters list");
    let names: Vec<&str> = listing.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["alpha", "quiet", "zeta"], "in name order");
    let latest = |name: &str| {
        listing
            .clusters
            .iter()
            .find(|cluster| cluster.name == name)
            .and_then(|cluster| cluster.latest_job.clone())
    };
    // A cluster without any job has none; the jobs of a cluster nixdeck no longer has are
    // nobody's.
    assert_eq!(latest("quiet"), None);
    let zeta_latest = latest("zeta").expect("zeta's create");
    assert_eq!(
        (zeta_latest.id.as_str(), zeta_latest.kind, zeta_latest.state),
        (zeta.as_str(), JobKind::Create, JobState::Queued)
    );
    assert_eq!(latest("alpha").expect("alpha's").id, "j4");
    assert_eq!((listing.previous_before, listing.next_after), (None, None));

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

/// More clusters than a page holds (a deployer holds at most one per index; a restored or
/// imported set may hold more): each page is the next names in order, and says where the
/// pages beside it start.
async fn the_clusters_list_pages_by_name(store: Store) {
    let engine = engine(&store);
    for index in 1..=25 {
        create(&engine, &format!("c{index:02}"), index).await;
    }
    // Five more than the indexes allow, as restored data would hold them.
    for index in 26..=30 {
        testkit::copy_cluster(
            &store,
            "c01",
            &format!("restored-{index}"),
            &format!("c{index:02}"),
            index + 100,
        )
        .await;
    }
    let page = |cursor: ClusterCursor| {
        let engine = engine.clone();
        async move {
            engine
                .cluster_list(&admin(), &cursor)
                .await
                .expect("a page of clusters")
        }
    };
    let names = |listing: &ClusterListing| {
        listing
            .clusters
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    let expected = |range: std::ops::RangeInclusive<i32>| {
        range.map(|i| format!("c{i:02}")).collect::<Vec<_>>()
    };

    let first = page(ClusterCursor::First).await;
    assert_eq!(first.clusters.len(), CLUSTERS_PER_PAGE);
    assert_eq!(names(&first), expected(1..=25));
    assert_eq!(first.previous_before, None);
    assert_eq!(first.next_after.as_deref(), Some("c25"));

    let second = page(ClusterCursor::After("c25".into())).await;
    assert_eq!(names(&second), expected(26..=30));
    assert_eq!(second.previous_before.as_deref(), Some("c26"));
    assert_eq!(second.next_after, None);

    // Back from the second page: the 25 names before its first.
    let back = page(ClusterCursor::Before("c26".into())).await;
    assert_eq!(names(&back), expected(1..=25));
    assert_eq!(back.next_after.as_deref(), Some("c25"));

    // From the middle, a page on each side; past the end, an empty page.
    let middle = page(ClusterCursor::Before("c12".into())).await;
    assert_eq!(names(&middle), expected(1..=11));
    assert_eq!(middle.previous_before, None);
    assert_eq!(middle.next_after.as_deref(), Some("c11"));
    let past = page(ClusterCursor::After("zzz".into())).await;
    assert!(past.clusters.is_empty());
    assert_eq!((past.previous_before, past.next_after), (None, None));

    // The healths read are those of the same page's clusters (none deployed: not on AWS).
    let healths = engine
        .cluster_healths(&admin(), &ClusterCursor::After("c25".into()))
        .await
        .expect("the page's healths");
    assert_eq!(
        healths.keys().cloned().collect::<Vec<_>>(),
        expected(26..=30)
    );

    // The new cluster form's suggestion reads every index in use.
    let taken = engine
        .taken_cluster_indexes(&admin())
        .await
        .expect("taken indexes");
    assert_eq!(taken, (1..=25).chain(126..=130).collect::<Vec<u8>>());
}

/// What a cluster's deploy chart draws: its newest finished creates and deploys, newest
/// first, found past however many checks ran since; never one still running, nor another
/// cluster's.
async fn a_clusters_finished_deploys_are_found_past_its_checks(store: Store) {
    let engine = engine(&store);
    create(&engine, "zeta", 3).await;
    deploy(&engine, "zeta", false).await;
    for (id, state) in [
        ("a00", "succeeded"),
        ("a01", "failed"),
        ("a02", "succeeded"),
    ] {
        finished_job(&store, id, "alpha", 1_000, state, 1).await;
    }
    testkit::execute(&store, "update jobs set kind = 'create' where id = 'a00'").await;
    // Sixty scheduled checks since, more than the cluster page's history shows.
    for i in 3..63 {
        finished_job(
            &store,
            &format!("a{i:02}"),
            "alpha",
            2_000 + i,
            "succeeded",
            1,
        )
        .await;
    }
    testkit::execute(
        &store,
        "update jobs set kind = 'info' where cluster = 'alpha' and id >= 'a03'",
    )
    .await;
    finished_job(&store, "a63", "alpha", 3_000, "running", 1).await;
    finished_job(&store, "b00", "beta", 4_000, "succeeded", 1).await;

    let history = engine
        .jobs(&admin(), Some("alpha"), None, 50)
        .await
        .expect("alpha's history");
    assert!(
        history
            .iter()
            .all(|job| job.kind == JobKind::Info || job.id == "a63"),
        "the newest 50 jobs are checks and the running deploy"
    );
    let deploys = engine
        .finished_deploys(&admin(), "alpha", 30)
        .await
        .expect("alpha's deploys");
    let found: Vec<(&str, JobKind, JobState)> = deploys
        .iter()
        .map(|job| (job.id.as_str(), job.kind, job.state))
        .collect();
    assert_eq!(
        found,
        [
            ("a02", JobKind::Deploy, JobState::Succeeded),
            ("a01", JobKind::Deploy, JobState::Failed),
            ("a00", JobKind::Create, JobState::Succeeded),
        ]
    );
    let newest_two = engine
        .finished_deploys(&admin(), "alpha", 2)
        .await
        .expect("alpha's two newest deploys");
    assert_eq!(
        newest_two
            .iter()
            .map(|job| job.id.as_str())
            .collect::<Vec<_>>(),
        ["a02", "a01"]
    );
}

on_both_databases!(
    newest_job_of_each_cluster_and_a_clusters_own_jobs,
    the_clusters_list_pages_by_name,
    a_clusters_finished_deploys_are_found_past_its_checks,
);
