//! Small building blocks used by many pages.

mod empty_state;
mod page_header;

pub use empty_state::EmptyState;
pub use page_header::PageHeader;
