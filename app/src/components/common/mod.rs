//! Small building blocks used by many pages.

mod empty_state;
mod error_notice;
mod page_header;

pub use empty_state::EmptyState;
pub use error_notice::ErrorNotice;
pub use page_header::PageHeader;
