//! Signing in, and the admins' pages for people and API tokens.

mod people;
mod sign_in;
mod tokens;

pub use people::PeoplePage;
pub use sign_in::SignInPage;
pub use tokens::TokensPage;
