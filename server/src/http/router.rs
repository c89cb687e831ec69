//! Assembles the whole HTTP application for a given state.

use app::{shell, state::AppState, App};
use axum::{
    routing::{get, post},
    Router,
};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::trace::TraceLayer;

use super::{health, site_assets, theme_preference};

/// The complete router: plain endpoints first, then the dashboard's pages and server
/// functions, and last the static site (WebAssembly, JS, CSS, images), whose misses render
/// the dashboard's 404 page.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/preferences/theme", post(theme_preference::set_theme))
        .leptos_routes_with_context(&state, routes, || {}, move || shell(options.clone()))
        .fallback(site_assets::static_file_or_not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
