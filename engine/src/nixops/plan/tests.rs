//! Golden tests: the commands are exactly the runbook's.

use super::*;
use crate::model::{cluster::ClusterInput, dependencies::pin_dependencies};

fn shell_line(command: &crate::exec::Command) -> String {
    command.display()
}

const ROOT: &str = "/var/lib/nixops";
const REPO: &str = "https://github.com/DisciplinaOU/disciplina-nixops.git";
const CWD: &str = "cd /var/lib/nixops/alpha/disciplina-nixops && env NIXOPS_DEPLOYMENT=alpha ";

fn alpha() -> ClusterArgs {
    ClusterInput {
        name: "alpha".into(),
        region: "eu-central-1".into(),
        cluster_index: 2,
        env: "staging".into(),
        domain: "alpha.disciplina.io".into(),
        dns_zone: "disciplina.io.".into(),
    }
    .validate()
    .expect("valid cluster")
}

fn lines(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|step| shell_line(&step.command))
        .collect()
}

#[test]
fn a_deploy_runs_steps_3_to_6_of_the_runbook() {
    let deps = pin_dependencies(&[("disciplina".into(), "v1.2".into())]).expect("deps");
    let got = lines(&deploy_plan(ROOT, &alpha(), &deps));
    let tarball = |name: &str, git_ref: &str| {
        format!("-I{name}=https://github.com/DisciplinaOU/{name}/archive/{git_ref}.tar.gz")
    };
    let expected = vec![
        format!("{CWD}nixops set-args -d alpha --argstr region eu-central-1 --argstr clusterIndex 2 --argstr env staging --argstr domain alpha.disciplina.io --argstr dnsZone disciplina.io."),
        format!(
            "{CWD}nixops modify -d alpha deployments/cluster.nix {} {} {} {} {} {}",
            tarball("disciplina", "v1.2"),
            tarball("disciplina-explorer-frontend", "master"),
            tarball("disciplina-faucet-frontend", "master"),
            tarball("disciplina-nixops", "master"),
            tarball("disciplina-validatorcv", "master"),
            tarball("disciplina-educator-spa", "develop"),
        ),
        "cd /var/lib/nixops/alpha/disciplina-nixops && env NIXOPS_DEPLOYMENT=deployer nixops export -d deployer".to_owned(),
        format!("{CWD}nixops deploy -d alpha --show-trace --exclude balancer educator multi-educator witness0 witness1 witness2 witness3 a-assoc b-assoc c-assoc"),
        format!("{CWD}nixops deploy -d alpha --show-trace --exclude balancer educator multi-educator witness0 witness1 witness2 witness3"),
        format!("{CWD}nixops deploy -d alpha --show-trace"),
    ];
    assert_eq!(got, expected);
    assert_eq!(
        deploy_plan(ROOT, &alpha(), &deps).steps.len(),
        3 + DEPLOY_PASSES
    );
}

#[test]
fn a_create_prepares_the_clone_and_creates_the_deployment_first() {
    let deps = pin_dependencies(&[]).expect("deps");
    let plan = create_plan(ROOT, REPO, &alpha(), &deps);
    let prepare = &plan.steps[0].command;
    assert_eq!(prepare.program, "sh");
    assert_eq!(
        &prepare.args[3..],
        ["/var/lib/nixops/alpha", REPO, "master"]
    );
    assert_eq!(
        shell_line(&plan.steps[1].command),
        format!("{CWD}nixops create deployments/cluster.nix -d alpha")
    );
    assert_eq!(plan.steps.len(), 2 + 3 + DEPLOY_PASSES);
}

#[test]
fn joining_the_network_sets_the_three_ids() {
    let ids = NetworkIds {
        vpc_id: "vpc-0abc".into(),
        vpc_cidr: "10.1.0.0/16".into(),
        route_table_id: "rtb-0def".into(),
    };
    assert_eq!(
        shell_line(&join_network_args(ROOT, "alpha", &ids)),
        format!("{CWD}nixops set-args -d alpha --argstr vpcId vpc-0abc --argstr vpcCidr 10.1.0.0/16 --argstr routeTableId rtb-0def")
    );
}

#[test]
fn the_other_operations_match_the_runbook() {
    assert_eq!(
        lines(&preview_plan(ROOT, "alpha")),
        [format!(
            "{CWD}nixops deploy -d alpha --show-trace --dry-run"
        )]
    );
    assert_eq!(
        lines(&info_plan(ROOT, "alpha")),
        [
            format!("{CWD}nixops info -d alpha"),
            format!("{CWD}nixops check -d alpha")
        ]
    );
    assert_eq!(
        lines(&stop_plan(ROOT, "alpha")),
        [format!("{CWD}nixops stop -d alpha --confirm")]
    );
    assert_eq!(
        lines(&start_plan(ROOT, "alpha")),
        [format!("{CWD}nixops start -d alpha --confirm")]
    );
    assert_eq!(
        lines(&destroy_plan(ROOT, "alpha")),
        [
            format!("{CWD}nixops destroy -d alpha --confirm"),
            format!("{CWD}nixops delete -d alpha"),
            "cd /var/lib/nixops && rm -rf -- /var/lib/nixops/alpha".to_owned(),
        ]
    );
}

#[test]
fn production_skips_the_dns_arguments_as_the_runbook_does() {
    let mut input = ClusterInput {
        name: "prod".into(),
        region: "us-east-1".into(),
        cluster_index: 5,
        env: "production".into(),
        ..ClusterInput::default()
    };
    input.domain = String::new();
    let args = input.validate().expect("valid");
    let line = shell_line(&set_args(ROOT, &args).command);
    assert!(
        line.ends_with("--argstr clusterIndex 5 --argstr env production"),
        "{line}"
    );
}
