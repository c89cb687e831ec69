//! One cluster: its arguments and subnets, its dependency versions, deploy / preview /
//! operations / destroy as the viewer's role allows (the same table the server decides
//! with), and its job history with redeploys.

use engine::model::{
    access::{Action, Principal},
    cluster::ClusterView,
    job::JobKind,
    time::format_utc,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{
    form::ClusterFields, history::History, on_aws::OnAws, schedule::Schedules, versions::Versions,
};
use crate::{
    api::fetcher::boxed,
    api::{
        clusters::{
            get_cluster, ClusterPage, RemoveCluster, SetGithubDeployments, SetSchedule,
            SetVersions, StartDeploy, StartOperation, UpdateCluster,
        },
        jobs::RedeployJob,
    },
    components::{
        charts::DeployDurations,
        common::{
            button_class, Button, ButtonTone, ClusterStateBadge, ErrorNotice, Facts, Loaded, PANEL,
        },
    },
};

/// The actions of a cluster page, so the body can start them.
#[derive(Clone, Copy)]
struct Actions {
    deploy: ServerAction<StartDeploy>,
    operate: ServerAction<StartOperation>,
    redeploy: ServerAction<RedeployJob>,
    remove: ServerAction<RemoveCluster>,
    update: ServerAction<UpdateCluster>,
    set_versions: ServerAction<SetVersions>,
    github: ServerAction<SetGithubDeployments>,
    schedule: ServerAction<SetSchedule>,
}

#[component]
pub fn ClusterDetailPage() -> impl IntoView {
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();
    let actions = Actions {
        deploy: ServerAction::new(),
        operate: ServerAction::new(),
        redeploy: ServerAction::new(),
        remove: ServerAction::new(),
        update: ServerAction::new(),
        set_versions: ServerAction::new(),
        github: ServerAction::new(),
        schedule: ServerAction::new(),
    };
    let page = Resource::new(
        move || {
            (
                name(),
                actions.update.version().get(),
                actions.set_versions.version().get(),
                actions.github.version().get(),
                actions.schedule.version().get(),
            )
        },
        |(name, _, _, _, _)| boxed(get_cluster(name)),
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        let started = actions
            .deploy
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| actions.redeploy.value().get().and_then(Result::ok))
            .or_else(|| actions.operate.value().get().and_then(Result::ok))
            .or_else(|| actions.remove.value().get().and_then(Result::ok).flatten());
        if let Some(job) = started {
            navigate(&format!("/jobs/{job}"), Default::default());
        } else if let Some(Ok(None)) = actions.remove.value().get() {
            navigate("/clusters", Default::default());
        }
    });
    let failure = move || {
        [
            actions.deploy.value().get().and_then(Result::err),
            actions.redeploy.value().get().and_then(Result::err),
            actions.operate.value().get().and_then(Result::err),
            actions.remove.value().get().and_then(Result::err),
            actions.update.value().get().and_then(Result::err),
            actions.github.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };

    view! {
        <Title text=move || format!("Cluster {}", name()) />
        {move || failure().map(|error| view! { <ErrorNotice message=error.to_string() /> })}
        <Loaded resource=page view={move |page: ClusterPage| view! { <ClusterBody page actions /> }} />
    }
}

#[component]
fn ClusterBody(page: ClusterPage, actions: Actions) -> impl IntoView {
    let cluster = page.cluster.clone();
    let principal = page.principal.clone();
    let name = cluster.args.name.clone();
    let env = cluster.args.env;
    let editing = RwSignal::new(false);
    let may_manage = principal.may(Action::ManageClusters);
    let may_deploy = principal.may(Action::Deploy(env));
    let edited = cluster.clone();
    view! {
        <header class="mb-6 flex flex-wrap items-center gap-3">
            <h1 class="font-mono text-2xl font-semibold tracking-tight">{name.clone()}</h1>
            <ClusterStateBadge state=cluster.state />
        </header>
        {cluster.last_error.clone().map(|error| view! {
            <p class="mb-4 text-sm text-red-700 dark:text-red-400" data-testid="cluster-error">
                {format!("The last deploy did not finish: {error}")}
            </p>
        })}
        <div class="mb-6 flex flex-wrap gap-2">
            <JobButtons cluster=cluster.clone() principal=principal.clone() actions />
            {may_manage.then(|| {
                let remove_name = name.clone();
                view! {
                    <button type="button" class=button_class(ButtonTone::Quiet, false) on:click=move |_| editing.update(|e| *e = !*e)>
                        "Edit arguments"
                    </button>
                    <ActionForm action=actions.remove>
                        <input type="hidden" name="name" value=remove_name />
                        <Button tone=ButtonTone::Danger>"Destroy"</Button>
                    </ActionForm>
                }
            })}
        </div>
        <Show when=move || editing.get()>
            <EditArguments cluster=edited.clone() update=actions.update />
        </Show>
        <div class="grid gap-4 lg:grid-cols-2">
            <div>
                <Arguments cluster=cluster.clone() />
                <GithubDeployments cluster=cluster.clone() may_manage set=actions.github />
            </div>
            <Versions name=name.clone() versions=cluster.versions.clone() may_edit=may_manage set=actions.set_versions />
            <Schedules name=name.clone() schedule=page.schedule.clone() may_edit=may_manage set=actions.schedule />
        </div>
        <OnAws name=name.clone() />
        <DeployDurations bars=page.deploys />
        <History jobs=page.jobs may_redeploy=may_deploy redeploy=actions.redeploy />
    }
}

/// Deploy, preview, and (once the deployment exists) check, stop and start, each shown
/// only to those the permission table allows.
#[component]
fn JobButtons(cluster: ClusterView, principal: Principal, actions: Actions) -> impl IntoView {
    let env = cluster.args.env;
    let name = cluster.args.name.clone();
    let deployed = cluster.on_deployer;
    let deploy_label = if deployed {
        "Deploy"
    } else {
        "Create and deploy"
    };
    let operations: Vec<(&'static str, &'static str)> = [
        (JobKind::Info, "Check (info)"),
        (JobKind::Stop, "Stop"),
        (JobKind::Start, "Start"),
    ]
    .into_iter()
    .filter(|(kind, _)| deployed && principal.may(kind.action(env)))
    .map(|(kind, label)| (kind.as_str(), label))
    .collect();
    let (deploy_name, preview_name) = (name.clone(), name.clone());
    view! {
        {principal.may(Action::Deploy(env)).then(move || view! {
            <ActionForm action=actions.deploy>
                <input type="hidden" name="name" value=deploy_name />
                <input type="hidden" name="preview" value="false" />
                <Button>{deploy_label}</Button>
            </ActionForm>
        })}
        {principal.may(Action::Preview(env)).then(move || view! {
            <ActionForm action=actions.deploy>
                <input type="hidden" name="name" value=preview_name />
                <input type="hidden" name="preview" value="true" />
                <Button tone=ButtonTone::Quiet>"Preview (dry run)"</Button>
            </ActionForm>
        })}
        {operations.into_iter().map(|(kind, label)| {
            let name = name.clone();
            view! {
                <ActionForm action=actions.operate>
                    <input type="hidden" name="name" value=name />
                    <input type="hidden" name="kind" value=kind />
                    <Button tone=ButtonTone::Quiet>{label}</Button>
                </ActionForm>
            }
        }).collect_view()}
    }
}

#[component]
fn EditArguments(cluster: ClusterView, update: ServerAction<UpdateCluster>) -> impl IntoView {
    let initial = cluster.args.to_input();
    view! {
        <ActionForm action=update attr:class="mb-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <ClusterFields initial editing=true />
            <div class="mt-4"><Button>"Save arguments"</Button></div>
        </ActionForm>
    }
}

/// Whether GitHub deployment events may deploy the cluster, and, for admins, the switch.
#[component]
fn GithubDeployments(
    cluster: ClusterView,
    may_manage: bool,
    set: ServerAction<SetGithubDeployments>,
) -> impl IntoView {
    let on = cluster.github_deployments;
    let text = if on {
        "GitHub deployments of this cluster (a deployment whose environment is its name) deploy it."
    } else {
        "GitHub deployments are off: a deployment naming this cluster gets an error status."
    };
    view! {
        // A block, not a paragraph: a paragraph cannot hold a form (the browser would end it
        // before the form, and hydration would meet another page than the server's).
        <div class="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600 dark:text-slate-400" data-testid="github-deployments">
            <span>{text}</span>
            {may_manage.then(|| view! {
                <ActionForm action=set>
                    <input type="hidden" name="name" value=cluster.args.name.clone() />
                    <input type="hidden" name="enabled" value=(!on).to_string() />
                    <Button tone=ButtonTone::Quiet small=true>{if on { "Turn off" } else { "Turn on" }}</Button>
                </ActionForm>
            })}
        </div>
    }
}

#[component]
fn Arguments(cluster: ClusterView) -> impl IntoView {
    let args = cluster.args.clone();
    let (domain, zone) = match &args.dns {
        Some(dns) => (dns.domain.clone(), dns.zone.clone()),
        None => ("— (production: DNS off)".to_owned(), "—".to_owned()),
    };
    let rows = vec![
        ("region", args.region.clone()),
        ("clusterIndex", args.cluster_index.to_string()),
        ("subnets", cluster.subnets().join(", ")),
        ("env", args.env.as_str().to_owned()),
        ("domain", domain),
        ("dnsZone", zone),
        (
            "created",
            format!(
                "{} by {}",
                format_utc(cluster.created_at),
                cluster.created_by
            ),
        ),
    ];
    view! {
        <section class=PANEL aria-label="Arguments">
            <h2 class="mb-3 text-sm font-semibold">"Arguments"</h2>
            <Facts rows mono_keys=true />
        </section>
    }
}
