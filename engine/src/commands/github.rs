//! GitHub deployments as a trigger: a `deployment` event (its signature checked by the
//! adapter) becomes a deploy of the cluster it names, with the dependency it comes from
//! at the commit it names, as `github:<creator>`. Each delivery is handled once, each
//! deployment becomes at most one job, and a deployment that cannot become one gets an
//! `error` status saying why.

use serde_json::json;

use super::Caller;
use crate::{
    audit,
    clusters::view_of,
    delivery::job_events::GithubStatus,
    engine::Engine,
    model::{
        access::{Door, Principal, Role, Via},
        failure::{Failure, FailureKind},
        github::{
            parse_deployment_event, status_description, DeploymentIdentity, DeploymentRequest,
            StatusState,
        },
        job::{JobKind, JobView, Trigger},
    },
    store::{clusters, github_deployments, now_millis, webhook_deliveries, Tx},
};

/// What became of a deployment event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GithubOutcome {
    /// A job was queued (or waits for approval, in production).
    Queued(Box<JobView>),
    /// The delivery, or the deployment, was handled before: nothing new happened.
    AlreadyHandled { job_id: Option<String> },
}

impl Engine {
    /// Handles a verified `deployment` event delivered as `delivery_id` from `source_addr`.
    pub async fn github_deployment(
        &self,
        delivery_id: &str,
        source_addr: Option<String>,
        body: &[u8],
    ) -> Result<GithubOutcome, Failure> {
        let mut tx = self.store().begin().await?;
        if !webhook_deliveries::record(&mut tx, "github", delivery_id, now_millis()).await? {
            return Ok(GithubOutcome::AlreadyHandled { job_id: None });
        }
        let request = match parse_deployment_event(body) {
            Ok(request) => request,
            Err(None) => {
                let failure = Failure::invalid(
                    "body",
                    "the body is not a GitHub deployment event (deployment.id, .sha, \
                     .environment, .creator.login and repository.name, .full_name)",
                );
                self.refuse_deployment(tx, delivery_id, &source_addr, None, &failure)
                    .await?;
                return Err(failure);
            }
            Err(Some((identity, refusal))) => {
                let failure = Failure::invalid(refusal.field, refusal.message);
                self.refuse_deployment(tx, delivery_id, &source_addr, Some(&identity), &failure)
                    .await?;
                return Err(failure);
            }
        };
        let deployment_id = i64::try_from(request.deployment_id).unwrap_or(i64::MAX);
        if let Some(job_id) =
            github_deployments::job_of(&mut tx, &request.repository, deployment_id).await?
        {
            tx.commit().await?;
            return Ok(GithubOutcome::AlreadyHandled {
                job_id: Some(job_id),
            });
        }
        let identity = DeploymentIdentity {
            repository: request.repository.clone(),
            deployment_id: request.deployment_id,
        };
        let cluster = match clusters::find_in(&mut tx, &request.cluster).await? {
            Some(row) if row.github_deployments => view_of(row)?,
            Some(_) => {
                let failure = Failure::new(
                    FailureKind::Forbidden,
                    format!(
                        "GitHub deployments are off for cluster {:?}: an admin turns them on \
                     (\"github_deployments\": true)",
                        request.cluster
                    ),
                );
                self.refuse_deployment(tx, delivery_id, &source_addr, Some(&identity), &failure)
                    .await?;
                return Err(failure);
            }
            None => {
                let failure = Failure::not_found(format!(
                    "there is no cluster {:?} (the deployment's environment names the cluster)",
                    request.cluster
                ));
                self.refuse_deployment(tx, delivery_id, &source_addr, Some(&identity), &failure)
                    .await?;
                return Err(failure);
            }
        };
        let caller = github_caller(&request, source_addr);
        let kind = if cluster.on_deployer {
            JobKind::Deploy
        } else {
            JobKind::Create
        };
        let mut params = cluster.params();
        params
            .versions
            .insert(request.dependency.clone(), request.git_ref.clone());
        let (row, steps, mut detail) =
            self.cluster_job(&caller, &cluster, kind, Some(params), None)?;
        detail["github_deployment"] = json!(request.reference());
        detail["delivery"] = json!(delivery_id);
        github_deployments::insert(
            &mut tx,
            &request.repository,
            deployment_id,
            &row.id,
            now_millis(),
        )
        .await?;
        let subject = format!("cluster:{}", cluster.name());
        let job = self
            .enqueue(tx, &caller, row, &steps, subject, detail)
            .await?;
        Ok(GithubOutcome::Queued(Box::new(job)))
    }

    /// Records why a deployment event became no job (once, in the delivery's transaction)
    /// and, when the deployment is known, tells GitHub with an `error` status.
    async fn refuse_deployment(
        &self,
        mut tx: Tx,
        delivery_id: &str,
        source_addr: &Option<String>,
        identity: Option<&DeploymentIdentity>,
        failure: &Failure,
    ) -> Result<(), Failure> {
        let caller = webhook_caller(source_addr.clone());
        let target = identity.map_or_else(
            || "github".to_owned(),
            |identity| format!("github:{}#{}", identity.repository, identity.deployment_id),
        );
        audit::record(
            &mut tx,
            caller.event(
                "github.deployment_refused",
                target,
                json!({ "delivery": delivery_id, "field": failure.field,
                        "reason": failure.message }),
            ),
        )
        .await?;
        if let Some(identity) = identity {
            let public = &self.delivery().public_url;
            self.post_github_status(
                &mut tx,
                GithubStatus {
                    repository: identity.repository.clone(),
                    deployment_id: identity.deployment_id,
                    state: StatusState::Error.as_str().to_owned(),
                    description: status_description(&format!(
                        "nixdeck refused it: {}",
                        failure.message
                    )),
                    log_url: format!("{public}/audit"),
                    environment_url: None,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The deployment's creator, as the job's requester: `github:<login>`, coming in through a
/// webhook. The role is the least: what GitHub may deploy is the cluster's setting, and the
/// command that acts for it decides by that alone.
fn github_caller(request: &DeploymentRequest, source_addr: Option<String>) -> Caller {
    Caller {
        principal: Principal {
            user_id: None,
            actor: format!("github:{}", request.creator),
            login: request.creator.clone(),
            name: request.creator.clone(),
            role: Role::Viewer,
            via: Via::Token,
        },
        door: Door::Webhook,
        source_addr,
        trigger: Trigger::Github,
        trigger_ref: Some(request.reference()),
    }
}

/// Whoever delivered a webhook nixdeck could not act on.
fn webhook_caller(source_addr: Option<String>) -> Caller {
    Caller {
        principal: Principal {
            user_id: None,
            actor: "webhook:github".to_owned(),
            login: "github".to_owned(),
            name: "GitHub".to_owned(),
            role: Role::Viewer,
            via: Via::Token,
        },
        door: Door::Webhook,
        source_addr,
        trigger: Trigger::Github,
        trigger_ref: None,
    }
}
