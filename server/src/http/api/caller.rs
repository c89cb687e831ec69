//! The caller of a REST request, as an extractor: who identification found, and from
//! where, its jobs recorded as coming from the API; a request with neither session nor
//! token is answered 401.

use app::state::caller_of;
use axum::{extract::FromRequestParts, http::request::Parts};
use engine::{
    commands::Caller,
    model::{failure::Failure, job::Trigger},
};

use super::ApiError;

pub struct RequestCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for RequestCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        caller_of(&parts.extensions)
            .map(|caller| RequestCaller(caller.with_trigger(Trigger::Api, None)))
            .ok_or_else(|| ApiError(Failure::unauthenticated()))
    }
}
