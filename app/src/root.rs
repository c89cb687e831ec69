//! The HTML document and the application root: routes inside the shared layout.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, Link, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    Lazy, ParamSegment, SsrMode, StaticSegment,
};

use crate::{
    browser_bundle::{BrowserBundle, BundleScripts},
    components::layout::Layout,
    pages::{
        AccountRoute, AuditRoute, BuilderRoute, ClusterDetailRoute, ClustersRoute, DeployerRoute,
        HomeRoute, JobDetailRoute, NewClusterRoute, NotFoundPage, NotificationsRoute, PeopleRoute,
        SecretsRoute, SignInRoute, TokensRoute,
    },
    session::provide_session,
    theme::provide_theme,
};

/// The whole HTML document, rendered on the server around the application; `bundle` names
/// the WebAssembly that hydrates it.
pub fn shell(options: LeptosOptions, bundle: BrowserBundle) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options />
                <BundleScripts bundle />
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
    provide_session();
    #[cfg(feature = "ssr")]
    set_content_security_policy();

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
                    <Route path=StaticSegment("") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("clusters") view={Lazy::<ClustersRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=(StaticSegment("clusters"), StaticSegment("new")) view={Lazy::<NewClusterRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=(StaticSegment("clusters"), ParamSegment("name")) view={Lazy::<ClusterDetailRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=(StaticSegment("jobs"), ParamSegment("id")) view={Lazy::<JobDetailRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("builder") view={Lazy::<BuilderRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("deployer") view={Lazy::<DeployerRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("secrets") view={Lazy::<SecretsRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("people") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("tokens") view={Lazy::<TokensRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::InOrder />
                </Routes>
            </Layout>
        </Router>
    }
}

/// The page's Content-Security-Policy: scripts only from this site or carrying this
/// response's nonce (the hydration loader), WebAssembly compilation allowed, no frames.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|nonce| format!(" 'nonce-{nonce}'"))
        .unwrap_or_default();
    // `cargo leptos watch` reloads the page over a websocket on its own port.
    let live_reload = if cfg!(debug_assertions) {
        " ws://127.0.0.1:3001"
    } else {
        ""
    };
    let policy = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'{live_reload}; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
