//! `GET /api/v1/me`: who the credentials belong to.

use axum::Json;

use super::{caller::RequestCaller, resources::Me};

pub async fn me(RequestCaller(caller): RequestCaller) -> Json<Me> {
    let principal = caller.principal;
    Json(Me {
        login: principal.login,
        actor: principal.actor,
        role: principal.role,
        via: principal.via,
    })
}
