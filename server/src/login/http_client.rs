//! The HTTP client for talking to providers: no redirects followed (an OAuth client must
//! not follow them, and GitHub answers a membership question with a redirect), bounded
//! timeouts, and the User-Agent GitHub requires.

use std::time::Duration;

pub fn provider_http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .user_agent(concat!("nixdeck/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot build the HTTP client for sign-in: {e}"))
}
