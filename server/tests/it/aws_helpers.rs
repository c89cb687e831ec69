//! The AWS the tests talk to: moto on 127.0.0.1, seeded and inspected with the SDK itself,
//! as NixOps and the AWS console would have left it.

use std::time::Duration;

use aws::SdkConfig;
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
use aws_sdk_route53::types::{
    Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};
use testkit::counterpart::Counterpart;

use crate::{helpers::TestApp, job_helpers::call};

/// An image moto knows in every region.
const IMAGE: &str = "ami-03cf127a";

pub struct Aws {
    pub moto: Counterpart,
    pub config: SdkConfig,
}

impl Aws {
    pub async fn start() -> Aws {
        let moto = Counterpart::moto().await;
        // Seeding waits as long as moto takes: its first call in a region builds that
        // region's data, which takes seconds on a loaded machine.
        let config = settings(&moto.url, Duration::from_secs(120))
            .sdk_config()
            .await;
        Aws { moto, config }
    }

    /// A local-mode app whose AWS is this moto.
    pub async fn app(&self) -> TestApp {
        TestApp::with_aws(&self.moto.url, &[]).await
    }

    pub fn secrets(&self) -> aws_sdk_secretsmanager::Client {
        aws_sdk_secretsmanager::Client::new(&self.config)
    }

    pub fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        let config = aws_sdk_ec2::config::Builder::from(&self.config)
            .region(aws_sdk_ec2::config::Region::new(region.to_owned()))
            // A launch retried after a slow answer would start a second machine: moto does
            // not honour client tokens.
            .retry_config(aws_sdk_ec2::config::retry::RetryConfig::disabled())
            .build();
        aws_sdk_ec2::Client::from_conf(config)
    }

    pub fn route53(&self) -> aws_sdk_route53::Client {
        aws_sdk_route53::Client::new(&self.config)
    }

    /// Launches an instance tagged as NixOps tags machine `machine` of `deployment`;
    /// returns its id.
    pub async fn launch(&self, region: &str, deployment: &str, machine: &str) -> String {
        let tag = |key: &str, value: &str| Tag::builder().key(key).value(value).build();
        let answer = self
            .ec2(region)
            .run_instances()
            .image_id(IMAGE)
            .instance_type(aws_sdk_ec2::types::InstanceType::T2Medium)
            .min_count(1)
            .max_count(1)
            .tag_specifications(
                TagSpecification::builder()
                    .resource_type(ResourceType::Instance)
                    .tags(tag("CharonNetworkName", deployment))
                    .tags(tag("CharonMachineName", machine))
                    .tags(tag(
                        "CharonNetworkUUID",
                        "7c5e6f2a-0000-4000-8000-000000000000",
                    ))
                    .tags(tag("Name", &format!("{deployment} [{machine}]")))
                    .build(),
            )
            .send()
            .await
            .expect("run an instance");
        answer.instances()[0]
            .instance_id()
            .expect("instance id")
            .to_owned()
    }

    /// The instance's public IP, or its private one.
    pub async fn address_of(&self, region: &str, instance: &str) -> String {
        let answer = self
            .ec2(region)
            .describe_instances()
            .instance_ids(instance)
            .send()
            .await
            .expect("describe");
        let found = &answer.reservations()[0].instances()[0];
        found
            .public_ip_address()
            .or(found.private_ip_address())
            .expect("an address")
            .to_owned()
    }

    pub async fn stop(&self, region: &str, instance: &str) {
        self.ec2(region)
            .stop_instances()
            .instance_ids(instance)
            .send()
            .await
            .expect("stop");
    }

    /// Creates hosted zone `name`; returns its id.
    pub async fn zone(&self, name: &str) -> String {
        let answer = self
            .route53()
            .create_hosted_zone()
            .name(name)
            .caller_reference(uuid::Uuid::new_v4().to_string())
            .send()
            .await
            .expect("create a zone");
        answer.hosted_zone().expect("zone").id().to_owned()
    }

    /// Creates or replaces one record.
    pub async fn record(&self, zone_id: &str, name: &str, record_type: RrType, value: &str) {
        let set = ResourceRecordSet::builder()
            .name(name)
            .r#type(record_type)
            .ttl(300)
            .resource_records(
                ResourceRecord::builder()
                    .value(value)
                    .build()
                    .expect("record"),
            )
            .build()
            .expect("record set");
        self.route53()
            .change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(
                ChangeBatch::builder()
                    .changes(
                        Change::builder()
                            .action(ChangeAction::Upsert)
                            .resource_record_set(set)
                            .build()
                            .expect("change"),
                    )
                    .build()
                    .expect("batch"),
            )
            .send()
            .await
            .expect("change records");
    }

    /// The ids of a secret's versions as moto holds them (none when it does not exist).
    pub async fn versions(&self, id: &str) -> Vec<String> {
        match self
            .secrets()
            .list_secret_version_ids()
            .secret_id(id)
            .send()
            .await
        {
            Ok(answer) => answer
                .versions()
                .iter()
                .filter_map(|v| v.version_id().map(str::to_owned))
                .collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The current value of a secret as moto holds it.
    pub async fn current(&self, id: &str) -> serde_json::Value {
        let answer = self
            .secrets()
            .get_secret_value()
            .secret_id(id)
            .send()
            .await
            .expect("get the secret");
        serde_json::from_str(answer.secret_string().expect("a string")).expect("JSON")
    }
}

/// nixdeck's AWS settings for an endpoint, with moto's test credentials.
pub fn settings(endpoint: &str, timeout: Duration) -> aws::Settings {
    aws::Settings {
        region: "eu-central-1".to_owned(),
        timeout,
        endpoint: Some(endpoint.to_owned()),
        credentials: Some(("testing".to_owned(), "testing".to_owned())),
    }
}

/// A GET with the session cookie: the status and the parsed body.
pub async fn get(
    app: &TestApp,
    cookie: &str,
    path: &str,
) -> (axum::http::StatusCode, serde_json::Value) {
    call(app, cookie, axum::http::Method::GET, path, None).await
}
