//! Notification channels: admins create, read, change, remove and test them, and read what
//! each was sent. A channel's URL and secret are kept for sending and never shown again
//! (the URL masked to its host, the secret as set or not), nor audited.

use serde_json::json;

use super::{require, Caller};
use crate::{
    audit,
    delivery::notify::{channel_stream, NOTIFICATION},
    engine::Engine,
    model::{
        access::Action,
        failure::Failure,
        notifications::{
            masked_url, ChannelInput, ChannelView, DeliveryView, ValidChannel, TEST_EVENT,
        },
    },
    store::{
        notification_channels::{self, ChannelRow},
        now_millis, outbox,
    },
};

/// A change to a channel: fields left `None` keep their value; `secret: Some(None)` removes
/// the secret, `clusters: Some(None)` makes it every cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelPatch {
    pub name: Option<String>,
    pub kind: Option<String>,
    pub url: Option<String>,
    pub secret: Option<Option<String>>,
    pub events: Option<Vec<String>>,
    pub clusters: Option<Option<Vec<String>>>,
}

impl Engine {
    pub async fn channels(&self, caller: &Caller) -> Result<Vec<ChannelView>, Failure> {
        require(caller, Action::ManageNotifications)?;
        notification_channels::list(self.store())
            .await?
            .iter()
            .map(view_of)
            .collect()
    }

    pub async fn channel(&self, caller: &Caller, id: &str) -> Result<ChannelView, Failure> {
        require(caller, Action::ManageNotifications)?;
        view_of(&found(
            notification_channels::find(self.store(), id).await?,
            id,
        )?)
    }

    pub async fn create_channel(
        &self,
        caller: &Caller,
        input: Result<ChannelInput, Failure>,
    ) -> Result<ChannelView, Failure> {
        require(caller, Action::ManageNotifications)?;
        let valid = checked(&input?)?;
        let now = now_millis();
        let row = row_of(
            uuid::Uuid::now_v7().to_string(),
            &valid,
            caller.actor(),
            now,
            now,
        );
        let mut tx = self.store().begin().await?;
        notification_channels::insert(&mut tx, &row)
            .await
            .map_err(|e| conflict_on_name(e.into()))?;
        audit::record(
            &mut tx,
            caller.event(
                "notification.channel_created",
                format!("channel:{}", row.id),
                described(&valid),
            ),
        )
        .await?;
        tx.commit().await?;
        view_of(&row)
    }

    pub async fn update_channel(
        &self,
        caller: &Caller,
        id: &str,
        patch: Result<ChannelPatch, Failure>,
    ) -> Result<ChannelView, Failure> {
        require(caller, Action::ManageNotifications)?;
        let patch = patch?;
        let mut tx = self.store().begin().await?;
        let before = found(notification_channels::find_in(&mut tx, id).await?, id)?;
        let was = input_of(&before)?;
        let input = ChannelInput {
            name: patch.name.unwrap_or(was.name),
            kind: patch.kind.unwrap_or(was.kind),
            url: patch.url.unwrap_or(was.url),
            secret: patch.secret.unwrap_or(was.secret),
            events: patch.events.unwrap_or(was.events),
            clusters: patch.clusters.unwrap_or(was.clusters),
        };
        let valid = checked(&input)?;
        let row = row_of(
            before.id.clone(),
            &valid,
            &before.created_by,
            before.created_at,
            now_millis(),
        );
        notification_channels::update(&mut tx, &row)
            .await
            .map_err(|e| conflict_on_name(e.into()))?;
        audit::record(
            &mut tx,
            caller.event(
                "notification.channel_changed",
                format!("channel:{id}"),
                described(&valid),
            ),
        )
        .await?;
        tx.commit().await?;
        view_of(&row)
    }

    pub async fn delete_channel(&self, caller: &Caller, id: &str) -> Result<(), Failure> {
        require(caller, Action::ManageNotifications)?;
        let mut tx = self.store().begin().await?;
        let channel = found(notification_channels::find_in(&mut tx, id).await?, id)?;
        notification_channels::delete(&mut tx, id).await?;
        audit::record(
            &mut tx,
            caller.event(
                "notification.channel_removed",
                format!("channel:{id}"),
                json!({ "name": channel.name }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the channel was sent, newest first.
    pub async fn deliveries(
        &self,
        caller: &Caller,
        id: &str,
        limit: i64,
    ) -> Result<Vec<DeliveryView>, Failure> {
        require(caller, Action::ManageNotifications)?;
        found(notification_channels::find(self.store(), id).await?, id)?;
        let rows =
            outbox::of_stream(self.store(), &channel_stream(id), limit.clamp(1, 500)).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let event = serde_json::from_str::<serde_json::Value>(&row.payload)
                    .ok()
                    .and_then(|p| p["event"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                let state = if row.sent_at.is_some() {
                    "sent"
                } else if row.given_up_at.is_some() {
                    "failed"
                } else {
                    "pending"
                };
                DeliveryView {
                    id: row.id,
                    event,
                    created_at: row.created_at,
                    state: state.to_owned(),
                    attempts: row.attempts,
                    status: row.last_status,
                    sent_at: row.sent_at,
                    error: row.last_error,
                }
            })
            .collect())
    }

    /// Sends the channel a test notification (after what it has waiting); the delivery's id.
    pub async fn test_channel(&self, caller: &Caller, id: &str) -> Result<String, Failure> {
        require(caller, Action::ManageNotifications)?;
        let mut tx = self.store().begin().await?;
        let channel = found(notification_channels::find_in(&mut tx, id).await?, id)?;
        let text = format!("A test from nixdeck, asked by {}", caller.actor());
        let delivery = self
            .enqueue_notification(
                &mut tx,
                id,
                TEST_EVENT,
                json!({ "channel": { "id": id, "name": channel.name }, "by": caller.actor() }),
                &text,
                now_millis(),
            )
            .await?;
        audit::record(
            &mut tx,
            caller.event(
                "notification.channel_tested",
                format!("channel:{id}"),
                json!({ "name": channel.name, "kind": NOTIFICATION }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(delivery)
    }
}

fn checked(input: &ChannelInput) -> Result<ValidChannel, Failure> {
    input
        .validate()
        .map_err(|error| Failure::invalid(error.field, error.message))
}

fn found(row: Option<ChannelRow>, id: &str) -> Result<ChannelRow, Failure> {
    row.ok_or_else(|| Failure::not_found(format!("there is no notification channel {id:?}")))
}

fn conflict_on_name(failure: Failure) -> Failure {
    match failure.kind {
        crate::model::failure::FailureKind::Conflict => {
            Failure::conflict_on("name", "a channel with this name exists already")
        }
        _ => failure,
    }
}

/// What the audit log says of a channel: never its URL or secret.
fn described(channel: &ValidChannel) -> serde_json::Value {
    json!({ "name": channel.name, "kind": channel.kind, "events": channel.events,
            "clusters": channel.clusters, "secret_set": channel.secret.is_some() })
}

fn row_of(
    id: String,
    channel: &ValidChannel,
    created_by: &str,
    created_at: i64,
    now: i64,
) -> ChannelRow {
    ChannelRow {
        id,
        name: channel.name.clone(),
        kind: channel.kind,
        url: channel.url.clone(),
        secret: channel.secret.clone(),
        events: json_list(&channel.events),
        clusters: channel.clusters.as_deref().map(json_list),
        created_by: created_by.to_owned(),
        created_at,
        updated_at: now,
    }
}

/// A list as the JSON text the table keeps.
fn json_list(list: &[String]) -> String {
    serde_json::Value::from(list.to_vec()).to_string()
}

fn input_of(row: &ChannelRow) -> Result<ChannelInput, Failure> {
    let list = |text: &str| {
        serde_json::from_str::<Vec<String>>(text)
            .map_err(|e| super::unreadable(&format!("channel {}", row.id), &e))
    };
    Ok(ChannelInput {
        name: row.name.clone(),
        kind: row.kind.as_str().to_owned(),
        url: row.url.clone(),
        secret: row.secret.clone(),
        events: list(&row.events)?,
        clusters: row.clusters.as_deref().map(list).transpose()?,
    })
}

fn view_of(row: &ChannelRow) -> Result<ChannelView, Failure> {
    let input = input_of(row)?;
    Ok(ChannelView {
        id: row.id.clone(),
        name: row.name.clone(),
        kind: row.kind,
        url: masked_url(&row.url),
        secret_set: row.secret.is_some(),
        events: input.events,
        clusters: input.clusters,
        created_by: row.created_by.clone(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
