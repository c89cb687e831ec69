//! Walks every server function and REST endpoint with every role, and with no credentials,
//! and checks each answer against the one permission table (`engine::model::access`). A
//! server function missing from the walk fails the test, so none can be added unchecked.

use std::collections::BTreeSet;

use app::api::{
    access::{
        CreateApiToken, CreateSlackLink, EndSessions, ListApiTokens, ListPeople, RevokeApiToken,
    },
    audit::ListAuditEvents,
    clusters::{
        CreateCluster, GetCluster, GetOnAws, ListClusterHealths, ListClusters, RemoveCluster,
        SetGithubDeployments, SetSchedule, SetVersions, StartDeploy, StartOperation,
        TakenClusterIndexes, UpdateCluster,
    },
    hosts::{
        AdoptDeployment, DeployDeployer, GetBuilder, GetDeployer, ProbeBuilder, StartBuilderJob,
    },
    jobs::{
        ApproveJob, CancelJob, GetJob, GetJobActivity, GetJobLog, ListAwaitingApproval,
        RedeployJob, RejectJob,
    },
    notifications::{CreateChannel, DeleteChannel, ListChannels, TestChannel},
    secrets::{EditSecret, GenerateSecret, ListSecrets, RevealSecret, RollBackSecret},
    system::{GetHealth, GetSession},
};
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use engine::{
    commands::Caller,
    model::access::{is_allowed, Action, Role},
    model::cluster::ClusterInput,
    store::{clusters, now_millis},
};
use leptos::server_fn::ServerFn;

use crate::{aws_helpers::Aws, helpers::TestApp};

/// What a call needs: a role allowed by an action, any signed-in principal, or an admin
/// signed in as themselves (an approval: the walk's tokens never are one; the engine's
/// tests walk the people).
#[derive(Debug, Clone, Copy)]
enum Needs {
    Anyone,
    SignedIn,
    Permission(Action),
    Person,
}

struct Endpoint {
    method: Method,
    path: String,
    body: String,
    needs: Needs,
}

fn server_fn(path: &str, body: &str, needs: Needs) -> Endpoint {
    Endpoint {
        method: Method::POST,
        path: path.to_owned(),
        body: body.to_owned(),
        needs,
    }
}

fn rest(path: &str, needs: Needs) -> Endpoint {
    call(Method::GET, path, "", needs)
}

fn call(method: Method, path: &str, body: &str, needs: Needs) -> Endpoint {
    Endpoint {
        method,
        path: path.to_owned(),
        body: body.to_owned(),
        needs,
    }
}

/// Ids of the jobs the walk acts on: one on a staging and one on a production cluster.
struct WalkJobs {
    staging: String,
    production: String,
}

/// The clusters and jobs the walk acts on.
async fn walk_fixtures(app: &TestApp) -> WalkJobs {
    let actor = Caller::cli();
    for (name, index, env) in [
        ("walk-staging", 1, "staging"),
        ("walk-prod", 2, "production"),
        ("walk-new", 3, "staging"),
    ] {
        let input = ClusterInput {
            name: name.to_owned(),
            region: "eu-central-1".to_owned(),
            cluster_index: index,
            env: env.to_owned(),
            domain: format!("{name}.disciplina.io"),
            dns_zone: "disciplina.io.".to_owned(),
        };
        app.engine
            .create_cluster(&actor, &input, &[])
            .await
            .expect("cluster");
    }
    // The two deployed (their deployments exist on the deployer), so every operation
    // applies; walk-new never was.
    for name in ["walk-staging", "walk-prod"] {
        let row = clusters::find(&app.store, name)
            .await
            .expect("find")
            .expect("cluster");
        clusters::mark_on_deployer(&app.store, &row.id, now_millis())
            .await
            .expect("mark");
    }
    let staging = app
        .engine
        .deploy(&actor, "walk-staging", false)
        .await
        .expect("job");
    let production = app
        .engine
        .deploy(&actor, "walk-prod", false)
        .await
        .expect("job");
    WalkJobs {
        staging: staging.job.id,
        production: production.job.id,
    }
}

fn endpoints() -> Vec<Endpoint> {
    endpoints_with(&WalkJobs {
        staging: "none".to_owned(),
        production: "none".to_owned(),
    })
}

fn endpoints_with(jobs: &WalkJobs) -> Vec<Endpoint> {
    use engine::model::access::Environment::{Production, Staging};
    let (staging, production) = (&jobs.staging, &jobs.production);
    let new_cluster = r#"{"name":"walked","cluster_index":9,"env":"production"}"#;
    vec![
        server_fn(<GetSession as ServerFn>::PATH, "", Needs::Anyone),
        server_fn(
            <GetHealth as ServerFn>::PATH,
            "",
            Needs::Permission(Action::Read),
        ),
        server_fn(
            <ListAuditEvents as ServerFn>::PATH,
            "query[actor]=&query[action]=&query[target]=&query[from]=&query[until]=",
            Needs::Permission(Action::Read),
        ),
        server_fn(
            <ListPeople as ServerFn>::PATH,
            "",
            Needs::Permission(Action::ManageSessions),
        ),
        server_fn(
            <EndSessions as ServerFn>::PATH,
            "user_id=nobody",
            Needs::Permission(Action::ManageSessions),
        ),
        server_fn(
            <ListApiTokens as ServerFn>::PATH,
            "",
            Needs::Permission(Action::ManageTokens),
        ),
        server_fn(
            <CreateApiToken as ServerFn>::PATH,
            "name=walked&role=viewer",
            Needs::Permission(Action::ManageTokens),
        ),
        server_fn(
            <RevokeApiToken as ServerFn>::PATH,
            "name=nobody",
            Needs::Permission(Action::ManageTokens),
        ),
        server_fn(<ListClusters as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<ListClusters as ServerFn>::PATH, "after=walk-prod", Needs::Permission(Action::Read)),
        server_fn(<TakenClusterIndexes as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<GetCluster as ServerFn>::PATH, "name=walk-staging", Needs::Permission(Action::Read)),
        server_fn(
            <CreateCluster as ServerFn>::PATH,
            "input[name]=walked-fn&input[region]=&input[cluster_index]=10&input[env]=production&input[domain]=&input[dns_zone]=",
            Needs::Permission(Action::ManageClusters),
        ),
        server_fn(
            <UpdateCluster as ServerFn>::PATH,
            "input[name]=walk-staging&input[region]=eu-west-1&input[cluster_index]=1&input[env]=staging&input[domain]=walk-staging.disciplina.io&input[dns_zone]=disciplina.io.",
            Needs::Permission(Action::ManageClusters),
        ),
        server_fn(<SetGithubDeployments as ServerFn>::PATH, "name=walk-staging&enabled=true", Needs::Permission(Action::ManageClusters)),
        server_fn(<SetSchedule as ServerFn>::PATH, "name=walk-staging&check=0+*+*+*+*&redeploy=", Needs::Permission(Action::ManageClusters)),
        server_fn(<SetVersions as ServerFn>::PATH, "name=walk-staging&versions[disciplina]=v2", Needs::Permission(Action::ManageClusters)),
        server_fn(<StartDeploy as ServerFn>::PATH, "name=walk-staging&preview=false", Needs::Permission(Action::Deploy(Staging))),
        server_fn(<StartDeploy as ServerFn>::PATH, "name=walk-prod&preview=false", Needs::Permission(Action::Deploy(Production))),
        server_fn(<StartDeploy as ServerFn>::PATH, "name=walk-staging&preview=true", Needs::Permission(Action::Preview(Staging))),
        server_fn(<StartDeploy as ServerFn>::PATH, "name=walk-prod&preview=true", Needs::Permission(Action::Preview(Production))),
        server_fn(<StartOperation as ServerFn>::PATH, "name=walk-staging&kind=info", Needs::Permission(Action::Preview(Staging))),
        server_fn(<StartOperation as ServerFn>::PATH, "name=walk-prod&kind=info", Needs::Permission(Action::Preview(Production))),
        server_fn(<StartOperation as ServerFn>::PATH, "name=walk-staging&kind=stop", Needs::Permission(Action::Deploy(Staging))),
        server_fn(<StartOperation as ServerFn>::PATH, "name=walk-prod&kind=start", Needs::Permission(Action::Deploy(Production))),
        server_fn(<RemoveCluster as ServerFn>::PATH, "name=walk-new", Needs::Permission(Action::ManageClusters)),
        server_fn(<GetJob as ServerFn>::PATH, &format!("id={staging}"), Needs::Permission(Action::Read)),
        server_fn(<GetJobLog as ServerFn>::PATH, &format!("id={staging}&before=5"), Needs::Permission(Action::Read)),
        server_fn(<ListSecrets as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<EditSecret as ServerFn>::PATH, "env=staging&kind=cluster&text[FaucetKey]=walked", Needs::Permission(Action::WriteSecrets)),
        server_fn(<RevealSecret as ServerFn>::PATH, "env=staging&kind=cluster&key=FaucetKey", Needs::Permission(Action::ReadSecretValues)),
        server_fn(<GenerateSecret as ServerFn>::PATH, "env=staging&kind=cluster&key=CommitteeSecret", Needs::Permission(Action::WriteSecrets)),
        server_fn(<RollBackSecret as ServerFn>::PATH, "env=staging&kind=cluster&version_id=none", Needs::Permission(Action::WriteSecrets)),
        server_fn(<GetOnAws as ServerFn>::PATH, "name=walk-staging&refresh=true", Needs::Permission(Action::Read)),
        server_fn(<ListClusterHealths as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<RedeployJob as ServerFn>::PATH, &format!("id={staging}"), Needs::Permission(Action::Deploy(Staging))),
        server_fn(<RedeployJob as ServerFn>::PATH, &format!("id={production}"), Needs::Permission(Action::Deploy(Production))),
        server_fn(<CancelJob as ServerFn>::PATH, &format!("id={staging}"), Needs::Permission(Action::CancelJob(Staging))),
        server_fn(<CancelJob as ServerFn>::PATH, &format!("id={production}"), Needs::Permission(Action::CancelJob(Production))),
        server_fn(<ListAwaitingApproval as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<GetJobActivity as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<CreateSlackLink as ServerFn>::PATH, "", Needs::Person),
        server_fn(<ListChannels as ServerFn>::PATH, "", Needs::Permission(Action::ManageNotifications)),
        server_fn(<CreateChannel as ServerFn>::PATH, "name=walked-fn&kind=webhook&url=https%3A%2F%2Fexample.com%2Fh&secret=&events=job.failed&clusters=", Needs::Permission(Action::ManageNotifications)),
        server_fn(<DeleteChannel as ServerFn>::PATH, "id=none", Needs::Permission(Action::ManageNotifications)),
        server_fn(<TestChannel as ServerFn>::PATH, "id=none", Needs::Permission(Action::ManageNotifications)),
        server_fn(<ApproveJob as ServerFn>::PATH, &format!("id={production}"), Needs::Person),
        server_fn(<RejectJob as ServerFn>::PATH, &format!("id={production}&comment=no"), Needs::Person),
        server_fn(<GetBuilder as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<ProbeBuilder as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<StartBuilderJob as ServerFn>::PATH, "kind=rebuild", Needs::Permission(Action::MaintainHosts)),
        server_fn(<GetDeployer as ServerFn>::PATH, "", Needs::Permission(Action::Read)),
        server_fn(<AdoptDeployment as ServerFn>::PATH, "deployment=walked", Needs::Permission(Action::ManageClusters)),
        server_fn(<DeployDeployer as ServerFn>::PATH, "", Needs::Permission(Action::MaintainHosts)),
        rest("/api/v1/builder", Needs::Permission(Action::Read)),
        call(Method::POST, "/api/v1/builder/probe", "", Needs::Permission(Action::Read)),
        call(Method::POST, "/api/v1/builder/jobs", r#"{"kind":"rebuild"}"#, Needs::Permission(Action::MaintainHosts)),
        call(Method::POST, "/api/v1/builder/jobs", "not json", Needs::Permission(Action::MaintainHosts)),
        rest("/api/v1/deployer", Needs::Permission(Action::Read)),
        call(Method::POST, "/api/v1/deployer/adopt", r#"{"deployment":"walked"}"#, Needs::Permission(Action::ManageClusters)),
        call(Method::POST, "/api/v1/deployer/adopt", "not json", Needs::Permission(Action::ManageClusters)),
        call(Method::POST, "/api/v1/deployer/deploys", "", Needs::Permission(Action::MaintainHosts)),
        rest("/api/v1/jobs?host=builder", Needs::Permission(Action::Read)),
        rest("/api/v1/notifications/channels", Needs::Permission(Action::ManageNotifications)),
        call(Method::POST, "/api/v1/notifications/channels", r#"{"name":"walked","kind":"webhook","url":"https://example.com/hook","events":["job.failed"]}"#, Needs::Permission(Action::ManageNotifications)),
        call(Method::POST, "/api/v1/notifications/channels", "not json", Needs::Permission(Action::ManageNotifications)),
        rest("/api/v1/notifications/channels/none", Needs::Permission(Action::ManageNotifications)),
        call(Method::PATCH, "/api/v1/notifications/channels/none", r#"{"name":"x"}"#, Needs::Permission(Action::ManageNotifications)),
        call(Method::DELETE, "/api/v1/notifications/channels/none", "", Needs::Permission(Action::ManageNotifications)),
        rest("/api/v1/notifications/channels/none/deliveries", Needs::Permission(Action::ManageNotifications)),
        call(Method::POST, "/api/v1/notifications/channels/none/test", "", Needs::Permission(Action::ManageNotifications)),
        rest("/api/v1/me", Needs::SignedIn),
        call(Method::POST, "/api/v1/me/slack-link", "", Needs::Person),
        rest("/api/v1/audit", Needs::Permission(Action::Read)),
        rest(
            "/api/v1/audit/export?format=csv",
            Needs::Permission(Action::Read),
        ),
        rest("/api/v1/clusters", Needs::Permission(Action::Read)),
        call(
            Method::POST,
            "/api/v1/clusters",
            new_cluster,
            Needs::Permission(Action::ManageClusters),
        ),
        rest(
            "/api/v1/clusters/walk-staging",
            Needs::Permission(Action::Read),
        ),
        call(
            Method::PATCH,
            "/api/v1/clusters/walk-staging",
            r#"{"region":"eu-west-1"}"#,
            Needs::Permission(Action::ManageClusters),
        ),
        call(Method::PATCH, "/api/v1/clusters/walk-staging", r#"{"github_deployments":true}"#, Needs::Permission(Action::ManageClusters)),
        rest("/api/v1/clusters/walk-staging/schedule", Needs::Permission(Action::Read)),
        call(Method::PUT, "/api/v1/clusters/walk-staging/schedule", r#"{"check":"0 * * * *","redeploy":null}"#, Needs::Permission(Action::ManageClusters)),
        call(Method::PUT, "/api/v1/clusters/walk-staging/schedule", "not json", Needs::Permission(Action::ManageClusters)),
        call(
            Method::PUT,
            "/api/v1/clusters/walk-staging/versions",
            r#"{"disciplina":"v1"}"#,
            Needs::Permission(Action::ManageClusters),
        ),
        call(
            Method::POST,
            "/api/v1/clusters/walk-staging/deploys",
            "",
            Needs::Permission(Action::Deploy(Staging)),
        ),
        call(
            Method::POST,
            "/api/v1/clusters/walk-prod/deploys",
            "",
            Needs::Permission(Action::Deploy(Production)),
        ),
        call(
            Method::POST,
            "/api/v1/clusters/walk-staging/deploys",
            r#"{"preview":true}"#,
            Needs::Permission(Action::Preview(Staging)),
        ),
        call(
            Method::POST,
            "/api/v1/clusters/walk-prod/deploys",
            r#"{"preview":true}"#,
            Needs::Permission(Action::Preview(Production)),
        ),
        call(Method::POST, "/api/v1/clusters/walk-staging/jobs", r#"{"kind":"info"}"#, Needs::Permission(Action::Preview(Staging))),
        call(Method::POST, "/api/v1/clusters/walk-prod/jobs", r#"{"kind":"info"}"#, Needs::Permission(Action::Preview(Production))),
        call(Method::POST, "/api/v1/clusters/walk-staging/jobs", r#"{"kind":"start"}"#, Needs::Permission(Action::Deploy(Staging))),
        call(Method::POST, "/api/v1/clusters/walk-prod/jobs", r#"{"kind":"stop"}"#, Needs::Permission(Action::Deploy(Production))),
        call(
            Method::DELETE,
            "/api/v1/clusters/walk-new",
            "",
            Needs::Permission(Action::ManageClusters),
        ),
        rest("/api/v1/clusters/walk-staging/machines", Needs::Permission(Action::Read)),
        rest("/api/v1/clusters/walk-staging/dns", Needs::Permission(Action::Read)),
        rest("/api/v1/clusters/walk-prod/health", Needs::Permission(Action::Read)),
        rest("/api/v1/secrets", Needs::Permission(Action::Read)),
        rest("/api/v1/secrets/staging/cluster", Needs::Permission(Action::Read)),
        call(Method::PATCH, "/api/v1/secrets/staging/cluster", r#"{"values":{"FaucetKey":"walked"},"base_version":null}"#, Needs::Permission(Action::WriteSecrets)),
        call(Method::POST, "/api/v1/secrets/staging/cluster/reveal", r#"{"key":"FaucetKey"}"#, Needs::Permission(Action::ReadSecretValues)),
        call(Method::POST, "/api/v1/secrets/production/cluster/generate", r#"{"key":"CommitteeSecret"}"#, Needs::Permission(Action::WriteSecrets)),
        call(Method::POST, "/api/v1/secrets/staging/cluster/rollback", r#"{"version_id":"none"}"#, Needs::Permission(Action::WriteSecrets)),
        rest(
            "/api/v1/jobs?cluster=walk-staging",
            Needs::Permission(Action::Read),
        ),
        rest(
            &format!("/api/v1/jobs/{staging}"),
            Needs::Permission(Action::Read),
        ),
        rest(
            &format!("/api/v1/jobs/{staging}/log"),
            Needs::Permission(Action::Read),
        ),
        call(
            Method::POST,
            &format!("/api/v1/jobs/{staging}/redeploy"),
            "",
            Needs::Permission(Action::Deploy(Staging)),
        ),
        call(
            Method::POST,
            &format!("/api/v1/jobs/{production}/redeploy"),
            "",
            Needs::Permission(Action::Deploy(Production)),
        ),
        call(Method::POST, &format!("/api/v1/jobs/{production}/approve"), "", Needs::Person),
        call(Method::POST, &format!("/api/v1/jobs/{production}/approve"), "not json", Needs::Person),
        call(Method::POST, &format!("/api/v1/jobs/{production}/reject"), r#"{"comment":"no"}"#, Needs::Person),
        call(
            Method::POST,
            &format!("/api/v1/jobs/{staging}/cancel"),
            "",
            Needs::Permission(Action::CancelJob(Staging)),
        ),
        call(
            Method::POST,
            &format!("/api/v1/jobs/{production}/cancel"),
            "",
            Needs::Permission(Action::CancelJob(Production)),
        ),
    ]
}

fn expected_allowed(needs: Needs, role: Option<Role>) -> bool {
    match (needs, role) {
        (Needs::Anyone, _) => true,
        (_, None) => false,
        (Needs::SignedIn, Some(_)) => true,
        (Needs::Permission(action), Some(role)) => is_allowed(role, action),
        // The walk calls with tokens: an approval is refused to every one of them.
        (Needs::Person, Some(_)) => false,
    }
}

/// Whether the answer was a refusal: 401/403 from the gate, the REST API or a server
/// function (which answers with its refusal's status, as the REST API does).
fn refused(status: StatusCode) -> bool {
    matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
}

#[test]
fn every_endpoint_answers_each_role_as_the_permission_table_says() {
    testkit::block_on(async {
        // Every AWS-backed endpoint answers from a real (local) AWS.
        let aws = Aws::start().await;
        let app = aws.app().await;
        let mut tokens = Vec::new();
        for role in Role::ALL {
            let name = format!("walk-{}", role.as_str());
            let token = app
                .engine
                .create_token(&Caller::cli(), &name, role.as_str())
                .await
                .expect("token");
            tokens.push((Some(*role), Some(token.expose().to_owned())));
        }
        tokens.push((None, None));
        let jobs = walk_fixtures(&app).await;

        for endpoint in endpoints_with(&jobs) {
            for (role, token) in &tokens {
                // Each admin call that creates a token needs a fresh name.
                app.engine.revoke_token(&Caller::cli(), "walked").await.ok();
                let mut request = Request::builder()
                    .method(endpoint.method.clone())
                    .uri(&endpoint.path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                if let Some(token) = token {
                    request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
                }
                let request = request
                    .body(Body::from(endpoint.body.clone()))
                    .expect("request");
                let (response, body) = app.send(request).await;
                assert_ne!(
                    response.status(),
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "{} {} as {role:?}: {body}",
                    endpoint.method,
                    endpoint.path,
                );
                let allowed = !refused(response.status());
                assert_eq!(
                    allowed,
                    expected_allowed(endpoint.needs, *role),
                    "{} {} as {role:?}: {} {body}",
                    endpoint.method,
                    endpoint.path,
                    response.status(),
                );
            }
        }
    })
}

#[test]
fn the_walk_covers_every_registered_server_function() {
    let walked: BTreeSet<String> = endpoints()
        .iter()
        .filter(|endpoint| endpoint.method == Method::POST)
        .filter(|endpoint| !endpoint.path.starts_with("/api/v1/"))
        .map(|endpoint| endpoint.path.clone())
        .collect();
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    assert_eq!(walked, registered);
}
