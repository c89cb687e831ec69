//! The two-person rule for production: a deploy, stop or destroy of a production cluster
//! waits, holding no lock, until another admin (a person, never the one who asked, never
//! a token) approves or rejects it; it expires when its time is over or when the cluster
//! changes under it; every step is audited once.

use engine::{
    commands::{Caller, ClusterUpdate},
    model::{
        access::{Principal, Role, Via},
        approval::ApprovalPolicy,
        cluster::ClusterInput,
        failure::FailureKind,
        job::{JobState, Trigger},
    },
    store::{audit_events::AuditFilter, jobs as queue, now_millis, Store},
    Engine, EngineConfig,
};
use testkit::on_both_databases;

use crate::helpers::{admin, caller, engine, operator};

fn second_admin() -> Caller {
    caller("oidc:ada", Role::Admin)
}

fn production(name: &str, index: i64) -> ClusterInput {
    ClusterInput {
        name: name.to_owned(),
        region: String::new(),
        cluster_index: index,
        env: "production".to_owned(),
        domain: String::new(),
        dns_zone: String::new(),
    }
}

/// Creates the production cluster `prod`, as an admin.
async fn create_production(engine: &Engine) {
    engine
        .create_cluster(&admin(), &production("prod", 2), &[])
        .await
        .expect("create");
}

/// An engine like the helpers' with another approval policy.
fn engine_with(store: &Store, approvals: ApprovalPolicy) -> Engine {
    let base = engine(store);
    Engine::new(
        EngineConfig {
            store: store.clone(),
            hosts: Vec::new(),
            deploys: base.deploys().clone(),
            worker_id: "worker-1".to_owned(),
            max_parallel: 1,
            streams_per_person: 2,
            cloud: None,
            builder: Default::default(),
            approvals,
            delivery: Default::default(),
        },
        tokio_util::sync::CancellationToken::new(),
    )
}

async fn actions_on(store: &Store, target: &str) -> Vec<(String, String)> {
    let filter = AuditFilter {
        target: Some(target.to_owned()),
        ..AuditFilter::default()
    };
    let mut events: Vec<(String, String)> = engine::audit::list(store, &filter, 100)
        .await
        .expect("audit")
        .into_iter()
        .map(|event| (event.actor, event.action))
        .collect();
    events.reverse();
    events
}

async fn claim(store: &Store) -> Option<String> {
    let now = now_millis();
    queue::claim(store, "w1", now, now + 30_000)
        .await
        .expect("claim")
        .map(|job| job.id)
}

async fn a_production_deploy_waits_for_another_admin(store: Store) {
    let engine = engine(&store);
    create_production(&engine).await;
    let asked = engine.deploy(&admin(), "prod", false).await.expect("ask");
    let job = asked.job;
    assert_eq!(job.state, JobState::AwaitingApproval);
    assert_eq!(job.trigger, Trigger::Ui);
    let approval = job.approval.clone().expect("needs approval");
    assert!(approval.expires_at > now_millis() + 23 * 3600 * 1000);
    assert_eq!(approval.decided_by, None);
    // Nothing claims it while it waits, and it holds no lock: a preview of the same
    // cluster runs meanwhile.
    assert_eq!(claim(&store).await, None);
    let preview = engine
        .deploy(&admin(), "prod", true)
        .await
        .expect("preview");
    assert_eq!(
        preview.job.state,
        JobState::Queued,
        "a preview needs no approval"
    );
    assert_eq!(claim(&store).await, Some(preview.job.id.clone()));
    let waiting = engine.awaiting_approval(&operator()).await.expect("list");
    assert_eq!(
        waiting.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
        [job.id.as_str()]
    );

    // Whoever asked may not decide, however they come; nor may a token or an operator.
    let own = engine
        .approve(&admin(), &job.id, Ok(None))
        .await
        .expect_err("own job");
    assert_eq!(own.kind, FailureKind::Forbidden);
    assert!(own.message.contains("another admin"), "{own}");
    let own_reject = engine
        .reject(&admin(), &job.id, Ok(None))
        .await
        .expect_err("own job");
    assert_eq!(own_reject.kind, FailureKind::Forbidden);
    let token = Caller::from_request(
        Principal {
            user_id: None,
            actor: "token:ci".to_owned(),
            login: "ci".to_owned(),
            name: "ci".to_owned(),
            role: Role::Admin,
            via: Via::Token,
        },
        None,
    );
    let by_token = engine
        .approve(&token, &job.id, Ok(None))
        .await
        .expect_err("a token");
    assert_eq!(by_token.kind, FailureKind::Forbidden);
    assert!(by_token.message.contains("person"), "{by_token}");
    let by_operator = engine
        .approve(&operator(), &job.id, Ok(None))
        .await
        .expect_err("an operator");
    assert_eq!(by_operator.kind, FailureKind::Forbidden);
    // A bad comment is judged after the permission, and changes nothing.
    let long = engine
        .approve(&second_admin(), &job.id, Ok(Some("x".repeat(1001))))
        .await
        .expect_err("too long");
    assert_eq!(long.field.as_deref(), Some("comment"));

    // Another admin approves it: it joins the queue behind the running preview.
    let approved = engine
        .approve(&second_admin(), &job.id, Ok(Some("ship it".to_owned())))
        .await
        .expect("approve");
    assert_eq!(approved.state, JobState::Queued);
    let decided = approved.approval.expect("approval");
    assert_eq!(decided.decided_by.as_deref(), Some("oidc:ada"));
    assert_eq!(decided.comment.as_deref(), Some("ship it"));
    let again = engine
        .approve(&second_admin(), &job.id, Ok(None))
        .await
        .expect_err("approved already");
    assert_eq!(again.kind, FailureKind::Conflict);
    assert!(engine
        .awaiting_approval(&operator())
        .await
        .expect("list")
        .is_empty());
    assert_eq!(
        actions_on(&store, &format!("job:{}", job.id)).await,
        [
            (
                "github:alice".to_owned(),
                "job.approval_requested".to_owned()
            ),
            ("oidc:ada".to_owned(), "job.approved".to_owned()),
        ]
    );
}

async fn a_rejected_job_never_runs(store: Store) {
    let engine = engine(&store);
    create_production(&engine).await;
    let job = engine
        .deploy(&admin(), "prod", false)
        .await
        .expect("ask")
        .job;
    let rejected = engine
        .reject(
            &second_admin(),
            &job.id,
            Ok(Some("not on a Friday".to_owned())),
        )
        .await
        .expect("reject");
    assert_eq!(rejected.state, JobState::Rejected);
    assert!(rejected.finished_at.is_some());
    assert_eq!(
        rejected.error.as_deref(),
        Some("rejected by oidc:ada: not on a Friday")
    );
    assert_eq!(claim(&store).await, None);
    let late = engine
        .approve(&second_admin(), &job.id, Ok(None))
        .await
        .expect_err("ended");
    assert_eq!(late.kind, FailureKind::Conflict);
    assert_eq!(
        actions_on(&store, &format!("job:{}", job.id)).await,
        [
            (
                "github:alice".to_owned(),
                "job.approval_requested".to_owned()
            ),
            ("oidc:ada".to_owned(), "job.rejected".to_owned()),
        ]
    );
}

async fn a_wait_expires_when_its_time_is_over(store: Store) {
    let engine = engine_with(
        &store,
        ApprovalPolicy {
            required: true,
            ttl_ms: 0,
        },
    );
    create_production(&engine).await;
    let swept = engine
        .deploy(&admin(), "prod", false)
        .await
        .expect("ask")
        .job;
    assert_eq!(engine.expire_overdue_approvals().await.expect("sweep"), 1);
    assert_eq!(engine.expire_overdue_approvals().await.expect("again"), 0);
    let job = engine.job(&admin(), &swept.id).await.expect("job").job;
    assert_eq!(job.state, JobState::Expired);
    assert!(
        job.error
            .as_deref()
            .is_some_and(|e| e.starts_with("nobody approved it before")),
        "{:?}",
        job.error
    );
    // One asked for after its time, before the sweep, is refused and expires then.
    let late = engine
        .deploy(&admin(), "prod", false)
        .await
        .expect("ask")
        .job;
    let refused = engine
        .approve(&second_admin(), &late.id, Ok(None))
        .await
        .expect_err("too late");
    assert_eq!(refused.kind, FailureKind::Conflict);
    assert!(
        refused.message.contains("no longer be approved"),
        "{refused}"
    );
    let late = engine.job(&admin(), &late.id).await.expect("job").job;
    assert_eq!(late.state, JobState::Expired);
    assert_eq!(
        actions_on(&store, &format!("job:{}", swept.id)).await,
        [
            (
                "github:alice".to_owned(),
                "job.approval_requested".to_owned()
            ),
            ("nixdeck".to_owned(), "job.expired".to_owned()),
        ]
    );
}

async fn a_change_to_the_cluster_ends_the_wait(store: Store) {
    let engine = engine(&store);
    create_production(&engine).await;
    let job = engine
        .deploy(&admin(), "prod", false)
        .await
        .expect("ask")
        .job;
    engine
        .set_versions(
            &admin(),
            "prod",
            &[("disciplina".to_owned(), "v9.9".to_owned())],
        )
        .await
        .expect("pin");
    let job = engine.job(&admin(), &job.id).await.expect("job").job;
    assert_eq!(job.state, JobState::Expired);
    let reason = job.error.expect("a reason");
    assert!(
        reason.contains("changed while it waited") && reason.contains("v9.9"),
        "{reason}"
    );
    let refused = engine
        .approve(&second_admin(), &job.id, Ok(None))
        .await
        .expect_err("expired");
    assert_eq!(refused.kind, FailureKind::Conflict);

    // A change of arguments ends a wait too; one that changes nothing the job runs with
    // does not exist (every argument is one).
    let again = engine
        .deploy(&admin(), "prod", false)
        .await
        .expect("ask")
        .job;
    engine
        .update_cluster(
            &admin(),
            "prod",
            ClusterUpdate {
                region: Some("us-east-1".to_owned()),
                ..ClusterUpdate::default()
            },
        )
        .await
        .expect("edit");
    let again = engine.job(&admin(), &again.id).await.expect("job").job;
    assert_eq!(again.state, JobState::Expired);
    assert!(again.error.unwrap_or_default().contains("region"));
}

async fn a_waiting_job_can_be_cancelled_and_blocks_removal(store: Store) {
    let engine = engine(&store);
    create_production(&engine).await;
    let job = engine
        .deploy(&admin(), "prod", false)
        .await
        .expect("ask")
        .job;
    let refused = engine
        .remove_cluster(&admin(), "prod")
        .await
        .expect_err("a job waits");
    assert!(
        refused.message.contains("waiting for approval"),
        "{refused}"
    );
    let cancelled = engine.cancel(&admin(), &job.id).await.expect("cancel");
    assert_eq!(cancelled.state, JobState::Cancelled);
    engine.remove_cluster(&admin(), "prod").await.expect("now");
}

async fn with_the_rule_off_production_runs_at_once(store: Store) {
    let engine = engine_with(
        &store,
        ApprovalPolicy {
            required: false,
            ..ApprovalPolicy::default()
        },
    );
    create_production(&engine).await;
    let job = engine
        .deploy(&admin(), "prod", false)
        .await
        .expect("ask")
        .job;
    assert_eq!(job.state, JobState::Queued);
    assert_eq!(job.approval, None);
    // And a staging cluster never waits.
    let staged = engine_with(&store, ApprovalPolicy::default());
    staged
        .create_cluster(&admin(), &crate::helpers::staging("stage", 3), &[])
        .await
        .expect("create");
    let job = staged
        .deploy(&admin(), "stage", false)
        .await
        .expect("ask")
        .job;
    assert_eq!(job.state, JobState::Queued);
}

async fn a_github_deployments_creator_may_not_approve_it_however_they_sign_in(store: Store) {
    let engine = engine(&store);
    create_production(&engine).await;
    engine
        .update_cluster(
            &admin(),
            "prod",
            ClusterUpdate {
                github_deployments: Some(true),
                ..ClusterUpdate::default()
            },
        )
        .await
        .expect("allow GitHub");
    let body = serde_json::json!({
        "deployment": { "id": 7, "sha": "3f2a9c1", "environment": "prod",
                        "creator": { "login": "Alice" } },
        "repository": { "name": "disciplina", "full_name": "DisciplinaOU/disciplina" }
    })
    .to_string();
    let outcome = engine
        .github_deployment("delivery-1", None, body.as_bytes())
        .await
        .expect("queued");
    let engine::commands::GithubOutcome::Queued(job) = outcome else {
        panic!("expected a job, got {outcome:?}");
    };
    assert_eq!(job.state, JobState::AwaitingApproval);
    assert_eq!(job.requested_by, "github:Alice");
    // Alice signed in with OIDC is still Alice.
    let refused = engine
        .approve(&caller("oidc:alice", Role::Admin), &job.id, Ok(None))
        .await
        .expect_err("the creator");
    assert_eq!(refused.kind, FailureKind::Forbidden);
    engine
        .approve(&second_admin(), &job.id, Ok(None))
        .await
        .expect("another admin");
}

on_both_databases!(
    a_github_deployments_creator_may_not_approve_it_however_they_sign_in,
    a_production_deploy_waits_for_another_admin,
    a_rejected_job_never_runs,
    a_wait_expires_when_its_time_is_over,
    a_change_to_the_cluster_ends_the_wait,
    a_waiting_job_can_be_cancelled_and_blocks_removal,
    with_the_rule_off_production_runs_at_once,
);
