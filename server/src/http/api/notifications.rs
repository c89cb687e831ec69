//! `/api/v1/notifications/channels`: admins' notification channels (a Slack incoming
//! webhook, or any URL taking signed JSON), what each was sent, and a test. URLs and
//! secrets come in bodies and never go out again: answers show the URL masked and whether a
//! secret is set, and a body that does not read is refused without quoting it.

use app::state::AppState;
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use engine::{
    commands::ChannelPatch,
    model::{
        failure::Failure,
        notifications::{ChannelInput, ChannelView, DeliveryView},
    },
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{body::quiet_body, caller::RequestCaller, error::ErrorBody, ApiError};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelBody {
    /// 1 to 64 characters.
    name: Option<String>,
    /// `slack` (an incoming webhook) or `webhook` (any URL, sent signed JSON).
    kind: Option<String>,
    /// `https://` (`http://` only to this machine); never shown again, only its host.
    url: Option<String>,
    /// 16 to 256 characters, signing what a webhook is sent; never shown again.
    secret: Option<String>,
    /// What the channel hears of: `job.awaiting_approval`, `job.started`, `job.succeeded`,
    /// `job.failed`, `job.cancelled`, `job.interrupted`, `cluster.health_changed`,
    /// `secret.changed`.
    events: Option<Vec<String>>,
    /// Only these clusters' events; absent or `null`: every cluster's.
    clusters: Option<Vec<String>>,
}

/// A channel just created, and its id.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedChannel {
    id: String,
    channel: ChannelView,
}

/// A test just queued: the delivery to look for among the channel's deliveries.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TestDelivery {
    delivery_id: String,
}

#[utoipa::path(
    get,
    path = "/notifications/channels",
    tag = "notifications",
    responses(
        (status = 200, description = "Every channel, URLs masked", body = Vec<ChannelView>),
        (status = 403, description = "Only admins manage notifications", body = ErrorBody),
    ),
)]
pub async fn list_channels(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<Vec<ChannelView>>, ApiError> {
    Ok(Json(state.engine.channels(&caller).await?))
}

#[utoipa::path(
    post,
    path = "/notifications/channels",
    tag = "notifications",
    request_body = ChannelBody,
    responses(
        (status = 201, description = "The channel, created", body = CreatedChannel),
        (status = 403, description = "Only admins manage notifications", body = ErrorBody),
        (status = 409, description = "A channel with this name exists already", body = ErrorBody),
        (status = 422, description = "The body does not read, or a field breaks a rule; `field` names it", body = ErrorBody),
    ),
)]
pub async fn create_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    raw: String,
) -> Result<Response, ApiError> {
    let input = quiet_body::<ChannelBody>(&raw).map(|body| ChannelInput {
        name: body.name.unwrap_or_default(),
        kind: body.kind.unwrap_or_default(),
        url: body.url.unwrap_or_default(),
        secret: body.secret,
        events: body.events.unwrap_or_default(),
        clusters: body.clusters,
    });
    let channel = state.engine.create_channel(&caller, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedChannel {
            id: channel.id.clone(),
            channel,
        }),
    )
        .into_response())
}

#[utoipa::path(
    get,
    path = "/notifications/channels/{id}",
    tag = "notifications",
    params(("id" = String, Path, description = "The channel's id")),
    responses(
        (status = 200, description = "The channel, its URL masked", body = ChannelView),
        (status = 403, description = "Only admins manage notifications", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
    ),
)]
pub async fn get_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Json<ChannelView>, ApiError> {
    Ok(Json(state.engine.channel(&caller, &id).await?))
}

/// Changes the fields given; `"secret": null` removes the secret, `"clusters": null` makes
/// the channel hear of every cluster.
#[utoipa::path(
    patch,
    path = "/notifications/channels/{id}",
    tag = "notifications",
    params(("id" = String, Path, description = "The channel's id")),
    request_body(content = ChannelBody, description = "The fields to change; `\"secret\": null` removes the secret, `\"clusters\": null` makes the channel hear of every cluster"),
    responses(
        (status = 200, description = "The channel as it is now", body = ChannelView),
        (status = 403, description = "Only admins manage notifications", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 409, description = "A channel with this name exists already", body = ErrorBody),
        (status = 422, description = "The body does not read, has an unknown field, or a field breaks a rule; `field` names it", body = ErrorBody),
    ),
)]
pub async fn update_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
    raw: String,
) -> Result<Json<ChannelView>, ApiError> {
    let patch = quiet_body::<Map<String, Value>>(&raw).and_then(|fields| patch_of(&fields));
    Ok(Json(
        state.engine.update_channel(&caller, &id, patch).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/notifications/channels/{id}",
    tag = "notifications",
    params(("id" = String, Path, description = "The channel's id")),
    responses(
        (status = 204, description = "The channel, removed"),
        (status = 403, description = "Only admins manage notifications", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
    ),
)]
pub async fn delete_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.engine.delete_channel(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQuery {
    /// At most this many (1 to 500, 50 by default).
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/notifications/channels/{id}/deliveries",
    tag = "notifications",
    params(("id" = String, Path, description = "The channel's id"), DeliveriesQuery),
    responses(
        (status = 200, description = "What the channel was sent, newest first", body = Vec<DeliveryView>),
        (status = 400, description = "The query string does not read (`limit` is not a whole number)"),
        (status = 403, description = "Only admins manage notifications", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
    ),
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
    Query(query): Query<DeliveriesQuery>,
) -> Result<Json<Vec<DeliveryView>>, ApiError> {
    Ok(Json(
        state
            .engine
            .deliveries(&caller, &id, query.limit.unwrap_or(50))
            .await?,
    ))
}

/// Sends the channel a test: 202 with the delivery's id (its outcome shows among the
/// channel's deliveries).
#[utoipa::path(
    post,
    path = "/notifications/channels/{id}/test",
    tag = "notifications",
    params(("id" = String, Path, description = "The channel's id")),
    responses(
        (status = 202, description = "The test, queued: its delivery's id", body = TestDelivery),
        (status = 403, description = "Only admins manage notifications", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
    ),
)]
pub async fn test_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let delivery = state.engine.test_channel(&caller, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(TestDelivery {
            delivery_id: delivery,
        }),
    )
        .into_response())
}

/// A PATCH body's fields, telling a field left out from one set to `null`.
fn patch_of(fields: &Map<String, Value>) -> Result<ChannelPatch, Failure> {
    const KNOWN: [&str; 6] = ["name", "kind", "url", "secret", "events", "clusters"];
    if let Some(unknown) = fields.keys().find(|key| !KNOWN.contains(&key.as_str())) {
        return Err(Failure::invalid(
            "body",
            format!(
                "{unknown:?} is not a field of a channel ({})",
                KNOWN.join(", ")
            ),
        ));
    }
    let text = |field: &'static str| -> Result<Option<String>, Failure> {
        match fields.get(field) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(Failure::invalid(field, "must be a string")),
        }
    };
    let list = |field: &'static str| -> Result<Option<Vec<String>>, Failure> {
        match fields.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| Failure::invalid(field, "must be a list of strings"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(Failure::invalid(field, "must be a list of strings")),
        }
    };
    Ok(ChannelPatch {
        name: text("name")?,
        kind: text("kind")?,
        url: text("url")?,
        secret: match fields.get("secret") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(_) => Some(text("secret")?),
        },
        events: list("events")?,
        clusters: match fields.get("clusters") {
            None => None,
            Some(_) => Some(list("clusters")?),
        },
    })
}
