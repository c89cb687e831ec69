//! The nixdeck dashboard. Rendered on the server (feature `ssr`) and hydrated in the
//! browser (feature `hydrate`) from the same components.

pub mod api;
pub mod browser_bundle;
mod components;
mod pages;
mod root;
mod session;
#[cfg(feature = "ssr")]
pub mod state;
mod theme;

pub use root::{shell, App};

/// The browser entry point: attaches the interactive parts to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(App);
}
