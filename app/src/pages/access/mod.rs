//! Signing in, your account, and the admins' pages for people and API tokens.

mod account;
mod people;
mod sign_in;
mod tokens;

pub use account::AccountPage;
pub use people::PeoplePage;
pub use sign_in::SignInPage;
pub use tokens::TokensPage;
