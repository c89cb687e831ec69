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

use super::{body::quiet_body, caller::RequestCaller, error::ErrorBody, ApiError};

/// Which secret: the path's two parts.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct SecretPath {
    /// The environment: staging or production
    env: String,
    /// cluster or buildkite
    kind: String,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    /// Key to its new value: a string, or (`BuildkiteSSHKeys`) an object from agent name to
    /// private key. The keys not named keep their values.
    #[schema(value_type = Option<BTreeMap<String, SecretValue>>)]
    values: Option<BTreeMap<String, serde_json::Value>>,
    /// The current version when the secret was read; `null` when it did not exist yet.
    /// Anything else is a conflict.
    base_version: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyBody {
    /// The key: to reveal, any key of the secret; to generate, one nixdeck generates
    /// (`CommitteeSecret`).
    key: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackBody {
    /// The version to make current again (one of the secret's `versions`).
    version_id: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VersionAnswer {
    /// The version that is now current.
    version_id: String,
}

/// A key of the current version, and its value.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Revealed {
    key: String,
    value: SecretValue,
}

/// Every secret nixdeck manages (each environment and kind), without values.
#[utoipa::path(
    get,
    path = "/secrets",
    tag = "secrets",
    responses(
        (status = 200, description = "Every secret of each environment, without values", body = Vec<SecretView>),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn list_secrets(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<Vec<SecretView>>, ApiError> {
    Ok(Json(state.engine.secrets(&caller).await?))
}

/// Reads the secret: its keys (set or not), versions, and who changed it last; never a value.
#[utoipa::path(
    get,
    path = "/secrets/{env}/{kind}",
    tag = "secrets",
    params(
        SecretPath,
    ),
    responses(
        (status = 200, description = "The secret, without values", body = SecretView),
        (status = 404, description = "No such kind of secret", body = ErrorBody),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn get_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(SecretPath { env, kind }): Path<SecretPath>,
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

/// Sets some keys as a new version; the keys not named keep their values.
#[utoipa::path(
    patch,
    path = "/secrets/{env}/{kind}",
    tag = "secrets",
    params(
        SecretPath,
    ),
    request_body = EditBody,
    responses(
        (status = 200, description = "The new version, now current", body = VersionAnswer),
        (status = 403, description = "Only admins write secrets", body = ErrorBody),
        (status = 404, description = "No such kind of secret", body = ErrorBody),
        (status = 409, description = "The secret changed since `base_version`, another change to it is in progress, or its current version is not a JSON object", body = ErrorBody),
        (status = 422, description = "The body does not read, or a value breaks its key's rule; `field` names the key", body = ErrorBody),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn edit_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(SecretPath { env, kind }): Path<SecretPath>,
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

/// One key's value of the current version, audited; no cache may keep the answer.
#[utoipa::path(
    post,
    path = "/secrets/{env}/{kind}/reveal",
    tag = "secrets",
    params(
        SecretPath,
    ),
    request_body = KeyBody,
    responses(
        (status = 200, description = "The key and its value (sent with `Cache-Control: no-store`)", body = Revealed),
        (status = 403, description = "Only admins read secret values", body = ErrorBody),
        (status = 404, description = "No such kind of secret, the secret does not exist, or the key is not set", body = ErrorBody),
        (status = 409, description = "The current version is not a JSON object", body = ErrorBody),
        (status = 422, description = "The body does not read, no key is named, or the key is not one of the secret's", body = ErrorBody),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn reveal_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(SecretPath { env, kind }): Path<SecretPath>,
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

/// Makes a new random value for a key nixdeck generates, as a new version; the value is
/// shown only if revealed.
#[utoipa::path(
    post,
    path = "/secrets/{env}/{kind}/generate",
    tag = "secrets",
    params(
        SecretPath,
    ),
    request_body = KeyBody,
    responses(
        (status = 200, description = "The new version, now current", body = VersionAnswer),
        (status = 403, description = "Only admins write secrets", body = ErrorBody),
        (status = 404, description = "No such kind of secret", body = ErrorBody),
        (status = 409, description = "Another change to the secret is in progress, or its current version is not a JSON object", body = ErrorBody),
        (status = 422, description = "The body does not read, or nixdeck does not generate the key", body = ErrorBody),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn generate_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(SecretPath { env, kind }): Path<SecretPath>,
    raw: String,
) -> Result<Json<VersionAnswer>, ApiError> {
    let version_id = state
        .engine
        .generate_secret(&caller, &env, &kind, key_of(&raw))
        .await?;
    Ok(Json(VersionAnswer { version_id }))
}

/// Makes a previous version current again.
#[utoipa::path(
    post,
    path = "/secrets/{env}/{kind}/rollback",
    tag = "secrets",
    params(
        SecretPath,
    ),
    request_body = RollbackBody,
    responses(
        (status = 200, description = "The version now current", body = VersionAnswer),
        (status = 403, description = "Only admins write secrets", body = ErrorBody),
        (status = 404, description = "No such kind of secret, the secret does not exist, or it has no such version", body = ErrorBody),
        (status = 409, description = "The secret has no current version, or another change to it is in progress", body = ErrorBody),
        (status = 422, description = "The body does not read, or no version is named", body = ErrorBody),
        (status = 502, description = "AWS refused or could not be reached", body = ErrorBody),
        (status = 503, description = "AWS is not configured in this nixdeck", body = ErrorBody),
        (status = 504, description = "AWS did not answer in time", body = ErrorBody),
    ),
)]
pub async fn roll_back_secret(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(SecretPath { env, kind }): Path<SecretPath>,
    raw: String,
) -> Result<Json<VersionAnswer>, ApiError> {
    let version = quiet_body::<RollbackBody>(&raw).map(|body| body.version_id.unwrap_or_default());
    let version_id = state
        .engine
        .roll_back_secret(&caller, &env, &kind, version)
        .await?;
    Ok(Json(VersionAnswer { version_id }))
}
