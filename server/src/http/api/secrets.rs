//! `/api/v1/secrets`: the secrets of each environment (metadata only), and an admin's
//! reveal, edit, generate and roll back. Values travel only in the reveal's answer, which
//! no cache may keep.

use std::collections::BTreeMap;

use app::state::AppState;
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    Json,
};
use engine::model::{
    failure::Failure,
    secrets::{SecretEdit, SecretValue, SecretView},
};
use serde::{Deserialize, Serialize};

use super::{body::quiet_body, caller::RequestCaller, ApiError};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    values: Option<BTreeMap<String, serde_json::Value>>,
    base_version: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyBody {
    key: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollbackBody {
    version_id: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct VersionAnswer {
    version_id: String,
}

#[derive(Debug, Serialize)]
struct Revealed {
    key: String,
    value: SecretValue,
}

pub async fn list_secrets(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<Vec<SecretView>>, ApiError> {
    Ok(Json(state.engine.secrets(&caller).await?))
}

pub async fn get_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path((env, kind)): Path<(String, String)>,
) -> Result<Json<SecretView>, ApiError> {
    Ok(Json(state.engine.secret(&caller, &env, &kind).await?))
}

/// The edit a body asks for, or why it cannot be read (the engine decides the permission
/// before it looks at either).
fn edit_of(raw: &str) -> Result<SecretEdit, Failure> {
    let body: EditBody = quiet_body(raw)?;
    let values = body
        .values
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| Ok((key.clone(), value_of(&key, value)?)))
        .collect::<Result<_, Failure>>()?;
    Ok(SecretEdit {
        values,
        base_version: body.base_version,
    })
}

pub async fn edit_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path((env, kind)): Path<(String, String)>,
    raw: String,
) -> Result<Json<VersionAnswer>, ApiError> {
    let version_id = state
        .engine
        .edit_secret(&caller, &env, &kind, edit_of(&raw))
        .await?;
    Ok(Json(VersionAnswer { version_id }))
}

/// A value as the schema's shapes allow: a string, or an object of strings. The error
/// names the key, never the value.
fn value_of(key: &str, value: serde_json::Value) -> Result<SecretValue, Failure> {
    serde_json::from_value(value).map_err(|_| {
        Failure::invalid(
            key,
            format!("{key} must be a string, or an object from agent name to a string"),
        )
    })
}

fn key_of(raw: &str) -> Result<String, Failure> {
    Ok(quiet_body::<KeyBody>(raw)?.key.unwrap_or_default())
}

pub async fn reveal_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path((env, kind)): Path<(String, String)>,
    raw: String,
) -> Result<Response, ApiError> {
    let key = key_of(&raw);
    let shown = key.clone().unwrap_or_default();
    let value = state
        .engine
        .reveal_secret(&caller, &env, &kind, key)
        .await?;
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        Json(Revealed { key: shown, value }),
    )
        .into_response())
}

pub async fn generate_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path((env, kind)): Path<(String, String)>,
    raw: String,
) -> Result<Json<VersionAnswer>, ApiError> {
    let version_id = state
        .engine
        .generate_secret(&caller, &env, &kind, key_of(&raw))
        .await?;
    Ok(Json(VersionAnswer { version_id }))
}

pub async fn roll_back_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path((env, kind)): Path<(String, String)>,
    raw: String,
) -> Result<Json<VersionAnswer>, ApiError> {
    let version = quiet_body::<RollbackBody>(&raw).map(|body| body.version_id.unwrap_or_default());
    let version_id = state
        .engine
        .roll_back_secret(&caller, &env, &kind, version)
        .await?;
    Ok(Json(VersionAnswer { version_id }))
}
