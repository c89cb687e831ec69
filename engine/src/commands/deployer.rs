//! The deployer: what NixOps there knows (read live, changing nothing), adopting a
//! deployment as a cluster without running anything (admins), and the deployer deploying
//! itself as a job that, by the queue's rule, runs alone on the deployer.

use super::{clusters::NewCluster, require, Caller};
use crate::{
    engine::Engine,
    model::{
        access::Action,
        cluster::{validate_cluster_name, ClusterView, DEPLOYER_DEPLOYMENT},
        deployer::{parse_deployer_report, parse_nixops_list, DeployerView, KnownDeployment},
        failure::Failure,
        job::{JobKind, JobView, MaintenanceParams, DEPLOYER_HOST},
        report::Sections,
    },
    nixops::adoption_from_export,
    probes::{host_failure, run_script},
    store::clusters,
};

/// Reads NixOps' version and deployments, the state's volume and last commit, and the
/// agent. `$1` is the NixOps root.
const SCRIPT: &str = r#"section() { printf '\n@@ %s\n' "$1"; }
root=$1
section version; nixops --version 2>&1
section list; nixops list 2>/dev/null
section store; df -Pk "$root" 2>/dev/null | tail -n 1
section agent
systemctl list-units --type=service --all --no-legend --plain 'buildkite-agent*' 2>/dev/null
section agent-version; buildkite-agent --version 2>/dev/null
section agent-config; grep -I -h -E '^tags=' /var/lib/buildkite-agent*/buildkite-agent.cfg 2>/dev/null
section committed; git -c safe.directory='*' -C "$root/.nixops" log -1 --format=%ct 2>/dev/null
exit 0
"#;

/// Lists the deployments and, if `$1` is one of them and its clone is in the NixOps root
/// (`$2`), exports it. The export holds the deployment's secrets: it is read into memory,
/// never logged, and not read at all when the adoption would be refused anyway.
const EXPORT_SCRIPT: &str = r#"section() { printf '\n@@ %s\n' "$1"; }
list=$(nixops list 2>/dev/null)
section list; printf '%s\n' "$list"
printf '%s\n' "$list" |
  awk -F'|' -v name="$1" '{ gsub(/^ +| +$/, "", $3) } $3 == name { found = 1 } END { exit !found }' ||
  exit 0
section checkout
[ -d "$2/$1/disciplina-nixops" ] || exit 0
echo present
section export; nixops export -d "$1" 2>/dev/null
status=$?
section status; echo "$status"
exit 0
"#;

impl Engine {
    /// The deployer as NixOps there knows it now; a deployer that cannot be read answers
    /// its error, with the rest unknown.
    pub async fn deployer(&self, caller: &Caller) -> Result<DeployerView, Failure> {
        require(caller, Action::Read)?;
        let host = self.deployer_host()?;
        let mut view = DeployerView {
            host: host.address(),
            ..DeployerView::default()
        };
        let root = self.deploys().nixops_root.clone();
        let report = match run_script(host, SCRIPT, &[&root]).await {
            Ok(report) => report,
            Err(error) => {
                view.error = Some(error.to_string());
                return Ok(view);
            }
        };
        let facts = parse_deployer_report(&report);
        view.nixops_version = facts.nixops_version;
        view.state_free_bytes = facts.state_free_bytes;
        view.agent = facts.agent;
        view.state_committed_at = facts.state_committed_at;
        let Some(deployments) = facts.deployments else {
            view.error = Some(format!(
                "nixops list answered nothing readable on {}",
                host.describe()
            ));
            return Ok(view);
        };
        let managed: Vec<String> = clusters::list(self.store())
            .await?
            .into_iter()
            .map(|row| row.name)
            .collect();
        view.deployments = deployments
            .into_iter()
            .map(|name| KnownDeployment {
                managed: name == DEPLOYER_DEPLOYMENT || managed.contains(&name),
                name,
            })
            .collect();
        Ok(view)
    }

    /// Adopts `deployment`, which NixOps knows and nixdeck does not, as a cluster: its
    /// arguments and dependency refs are read from `nixops export`, checked by the rules
    /// of a new cluster, and the cluster is recorded as deployed. Nothing runs.
    /// The deployment's name comes as the adapter read it, so a caller who may not is
    /// refused before what they sent is judged.
    pub async fn adopt(
        &self,
        caller: &Caller,
        deployment: Result<String, Failure>,
    ) -> Result<ClusterView, Failure> {
        require(caller, Action::ManageClusters)?;
        let deployment = deployment?;
        let deployment = deployment.as_str();
        validate_cluster_name(deployment)
            .map_err(|error| Failure::invalid("deployment", error.message))?;
        if clusters::find(self.store(), deployment).await?.is_some() {
            return Err(Failure::conflict_on(
                "deployment",
                format!("nixdeck manages {deployment:?} already"),
            ));
        }
        let host = self.deployer_host()?;
        let root = self.deploys().nixops_root.clone();
        let report = run_script(host, EXPORT_SCRIPT, &[deployment, &root])
            .await
            .map_err(|error| host_failure(&error))?;
        let sections = Sections::parse(&report);
        let known = parse_nixops_list(&sections.lines("list").collect::<Vec<_>>().join("\n"));
        if !known.iter().any(|name| name == deployment) {
            return Err(Failure::invalid(
                "deployment",
                format!("NixOps on the deployer knows no deployment named {deployment:?}"),
            ));
        }
        // Its deploys run in its clone, which the runbook's first step made.
        if sections.first("checkout") != Some("present") {
            return Err(Failure::conflict_on(
                "deployment",
                format!(
                    "{root}/{deployment}/disciplina-nixops does not exist on the deployer, and \
                     nixdeck deploys {deployment} from there: clone disciplina-nixops there \
                     first (the runbook's step 1)"
                ),
            ));
        }
        if sections.first("status") != Some("0") {
            return Err(Failure::new(
                crate::model::failure::FailureKind::Upstream,
                format!(
                    "nixops export -d {deployment} failed on {} (exit status {})",
                    host.describe(),
                    sections.first("status").unwrap_or("unknown")
                ),
            ));
        }
        let adoption = adoption_from_export(
            deployment,
            &sections.lines("export").collect::<Vec<_>>().join("\n"),
        )?;
        let args = adoption.input.validate()?;
        self.record_cluster(
            caller,
            &args.to_input(),
            &adoption.versions,
            NewCluster::Adopted {
                defaulted: adoption.defaulted,
            },
        )
        .await
    }

    /// Queues `nixops deploy -d deployer` in the deployer's own checkout. It waits for
    /// the cluster jobs running on the deployer, and nothing starts beside it.
    pub async fn deploy_deployer(&self, caller: &Caller) -> Result<JobView, Failure> {
        require(caller, Action::MaintainHosts)?;
        let tx = self.store().begin().await?;
        self.queue_maintenance(
            tx,
            caller,
            JobKind::DeployDeployer,
            MaintenanceParams::default(),
        )
        .await
    }

    fn deployer_host(&self) -> Result<&crate::exec::Host, Failure> {
        self.host(DEPLOYER_HOST)
            .ok_or_else(|| Failure::unavailable("no deployer is configured"))
    }
}
