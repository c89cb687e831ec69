//! The builder's and the deployer's own jobs: the builder's maintenance (channels, rebuild,
//! agent restart, garbage collection) and the deployer deploying itself. Each is a plan of
//! named steps, each step one command, run by the same queue as cluster jobs (`handler`).

mod handler;

pub use handler::MaintenanceJobs;

use crate::{
    exec::Command,
    model::{
        cluster::DEPLOYER_DEPLOYMENT,
        job::{JobKind, MaintenanceParams},
    },
    nixops::{Plan, Step, StepKind},
};

/// What the commands act on: where the builder's run, its agent's launchd label, and the
/// deployer's own checkout.
#[derive(Debug, Clone, Copy)]
pub struct MaintenanceTargets<'a> {
    /// The builder's working directory (its login user's home by default).
    pub builder_dir: &'a str,
    pub agent_label: &'a str,
    /// The checkout `nixops deploy -d deployer` runs in.
    pub deployer_checkout: &'a str,
}

/// The plan a maintenance job of `kind` runs; cluster kinds have none here.
pub fn maintenance_plan(
    kind: JobKind,
    params: &MaintenanceParams,
    targets: MaintenanceTargets,
) -> Plan {
    let on_builder = |name: &str, program: &str, args: &[&str]| Step {
        name: name.to_owned(),
        command: Command {
            program: program.to_owned(),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            cwd: targets.builder_dir.to_owned(),
            env: Vec::new(),
        },
        kind: StepKind::Run,
    };
    let steps = match kind {
        JobKind::UpdateChannels => vec![on_builder(
            "Update the channels",
            "nix-channel",
            &["--update"],
        )],
        JobKind::Rebuild => vec![on_builder(
            "Rebuild and switch",
            "darwin-rebuild",
            &["switch"],
        )],
        // The agent is a launchd daemon: restarting it takes root, asked for without a
        // password prompt (-n), so a builder without that sudo rule fails clearly.
        JobKind::RestartAgent => {
            let service = format!("system/{}", targets.agent_label);
            vec![on_builder(
                "Restart the Buildkite agent",
                "sudo",
                &["-n", "launchctl", "kickstart", "-k", &service],
            )]
        }
        // Without an age there is nothing safe to delete: no step, and the job fails.
        JobKind::CollectGarbage => match params.days {
            Some(days) => vec![on_builder(
                &format!("Collect garbage older than {days} days"),
                "nix-collect-garbage",
                &["--delete-older-than", &format!("{days}d")],
            )],
            None => Vec::new(),
        },
        JobKind::DeployDeployer => vec![Step {
            name: "Deploy the deployer".to_owned(),
            command: Command {
                program: "nixops".to_owned(),
                args: vec![
                    "deploy".to_owned(),
                    "-d".to_owned(),
                    DEPLOYER_DEPLOYMENT.to_owned(),
                ],
                cwd: targets.deployer_checkout.to_owned(),
                env: vec![(
                    "NIXOPS_DEPLOYMENT".to_owned(),
                    DEPLOYER_DEPLOYMENT.to_owned(),
                )],
            },
            kind: StepKind::Run,
        }],
        // A cluster's job runs `nixops::plan_for`'s plan.
        _ => Vec::new(),
    };
    Plan { steps }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGETS: MaintenanceTargets = MaintenanceTargets {
        builder_dir: "/Users/administrator",
        agent_label: "org.nixos.buildkite-agent",
        deployer_checkout: "/var/lib/nixops/deployer/disciplina-nixops",
    };

    fn line(kind: JobKind, days: Option<u32>) -> Vec<String> {
        maintenance_plan(kind, &MaintenanceParams { days }, TARGETS)
            .steps
            .iter()
            .map(|step| step.command.display())
            .collect()
    }

    #[test]
    fn each_job_runs_exactly_its_command() {
        let home = "cd /Users/administrator &&";
        assert_eq!(
            line(JobKind::UpdateChannels, None),
            [format!("{home} nix-channel --update")]
        );
        assert_eq!(
            line(JobKind::Rebuild, None),
            [format!("{home} darwin-rebuild switch")]
        );
        assert_eq!(
            line(JobKind::RestartAgent, None),
            [format!(
                "{home} sudo -n launchctl kickstart -k system/org.nixos.buildkite-agent"
            )]
        );
        assert_eq!(
            line(JobKind::CollectGarbage, Some(14)),
            [format!(
                "{home} nix-collect-garbage --delete-older-than 14d"
            )]
        );
        assert_eq!(
            line(JobKind::DeployDeployer, None),
            [
                "cd /var/lib/nixops/deployer/disciplina-nixops && env NIXOPS_DEPLOYMENT=deployer \
              nixops deploy -d deployer"
            ]
        );
        assert!(line(JobKind::Deploy, None).is_empty());
        assert!(line(JobKind::CollectGarbage, None).is_empty());
    }
}
