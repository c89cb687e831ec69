//! The runbook's operations as plans of named steps.

use crate::{
    exec::Command,
    model::{cluster::ClusterArgs, dependencies::PinnedDependency},
};

/// The machines the first two deploy passes leave out (the runbook's `scripts/deploy.sh`).
const LATER_MACHINES: [&str; 7] = [
    "balancer",
    "educator",
    "multi-educator",
    "witness0",
    "witness1",
    "witness2",
    "witness3",
];
/// The route table associations the first pass also leaves out.
const ASSOCIATIONS: [&str; 3] = ["a-assoc", "b-assoc", "c-assoc"];
/// How many `nixops deploy` passes a deploy runs.
pub const DEPLOY_PASSES: usize = 3;

/// One named step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub command: Command,
    pub kind: StepKind,
}

/// How the runner treats a step's command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// Run it; a non-zero exit fails the job.
    Run,
    /// Runbook step 2: run it only if `exists_probe` says the deployment does not exist yet.
    CreateUnlessExists,
    /// Runbook step 5: its standard output is the deployer's state (which holds secrets, so
    /// it is never logged); the runner reads the network ids from it and then runs
    /// `join_network_args`.
    ReadDeployerNetwork,
}

/// A named sequence of steps, run in order, stopping at the first failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

/// The deployer's network, read from `nixops export -d deployer` (runbook step 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkIds {
    pub vpc_id: String,
    pub vpc_cidr: String,
    pub route_table_id: String,
}

/// Where a cluster's clone of disciplina-nixops lives.
fn cluster_dir(root: &str, cluster: &str) -> String {
    format!("{}/{cluster}", root.trim_end_matches('/'))
}

fn repo_dir(root: &str, cluster: &str) -> String {
    format!("{}/disciplina-nixops", cluster_dir(root, cluster))
}

fn words(words: &[&str]) -> Vec<String> {
    words.iter().map(|word| (*word).to_owned()).collect()
}

/// `nixops ARGS` in the cluster's clone, with `NIXOPS_DEPLOYMENT` set as the runbook does.
fn nixops(root: &str, cluster: &str, args: Vec<String>) -> Command {
    Command {
        program: "nixops".to_owned(),
        args,
        cwd: repo_dir(root, cluster),
        env: vec![("NIXOPS_DEPLOYMENT".to_owned(), cluster.to_owned())],
    }
}

fn step(name: &str, command: Command) -> Step {
    Step {
        name: name.to_owned(),
        command,
        kind: StepKind::Run,
    }
}

/// Whether the cluster's deployment exists (runbook step 2: `nixops info` tells).
pub fn exists_probe(root: &str, cluster: &str) -> Command {
    nixops(root, cluster, words(&["info", "-d", cluster]))
}

/// Step 1: the cluster's directory and its clone of disciplina-nixops at the chosen ref:
/// the fetched commit itself (`origin/REF` for a branch, else the tag or commit), checked
/// out detached, so a clone made earlier never stays on a stale local branch. One `sh -c`
/// script with every value passed as a positional argument, never spliced in.
fn prepare(root: &str, cluster: &str, repo_url: &str, nixops_ref: &str) -> Step {
    const SCRIPT: &str = "set -e; mkdir -p \"$1\"; cd \"$1\"; \
        if [ -d disciplina-nixops/.git ]; then \
        git -C disciplina-nixops fetch --quiet --force --tags origin; \
        else git clone --quiet \"$2\" disciplina-nixops; fi; \
        if git -C disciplina-nixops rev-parse --verify --quiet \"refs/remotes/origin/$3^{commit}\" \
        >/dev/null; then target=\"origin/$3\"; else target=\"$3\"; fi; \
        git -C disciplina-nixops checkout --quiet --detach \"$target^{commit}\"";
    let dir = cluster_dir(root, cluster);
    step(
        "prepare",
        Command {
            program: "sh".to_owned(),
            args: vec![
                "-c".to_owned(),
                SCRIPT.to_owned(),
                "prepare".to_owned(),
                dir,
                repo_url.to_owned(),
                nixops_ref.to_owned(),
            ],
            cwd: root.to_owned(),
            env: Vec::new(),
        },
    )
}

/// Step 3: every argument as a string (`--argstr`, even the index). Production turns DNS
/// off, and the runbook then skips `domain` and `dnsZone`, so they are not sent.
fn set_args(root: &str, cluster: &ClusterArgs) -> Step {
    let env = cluster.env.as_str();
    let mut values = vec![
        ("region", cluster.region.clone()),
        ("clusterIndex", cluster.cluster_index.to_string()),
        ("env", env.to_owned()),
    ];
    if let Some(dns) = &cluster.dns {
        values.push(("domain", dns.domain.clone()));
        values.push(("dnsZone", dns.zone.clone()));
    }
    let mut args = words(&["set-args", "-d", &cluster.name]);
    for (key, value) in values {
        args.extend([String::from("--argstr"), key.to_owned(), value]);
    }
    step("set arguments", nixops(root, &cluster.name, args))
}

/// Step 4: one `modify` with all six dependencies (it replaces the whole list).
fn set_versions(root: &str, cluster: &str, dependencies: &[PinnedDependency]) -> Step {
    let mut args = words(&["modify", "-d", cluster, "deployments/cluster.nix"]);
    args.extend(
        dependencies
            .iter()
            .map(|dep| format!("-I{}={}", dep.name, dep.tarball_url())),
    );
    step("set dependency versions", nixops(root, cluster, args))
}

/// Step 5's second half: the deployer's network ids as arguments of the cluster.
pub fn join_network_args(root: &str, cluster: &str, network: &NetworkIds) -> Command {
    let mut args = words(&["set-args", "-d", cluster]);
    for (key, value) in [
        ("vpcId", &network.vpc_id),
        ("vpcCidr", &network.vpc_cidr),
        ("routeTableId", &network.route_table_id),
    ] {
        args.extend([String::from("--argstr"), key.to_owned(), value.clone()]);
    }
    nixops(root, cluster, args)
}

/// Step 5's first half: the deployer's state, read by the runner to fill `NetworkIds`.
fn export_deployer(root: &str, cluster: &str) -> Step {
    let mut command = nixops(root, cluster, words(&["export", "-d", "deployer"]));
    command.env = vec![("NIXOPS_DEPLOYMENT".to_owned(), "deployer".to_owned())];
    Step {
        kind: StepKind::ReadDeployerNetwork,
        ..step("join the deployer's network", command)
    }
}

/// Step 6: the three passes, each with `--show-trace`.
fn deploy_passes(root: &str, cluster: &str) -> Vec<Step> {
    let base = words(&["deploy", "-d", cluster, "--show-trace"]);
    let mut first = base.clone();
    first.push("--exclude".to_owned());
    first.extend(words(&LATER_MACHINES));
    first.extend(words(&ASSOCIATIONS));
    let mut second = base.clone();
    second.push("--exclude".to_owned());
    second.extend(words(&LATER_MACHINES));
    vec![
        step(
            "deploy pass 1 (network, keys, DNS)",
            nixops(root, cluster, first),
        ),
        step(
            "deploy pass 2 (route table associations)",
            nixops(root, cluster, second),
        ),
        step("deploy pass 3 (machines)", nixops(root, cluster, base)),
    ]
}

/// *create*: runbook steps 1 to 6, with `nixops create` for a new deployment.
pub fn create_plan(
    root: &str,
    repo_url: &str,
    cluster: &ClusterArgs,
    dependencies: &[PinnedDependency],
) -> Plan {
    let nixops_ref = nixops_ref(dependencies);
    let mut steps = vec![
        prepare(root, &cluster.name, repo_url, &nixops_ref),
        Step {
            kind: StepKind::CreateUnlessExists,
            ..step(
                "create the deployment",
                nixops(
                    root,
                    &cluster.name,
                    words(&["create", "deployments/cluster.nix", "-d", &cluster.name]),
                ),
            )
        },
    ];
    steps.extend(deploy_plan(root, cluster, dependencies).steps);
    Plan { steps }
}

/// *deploy* (the one-click redeploy): runbook steps 3 to 6.
pub fn deploy_plan(root: &str, cluster: &ClusterArgs, dependencies: &[PinnedDependency]) -> Plan {
    let mut steps = vec![
        set_args(root, cluster),
        set_versions(root, &cluster.name, dependencies),
        export_deployer(root, &cluster.name),
    ];
    steps.extend(deploy_passes(root, &cluster.name));
    Plan { steps }
}

/// *preview*: the final pass as a dry run.
pub fn preview_plan(root: &str, cluster: &str) -> Plan {
    Plan {
        steps: vec![step(
            "preview (dry run)",
            nixops(
                root,
                cluster,
                words(&["deploy", "-d", cluster, "--show-trace", "--dry-run"]),
            ),
        )],
    }
}

/// *info/check*.
pub fn info_plan(root: &str, cluster: &str) -> Plan {
    Plan {
        steps: vec![
            step(
                "info",
                nixops(root, cluster, words(&["info", "-d", cluster])),
            ),
            step(
                "check",
                nixops(root, cluster, words(&["check", "-d", cluster])),
            ),
        ],
    }
}

pub fn stop_plan(root: &str, cluster: &str) -> Plan {
    Plan {
        steps: vec![step(
            "stop",
            nixops(root, cluster, words(&["stop", "-d", cluster, "--confirm"])),
        )],
    }
}

pub fn start_plan(root: &str, cluster: &str) -> Plan {
    Plan {
        steps: vec![step(
            "start",
            nixops(root, cluster, words(&["start", "-d", cluster, "--confirm"])),
        )],
    }
}

/// *destroy*: destroy the resources, delete the deployment, remove the directory.
pub fn destroy_plan(root: &str, cluster: &str) -> Plan {
    let remove = Command {
        program: "rm".to_owned(),
        args: vec![
            "-rf".to_owned(),
            "--".to_owned(),
            cluster_dir(root, cluster),
        ],
        cwd: root.to_owned(),
        env: Vec::new(),
    };
    Plan {
        steps: vec![
            step(
                "destroy",
                nixops(
                    root,
                    cluster,
                    words(&["destroy", "-d", cluster, "--confirm"]),
                ),
            ),
            step(
                "delete",
                nixops(root, cluster, words(&["delete", "-d", cluster])),
            ),
            step("remove the directory", remove),
        ],
    }
}

/// The disciplina-nixops ref: the clone is checked out at the same ref its tarball uses.
fn nixops_ref(dependencies: &[PinnedDependency]) -> String {
    dependencies
        .iter()
        .find(|dep| dep.name == "disciplina-nixops")
        .map_or_else(|| "master".to_owned(), |dep| dep.git_ref.clone())
}

#[cfg(test)]
mod tests;
