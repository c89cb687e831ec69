//! The theme preference: read from a cookie, so the server renders the chosen theme on the
//! first paint (no flash, no inline script), and written by the toggle.

use engine::model::theme::Theme;
use leptos::prelude::*;

/// Reads the preference for this page view and shares it through context.
pub fn provide_theme() -> RwSignal<Theme> {
    let theme = RwSignal::new(Theme::from_cookie_header(&cookie_header()));
    provide_context(theme);
    theme
}

/// The request's `Cookie` header on the server.
#[cfg(feature = "ssr")]
fn cookie_header() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::COOKIE)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

/// `document.cookie` in the browser: the same value the server saw, so hydration matches.
#[cfg(not(feature = "ssr"))]
fn cookie_header() -> String {
    html_document()
        .and_then(|doc| doc.cookie().ok())
        .unwrap_or_default()
}

/// Remembers the preference for a year. Runs only in the browser; without JavaScript the
/// toggle's form posts to the server, which sets the same cookie.
pub fn store_theme(theme: Theme) {
    #[cfg(not(feature = "ssr"))]
    if let Some(doc) = html_document() {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            Theme::COOKIE,
            theme.as_str()
        );
        // Writing a cookie only fails in sandboxed documents; the theme still applies to
        // this page, it is just not remembered.
        let _ = doc.set_cookie(&cookie);
    }
    #[cfg(feature = "ssr")]
    let _ = theme;
}

#[cfg(not(feature = "ssr"))]
fn html_document() -> Option<web_sys::HtmlDocument> {
    use wasm_bindgen::JsCast;
    web_sys::window()?.document()?.dyn_into().ok()
}
