//! A cluster's schedules through the REST API: read with the default check, set, refused
//! with 422 naming the field for a cron expression that does not parse (nothing changes),
//! audited once when set.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    helpers::TestApp,
    job_helpers::{alpha, call},
};

#[test]
fn schedules_are_read_set_and_refused_naming_the_field() {
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
        let path = "/api/v1/clusters/alpha/schedule";
        let (status, schedule) = call(&app, &cookie, Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "{schedule}");
        assert_eq!(schedule["check"], "0 */6 * * *");
        assert_eq!(schedule["redeploy"], Value::Null);

        for (body, field) in [
            (json!({"check": "0 25 * * *", "redeploy": null}), "check"),
            (json!({"check": null, "redeploy": "every day"}), "redeploy"),
            (json!({"check": "$(reboot) * * * *"}), "check"),
        ] {
            let (status, refused) = call(&app, &cookie, Method::PUT, path, Some(body)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
            assert_eq!(refused["field"], field, "{refused}");
        }
        let (status, refused) = call(
            &app,
            &cookie,
            Method::PUT,
            path,
            Some(json!({"cron": "* * * * *"})),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let (_, unchanged) = call(&app, &cookie, Method::GET, path, None).await;
        assert_eq!(unchanged["check"], "0 */6 * * *");

        let (status, set) = call(
            &app,
            &cookie,
            Method::PUT,
            path,
            Some(json!({"check": "15 3 * * *", "redeploy": "0 4 * * mon"})),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{set}");
        assert_eq!(set["check"], "15 3 * * *");
        assert_eq!(set["redeploy"], "0 4 * * mon");
        assert!(set["redeploy_next_at"].as_i64().is_some(), "{set}");
        let (_, events) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/audit?action=cluster.schedule_changed",
            None,
        )
        .await;
        assert_eq!(events["events"].as_array().map_or(0, Vec::len), 1);
        let (status, _) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/clusters/nope/schedule",
            None,
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
}
