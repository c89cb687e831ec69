//! What a cluster is on AWS: its machines (EC2 instances NixOps tagged), the DNS names the
//! runbook expects for a staging cluster, and the one health derived from both and the last
//! `info` job. Pure rules here; reading AWS is behind the engine's `cloud` traits.

use serde::{Deserialize, Serialize};

use super::{cluster::ClusterArgs, failure::Failure, text_enum::text_enum};

/// The machines every cluster has (`deployments/cluster.nix`).
pub const CLUSTER_MACHINES: [&str; 7] = [
    "balancer",
    "witness0",
    "witness1",
    "witness2",
    "witness3",
    "educator",
    "multi-educator",
];

/// The EC2 tags NixOps puts on every instance it creates.
pub const TAG_DEPLOYMENT: &str = "CharonNetworkName";
pub const TAG_MACHINE: &str = "CharonMachineName";

/// One EC2 instance of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Machine {
    /// The NixOps machine name (`CharonMachineName`).
    pub name: String,
    pub instance_id: String,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    pub state: String,
    pub instance_type: Option<String>,
    pub availability_zone: Option<String>,
    pub private_ip: Option<String>,
    pub public_ip: Option<String>,
    /// Epoch milliseconds.
    pub launched_at: Option<i64>,
}

impl Machine {
    pub fn is_running(&self) -> bool {
        self.state == "running"
    }

    /// The address its A record must point at: the public IP, or the private one when it
    /// has none.
    pub fn dns_address(&self) -> Option<&str> {
        self.public_ip.as_deref().or(self.private_ip.as_deref())
    }
}

/// A cluster's machines, and the expected ones it lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MachinesView {
    pub machines: Vec<Machine>,
    pub missing: Vec<String>,
    /// When AWS was read (epoch milliseconds).
    pub checked_at: i64,
}

/// Orders the instances as the runbook lists the machines (unknown names last, by name) and
/// names the expected machines without a live instance. A terminated instance is still
/// listed (it explains a missing machine) but does not count as having it.
pub fn machines_view(mut machines: Vec<Machine>, checked_at: i64) -> MachinesView {
    let rank = |name: &str| {
        CLUSTER_MACHINES
            .iter()
            .position(|known| *known == name)
            .unwrap_or(CLUSTER_MACHINES.len())
    };
    machines.sort_by(|a, b| {
        (rank(&a.name), &a.name, &a.instance_id).cmp(&(rank(&b.name), &b.name, &b.instance_id))
    });
    let missing = CLUSTER_MACHINES
        .iter()
        .filter(|expected| {
            !machines
                .iter()
                .any(|m| m.name == **expected && m.state != "terminated")
        })
        .map(|name| (*name).to_owned())
        .collect();
    MachinesView {
        machines,
        missing,
        checked_at,
    }
}

text_enum! {
    /// The record types nixdeck checks.
    pub enum RecordType("a DNS record type") {
        A = "A",
        Cname = "CNAME",
    }
}

/// A record as the zone holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneRecord {
    pub name: String,
    pub record_type: String,
    pub values: Vec<String>,
}

text_enum! {
    /// How a record compares with what the runbook expects.
    pub enum RecordStatus("a record status") {
        Ok = "ok",
        Missing = "missing",
        Stale = "stale",
    }
}

/// One expected name and what the zone says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DnsRecordCheck {
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: RecordType,
    /// Where it must point; `None` when that is not known (its machine has no address).
    pub expected: Option<String>,
    /// Where it points; `None` when it does not exist.
    pub actual: Option<String>,
    pub status: RecordStatus,
}

/// A cluster's DNS, checked against its zone. Off for production.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DnsView {
    pub enabled: bool,
    pub zone: Option<String>,
    pub records: Vec<DnsRecordCheck>,
    /// When the zone was read (epoch milliseconds); `None` when DNS is off.
    pub checked_at: Option<i64>,
}

impl DnsView {
    /// What production shows: no DNS at all.
    pub fn disabled() -> DnsView {
        DnsView {
            enabled: false,
            zone: None,
            records: Vec::new(),
            checked_at: None,
        }
    }
}

/// Machines, DNS and health of one cluster, read together; a part AWS could not give is
/// its failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OnAws {
    pub machines: Result<MachinesView, Failure>,
    pub dns: Result<DnsView, Failure>,
    pub health: ClusterHealth,
}

/// A name as zones compare them: lower case, without the final dot.
pub fn normalize_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The A record name of a machine (`None` for a machine the runbook gives no name).
fn machine_record(machine: &str) -> &str {
    match machine {
        "balancer" => "witness",
        "educator" => "educator-inner",
        "multi-educator" => "multi-educator-inner",
        other => other,
    }
}

/// The CNAMEs that point at the balancer.
const BALANCER_ALIASES: [&str; 5] = [
    "faucet",
    "explorer",
    "educator",
    "multi-educator",
    "validator",
];

/// Every name the runbook expects for a staging cluster with `domain`, compared with the
/// zone's `records` and the cluster's `machines`.
pub fn check_dns(
    domain: &str,
    machines: &[Machine],
    records: &[ZoneRecord],
) -> Vec<DnsRecordCheck> {
    let domain = normalize_name(domain);
    let find = |name: &str, record_type: RecordType| {
        records.iter().find(|r| {
            normalize_name(&r.name) == name
                && r.record_type.eq_ignore_ascii_case(record_type.as_str())
        })
    };
    let mut checks = Vec::new();
    for machine in CLUSTER_MACHINES {
        let name = format!("{}.{domain}", machine_record(machine));
        // The running instance if there is one, else any that still exists.
        let instance = machines
            .iter()
            .find(|m| m.name == machine && m.is_running())
            .or_else(|| {
                machines
                    .iter()
                    .find(|m| m.name == machine && m.state != "terminated")
            });
        let expected = instance.and_then(|m| m.dns_address().map(str::to_owned));
        let actual = find(&name, RecordType::A).map(|r| r.values.join(", "));
        let status = match (&actual, &expected) {
            (None, _) => RecordStatus::Missing,
            // A record for a machine that is gone (or has no address) points nowhere useful.
            (Some(_), None) => RecordStatus::Stale,
            (Some(_), Some(address)) => {
                let record = find(&name, RecordType::A)
                    .map(|r| r.values.clone())
                    .unwrap_or_default();
                if record.len() == 1 && record[0].trim() == address {
                    RecordStatus::Ok
                } else {
                    RecordStatus::Stale
                }
            }
        };
        checks.push(DnsRecordCheck {
            name,
            record_type: RecordType::A,
            expected,
            actual,
            status,
        });
    }
    let target = format!("witness.{domain}");
    for alias in BALANCER_ALIASES {
        let name = format!("{alias}.{domain}");
        let record = find(&name, RecordType::Cname);
        let status = match record {
            None => RecordStatus::Missing,
            Some(r) if r.values.len() == 1 && normalize_name(&r.values[0]) == target => {
                RecordStatus::Ok
            }
            Some(_) => RecordStatus::Stale,
        };
        checks.push(DnsRecordCheck {
            name,
            record_type: RecordType::Cname,
            expected: Some(target.clone()),
            actual: record.map(|r| r.values.join(", ")),
            status,
        });
    }
    checks
}

text_enum! {
    /// A cluster's one health.
    pub enum HealthState("a health") {
        Healthy = "healthy",
        Degraded = "degraded",
        Unknown = "unknown",
    }
}

/// A cluster's health, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterHealth {
    pub status: HealthState,
    /// Why it is degraded or unknown, one line each.
    pub reasons: Vec<String>,
    /// When its parts were last read (epoch milliseconds); `None` when nothing was.
    pub checked_at: Option<i64>,
}

/// How the cluster's last `info` job went, for its health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastInfo {
    Never,
    Succeeded,
    Failed,
}

/// The one health from the machines (all expected ones running), the DNS (nothing missing
/// or stale) and the last `info` job. A part that could not be read makes the health
/// `unknown` unless another part already shows it degraded.
pub fn derive_health(
    machines: Result<&MachinesView, &str>,
    dns: Result<&DnsView, &str>,
    last_info: LastInfo,
) -> ClusterHealth {
    let mut degraded = Vec::new();
    let mut unknown = Vec::new();
    let mut checked_at: Option<i64> = None;
    match machines {
        Ok(view) => {
            checked_at = Some(view.checked_at);
            if !view.missing.is_empty() {
                degraded.push(format!("missing machines: {}", view.missing.join(", ")));
            }
            let stopped: Vec<&str> = view
                .machines
                .iter()
                .filter(|m| CLUSTER_MACHINES.contains(&m.name.as_str()))
                .filter(|m| !m.is_running() && m.state != "terminated")
                .map(|m| m.name.as_str())
                .collect();
            if !stopped.is_empty() {
                degraded.push(format!("not running: {}", stopped.join(", ")));
            }
        }
        Err(why) => unknown.push(format!("machines unknown: {why}")),
    }
    match dns {
        Ok(view) if view.enabled => {
            checked_at = checked_at.max(view.checked_at);
            for status in [RecordStatus::Missing, RecordStatus::Stale] {
                let names: Vec<&str> = view
                    .records
                    .iter()
                    .filter(|r| r.status == status)
                    .map(|r| r.name.as_str())
                    .collect();
                if !names.is_empty() {
                    degraded.push(format!("{status} DNS records: {}", names.join(", ")));
                }
            }
        }
        Ok(_) => {}
        Err(why) => unknown.push(format!("DNS unknown: {why}")),
    }
    if last_info == LastInfo::Failed {
        degraded.push("the last info job failed".to_owned());
    }
    let status = if !degraded.is_empty() {
        HealthState::Degraded
    } else if !unknown.is_empty() {
        HealthState::Unknown
    } else {
        HealthState::Healthy
    };
    degraded.extend(unknown);
    ClusterHealth {
        status,
        reasons: degraded,
        checked_at,
    }
}

/// The health of a cluster nixdeck has not deployed: nothing to read yet.
pub fn not_deployed(args: &ClusterArgs) -> ClusterHealth {
    ClusterHealth {
        status: HealthState::Unknown,
        reasons: vec![format!("{} has not been deployed yet", args.name)],
        checked_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine(name: &str, state: &str, public_ip: Option<&str>) -> Machine {
        Machine {
            name: name.to_owned(),
            instance_id: format!("i-{name}"),
            state: state.to_owned(),
            instance_type: Some("t2.medium".to_owned()),
            availability_zone: Some("eu-central-1a".to_owned()),
            private_ip: Some("10.1.11.5".to_owned()),
            public_ip: public_ip.map(str::to_owned),
            launched_at: None,
        }
    }

    fn all_running() -> Vec<Machine> {
        CLUSTER_MACHINES
            .iter()
            .map(|name| machine(name, "running", Some("3.3.3.3")))
            .collect()
    }

    fn record(name: &str, record_type: &str, value: &str) -> ZoneRecord {
        ZoneRecord {
            name: name.to_owned(),
            record_type: record_type.to_owned(),
            values: vec![value.to_owned()],
        }
    }

    #[test]
    fn missing_machines_are_named_and_terminated_ones_do_not_count() {
        let view = machines_view(
            vec![
                machine("witness1", "running", None),
                machine("balancer", "terminated", None),
                machine("monitor", "running", None),
            ],
            7,
        );
        let names: Vec<&str> = view.machines.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["balancer", "witness1", "monitor"]);
        assert_eq!(
            view.missing,
            [
                "balancer",
                "witness0",
                "witness2",
                "witness3",
                "educator",
                "multi-educator"
            ]
        );
    }

    #[test]
    fn dns_compares_names_case_insensitively_and_flags_stale_records() {
        let mut machines = all_running();
        machines[1].public_ip = None; // witness0: its A record points at the private IP
        let records = vec![
            record("Witness.Alpha.Example.Org.", "A", "3.3.3.3"),
            record("witness0.alpha.example.org.", "A", "10.1.11.5"),
            record("witness1.alpha.example.org.", "A", "9.9.9.9"),
            record(
                "faucet.alpha.example.org.",
                "CNAME",
                "witness.alpha.example.org.",
            ),
            record(
                "explorer.alpha.example.org",
                "CNAME",
                "elsewhere.example.org",
            ),
        ];
        let checks = check_dns("alpha.example.org.", &machines, &records);
        let status = |name: &str| {
            checks
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.status)
                .unwrap()
        };
        assert_eq!(status("witness.alpha.example.org"), RecordStatus::Ok);
        assert_eq!(status("witness0.alpha.example.org"), RecordStatus::Ok);
        assert_eq!(status("witness1.alpha.example.org"), RecordStatus::Stale);
        assert_eq!(status("witness2.alpha.example.org"), RecordStatus::Missing);
        assert_eq!(
            status("educator-inner.alpha.example.org"),
            RecordStatus::Missing
        );
        assert_eq!(status("faucet.alpha.example.org"), RecordStatus::Ok);
        assert_eq!(status("explorer.alpha.example.org"), RecordStatus::Stale);
        assert_eq!(status("validator.alpha.example.org"), RecordStatus::Missing);
        assert_eq!(checks.len(), 12);
    }

    #[test]
    fn health_is_degraded_with_reasons_or_unknown_when_unread() {
        let machines = machines_view(all_running(), 5);
        let dns = DnsView::disabled();
        let healthy = derive_health(Ok(&machines), Ok(&dns), LastInfo::Succeeded);
        assert_eq!(healthy.status, HealthState::Healthy);
        assert_eq!(healthy.checked_at, Some(5));

        let mut stopped = all_running();
        stopped[2].state = "stopped".to_owned();
        let stopped = machines_view(stopped, 5);
        let degraded = derive_health(Ok(&stopped), Err("AWS did not answer"), LastInfo::Failed);
        assert_eq!(degraded.status, HealthState::Degraded);
        assert_eq!(
            degraded.reasons,
            [
                "not running: witness1",
                "the last info job failed",
                "DNS unknown: AWS did not answer"
            ]
        );

        let unknown = derive_health(Err("AWS did not answer"), Ok(&dns), LastInfo::Never);
        assert_eq!(unknown.status, HealthState::Unknown);
    }
}
