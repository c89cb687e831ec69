//! One page as any dashboard has it: a title, navigation between two routes, a counter, and
//! a list loaded by a server function under a suspense boundary. Built for the browser only;
//! the server functions' bodies are never compiled.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    StaticSegment,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    pub name: String,
    pub state: String,
}

#[server]
pub async fn rows() -> Result<Vec<Row>, ServerFnError> {
    Ok(Vec::new())
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="floor" />
        <Router>
            <nav>
                <A href="/">"Overview"</A>
                <A href="/other">"Other"</A>
            </nav>
            <main>
                <Routes fallback=|| "Not found.">
                    <Route path=StaticSegment("") view=Overview />
                    <Route path=StaticSegment("other") view=|| "Other" />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Overview() -> impl IntoView {
    let rows = Resource::new(|| (), |_| rows());
    view! {
        <Counter />
        <Suspense fallback=|| "Loading">
            <ul>
                {move || Suspend::new(async move {
                    rows.await
                        .unwrap_or_default()
                        .into_iter()
                        .map(|row| view! { <li>{row.name}" "{row.state}</li> })
                        .collect_view()
                })}
            </ul>
        </Suspense>
    }
}

#[cfg(not(feature = "islands"))]
#[component]
fn Counter() -> impl IntoView {
    let count = RwSignal::new(0);
    view! { <button on:click=move |_| *count.write() += 1>{count}</button> }
}

#[cfg(feature = "islands")]
#[island]
fn Counter() -> impl IntoView {
    let count = RwSignal::new(0);
    view! { <button on:click=move |_| *count.write() += 1>{count}</button> }
}

#[cfg(not(feature = "islands"))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}

#[cfg(feature = "islands")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
