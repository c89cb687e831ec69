//! The state shared by every request on the server: registered with the router and given
//! to server functions through Leptos context; plus what the server learned about each
//! request (who sent it, from where), carried in the request's extensions.

use axum::extract::FromRef;
use engine::{
    commands::Caller,
    model::{access::Principal, sign_in::SignInMethod},
    Engine,
};
use leptos::config::LeptosOptions;

/// Everything a page or server function may need from the running server.
#[derive(Debug, Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The one door: every action is one of its commands.
    pub engine: Engine,
    /// The external URL without a trailing slash; its origin is the only one allowed to
    /// send state-changing requests with a session cookie.
    pub public_url: String,
    /// How people may sign in: the configured providers, or the local admin alone.
    pub sign_in_methods: Vec<SignInMethod>,
}

impl AppState {
    /// No sign-in provider is configured: a single local admin may sign in, on a loopback
    /// address only.
    pub fn local_mode(&self) -> bool {
        self.sign_in_methods.contains(&SignInMethod::Local)
    }

    /// Session cookies are `Secure` (and HSTS is sent) whenever people reach nixdeck over
    /// https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Who sent the request, as established by the server's identification layer.
#[derive(Debug, Clone, Default)]
pub struct RequestPrincipal(pub Option<Principal>);

/// The address the request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct SourceAddr(pub Option<String>);

/// The caller of a request, from what identification put in its extensions: who, how
/// they came in, from where; `None` if nobody is signed in.
pub fn caller_of(extensions: &http::Extensions) -> Option<Caller> {
    let principal = extensions.get::<RequestPrincipal>()?.0.clone()?;
    let source = extensions
        .get::<SourceAddr>()
        .and_then(|source| source.0.clone());
    Some(Caller::from_request(principal, source))
}
