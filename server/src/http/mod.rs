//! The HTTP side: the router that puts the dashboard, the REST API, the static site and the
//! plain endpoints together, behind identification, the sign-in gate, cross-origin
//! protection and security headers.

mod api;
mod auth;
mod health;
mod hooks;
mod host_check;
mod router;
mod security_headers;
mod site_assets;
mod theme_preference;
mod whole_pages;

pub use api::document as openapi_document;
pub use auth::{RefusalLog, SignInLimiter};
pub use hooks::HookSecrets;
pub use router::{router, RouterParts};
pub use site_assets::{is_site_asset, SiteAssets};

/// The longest `next` path kept across a sign-in; anything longer goes home instead.
const MAX_NEXT: usize = 512;

/// Only a short path on this site may be a redirect target: anything else (`//host`,
/// `https:`, a backslash trick, kilobytes of text to store with each sign-in attempt)
/// sends the person home.
pub fn local_path(candidate: Option<&str>) -> &str {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && path.len() <= MAX_NEXT
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}
