//! EC2 as the engine's `Inventory`: the instances NixOps tagged, in each cluster's region.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use aws_config::{Region, SdkConfig};
use aws_sdk_ec2::{types::Filter, Client};
use engine::{
    cloud::{CloudError, Inventory},
    jobs::handler::BoxFuture,
    model::cloud::{Machine, TAG_DEPLOYMENT, TAG_MACHINE},
};

use crate::errors::{classify, within};

#[derive(Debug)]
pub struct Ec2Inventory {
    config: SdkConfig,
    timeout: Duration,
    /// One client per region, made on first use.
    clients: Mutex<HashMap<String, Client>>,
}

impl Ec2Inventory {
    pub fn new(config: SdkConfig, timeout: Duration) -> Ec2Inventory {
        Ec2Inventory {
            config,
            timeout,
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn client(&self, region: &str) -> Client {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let config = aws_sdk_ec2::config::Builder::from(&self.config)
                    .region(Region::new(region.to_owned()))
                    .build();
                Client::from_conf(config)
            })
            .clone()
    }
}

impl Inventory for Ec2Inventory {
    fn machines<'a>(
        &'a self,
        region: &'a str,
        deployment: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Machine>, CloudError>> {
        Box::pin(within(
            self.timeout,
            ("EC2", "DescribeInstances"),
            async move {
                let client = self.client(region);
                let mut machines = Vec::new();
                let mut next: Option<String> = None;
                loop {
                    let page = client
                        .describe_instances()
                        .filters(
                            Filter::builder()
                                .name(format!("tag:{TAG_DEPLOYMENT}"))
                                .values(deployment)
                                .build(),
                        )
                        .set_next_token(next.take())
                        .send()
                        .await
                        .map_err(|error| {
                            classify(error, ("EC2", "DescribeInstances"), self.timeout)
                        })?;
                    for instance in page.reservations().iter().flat_map(|r| r.instances()) {
                        let tag = |key: &str| {
                            instance
                                .tags()
                                .iter()
                                .find(|t| t.key() == Some(key))
                                .and_then(|t| t.value())
                                .map(str::to_owned)
                        };
                        // The filter already chose the deployment; check it anyway, so a
                        // deployment whose name is a prefix of another's never mixes.
                        if tag(TAG_DEPLOYMENT).as_deref() != Some(deployment) {
                            continue;
                        }
                        machines.push(Machine {
                            name: tag(TAG_MACHINE).unwrap_or_else(|| "(untagged)".to_owned()),
                            instance_id: instance.instance_id().unwrap_or_default().to_owned(),
                            state: instance
                                .state()
                                .and_then(|s| s.name())
                                .map_or("unknown", |name| name.as_str())
                                .to_owned(),
                            instance_type: instance.instance_type().map(|t| t.as_str().to_owned()),
                            availability_zone: instance
                                .placement()
                                .and_then(|p| p.availability_zone())
                                .map(str::to_owned),
                            private_ip: instance.private_ip_address().map(str::to_owned),
                            public_ip: instance.public_ip_address().map(str::to_owned),
                            launched_at: instance.launch_time().and_then(|t| t.to_millis().ok()),
                        });
                    }
                    match page.next_token() {
                        Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                        _ => break,
                    }
                }
                Ok(machines)
            },
        ))
    }
}
