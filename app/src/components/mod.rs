//! Reusable components, one public component per file, grouped by area.

pub mod common;
pub mod layout;
