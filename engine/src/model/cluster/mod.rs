//! A cluster's arguments and the rules they obey (the runbook's `deployments/cluster.nix`
//! arguments). Checked here once, in the browser as the person types and on the server
//! before anything is stored or run. Every value that later reaches a shell has passed
//! these rules, and is quoted as well.

use serde::{Deserialize, Serialize};

use super::access::Environment;

mod listing;
mod view;
pub use listing::{
    ClusterCursor, ClusterListing, ClusterSummary, ClusterViews, LatestJob, CLUSTERS_PER_PAGE,
};
pub use view::{cluster_after, ClusterChange, ClusterState, ClusterView};

/// The deployer's own NixOps deployment; no cluster may take its name.
pub const DEPLOYER_DEPLOYMENT: &str = "deployer";
/// The DNS zone used when none is given.
pub const DEFAULT_DNS_ZONE: &str = "disciplina.io.";
/// The region used when none is given.
pub const DEFAULT_REGION: &str = "eu-central-1";
/// Cluster indexes run from 1 to this; each gives the third octet's prefix of its subnets.
pub const MAX_CLUSTER_INDEX: u8 = 25;

/// AWS regions a cluster may be deployed to.
pub const REGIONS: [&str; 29] = [
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// A rule broken by one field: the field's name (as the API and the form call it) and
/// what is wrong, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn new(field: &str, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A cluster's arguments as submitted (by the form or the REST API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterInput {
    pub name: String,
    pub region: String,
    pub cluster_index: i64,
    pub env: String,
    pub domain: String,
    pub dns_zone: String,
}

/// Arguments that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterArgs {
    pub name: String,
    pub region: String,
    pub cluster_index: u8,
    pub env: Environment,
    /// `None` for production, which turns DNS off.
    pub dns: Option<ClusterDns>,
}

impl ClusterArgs {
    /// The arguments as a form or request would submit them (to edit them).
    pub fn to_input(&self) -> ClusterInput {
        ClusterInput {
            name: self.name.clone(),
            region: self.region.clone(),
            cluster_index: i64::from(self.cluster_index),
            env: self.env.as_str().to_owned(),
            domain: self
                .dns
                .as_ref()
                .map(|d| d.domain.clone())
                .unwrap_or_default(),
            dns_zone: self
                .dns
                .as_ref()
                .map(|d| d.zone.clone())
                .unwrap_or_default(),
        }
    }
}

/// Where a staging cluster's names are made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterDns {
    pub domain: String,
    pub zone: String,
}

impl ClusterInput {
    /// Checks every field; the first broken rule is reported, naming its field.
    pub fn validate(&self) -> Result<ClusterArgs, FieldError> {
        validate_cluster_name(&self.name)?;
        let region = if self.region.trim().is_empty() {
            DEFAULT_REGION.to_owned()
        } else {
            validate_region(self.region.trim())?.to_owned()
        };
        let cluster_index = validate_cluster_index(self.cluster_index)?;
        let env = match self.env.trim() {
            "" => Environment::Staging,
            other => {
                Environment::parse(other).map_err(|message| FieldError::new("env", message))?
            }
        };
        let dns = match env {
            // Production turns DNS off: the runbook ignores domain and dnsZone there.
            Environment::Production => None,
            Environment::Staging => Some(validate_dns(&self.domain, &self.dns_zone)?),
        };
        Ok(ClusterArgs {
            name: self.name.clone(),
            region,
            cluster_index,
            env,
            dns,
        })
    }
}

/// Lowercase letters, digits and dashes, 1 to 40, not starting or ending with a dash, and
/// not the deployer's own deployment.
pub fn validate_cluster_name(name: &str) -> Result<(), FieldError> {
    let valid = (1..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !valid {
        return Err(FieldError::new(
            "name",
            "use 1 to 40 lowercase letters, digits and dashes, not starting or ending with a dash",
        ));
    }
    if name == DEPLOYER_DEPLOYMENT {
        return Err(FieldError::new(
            "name",
            "\"deployer\" is the deployer's own deployment; pick another name",
        ));
    }
    Ok(())
}

pub fn validate_region(region: &str) -> Result<&str, FieldError> {
    REGIONS
        .iter()
        .find(|known| **known == region)
        .copied()
        .ok_or_else(|| {
            FieldError::new(
                "region",
                format!("{region:?} is not an AWS region nixdeck knows"),
            )
        })
}

pub fn validate_cluster_index(index: i64) -> Result<u8, FieldError> {
    u8::try_from(index)
        .ok()
        .filter(|index| (1..=MAX_CLUSTER_INDEX).contains(index))
        .ok_or_else(|| {
            FieldError::new(
                "cluster_index",
                format!("{index} is outside 1 to {MAX_CLUSTER_INDEX}"),
            )
        })
}

/// The three subnets of a cluster index, as the runbook derives them: index `i` gives
/// `10.1.<i>1.0/24`, `10.1.<i>2.0/24` and `10.1.<i>3.0/24`.
pub fn subnets(index: u8) -> [String; 3] {
    [1, 2, 3].map(|zone| format!("10.1.{index}{zone}.0/24"))
}

/// The lowest index in 1..=25 not in `taken`, for the form's suggestion.
pub fn lowest_free_index(taken: &[u8]) -> Option<u8> {
    (1..=MAX_CLUSTER_INDEX).find(|index| !taken.contains(index))
}

fn validate_dns(domain: &str, zone: &str) -> Result<ClusterDns, FieldError> {
    let zone = if zone.trim().is_empty() {
        DEFAULT_DNS_ZONE.to_owned()
    } else {
        zone.trim().to_owned()
    };
    if !is_dns_name(&zone) {
        return Err(FieldError::new(
            "dns_zone",
            format!("{zone:?} is not a DNS name"),
        ));
    }
    let domain = domain.trim();
    if !is_dns_name(domain) {
        return Err(FieldError::new(
            "domain",
            format!("{domain:?} is not a DNS name (staging clusters need one)"),
        ));
    }
    let bare_domain = domain.trim_end_matches('.');
    let bare_zone = zone.trim_end_matches('.');
    if bare_domain != bare_zone && !bare_domain.ends_with(&format!(".{bare_zone}")) {
        return Err(FieldError::new(
            "domain",
            format!("{domain:?} is not inside the zone {zone:?}"),
        ));
    }
    Ok(ClusterDns {
        domain: domain.to_owned(),
        zone,
    })
}

/// Letters, digits and inner dashes in labels of 1 to 63, at most 253 in all, an optional
/// final dot.
fn is_dns_name(name: &str) -> bool {
    let bare = name.strip_suffix('.').unwrap_or(name);
    !bare.is_empty()
        && bare.len() <= 253
        && bare.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests;
