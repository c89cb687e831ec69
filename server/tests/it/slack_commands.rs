//! Slack's `/deploy` against a Slack stand-in (for `response_url`) and the deployer fixture:
//! signatures right, wrong, over another body and stale; an unlinked user is told how to
//! link and nothing runs; the link flow; help, status and a deploy with a pinned ref, whose
//! start and end are posted back; bad input is refused and runs nothing.

use std::time::Duration;

use axum::{
    body::Body,
    http::{Method, Request, StatusCode},
};
use engine::{delivery::signature::sign_hex, store::now_millis};
use serde_json::Value;
use testkit::{counterpart::Counterpart, deployer::Deployer};

use crate::{
    helpers::{deployer_env, TestApp},
    job_helpers::{alpha, call},
};

const SECRET: &str = "slack signing secret for the tests";

struct Slack<'a> {
    app: &'a TestApp,
    response_url: String,
}

impl Slack<'_> {
    /// Sends `/deploy TEXT` as Slack user U1 of team T1, signed at `age` seconds ago;
    /// `body_for_signature` signs another body instead.
    async fn command_signed(
        &self,
        text: &str,
        age: i64,
        body_for_signature: Option<&str>,
    ) -> (StatusCode, Value) {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("token", "legacy-verification-token")
            .append_pair("team_id", "T1")
            .append_pair("user_id", "U1")
            .append_pair("user_name", "alice")
            .append_pair("command", "/deploy")
            .append_pair("text", text)
            .append_pair("response_url", &self.response_url)
            .finish();
        let timestamp = (now_millis() / 1000 - age).to_string();
        let signed = body_for_signature.unwrap_or(&body);
        let signature = sign_hex(
            SECRET.as_bytes(),
            format!("v0:{timestamp}:{signed}").as_bytes(),
        );
        let request = Request::post("/hooks/slack/commands")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", timestamp)
            .header("x-slack-signature", format!("v0={signature}"))
            .body(Body::from(body))
            .expect("request");
        let (response, text) = self.app.send(request).await;
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (response.status(), value)
    }

    async fn command(&self, text: &str) -> String {
        let (status, answer) = self.command_signed(text, 0, None).await;
        assert_eq!(status, StatusCode::OK, "{text}: {answer}");
        assert_eq!(answer["response_type"], "ephemeral");
        answer["text"].as_str().expect("text").to_owned()
    }
}

async fn posts(slack: &Counterpart) -> Vec<Value> {
    reqwest::get(format!("{}/_standin/posts", slack.url))
        .await
        .expect("posts")
        .json()
        .await
        .expect("JSON")
}

#[test]
fn a_linked_slack_user_deploys_and_hears_how_it_went() {
    testkit::block_on(async {
        let slack_server = Counterpart::node("slack-standin.mjs", &[]).await;
        let deployer = Deployer::start().await;
        let mut env = deployer_env(&deployer, None);
        env.push(("NIXDECK_SLACK_SIGNING_SECRET", SECRET.to_owned()));
        let mut app = TestApp::owning(testkit::TestDb::sqlite().await, &env).await;
        app.start();
        let cookie = app.sign_in().await;
        call(
            &app,
            &cookie,
            Method::POST,
            "/api/v1/clusters",
            Some(alpha(2)),
        )
        .await;
        let slack = Slack {
            app: &app,
            response_url: format!("{}/commands/T1/1234/abcd", slack_server.url),
        };

        // Signatures: over another body, stale, or none at all are refused.
        let (status, _) = slack.command_signed("alpha", 0, Some("text=other")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = slack.command_signed("alpha", 6 * 60, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let unsigned = Request::post("/hooks/slack/commands")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("text=alpha"))
            .expect("request");
        assert_eq!(
            app.send(unsigned).await.0.status(),
            StatusCode::UNAUTHORIZED
        );

        // Unlinked: told how to link; nothing runs.
        let answer = slack.command("alpha").await;
        assert!(answer.contains("not linked"), "{answer}");
        let (_, jobs) = call(&app, &cookie, Method::GET, "/api/v1/jobs", None).await;
        assert_eq!(jobs.as_array().map_or(0, Vec::len), 0);

        // The person makes a code on their page; Slack sends it back once.
        let (status, made) = call(&app, &cookie, Method::POST, "/api/v1/me/slack-link", None).await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let code = made["code"].as_str().expect("code").to_owned();
        let answer = slack
            .command(&format!("link {}", code.to_lowercase()))
            .await;
        assert!(
            answer.starts_with("Linked: here you act as local:"),
            "{answer}"
        );
        let answer = slack.command(&format!("link {code}")).await;
        assert!(answer.contains("unknown or expired"), "{answer}");

        assert!(slack.command("help").await.contains("/deploy status"));
        let answer = slack.command("alpha;reboot").await;
        assert!(answer.contains("not a cluster name"), "{answer}");
        let answer = slack.command("alpha disciplina=$(reboot)").await;
        assert!(answer.contains("not a valid git ref"), "{answer}");
        let answer = slack.command("nope").await;
        assert!(answer.starts_with("Refused:"), "{answer}");
        let (_, jobs) = call(&app, &cookie, Method::GET, "/api/v1/jobs", None).await;
        assert_eq!(
            jobs.as_array().map_or(0, Vec::len),
            0,
            "bad input runs nothing"
        );

        let answer = slack.command("alpha disciplina=v1.2").await;
        assert!(answer.contains("is queued"), "{answer}");
        let (_, jobs) = call(&app, &cookie, Method::GET, "/api/v1/jobs", None).await;
        let job = jobs[0].clone();
        assert_eq!(job["trigger"], "slack");
        assert_eq!(job["trigger_ref"], "T1/U1 (@alice)");
        assert_eq!(job["params"]["versions"]["disciplina"], "v1.2");
        assert!(job["requested_by"]
            .as_str()
            .unwrap_or_default()
            .starts_with("local:"));

        // Its start and its end are posted to the command's response_url.
        let mut seen = Vec::new();
        for _ in 0..600 {
            seen = posts(&slack_server).await;
            if seen.len() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let texts: Vec<&str> = seen
            .iter()
            .filter_map(|p| p["body"]["text"].as_str())
            .collect();
        assert_eq!(texts.len(), 2, "{seen:?}");
        assert!(texts[0].contains("started"), "{texts:?}");
        assert!(texts[1].contains("succeeded"), "{texts:?}");
        assert_eq!(seen[0]["path"], "/commands/T1/1234/abcd");
        assert_eq!(seen[0]["body"]["response_type"], "ephemeral");

        let status = slack.command("status alpha").await;
        assert!(
            status.contains("*alpha*") && status.contains("succeeded"),
            "{status}"
        );
        let (_, events) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/audit?action=slack.linked",
            None,
        )
        .await;
        assert_eq!(events["events"].as_array().map_or(0, Vec::len), 1);
        // Each refused command is audited once: the unlinked one, and the two bad ones.
        let (_, refused) = call(
            &app,
            &cookie,
            Method::GET,
            "/api/v1/audit?action=slack.command_refused",
            None,
        )
        .await;
        assert_eq!(
            refused["events"].as_array().map_or(0, Vec::len),
            3,
            "{refused}"
        );

        // Signed out of nixdeck (as leaving the organisation ends every session), the
        // Slack user acts as nobody.
        let (status, _) = call(&app, &cookie, Method::POST, "/auth/logout", None).await;
        assert!(status.is_redirection() || status.is_success(), "{status}");
        let answer = slack.command("alpha").await;
        assert!(answer.starts_with("Sign in to nixdeck first"), "{answer}");
        app.stop().await;
    })
}
