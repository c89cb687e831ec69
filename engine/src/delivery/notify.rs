//! Telling the notification channels: an event goes, in the transaction of what it tells,
//! into the outbox of each channel that asked for it (and for its cluster). The sender
//! reads the channel's URL and secret only when it posts.

use serde_json::{json, Value};

use crate::{
    engine::Engine,
    model::{failure::Failure, job::JobState},
    store::{jobs::JobRow, notification_channels, now_millis, outbox, Tx},
};

/// The outbox kind of a notification.
pub const NOTIFICATION: &str = "notification";

/// The outbox stream of one channel: its notifications go in order.
pub fn channel_stream(channel_id: &str) -> String {
    format!("channel:{channel_id}")
}

/// The event a job reaching `state` is, if channels hear of it.
pub fn job_event(state: JobState) -> Option<&'static str> {
    match state {
        JobState::AwaitingApproval => Some("job.awaiting_approval"),
        JobState::Running => Some("job.started"),
        JobState::Succeeded => Some("job.succeeded"),
        JobState::Failed => Some("job.failed"),
        JobState::Cancelled => Some("job.cancelled"),
        JobState::Interrupted => Some("job.interrupted"),
        JobState::Queued | JobState::Rejected | JobState::Expired => None,
    }
}

impl Engine {
    /// Puts `event` (about `cluster`, if about one) in the outbox of every channel that
    /// asked for it. `subject` holds the event's object (`{"job": ...}`, `{"cluster": ...}`,
    /// `{"secret": ...}`); `text` is what a Slack channel shows.
    pub(crate) async fn notify(
        &self,
        tx: &mut Tx,
        event: &str,
        cluster: Option<&str>,
        subject: Value,
        text: &str,
    ) -> Result<(), Failure> {
        let now = now_millis();
        for channel in notification_channels::list_in(tx).await? {
            let events: Vec<String> = serde_json::from_str(&channel.events).unwrap_or_default();
            if !events.iter().any(|e| e == event) {
                continue;
            }
            if let Some(wanted) = &channel.clusters {
                let wanted: Vec<String> = serde_json::from_str(wanted).unwrap_or_default();
                if !cluster.is_some_and(|name| wanted.iter().any(|w| w == name)) {
                    continue;
                }
            }
            self.enqueue_notification(tx, &channel.id, event, subject.clone(), text, now)
                .await?;
        }
        Ok(())
    }

    /// One notification for one channel, in its order.
    pub(crate) async fn enqueue_notification(
        &self,
        tx: &mut Tx,
        channel_id: &str,
        event: &str,
        subject: Value,
        text: &str,
        now: i64,
    ) -> Result<String, Failure> {
        let mut body = json!({ "event": event, "at": now });
        if let (Value::Object(body), Value::Object(subject)) = (&mut body, subject) {
            body.extend(subject);
        }
        let payload = json!({ "channel_id": channel_id, "event": event, "body": body,
                              "text": text })
        .to_string();
        let message = outbox::message(channel_stream(channel_id), NOTIFICATION, payload, now);
        outbox::insert(tx, &message).await?;
        Ok(message.id)
    }

    /// Tells the channels that asked that `job` reached `state`.
    pub(crate) async fn notify_job(
        &self,
        tx: &mut Tx,
        job: &JobRow,
        state: JobState,
        error: Option<&str>,
    ) -> Result<(), Failure> {
        let Some(event) = job_event(state) else {
            return Ok(());
        };
        let cluster = job.kind.is_cluster_job().then_some(job.cluster.as_str());
        let url = format!("{}/jobs/{}", self.delivery().public_url, job.id);
        let subject = json!({ "job": {
            "id": job.id, "kind": job.kind, "cluster": cluster, "state": state,
            "trigger": job.trigger_kind, "requested_by": job.requested_by, "url": url,
        }});
        let target = cluster.unwrap_or_else(|| job.kind.host());
        let text = match error {
            Some(error) => format!("{event}: {} of {target} ({error}) <{url}|job>", job.kind),
            None => format!(
                "{event}: {} of {target}, asked by {} <{url}|job>",
                job.kind, job.requested_by
            ),
        };
        self.notify(tx, event, cluster, subject, &text).await
    }
}

impl Engine {
    /// Tells the channels that asked that a secret changed: its name only.
    pub(crate) async fn notify_secret_changed(
        &self,
        tx: &mut Tx,
        secret_id: &str,
    ) -> Result<(), Failure> {
        let subject = json!({ "secret": { "name": secret_id } });
        let text = format!("secret.changed: {secret_id} (machines read it at boot and restart)");
        self.notify(tx, "secret.changed", None, subject, &text)
            .await
    }

    /// Records a cluster's health as just derived and, when it turned from healthy to
    /// degraded or back, tells the channels that asked. An unknown health (AWS could not
    /// say) changes nothing.
    pub(crate) async fn note_health(
        &self,
        cluster: &crate::model::cluster::ClusterView,
        health: &crate::model::cloud::ClusterHealth,
    ) -> Result<(), Failure> {
        use crate::model::cloud::HealthState;
        if health.status == HealthState::Unknown {
            return Ok(());
        }
        let mut tx = self.store().begin().await?;
        let status = health.status.as_str();
        let before =
            notification_channels::swap_health(&mut tx, &cluster.id, status, now_millis()).await?;
        if before.is_some() {
            let name = cluster.name();
            let subject = json!({ "cluster": {
                "name": name, "health": status, "was": before, "reasons": health.reasons,
                "url": format!("{}/clusters/{name}", self.delivery().public_url),
            }});
            let text = format!(
                "cluster.health_changed: {name} is {status} (was {}){}",
                before.unwrap_or_default(),
                if health.reasons.is_empty() {
                    String::new()
                } else {
                    format!(": {}", health.reasons.join("; "))
                }
            );
            self.notify(
                &mut tx,
                "cluster.health_changed",
                Some(name),
                subject,
                &text,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
