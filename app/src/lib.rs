//! The nixdeck dashboard. Rendered on the server (feature `ssr`) and hydrated in the
//! browser (feature `hydrate`) from the same components.

// A release build keeps view types concrete (scripts/build-release.sh): a whole page's view is
// then one deeply nested type, past the compiler's default depth of 128.
#![recursion_limit = "256"]

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

/// The browser entry point: attaches the interactive parts to the server-rendered page,
/// once the code of the page's area has arrived, then marks the page interactive.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.body())
    else {
        return;
    };
    // What `leptos::mount::hydrate_lazy` does, with the mark set when hydration is complete:
    // the route's code loads part way through, so an effect of the root component would
    // run before the page's own parts are attached. (Hydrating starts Leptos's executor.)
    wasm_bindgen_futures::spawn_local(async move {
        let mounted = leptos::mount::hydrate_from_async(body.clone(), App).await;
        mounted.forget();
        // Only fails for a malformed attribute name, which this is not.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
