//! The HTTP side: the router that puts the dashboard, the static site and the plain
//! endpoints together.

mod health;
mod router;
mod site_assets;
mod theme_preference;

pub use router::router;
pub use site_assets::SiteAssets;
