//! Components shared by several pages: building blocks and the page frame.

pub mod charts;
pub mod common;
pub mod layout;
