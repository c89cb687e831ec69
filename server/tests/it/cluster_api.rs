//! The cluster REST API's answers to bad input: a clear error naming the field, nothing
//! stored, nothing run on the deployer.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use testkit::deployer::Deployer;

use crate::{
    helpers::TestApp,
    job_helpers::{alpha, call},
};

async fn audit_actions(app: &TestApp, cookie: &str) -> Vec<String> {
    let (_, events) = call(app, cookie, Method::GET, "/api/v1/audit", None).await;
    events["events"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .filter_map(|e| e["action"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn bad_cluster_input_is_refused_naming_the_field_and_nothing_happens() {
    testkit::block_on(async {
        let deployer = Deployer::start().await;
        let app = TestApp::with_deployer(&deployer).await;
        let cookie = app.sign_in().await;
        let with = |changes: Value| {
            let mut body = alpha(2);
            for (key, value) in changes.as_object().expect("object") {
                body[key] = value.clone();
            }
            body
        };
        let cases = [
            (with(json!({"name": "alpha; rm -rf /"})), "name"),
            (with(json!({"name": "$(reboot)"})), "name"),
            (with(json!({"name": "deployer"})), "name"),
            (with(json!({"region": "eu-central-1'; id"})), "region"),
            (with(json!({"cluster_index": 26})), "cluster_index"),
            (with(json!({"env": "qa"})), "env"),
            (with(json!({"domain": "alpha.example.com"})), "domain"),
            (
                with(json!({"versions": {"disciplina": "master;id"}})),
                "disciplina",
            ),
            (
                with(json!({"versions": {"disciplina": "--upload-pack=touch /tmp/x"}})),
                "disciplina",
            ),
            (with(json!({"versions": {"leftpad": "master"}})), "leftpad"),
        ];
        for (body, field) in cases {
            let (status, answer) = call(
                &app,
                &cookie,
                Method::POST,
                "/api/v1/clusters",
                Some(body.clone()),
            )
            .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body} -> {answer}"
            );
            assert_eq!(answer["field"], field, "{body} -> {answer}");
            assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()));
        }
        let (status, answer) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(json!({"name": 5})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["field"], "body");

        let (_, clusters) = call(&app, &cookie, Method::GET, "/api/v1/clusters", None).await;
        assert_eq!(clusters, json!([]), "nothing stored");
        assert!(!audit_actions(&app, &cookie)
            .await
            .iter()
            .any(|a| a.starts_with("cluster.")));
        assert!(deployer.calls().is_empty(), "nothing executed");
    })
}

#[test]
fn taken_names_and_indexes_are_conflicts() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        let (status, created) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(alpha(2)),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(
            created["subnets"],
            json!(["10.1.21.0/24", "10.1.22.0/24", "10.1.23.0/24"])
        );
        assert_eq!(created["versions"]["disciplina-educator-spa"], "develop");

        let (status, answer) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(alpha(3)),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(answer["field"], "name");

        let mut beta = alpha(2);
        beta["name"] = json!("beta");
        beta["domain"] = json!("beta.disciplina.io");
        let (status, answer) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(beta.clone()),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert_eq!(answer["field"], "cluster_index");

        beta["cluster_index"] = json!(3);
        let (status, _) = call(&app, &cookie, Method::POST, "/api/v1/clusters", Some(beta)).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, answer) = call(
            &app,
            &cookie,
            Method::PATCH,
            "/api/v1/clusters/beta",
            Some(json!({"cluster_index": 2})),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT, "{answer}");
        assert_eq!(answer["field"], "cluster_index");
    })
}

#[test]
fn clusters_are_edited_pinned_and_removed_with_an_audit_trail() {
    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(alpha(2)),
        )
        .await;

        // Production turns DNS off: domain and zone are dropped, not required.
        let (status, edited) = call(
            &app,
            &cookie,
            Method::PATCH,
            "/api/v1/clusters/alpha",
            Some(json!({"env": "production"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!(edited["env"], "production");
        assert_eq!(edited["domain"], Value::Null);
        let (status, answer) = call(
            &app,
            &cookie,
            Method::PATCH,
            "/api/v1/clusters/alpha",
            Some(json!({"name": "omega"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer["field"], "name");

        let (status, pinned) = call(
            &app,
            &cookie,
            Method::PUT,
            "/api/v1/clusters/alpha/versions",
            Some(json!({"disciplina": "v1.2", "disciplina-nixops": "3f2a9c1"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{pinned}");
        assert_eq!(pinned["versions"]["disciplina"], "v1.2");
        assert_eq!(
            pinned["versions"]["disciplina-educator-spa"], "develop",
            "the others stay"
        );
        let (status, answer) = call(
            &app,
            &cookie,
            Method::PUT,
            "/api/v1/clusters/alpha/versions",
            Some(json!({"disciplina": "a..b"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer["field"], "disciplina");

        for (method, path) in [
            (Method::GET, "/api/v1/clusters/nope"),
            (Method::PATCH, "/api/v1/clusters/nope"),
            (Method::DELETE, "/api/v1/clusters/nope"),
            (Method::POST, "/api/v1/clusters/nope/deploys"),
            (Method::GET, "/api/v1/jobs/nope"),
            (Method::POST, "/api/v1/jobs/nope/cancel"),
        ] {
            let body = (method == Method::PATCH).then(|| json!({"region": "eu-west-1"}));
            let (status, _) = call(&app, &cookie, method.clone(), path, body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        }

        // Never deployed: removed at once, nothing to destroy.
        let (status, _) = call(
            &app,
            &cookie,
            Method::DELETE,
            "/api/v1/clusters/alpha",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let mut actions = audit_actions(&app, &cookie).await;
        actions.reverse();
        assert_eq!(
            actions,
            [
                "auth.sign_in",
                "cluster.created",
                "cluster.updated",
                "cluster.versions_changed",
                "cluster.removed"
            ]
        );
    })
}

/// The list is paged by name as the dashboard's is: a deployer's clusters (one per cluster
/// index) fit on the first page; a larger restored set is walked with the `Link` header.
#[test]
fn the_clusters_list_pages_by_name_with_link_headers() {
    use axum::http::header;

    testkit::block_on(async {
        let app = TestApp::on_sqlite().await;
        let cookie = app.sign_in().await;
        for index in 1..=25 {
            app.staging_cluster(&format!("c{index:02}"), index).await;
        }
        let names = |body: &str| -> Vec<String> {
            let clusters: Value = serde_json::from_str(body).expect("JSON");
            clusters
                .as_array()
                .expect("an array")
                .iter()
                .map(|cluster| cluster["name"].as_str().expect("a name").to_owned())
                .collect()
        };
        let expected = |range: std::ops::RangeInclusive<u8>| {
            range.map(|i| format!("c{i:02}")).collect::<Vec<_>>()
        };

        // A full deployer: one page, no links.
        let (response, body) = app.get_with_cookie("/api/v1/clusters", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(names(&body), expected(1..=25));
        assert!(response.headers().get(header::LINK).is_none());

        // Five more, restored beyond the indexes: the first page links to the next.
        for index in 26..=30u8 {
            testkit::copy_cluster(
                &app.store,
                "c01",
                &format!("restored-{index}"),
                &format!("c{index:02}"),
                i64::from(index) + 100,
            )
            .await;
        }
        let (response, body) = app.get_with_cookie("/api/v1/clusters", &cookie).await;
        assert_eq!(names(&body), expected(1..=25));
        assert_eq!(
            response.headers()[header::LINK],
            "</api/v1/clusters?after=c25>; rel=\"next\""
        );
        let (response, body) = app
            .get_with_cookie("/api/v1/clusters?after=c25", &cookie)
            .await;
        assert_eq!(names(&body), expected(26..=30));
        assert_eq!(
            response.headers()[header::LINK],
            "</api/v1/clusters?before=c26>; rel=\"prev\""
        );
        let (_, body) = app
            .get_with_cookie("/api/v1/clusters?before=c26", &cookie)
            .await;
        assert_eq!(names(&body), expected(1..=25));

        // A cursor that is not a cluster name, or two of them, is refused, naming it.
        for (query, field) in [
            ("after=c01%3Bid", "after"),
            ("before=..%2Fetc", "before"),
            ("after=c01&before=c02", "before"),
        ] {
            let (status, answer) = call(
                &app,
                &cookie,
                Method::GET,
                &format!("/api/v1/clusters?{query}"),
                None,
            )
            .await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {answer}"
            );
            assert_eq!(answer["field"], field, "{query}: {answer}");
        }
    })
}
