//! Small building blocks every page uses, so each look is written once.

mod amounts;
mod badge;
mod button;
mod empty_state;
mod error_notice;
mod field;
mod loaded;
mod page_header;
mod panel;
mod table;

pub use amounts::{format_age, format_bytes, job_duration};
pub use badge::{Badge, ClusterStateBadge, HealthBadge, JobStateBadge, Tone};
pub use button::{button_class, Button, ButtonTone};
pub use empty_state::EmptyState;
pub use error_notice::ErrorNotice;
pub use field::{FIELD, FIELD_INLINE};
pub use loaded::Loaded;
pub use page_header::PageHeader;
pub use panel::{Facts, PANEL};
pub use table::{ItemList, Table, CELL};
