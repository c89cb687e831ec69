//! Sends what the outbox holds (GitHub's deployment statuses, replies to Slack commands,
//! notifications) until nixdeck stops: each
//! stream in order, each message once after it succeeds, retried with backoff (the first
//! retry within 5 s) for up to a day, leased while it is sent so replicas never send one
//! twice at the same time. A receiver that is down delays only its own messages, never a
//! job.

mod github_status;
mod notification;
mod retry;
mod slack_response;

use std::time::Duration;

use engine::{
    commands::SLACK_RESPONSE,
    delivery::{job_events::GITHUB_STATUS, notify::NOTIFICATION},
    store::{now_millis, outbox, Store},
};
use tokio_util::sync::CancellationToken;

use crate::config::GithubDelivery;
pub use retry::{next_attempt, GIVE_UP_AFTER_MS};

/// How often the outbox is looked at.
const POLL: Duration = Duration::from_secs(1);
/// How long a message is held by the sender trying it.
const LEASE_MS: i64 = 60_000;

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver took it.
    pub delivered: bool,
    /// Trying again cannot help (the receiver refused what it was sent).
    pub permanent: bool,
    pub status: Option<u16>,
    /// What went wrong, in a line that holds no secret.
    pub error: Option<String>,
}

/// The sender, until `stopping` fires; `client` is the providers' (bounded timeouts, no
/// redirects).
pub fn spawn_sender(
    store: Store,
    client: reqwest::Client,
    github: GithubDelivery,
    stopping: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = stopping.cancelled() => return,
                () = tokio::time::sleep(POLL) => {}
            }
            if let Err(error) = send_due(&store, &client, &github).await {
                tracing::warn!(%error, "cannot read the outbox");
            }
        }
    })
}

/// Sends every message that is due, each stream's at the same time (a slow receiver holds
/// up only its own stream), each under a lease taken just before it is sent.
async fn send_due(
    store: &Store,
    client: &reqwest::Client,
    github: &GithubDelivery,
) -> Result<(), engine::store::StoreError> {
    let mut sending = tokio::task::JoinSet::new();
    for message in outbox::due(store, now_millis(), 50).await? {
        let (store, client, github) = (store.clone(), client.clone(), github.clone());
        sending.spawn(async move {
            if let Err(error) = send_one(&store, &client, &github, message).await {
                tracing::warn!(%error, "cannot record an outbox attempt");
            }
        });
    }
    while sending.join_next().await.is_some() {}
    Ok(())
}

async fn send_one(
    store: &Store,
    client: &reqwest::Client,
    github: &GithubDelivery,
    message: outbox::OutboxRow,
) -> Result<(), engine::store::StoreError> {
    let now = now_millis();
    let leased_until = now + LEASE_MS;
    if !outbox::lease(store, &message.id, now, leased_until).await? {
        return Ok(());
    }
    let attempt = match message.kind.as_str() {
        GITHUB_STATUS => github_status::send(client, github, &message.payload).await,
        SLACK_RESPONSE => slack_response::send(client, &message.payload).await,
        NOTIFICATION => notification::send(client, store, &message.id, &message.payload).await,
        other => Attempt {
            delivered: false,
            permanent: true,
            status: None,
            error: Some(format!("nixdeck cannot send a {other:?} message")),
        },
    };
    let sent_at = now_millis();
    let retry_at = (!attempt.delivered && !attempt.permanent)
        .then(|| next_attempt(message.attempts + 1, message.created_at, sent_at))
        .flatten();
    if !attempt.delivered && retry_at.is_none() {
        tracing::warn!(stream = %message.stream, error = ?attempt.error, "a message is given up on");
    }
    outbox::record_attempt(
        store,
        &message.id,
        leased_until,
        outbox::AttemptRecord {
            sent: attempt.delivered,
            status: attempt.status.map(i64::from),
            error: attempt.error.as_deref(),
            retry_at,
        },
        sent_at,
    )
    .await
}
