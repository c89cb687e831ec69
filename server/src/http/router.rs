//! Assembles the whole HTTP application for a given state.

use app::{shell, state::AppState, App};
use axum::{
    routing::{get, post},
    Router,
};
use std::sync::LazyLock;

use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::trace::TraceLayer;

use super::{health, site_assets, theme_preference};

/// The dashboard's routes, collected once per process. Collecting renders the app in a
/// special mode that must not overlap a real render, so it is never repeated while
/// requests are being served (the tests build many routers in one process).
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// The complete router: plain endpoints first, then the dashboard's pages and server
/// functions, and last the static site (WebAssembly, JS, CSS, images), whose misses render
/// the dashboard's 404 page.
pub fn router(state: AppState) -> Router {
    let routes = ROUTES.clone();
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/preferences/theme", post(theme_preference::set_theme))
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .fallback(site_assets::static_file_or_not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
