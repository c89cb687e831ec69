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
                html.contains("import init, { hydrate } from \"/pkg/nixdeck."),
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

/// A cluster's deploy chart still shows its deploys after more checks than its history
/// lists have run since.
#[test]
fn the_deploy_chart_shows_deploys_older_than_the_history_lists() {
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        app.staging_cluster("charted", 1).await;
        let job = app.queued_deploy("charted").await;
        testkit::execute(
            &app.store,
            &format!(
                "update jobs set state = 'failed', started_at = created_at, \
                 finished_at = created_at + 90000 where id = '{job}'"
            ),
        )
        .await;
        // Sixty checks after it (their ids sort after the deploy's), each a copy of it.
        for i in 0..60 {
            testkit::execute(
                &app.store,
                &format!(
                    "insert into jobs (id, kind, cluster, cluster_id, state, params, \
                     requested_by, requested_via, host, concurrency_key, exclusive, created_at, \
                     started_at, finished_at, trigger_kind) \
                     select id || '-{i:02}', 'info', cluster, cluster_id, 'succeeded', params, \
                     requested_by, requested_via, host, concurrency_key, exclusive, \
                     created_at + {i}, started_at + {i}, finished_at + {i}, trigger_kind \
                     from jobs where id = '{job}'"
                ),
            )
            .await;
        }
        let (response, html) = app.get_with_cookie("/clusters/charted", &cookie).await;
        assert_eq!(response.status(), StatusCode::OK);
        let chart = element(&html, "data-testid=\"deploy-durations\"", "</figure>");
        assert!(
            chart.contains("aria-label=\"Durations of the last 1 creates and deploys, 1 failed"),
            "{chart}"
        );
        assert_eq!(chart.matches("<title>").count(), 1, "one bar: {chart}");
        assert!(chart.contains(&format!("href=\"/jobs/{job}\"")), "{chart}");
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

/// The page's one inline script starts the WebAssembly bundle, carries the nonce the
/// Content-Security-Policy allows (or the browser would refuse to run it), and imports the
/// very file the page preloads; the 404 page, rendered apart from the routes, does the same.
#[test]
fn each_page_starts_its_bundle_under_the_content_security_policy() {
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        for path in ["/", "/no/such/page"] {
            let (response, html) = app.get_with_cookie(path, &cookie).await;
            let policy = response.headers()[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap();
            let nonce = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .unwrap_or_default();
            assert!(!nonce.is_empty(), "{path}: {policy}");
            let script = element(&html, "<script type=\"module\"", "</script>");
            assert!(
                script.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: the script carries the response's nonce: {script}"
            );
            let imported = element(script, "from \"/pkg/", ".js\"")
                .trim_start_matches("from \"")
                .to_owned()
                + ".js";
            assert!(imported.starts_with("/pkg/nixdeck."), "{path}: {script}");
            assert!(
                html.contains(&format!("<link rel=\"modulepreload\" href=\"{imported}\"")),
                "{path}: the page preloads the module it imports ({imported})"
            );
            assert!(script.contains("then(() => hydrate())"), "{path}: {script}");
        }
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
        testkit::copy_cluster(&app.store, "p01", "restored", "p26", 126).await;

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

/// Elements a paragraph cannot hold: a browser ends the paragraph before any of them.
const BLOCKS: [&str; 26] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "nav",
    "ol",
    "p",
    "section",
    "table",
];

/// The first element that `html` puts inside a paragraph although a paragraph cannot hold
/// it, with what precedes it.
fn block_inside_paragraph(html: &str) -> Option<String> {
    let mut open_paragraphs = 0usize;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let tag = &rest[start + 1..];
        if let Some(comment) = tag.strip_prefix("!--") {
            rest = comment.split_once("-->").map_or("", |(_, after)| after);
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if tag.starts_with('/') {
            if name == "p" {
                open_paragraphs = open_paragraphs.saturating_sub(1);
            }
        } else if open_paragraphs > 0 && (BLOCKS.contains(&name.as_str()) || name == "ul") {
            let at = html.len() - rest.len() + start;
            let boundary = |mut i: usize| {
                i = i.min(html.len());
                while !html.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            return Some(html[boundary(at.saturating_sub(300))..boundary(at + 40)].to_owned());
        } else if name == "p" {
            open_paragraphs += 1;
        }
        rest = &tag[name.len()..];
    }
    None
}

/// The page the browser builds must be the one the server sent, or hydration fails on it:
/// no page, as an admin sees it, puts a block (a form, a list, a table, ...) in a paragraph.
#[test]
fn no_page_puts_a_block_inside_a_paragraph() {
    assert_eq!(
        block_inside_paragraph("<p>a <a href=x>b</a></p><form><p>c</p></form>"),
        None
    );
    assert!(block_inside_paragraph("<p>a <form></form></p>").is_some());
    testkit::block_on(async {
        let app = app().await;
        let cookie = app.sign_in().await;
        app.staging_cluster("shape", 1).await;
        let job = app.queued_deploy("shape").await;
        for path in [
            "/".to_owned(),
            "/clusters".to_owned(),
            "/clusters/new".to_owned(),
            "/clusters/shape".to_owned(),
            format!("/jobs/{job}"),
            "/builder".to_owned(),
            "/deployer".to_owned(),
            "/secrets".to_owned(),
            "/audit".to_owned(),
            "/people".to_owned(),
            "/tokens".to_owned(),
            "/notifications".to_owned(),
            "/account".to_owned(),
        ] {
            let (response, html) = app.get_with_cookie(&path, &cookie).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            if let Some(context) = block_inside_paragraph(&html) {
                panic!("{path} puts a block inside a paragraph: …{context}");
            }
        }
    })
}
