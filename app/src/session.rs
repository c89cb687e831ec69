//! The viewing person's session, loaded once per page view and shared through context.

use leptos::prelude::*;

use crate::api::{
    fetcher::boxed,
    system::{get_session, SessionView},
    ApiError,
};

pub type SessionResource = Resource<Result<SessionView, ApiError>>;

/// Starts loading the session; called once, at the application root.
pub fn provide_session() -> SessionResource {
    let session = Resource::new(|| (), |_| boxed(get_session()));
    provide_context(session);
    session
}

pub fn use_session() -> SessionResource {
    expect_context::<SessionResource>()
}
