//! Components shared by several pages.

pub mod badges;
pub mod common;
pub mod layout;
pub mod log_view;
