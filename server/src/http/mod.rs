//! The HTTP side: the router that puts the dashboard, the REST API, the static site and the
//! plain endpoints together, behind identification, the sign-in gate, cross-origin
//! protection and security headers.

mod api;
mod auth;
mod health;
mod router;
mod security_headers;
mod site_assets;
mod theme_preference;

pub use router::router;
pub use site_assets::{is_site_asset, SiteAssets};

/// Only a path on this site may be a redirect target: anything else (`//host`, `https:`,
/// a backslash trick) would make nixdeck an open redirect, and sends the person home.
pub fn local_path(candidate: Option<&str>) -> &str {
    match candidate {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}
