//! Route53 as the engine's `DnsReader`: a hosted zone found by name, and its records.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_route53::Client;
use engine::{
    cloud::{CloudError, DnsReader},
    jobs::handler::BoxFuture,
    model::cloud::{normalize_name, ZoneRecord},
};

use crate::errors::{classify, within};

const SERVICE: &str = "Route53";

#[derive(Debug, Clone)]
pub struct Route53Dns {
    client: Client,
    timeout: Duration,
}

impl Route53Dns {
    pub fn new(config: &SdkConfig, timeout: Duration) -> Route53Dns {
        Route53Dns {
            client: Client::new(config),
            timeout,
        }
    }

    /// The id of the public or private zone named exactly `zone`.
    async fn zone_id(&self, zone: &str) -> Result<Option<String>, CloudError> {
        let wanted = normalize_name(zone);
        let answer = self
            .client
            .list_hosted_zones_by_name()
            .dns_name(format!("{wanted}."))
            .max_items(10)
            .send()
            .await
            .map_err(|error| classify(error, (SERVICE, "ListHostedZonesByName"), self.timeout))?;
        Ok(answer
            .hosted_zones()
            .iter()
            .find(|z| normalize_name(z.name()) == wanted)
            .map(|z| z.id().to_owned()))
    }
}

impl DnsReader for Route53Dns {
    fn zone_records<'a>(
        &'a self,
        zone: &'a str,
    ) -> BoxFuture<'a, Result<Option<Vec<ZoneRecord>>, CloudError>> {
        Box::pin(within(
            self.timeout,
            (SERVICE, "ListResourceRecordSets"),
            async move {
                let Some(zone_id) = self.zone_id(zone).await? else {
                    return Ok(None);
                };
                let mut records = Vec::new();
                let mut start: Option<(String, aws_sdk_route53::types::RrType, Option<String>)> =
                    None;
                loop {
                    let mut request = self
                        .client
                        .list_resource_record_sets()
                        .hosted_zone_id(&zone_id);
                    if let Some((name, record_type, identifier)) = start.take() {
                        request = request
                            .start_record_name(name)
                            .start_record_type(record_type)
                            .set_start_record_identifier(identifier);
                    }
                    let page = request.send().await.map_err(|error| {
                        classify(error, (SERVICE, "ListResourceRecordSets"), self.timeout)
                    })?;
                    records.extend(page.resource_record_sets().iter().map(|set| {
                        ZoneRecord {
                            name: set.name().to_owned(),
                            record_type: set.r#type().as_str().to_owned(),
                            values: match set.alias_target() {
                                Some(alias) => vec![alias.dns_name().to_owned()],
                                None => set
                                    .resource_records()
                                    .iter()
                                    .map(|r| r.value().to_owned())
                                    .collect(),
                            },
                        }
                    }));
                    if !page.is_truncated() {
                        break;
                    }
                    match (page.next_record_name(), page.next_record_type()) {
                        (Some(name), Some(record_type)) => {
                            start = Some((
                                name.to_owned(),
                                record_type.clone(),
                                page.next_record_identifier().map(str::to_owned),
                            ))
                        }
                        _ => break,
                    }
                }
                Ok(Some(records))
            },
        ))
    }
}
