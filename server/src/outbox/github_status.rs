//! One GitHub deployment status: `POST {api}/repos/{owner}/{repo}/deployments/{id}/statuses`
//! with the deploy token, as GitHub's REST API version 2022-11-28 takes it.

use engine::delivery::job_events::GithubStatus;
use secrecy::ExposeSecret;
use serde_json::json;

use super::Attempt;
use crate::config::GithubDelivery;

pub async fn send(client: &reqwest::Client, github: &GithubDelivery, payload: &str) -> Attempt {
    let refused = |error: String| Attempt {
        delivered: false,
        permanent: true,
        status: None,
        error: Some(error),
    };
    let Some(token) = &github.deploy_token else {
        return refused("no NIXDECK_GITHUB_DEPLOY_TOKEN to post statuses with".to_owned());
    };
    let Ok(status) = serde_json::from_str::<GithubStatus>(payload) else {
        return refused("the stored status does not read".to_owned());
    };
    let url = format!(
        "{}/repos/{}/deployments/{}/statuses",
        github.api_url.as_str().trim_end_matches('/'),
        status.repository,
        status.deployment_id
    );
    let body = json!({
        "state": status.state,
        "description": status.description,
        "log_url": status.log_url,
        "environment_url": status.environment_url,
    });
    let answer = client
        .post(&url)
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .bearer_auth(token.expose_secret())
        .json(&body)
        .send()
        .await;
    match answer {
        Ok(response) => {
            let code = response.status();
            let retryable = code.is_server_error()
                || code == reqwest::StatusCode::TOO_MANY_REQUESTS
                || code == reqwest::StatusCode::REQUEST_TIMEOUT
                || code == reqwest::StatusCode::FORBIDDEN && rate_limited(&response);
            Attempt {
                delivered: code.is_success(),
                permanent: !code.is_success() && !retryable,
                status: Some(code.as_u16()),
                error: (!code.is_success()).then(|| format!("GitHub answered {code}")),
            }
        }
        Err(error) => Attempt {
            delivered: false,
            permanent: false,
            status: None,
            // The error names the URL, which holds no secret (the token is a header).
            error: Some(format!("GitHub could not be reached: {error}")),
        },
    }
}

/// GitHub answers 403 when a secondary rate limit is hit, saying so in its headers.
fn rate_limited(response: &reqwest::Response) -> bool {
    response.headers().contains_key("retry-after")
        || response
            .headers()
            .get("x-ratelimit-remaining")
            .is_some_and(|remaining| remaining == "0")
}
