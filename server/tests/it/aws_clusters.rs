//! A cluster as AWS sees it, against moto: its machines found by NixOps's tags (in two
//! regions, beside another deployment), its DNS records present, missing and stale, and the
//! health derived from both.

use aws_sdk_route53::types::RrType;
use axum::http::{Method, StatusCode};
use engine::{
    model::cloud::CLUSTER_MACHINES,
    store::{clusters, now_millis},
};
use serde_json::{json, Value};

use crate::{
    aws_helpers::{get, Aws},
    helpers::TestApp,
    job_helpers::call,
};

/// Creates a cluster through the API and marks it deployed (its NixOps deployment exists),
/// as a first deploy would.
async fn deployed(app: &TestApp, cookie: &str, body: Value) {
    let (status, answer) = call(
        app,
        cookie,
        Method::POST,
        "/api/v1/clusters",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let name = body["name"].as_str().expect("name");
    let row = clusters::find(&app.store, name)
        .await
        .expect("find")
        .expect("cluster");
    clusters::mark_on_deployer(&app.store, &row.id, now_millis())
        .await
        .expect("mark");
}

fn staging(name: &str, index: u8, region: &str) -> Value {
    json!({
        "name": name,
        "region": region,
        "cluster_index": index,
        "env": "staging",
        "domain": format!("{name}.example.org"),
        "dns_zone": "example.org.",
    })
}

#[test]
fn machines_are_found_by_their_nixops_tags_in_the_cluster_region() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        deployed(&app, &cookie, staging("alpha", 1, "eu-central-1")).await;
        deployed(&app, &cookie, staging("beta", 2, "eu-west-1")).await;

        for machine in ["balancer", "witness0", "witness1"] {
            aws.launch("eu-central-1", "alpha", machine).await;
        }
        aws.launch("eu-west-1", "beta", "witness2").await;
        // Another deployment whose name starts the same, and alpha's name in another region.
        aws.launch("eu-central-1", "alpha-old", "witness3").await;
        aws.launch("eu-west-1", "alpha", "educator").await;

        let (status, alpha) = get(&app, &cookie, "/api/v1/clusters/alpha/machines").await;
        assert_eq!(status, StatusCode::OK, "{alpha}");
        let names: Vec<&str> = alpha["machines"]
            .as_array()
            .expect("machines")
            .iter()
            .filter_map(|m| m["name"].as_str())
            .collect();
        assert_eq!(names, ["balancer", "witness0", "witness1"]);
        assert_eq!(
            alpha["missing"],
            json!(["witness2", "witness3", "educator", "multi-educator"])
        );
        let balancer = &alpha["machines"][0];
        assert_eq!(balancer["state"], "running");
        assert_eq!(balancer["instance_type"], "t2.medium");
        assert!(balancer["availability_zone"]
            .as_str()
            .expect("zone")
            .starts_with("eu-central-1"));
        assert!(balancer["instance_id"]
            .as_str()
            .expect("id")
            .starts_with("i-"));
        assert!(balancer["private_ip"].is_string(), "{balancer}");
        assert!(balancer["launched_at"].is_i64(), "{balancer}");

        let (_, beta) = get(&app, &cookie, "/api/v1/clusters/beta/machines").await;
        assert_eq!(beta["machines"].as_array().map(Vec::len), Some(1), "{beta}");
        assert_eq!(beta["machines"][0]["name"], "witness2");
        assert!(beta["machines"][0]["availability_zone"]
            .as_str()
            .expect("zone")
            .starts_with("eu-west-1"));

        // Answers are kept briefly; a refresh reads AWS again.
        aws.launch("eu-central-1", "alpha", "witness2").await;
        let (_, cached) = get(&app, &cookie, "/api/v1/clusters/alpha/machines").await;
        assert_eq!(cached["machines"].as_array().map(Vec::len), Some(3));
        let (_, fresh) = get(
            &app,
            &cookie,
            "/api/v1/clusters/alpha/machines?refresh=true",
        )
        .await;
        assert_eq!(fresh["machines"].as_array().map(Vec::len), Some(4));

        let (status, _) = get(&app, &cookie, "/api/v1/clusters/nope/machines").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
}

#[test]
fn dns_records_are_ok_missing_or_stale_and_health_follows() {
    testkit::block_on(async {
        let aws = Aws::start().await;
        let app = aws.app().await;
        let cookie = app.sign_in().await;
        deployed(&app, &cookie, staging("alpha", 1, "eu-central-1")).await;
        let mut instances = Vec::new();
        for machine in CLUSTER_MACHINES {
            instances.push((machine, aws.launch("eu-central-1", "alpha", machine).await));
        }
        let zone = aws.zone("example.org.").await;
        for (machine, instance) in &instances {
            let address = aws.address_of("eu-central-1", instance).await;
            let name = match *machine {
                "balancer" => "witness".to_owned(),
                "educator" => "educator-inner".to_owned(),
                "multi-educator" => "multi-educator-inner".to_owned(),
                other => other.to_owned(),
            };
            // witness3's record points elsewhere: stale.
            let value = if *machine == "witness3" {
                "192.0.2.77".to_owned()
            } else {
                address
            };
            // Names compare case-insensitively.
            let name = if name == "witness" {
                "Witness.ALPHA".to_owned()
            } else {
                format!("{name}.alpha")
            };
            aws.record(&zone, &format!("{name}.example.org."), RrType::A, &value)
                .await;
        }
        for alias in ["faucet", "explorer", "educator", "multi-educator"] {
            aws.record(
                &zone,
                &format!("{alias}.alpha.example.org."),
                RrType::Cname,
                "witness.alpha.example.org.",
            )
            .await;
        }
        // validator is missing.

        let (status, dns) = get(&app, &cookie, "/api/v1/clusters/alpha/dns").await;
        assert_eq!(status, StatusCode::OK, "{dns}");
        assert_eq!(dns["enabled"], true);
        assert_eq!(dns["zone"], "example.org.");
        let status_of = |name: &str| {
            dns["records"]
                .as_array()
                .expect("records")
                .iter()
                .find(|r| r["name"] == name)
                .map(|r| r["status"].as_str().expect("status").to_owned())
                .unwrap_or_else(|| panic!("no record {name} in {dns}"))
        };
        assert_eq!(status_of("witness.alpha.example.org"), "ok");
        assert_eq!(status_of("witness0.alpha.example.org"), "ok");
        assert_eq!(status_of("educator-inner.alpha.example.org"), "ok");
        assert_eq!(status_of("witness3.alpha.example.org"), "stale");
        assert_eq!(status_of("faucet.alpha.example.org"), "ok");
        assert_eq!(status_of("validator.alpha.example.org"), "missing");
        let stale = dns["records"]
            .as_array()
            .expect("records")
            .iter()
            .find(|r| r["name"] == "witness3.alpha.example.org")
            .expect("witness3");
        assert_eq!(stale["type"], "A");
        assert_eq!(stale["actual"], "192.0.2.77");

        aws.stop("eu-central-1", &instances[2].1).await;
        let (status, health) =
            get(&app, &cookie, "/api/v1/clusters/alpha/health?refresh=true").await;
        assert_eq!(status, StatusCode::OK, "{health}");
        assert_eq!(health["status"], "degraded", "{health}");
        let reasons = health["reasons"].to_string();
        assert!(reasons.contains("witness1"), "{reasons}");
        assert!(reasons.contains("validator.alpha.example.org"), "{reasons}");
        assert!(reasons.contains("witness3.alpha.example.org"), "{reasons}");
        assert!(health["checked_at"].is_i64());

        // Fixed: the machine starts, the records are corrected.
        aws.ec2("eu-central-1")
            .start_instances()
            .instance_ids(&instances[2].1)
            .send()
            .await
            .expect("start");
        // A restarted machine may have a new public address.
        let witness1 = aws.address_of("eu-central-1", &instances[2].1).await;
        aws.record(&zone, "witness1.alpha.example.org.", RrType::A, &witness1)
            .await;
        let witness3 = aws.address_of("eu-central-1", &instances[4].1).await;
        aws.record(&zone, "witness3.alpha.example.org.", RrType::A, &witness3)
            .await;
        aws.record(
            &zone,
            "validator.alpha.example.org.",
            RrType::Cname,
            "witness.alpha.example.org",
        )
        .await;
        let (_, health) = get(&app, &cookie, "/api/v1/clusters/alpha/health?refresh=true").await;
        assert_eq!(health["status"], "healthy", "{health}");

        // Production has no DNS; a cluster never deployed has no health yet.
        let mut production = staging("prod", 3, "eu-central-1");
        production["env"] = json!("production");
        deployed(&app, &cookie, production).await;
        let (_, dns) = get(&app, &cookie, "/api/v1/clusters/prod/dns").await;
        assert_eq!(
            dns,
            json!({"enabled": false, "zone": null, "records": [], "checked_at": null})
        );
        let (status, _) = call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(staging("fresh", 4, "eu-central-1")),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, health) = get(&app, &cookie, "/api/v1/clusters/fresh/health").await;
        assert_eq!(health["status"], "unknown", "{health}");

        // A zone that does not exist is named.
        let mut elsewhere = staging("gamma", 5, "eu-central-1");
        elsewhere["domain"] = json!("gamma.example.net");
        elsewhere["dns_zone"] = json!("example.net.");
        deployed(&app, &cookie, elsewhere).await;
        let (status, answer) = get(&app, &cookie, "/api/v1/clusters/gamma/dns").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
        assert!(
            answer["error"]
                .as_str()
                .expect("error")
                .contains("example.net."),
            "{answer}"
        );
    })
}
