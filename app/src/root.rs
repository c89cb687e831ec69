//! The HTML document and the application root: routes inside the shared layout.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    SsrMode, StaticSegment,
};

use crate::{
    components::layout::Layout,
    pages::{
        AuditPage, BuilderPage, ClustersPage, DeployerPage, HomePage, NotFoundPage, SecretsPage,
    },
    theme::provide_theme,
};

/// Sets `data-hydrated="true"` on `<body>`.
fn mark_hydrated() {
    if let Some(body) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.body())
    {
        // Only fails for a malformed attribute name, which this is not.
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// The whole HTML document, rendered on the server around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
                <App />
            </body>
        </html>
    }
}

/// The application: metadata, theme and the routed pages inside the layout.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let theme = provide_theme();
    // Effects run only in the browser, after hydration: the mark tells people's scripts
    // and the end-to-end tests that the page is interactive.
    Effect::new(|_| mark_hydrated());

    view! {
        <Stylesheet id="leptos" href="/pkg/nixdeck.css" />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Title formatter=|page: String| {
            if page.is_empty() { "nixdeck".to_owned() } else { format!("{page} · nixdeck") }
        } />
        <Html {..} data-theme=move || theme.get().as_str() />
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("clusters") view=ClustersPage />
                    <Route path=StaticSegment("builder") view=BuilderPage />
                    <Route path=StaticSegment("deployer") view=DeployerPage />
                    <Route path=StaticSegment("secrets") view=SecretsPage />
                    <Route path=StaticSegment("audit") view=AuditPage />
                </Routes>
            </Layout>
        </Router>
    }
}
