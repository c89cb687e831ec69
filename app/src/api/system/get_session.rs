//! Who is signed in, for the top bar, and whether nixdeck runs in local mode.

use engine::model::{access::Principal, sign_in::SignInMethod};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;

/// What every page needs to know about the person viewing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub principal: Option<Principal>,
    pub local_mode: bool,
    pub sign_in_methods: Vec<SignInMethod>,
}

/// Open to everyone: the sign-in page asks it too, and learns that nobody is signed in.
#[server]
pub async fn get_session() -> Result<SessionView, ApiError> {
    let state = expect_context::<crate::state::AppState>();
    let principal = crate::api::door::signed_caller()
        .await
        .map(|caller| caller.principal);
    Ok(SessionView {
        principal,
        local_mode: state.local_mode(),
        sign_in_methods: state.sign_in_methods.clone(),
    })
}
