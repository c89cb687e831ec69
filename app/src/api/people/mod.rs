//! Server functions for the People page.

mod end_sessions;
mod list_people;

pub use end_sessions::{end_sessions, EndSessions};
pub use list_people::{list_people, ListPeople};
