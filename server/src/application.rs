//! The application, assembled once from the configuration and an open store: the engine
//! with its hosts, the sign-in providers, the app state and the router. `serve` and the
//! tests build it the same way; only the store (a file or a test database) differs.

use std::sync::Arc;

use app::state::AppState;
use axum::Router;
use engine::{
    audit::AuditAnchor,
    exec::{Host, Transport},
    model::job::{BUILDER_HOST, DEPLOYER_HOST},
    probes::builder::BuilderOptions,
    store::Store,
    Engine, EngineConfig,
};
use leptos::config::{Env, LeptosOptions};
use tokio_util::sync::CancellationToken;

use crate::{
    config::{Config, DeployerTarget, GithubDelivery},
    http::{router, HookSecrets, RefusalLog, RouterParts, SignInLimiter},
    login::{membership_recheck, Providers},
    metrics::{HttpMetrics, Scrape},
};

/// The base name of the built WebAssembly, JS and CSS files (`output-name` in Cargo.toml).
const OUTPUT_NAME: &str = "nixdeck";
/// Jobs one nixdeck runs at once.
const MAX_PARALLEL_JOBS: usize = 4;
/// Live log streams one person may hold open at once.
const STREAMS_PER_PERSON: usize = 8;

pub struct Application {
    pub engine: Engine,
    pub router: Router,
    pub providers: Arc<Providers>,
    pub refusals: RefusalLog,
    /// What `/metrics` encodes (served only where `NIXDECK_METRICS_LISTEN` says).
    pub scrape: Arc<Scrape>,
    /// Where the outbox sends GitHub's deployment statuses, and with what client.
    pub github: GithubDelivery,
    outbox_client: reqwest::Client,
    /// How many days finished jobs' logs are kept (`None`: for ever).
    log_retention_days: Option<u32>,
    /// Cancelled when nixdeck stops.
    pub stopping: CancellationToken,
}

impl Application {
    /// Everything `serve` runs, over `store` (given the audit anchor the configuration
    /// names), stopping when `stopping` fires. Nothing is started yet: see `start`.
    pub async fn assemble(
        config: &Config,
        store: Store,
        stopping: CancellationToken,
    ) -> Result<Application, String> {
        let store = match store.anchor() {
            Some(_) => store,
            None => store.with_anchor(Arc::new(open_anchor(config)?)),
        };
        let providers = Arc::new(Providers::from_config(config)?);
        let engine = Engine::new(
            EngineConfig {
                store: store.clone(),
                hosts: [Some(deployer_host(config)), builder_host(config)]
                    .into_iter()
                    .flatten()
                    .collect(),
                deploys: config.deployer.deploy_settings(),
                worker_id: uuid::Uuid::new_v4().to_string(),
                max_parallel: MAX_PARALLEL_JOBS,
                streams_per_person: STREAMS_PER_PERSON,
                cloud: Some(config.aws.connect().await),
                builder: config
                    .builder
                    .as_ref()
                    .map(|builder| BuilderOptions {
                        probe_interval: builder.probe_interval,
                        agent_label: builder.agent_label.clone(),
                    })
                    .unwrap_or_default(),
                approvals: config.approvals,
                delivery: engine::delivery::job_events::DeliverySettings {
                    public_url: config.public_url_str(),
                    github_statuses: config.github_delivery.deploy_token.is_some(),
                },
            },
            stopping.clone(),
        );
        let state = AppState {
            leptos_options: leptos_options(config),
            engine: engine.clone(),
            public_url: config.public_url_str(),
            sign_in_methods: providers.sign_in_methods(),
        };
        let refusals = RefusalLog::new(store);
        let http_metrics = HttpMetrics::default();
        let scrape = Scrape::new(&engine, &http_metrics);
        let router = router(
            state,
            RouterParts {
                providers: providers.clone(),
                allowed_hosts: Arc::new(config.allowed_hosts.clone()),
                refusals: refusals.clone(),
                sign_in_limiter: SignInLimiter::default(),
                hook_secrets: HookSecrets {
                    github: config.github_delivery.webhook_secret.clone(),
                    slack: config.slack_signing_secret.clone(),
                },
                http_metrics,
            },
        );
        Ok(Application {
            github: config.github_delivery.clone(),
            outbox_client: crate::login::http_client::provider_http_client()?,
            engine,
            router,
            providers,
            refusals,
            scrape,
            log_retention_days: config.log_retention_days,
            stopping,
        })
    }

    /// Starts what runs beside the requests: the job worker, the builder's prober, the
    /// expiry of waits for approval, the scheduler, the log retention, the outbox's sender, the membership
    /// re-check and the writer of repeated refusals. Each ends when nixdeck stops; await
    /// the handles then.
    pub fn start(&self) -> Vec<tokio::task::JoinHandle<()>> {
        vec![
            self.engine.spawn_worker(),
            self.engine.spawn_builder_prober(),
            self.engine.spawn_approval_expiry(),
            self.engine.spawn_scheduler(),
            self.engine.spawn_log_retention(self.log_retention_days),
            crate::outbox::spawn_sender(
                self.engine.store().clone(),
                self.outbox_client.clone(),
                self.github.clone(),
                self.stopping.clone(),
            ),
            membership_recheck::spawn(
                self.engine.store().clone(),
                self.providers.clone(),
                self.stopping.clone(),
            ),
            self.refusals.spawn_flusher(self.stopping.clone()),
        ]
    }
}

/// The anchor file the configuration names, opened (and created) now so a path nixdeck
/// cannot write is found at start.
pub fn open_anchor(config: &Config) -> Result<AuditAnchor, String> {
    AuditAnchor::open(&config.audit_anchor).map_err(|error| {
        format!(
            "cannot write the audit anchor {} (NIXDECK_AUDIT_ANCHOR): {error}",
            config.audit_anchor.display()
        )
    })
}

/// The deployer as a named host.
fn deployer_host(config: &Config) -> Host {
    let deployer = &config.deployer;
    let (transport, hint) = match &deployer.target {
        DeployerTarget::Local => (
            Transport::Local,
            "this nixdeck runs the runbook's commands here (NIXDECK_DEPLOYER_SSH=local); point \
             NIXDECK_DEPLOYER_SSH at the deployer (user@host), or make this machine one \
             (install NixOps and create the directory)",
        ),
        DeployerTarget::Ssh(target) => (
            Transport::Ssh(target.clone()),
            "create it on the deployer, or set NIXDECK_NIXOPS_ROOT to the directory that \
             holds the clusters' clones",
        ),
    };
    Host {
        name: DEPLOYER_HOST.to_owned(),
        transport,
        work_dir: deployer.nixops_root.clone(),
        work_dir_hint: hint.to_owned(),
    }
}

/// The macOS builder as a named host, if configured.
fn builder_host(config: &Config) -> Option<Host> {
    let builder = config.builder.as_ref()?;
    Some(Host {
        name: BUILDER_HOST.to_owned(),
        transport: Transport::Ssh(Box::new(builder.target.clone())),
        work_dir: builder.work_dir.clone(),
        work_dir_hint: "create it on the builder, or set NIXDECK_BUILDER_WORK_DIR to a directory                         the SSH user owns"
            .to_owned(),
    })
}

/// Leptos's own settings, fixed by how the site is built rather than configured.
fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(if cfg!(debug_assertions) {
            Env::DEV
        } else {
            Env::PROD
        })
        .build()
}
