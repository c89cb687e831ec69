//! The handler of cluster jobs: runs a runbook plan step by step on the deployer, and when
//! the job ends, gives its cluster the state that follows (`model::cluster::cluster_after`).
//! A job taken over after a restart skips the steps that are over and re-attaches to the
//! commands of the step that was running.

use serde_json::json;

use super::{
    exists_probe, join_network_args, parse_deployer_export, plan_for, Step, StepKind, DEPLOYER_HOST,
};
use crate::{
    exec::{RunEnd, StdoutUse},
    jobs::{
        steps::{judge, run_one, run_steps, StepEnd},
        BoxFuture, JobContext, JobHandler, Outcome,
    },
    model::{
        cluster::{cluster_after, ClusterChange},
        job::{JobParams, JobState, StepState},
    },
    store::{clusters, jobs::JobRow, now_millis, StoreError, Tx},
};

#[derive(Debug, Clone, Copy)]
pub struct ClusterJobs;

impl JobHandler for ClusterJobs {
    fn run<'a>(&'a self, cx: &'a JobContext) -> BoxFuture<'a, Outcome> {
        Box::pin(run_plan(cx))
    }

    fn finish<'a>(
        &'a self,
        tx: &'a mut Tx,
        job: &'a JobRow,
        state: JobState,
        ran: bool,
        error: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<serde_json::Value>, StoreError>> {
        Box::pin(finish_cluster(tx, job, state, ran, error))
    }
}

async fn run_plan(cx: &JobContext) -> Outcome {
    let params: JobParams = match cx.params() {
        Ok(params) => params,
        Err(why) => return Outcome::Failed(why),
    };
    let settings = cx.engine().deploys();
    let plan = plan_for(
        cx.job.kind,
        &params,
        &settings.nixops_root,
        &settings.repo_url,
    );
    if !cx.is_continued() {
        let host = cx
            .engine()
            .host(DEPLOYER_HOST)
            .map_or_else(|| DEPLOYER_HOST.to_owned(), |host| host.describe());
        cx.note(format!("{} of {} on {host}", cx.job.kind, params.args.name))
            .await;
    }
    let names: Vec<&str> = plan.steps.iter().map(|step| step.name.as_str()).collect();
    let (plan, params) = (&plan, &params);
    run_steps(cx, &names, |position, index| {
        let step = &plan.steps[index];
        Box::pin(async move {
            match step.kind {
                StepKind::Run => run_one(cx, position, DEPLOYER_HOST, &step.command).await,
                StepKind::CreateUnlessExists => create_unless_exists(cx, position, step).await,
                StepKind::ReadDeployerNetwork => {
                    join_network(cx, position, step, &settings.nixops_root, &params.args.name).await
                }
            }
        })
    })
    .await
}

/// Runbook step 2: `nixops info` tells whether the deployment exists; `nixops create` runs
/// only if it does not. From the moment either says it exists, the cluster counts as
/// existing on the deployer (removing it then takes a destroy).
async fn create_unless_exists(cx: &JobContext, position: i64, step: &Step) -> StepEnd {
    let settings = cx.engine().deploys();
    let probe = exists_probe(&settings.nixops_root, &cx.job.cluster);
    let probed = match cx
        .run_command(position, 0, DEPLOYER_HOST, &probe, StdoutUse::Log)
        .await
    {
        Ok(run) => run.end,
        Err(why) => return StepEnd::Failed(why),
    };
    match probed {
        RunEnd::Detached => return StepEnd::Stopped,
        RunEnd::Ended(exit) if exit.success() => {
            cx.note("the deployment exists already: not created again")
                .await;
            mark_on_deployer(cx).await;
            return StepEnd::Done(StepState::Skipped);
        }
        RunEnd::Ended(_) if cx.stopping() => return StepEnd::Stopped,
        RunEnd::Ended(_) => {
            cx.note("the deployment does not exist yet (the error above says so): creating it")
                .await;
        }
    }
    match cx
        .run_command(position, 1, DEPLOYER_HOST, &step.command, StdoutUse::Log)
        .await
    {
        Ok(run) => {
            let end = judge(cx, run.end);
            if matches!(end, StepEnd::Done(_)) {
                mark_on_deployer(cx).await;
            }
            end
        }
        Err(why) => StepEnd::Failed(why),
    }
}

async fn mark_on_deployer(cx: &JobContext) {
    if let Err(error) =
        clusters::mark_on_deployer(cx.store(), &cx.job.cluster_id, now_millis()).await
    {
        tracing::error!(%error, job = %cx.job.id, "cannot record that the deployment exists");
    }
}

/// Runbook step 5: the deployer's export is read (its standard output is the NixOps state,
/// secrets included, so it is captured, never logged, and its run directory is removed
/// once the step is over), then the cluster gets the three network ids.
async fn join_network(
    cx: &JobContext,
    position: i64,
    step: &Step,
    root: &str,
    cluster: &str,
) -> StepEnd {
    let export = match cx
        .run_command(
            position,
            0,
            DEPLOYER_HOST,
            &step.command,
            StdoutUse::Capture,
        )
        .await
    {
        Ok(run) => run,
        Err(why) => return StepEnd::Failed(why),
    };
    match judge(cx, export.end) {
        StepEnd::Done(_) => {}
        other => return other,
    }
    let mut text = export.captured.join("\n");
    text.push('\n');
    let network = match parse_deployer_export(&text) {
        Ok(network) => network,
        Err(why) => {
            cx.forget_command(position, 0, DEPLOYER_HOST).await;
            return StepEnd::Failed(format!("the deployer's export could not be read: {why}"));
        }
    };
    cx.note(format!(
        "deployer network: vpcId {}, vpcCidr {}, routeTableId {}",
        network.vpc_id, network.vpc_cidr, network.route_table_id
    ))
    .await;
    let join = join_network_args(root, cluster, &network);
    let end = match cx
        .run_command(position, 1, DEPLOYER_HOST, &join, StdoutUse::Log)
        .await
    {
        Ok(run) => judge(cx, run.end),
        Err(why) => StepEnd::Failed(why),
    };
    if !matches!(end, StepEnd::Stopped) {
        cx.forget_command(position, 0, DEPLOYER_HOST).await;
    }
    end
}

/// The cluster's new state (or its removal), in the transaction that ends the job.
async fn finish_cluster(
    tx: &mut Tx,
    job: &JobRow,
    state: JobState,
    ran: bool,
    error: Option<&str>,
) -> Result<Option<serde_json::Value>, StoreError> {
    let Some(cluster) = clusters::find_by_id_in(tx, &job.cluster_id).await? else {
        return Ok(None);
    };
    match cluster_after(job.kind, state, ran, cluster.on_deployer) {
        ClusterChange::Keep => Ok(None),
        ClusterChange::Become(next) => {
            let failure = (next == crate::model::cluster::ClusterState::Failed)
                .then(|| error.unwrap_or("the job did not finish"));
            clusters::set_state(tx, &cluster.id, next, failure, now_millis()).await?;
            Ok(Some(json!({ "cluster_state": next })))
        }
        ClusterChange::Remove => {
            clusters::delete(tx, &cluster.id).await?;
            Ok(Some(json!({ "cluster": "removed" })))
        }
    }
}
