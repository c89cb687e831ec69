//! One message to a Slack command's `response_url`: ephemeral, below the command. The URL
//! is a capability: it never reaches the log or an error.

use serde::Deserialize;
use serde_json::json;

use super::Attempt;

#[derive(Deserialize)]
struct Post {
    url: String,
    text: String,
}

pub async fn send(client: &reqwest::Client, payload: &str) -> Attempt {
    let Ok(post) = serde_json::from_str::<Post>(payload) else {
        return Attempt {
            delivered: false,
            permanent: true,
            status: None,
            error: Some("the stored message does not read".to_owned()),
        };
    };
    let body = json!({
        "response_type": "ephemeral",
        "replace_original": false,
        "text": post.text,
    });
    match client.post(&post.url).json(&body).send().await {
        Ok(response) => {
            let code = response.status();
            Attempt {
                delivered: code.is_success(),
                // Slack answers 404 once a response_url has expired (after 30 minutes).
                permanent: code.is_client_error() && code != reqwest::StatusCode::TOO_MANY_REQUESTS,
                status: Some(code.as_u16()),
                error: (!code.is_success()).then(|| format!("Slack answered {code}")),
            }
        }
        Err(error) => Attempt {
            delivered: false,
            permanent: false,
            status: None,
            error: Some(format!(
                "Slack could not be reached: {}",
                error.without_url()
            )),
        },
    }
}
