//! Assembles the whole HTTP application for a given state.

use std::sync::{Arc, LazyLock};

use app::{shell, state::AppState, App};
use axum::{
    middleware::{from_fn, from_fn_with_state},
    routing::{get, post},
    Extension, Router,
};
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::trace::TraceLayer;

use crate::{config::AllowedHosts, login::Providers, metrics::HttpMetrics};

use super::{
    api, auth, health, hooks, host_check::require_known_host, security_headers::security_headers,
    site_assets, theme_preference, whole_pages, HookSecrets, RefusalLog, SignInLimiter,
};

/// The dashboard's routes, collected once per process. Collecting renders the app in a
/// special mode that must not overlap a real render, so it is never repeated while
/// requests are being served (the tests build many routers in one process).
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// What the router needs beside the app's state.
#[derive(Debug, Clone)]
pub struct RouterParts {
    pub providers: Arc<Providers>,
    pub allowed_hosts: Arc<AllowedHosts>,
    pub refusals: RefusalLog,
    pub sign_in_limiter: SignInLimiter,
    pub hook_secrets: HookSecrets,
    pub http_metrics: HttpMetrics,
}

/// The complete router: plain endpoints, sign-in routes and the REST API first, then the
/// dashboard's pages and server functions, and last the static site (WebAssembly, JS, CSS,
/// images), whose misses render the dashboard's 404 page. Every request passes, outermost
/// first: tracing, the HTTP metrics, the host check, security headers, identification, cross-origin
/// protection and the sign-in gate; pages are then held for a moment so that most go out
/// whole; webhooks (`/hooks/...`) pass only the first three and verify their senders
/// themselves.
pub fn router(state: AppState, parts: RouterParts) -> Router {
    let routes = ROUTES.clone();
    let options = state.leptos_options.clone();
    let bundle = site_assets::browser_bundle();
    let people = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/preferences/theme", post(theme_preference::set_theme))
        .route("/auth/local", post(auth::sign_in_locally))
        .route("/auth/logout", post(auth::sign_out))
        .route("/auth/{provider}", get(auth::start_sign_in))
        .route("/auth/{provider}/callback", get(auth::finish_sign_in))
        .nest("/api/v1", api::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            || {},
            move || shell(options.clone(), bundle.clone()),
        )
        .fallback(site_assets::static_file_or_not_found)
        .layer(from_fn(whole_pages::whole_pages))
        .layer(from_fn(auth::require_sign_in))
        .layer(from_fn_with_state(
            state.clone(),
            auth::cross_origin_protection,
        ))
        .layer(from_fn_with_state(
            auth::Identifier {
                store: state.engine.store().clone(),
                refusals: parts.refusals.clone(),
                secure_cookies: state.secure_cookies(),
            },
            auth::identify,
        ));
    Router::new()
        .merge(people)
        .merge(hooks::routes(parts.hook_secrets))
        .layer(Extension(parts.providers))
        .layer(Extension(parts.refusals))
        .layer(Extension(parts.sign_in_limiter))
        .layer(from_fn_with_state(state.secure_cookies(), security_headers))
        .layer(from_fn_with_state(parts.allowed_hosts, require_known_host))
        .layer(from_fn_with_state(
            parts.http_metrics,
            crate::metrics::measure,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
