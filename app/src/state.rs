//! The state shared by every request on the server: registered with the router and given
//! to server functions through Leptos context.

use axum::extract::FromRef;
use engine::store::Store;
use leptos::config::LeptosOptions;

/// Everything a page or server function may need from the running server.
#[derive(Debug, Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
