//! The dashboard's pages as rendered on the server.

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
};

use crate::helpers::TestApp;

async fn app() -> TestApp {
    TestApp::on_sqlite().await
}

/// The text from the first `start` to the following `end`, or a failed test.
fn element<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let to = html[from..].find(end).expect("element is closed") + from;
    &html[from..to]
}

const NAVIGATION: [&str; 6] = [
    "Overview", "Clusters", "Builder", "Deployer", "Secrets", "Audit",
];

#[test]
fn every_section_renders_inside_the_layout() {
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        for (path, heading) in [
            ("/", "Overview"),
            ("/clusters", "Clusters"),
            ("/builder", "Builder"),
            ("/deployer", "Deployer"),
            ("/secrets", "Secrets"),
            ("/audit", "Audit"),
        ] {
            let (response, html) = app.get_with_cookie(path, &cookie).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let nav = element(&html, "<nav aria-label=\"Main\"", "</nav>");
            for item in NAVIGATION {
                assert!(nav.contains(&format!(">{item}<")), "{path} links to {item}");
            }
            let h1 = element(&html, "<h1", "</h1>");
            assert!(
                h1.contains(&format!(">{heading}<")),
                "{path} shows its heading: {h1}"
            );
            assert!(
                html.contains("/pkg/nixdeck.js"),
                "{path} loads the hydration script"
            );
            assert!(
                html.contains("/pkg/nixdeck.css"),
                "{path} loads the stylesheet"
            );
        }
    })
}

#[test]
fn the_overview_is_rendered_complete_for_browsers_without_javascript() {
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        let (_, html) = app.get_with_cookie("/", &cookie).await;
        assert!(html.contains("sqlite reachable"), "{html}");
        assert!(
            html.contains("Local admin"),
            "the top bar names the person: {html}"
        );
        assert!(
            html.contains("Local mode"),
            "the local mode banner shows: {html}"
        );
        // The activity chart is drawn on the server, described for screen readers.
        let chart = element(&html, "<figure data-testid=\"jobs-per-day\"", "</figure>");
        assert!(chart.contains("role=\"img\""), "{chart}");
        assert!(chart.contains("aria-label=\"Jobs per day from "), "{chart}");
        assert!(chart.contains("0 ended, 0 of them failed"), "{chart}");
        assert_eq!(
            chart.matches("<title>").count(),
            30,
            "a titled bar a day: {chart}"
        );
    })
}

#[test]
fn an_unknown_address_is_a_404_page_inside_the_layout() {
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        let (response, html) = app.get_with_cookie("/no/such/page", &cookie).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert!(html.contains("Page not found"));
        assert!(html.contains("aria-label=\"Main\""));
    })
}

#[test]
fn the_stored_theme_is_rendered_on_the_first_paint() {
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        let request = Request::get("/")
            .header(header::COOKIE, format!("{cookie}; nixdeck_theme=dark"))
            .body(Body::empty())
            .expect("request");
        let (_, html) = app.send(request).await;
        assert!(html.contains("data-theme=\"dark\""), "{html}");

        let (_, html) = app.get_with_cookie("/", &cookie).await;
        assert!(html.contains("data-theme=\"system\""), "{html}");
    })
}

#[test]
fn a_path_that_climbs_out_of_the_site_is_not_served() {
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        let (response, _) = app.get_with_cookie("/pkg/../../Cargo.toml", &cookie).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    })
}

/// The clusters list shows a page of light rows in name order and links the pages beside
/// it; an address whose page start is not a cluster name says so.
#[test]
fn the_clusters_list_is_paged_by_name() {
    use engine::model::cluster::ClusterInput;

    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        let admin = engine::commands::Caller::cli();
        for index in 1..=25 {
            let input = ClusterInput {
                name: format!("p{index:02}"),
                cluster_index: index,
                env: "production".into(),
                ..ClusterInput::default()
            };
            app.engine
                .create_cluster(&admin, &input, &[])
                .await
                .expect("a cluster");
        }
        // One more than the indexes allow, as restored data could hold it.
        testkit::execute(
            &app.store,
            "insert into clusters (id, name, region, cluster_index, env, domain, dns_zone, \
             versions, state, on_deployer, last_error, created_by, created_at, updated_at, \
             github_deployments) select 'restored', 'p26', region, 126, env, domain, \
             dns_zone, versions, state, on_deployer, last_error, created_by, created_at, \
             updated_at, github_deployments from clusters where name = 'p01'",
        )
        .await;

        let (_, html) = app.get_with_cookie("/clusters", &cookie).await;
        let table = element(&html, "<table", "</table>");
        assert!(
            table.contains(">p01<") && table.contains(">p25<"),
            "{table}"
        );
        assert!(!table.contains(">p26<"), "the 26th is on the next page");
        let pages = element(&html, "<nav aria-label=\"Pages of clusters\"", "</nav>");
        assert!(pages.contains("href=\"/clusters?after=p25\""), "{pages}");
        assert!(
            !pages.contains("before="),
            "the first page has none before it"
        );
        // A row carries what the list shows, not the cluster's whole view.
        assert!(
            !html.contains("\"versions\""),
            "no versions in the hydration data"
        );

        let (_, html) = app.get_with_cookie("/clusters?after=p25", &cookie).await;
        let table = element(&html, "<table", "</table>");
        assert!(
            table.contains(">p26<") && !table.contains(">p25<"),
            "{table}"
        );
        let pages = element(&html, "<nav aria-label=\"Pages of clusters\"", "</nav>");
        assert!(pages.contains("href=\"/clusters?before=p26\""), "{pages}");

        let (_, html) = app
            .get_with_cookie("/clusters?after=%27%3Bdrop", &cookie)
            .await;
        assert!(html.contains("is not a cluster name"), "{html}");
        assert!(!html.contains("<table"), "nothing listed");
    })
}
