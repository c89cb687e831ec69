//! Server functions for people, their sessions, and API tokens.

mod create_api_token;
mod create_slack_link;
mod end_sessions;
mod list_api_tokens;
mod list_people;
mod revoke_api_token;

pub use create_api_token::{create_api_token, CreateApiToken};
pub use create_slack_link::{create_slack_link, CreateSlackLink};
pub use end_sessions::{end_sessions, EndSessions};
pub use list_api_tokens::{list_api_tokens, ListApiTokens};
pub use list_people::{list_people, ListPeople};
pub use revoke_api_token::{revoke_api_token, RevokeApiToken};
