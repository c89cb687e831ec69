//! The frame around every page: top bar, navigation and content area.

mod account_place;
mod frame;
mod local_mode_banner;
mod nav_menu;
mod theme_toggle;
mod top_bar;

pub use frame::Layout;
