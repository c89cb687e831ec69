//! One notification to a channel: a Slack incoming webhook gets `{"text"}`; any other URL
//! gets the event as JSON, signed `X-Nixdeck-Signature: sha256=<hex HMAC-SHA256 of the body
//! under the channel's secret>`. The channel's URL and secret are read now (a channel
//! removed meanwhile gets nothing) and never reach the log or an error.

use engine::{
    delivery::signature::sign_hex,
    model::notifications::ChannelKind,
    store::{notification_channels, Store},
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::Attempt;

#[derive(Deserialize)]
struct Notification {
    channel_id: String,
    event: String,
    body: Value,
    text: String,
}

pub async fn send(client: &reqwest::Client, store: &Store, id: &str, payload: &str) -> Attempt {
    let gave_up = |error: &str| Attempt {
        delivered: false,
        permanent: true,
        status: None,
        error: Some(error.to_owned()),
    };
    let Ok(notification) = serde_json::from_str::<Notification>(payload) else {
        return gave_up("the stored notification does not read");
    };
    let channel = match notification_channels::find(store, &notification.channel_id).await {
        Ok(Some(channel)) => channel,
        Ok(None) => return gave_up("the channel was removed"),
        Err(error) => {
            return Attempt {
                delivered: false,
                permanent: false,
                status: None,
                error: Some(format!("the channel could not be read: {error}")),
            }
        }
    };
    let request = match channel.kind {
        ChannelKind::Slack => client
            .post(&channel.url)
            .json(&json!({ "text": notification.text })),
        ChannelKind::Webhook => {
            let body = notification.body.to_string();
            let mut request = client
                .post(&channel.url)
                .header("content-type", "application/json")
                .header("x-nixdeck-event", &notification.event)
                .header("x-nixdeck-delivery", id);
            if let Some(secret) = &channel.secret {
                let signature = sign_hex(secret.as_bytes(), body.as_bytes());
                request = request.header("x-nixdeck-signature", format!("sha256={signature}"));
            }
            request.body(body)
        }
    };
    match request.send().await {
        Ok(response) => {
            let code = response.status();
            Attempt {
                delivered: code.is_success(),
                // A receiver's refusal may be passing (a deploy of it, a limit): retried
                // for a day like the rest.
                permanent: false,
                status: Some(code.as_u16()),
                error: (!code.is_success()).then(|| format!("the receiver answered {code}")),
            }
        }
        Err(error) => Attempt {
            delivered: false,
            permanent: false,
            status: None,
            error: Some(format!(
                "the receiver could not be reached: {}",
                error.without_url()
            )),
        },
    }
}
