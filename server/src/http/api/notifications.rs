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
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{body::quiet_body, caller::RequestCaller, ApiError};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelBody {
    name: Option<String>,
    kind: Option<String>,
    url: Option<String>,
    secret: Option<String>,
    events: Option<Vec<String>>,
    clusters: Option<Vec<String>>,
}

pub async fn list_channels(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
) -> Result<Json<Vec<ChannelView>>, ApiError> {
    Ok(Json(state.engine.channels(&caller).await?))
}

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
        Json(json!({ "id": channel.id, "channel": channel })),
    )
        .into_response())
}

pub async fn get_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Json<ChannelView>, ApiError> {
    Ok(Json(state.engine.channel(&caller, &id).await?))
}

/// Changes the fields given; `"secret": null` removes the secret, `"clusters": null` makes
/// the channel hear of every cluster.
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

pub async fn delete_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.engine.delete_channel(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct DeliveriesQuery {
    limit: Option<i64>,
}

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
pub async fn test_channel(
    State(state): State<AppState>,
    RequestCaller(caller): RequestCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let delivery = state.engine.test_channel(&caller, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({ "delivery_id": delivery })),
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
