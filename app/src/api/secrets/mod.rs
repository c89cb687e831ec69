//! Server functions for the Secrets page. Values leave the server only in a reveal's answer
//! (never in a page's HTML or hydration data).

mod edit_secret;
mod generate_secret;
mod list_secrets;
mod reveal_secret;
mod roll_back_secret;

pub use edit_secret::{edit_secret, EditSecret};
pub use generate_secret::{generate_secret, GenerateSecret};
pub use list_secrets::{list_secrets, ListSecrets, SecretsPage};
pub use reveal_secret::{reveal_secret, RevealSecret};
pub use roll_back_secret::{roll_back_secret, RollBackSecret};
