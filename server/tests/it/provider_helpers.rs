//! Driving a provider sign-in from the test's side: the app in-process, the provider a real
//! server on 127.0.0.1 (the GitHub stand-in or an OIDC provider), and the browser played by
//! the test, which carries the cookies and follows the redirects by hand.

use std::{collections::HashMap, io::Write};

use axum::{
    body::Body,
    http::{header, Request, Response, StatusCode},
};
use engine::audit::{self, AuditFilter, AuditRow};
use nixdeck_server::{config::GitHubSettings, login::GitHubLogin};
use secrecy::SecretString;
use serde_json::{json, Value};
use testkit::counterpart::Counterpart;
use url::Url;

use crate::helpers::{TestApp, PUBLIC_URL};

pub const GITHUB_CLIENT_ID: &str = "Iv1.nixdeck-tests";
pub const GITHUB_CLIENT_SECRET: &str = "github-client-secret-for-tests";
pub const OIDC_CLIENT_ID: &str = "nixdeck-tests";

/// The people the GitHub stand-in knows, in organisation `acme`.
pub fn acme_people() -> Value {
    json!([
        {"login": "alice", "id": 1001, "name": "Alice Admin", "orgs": {"acme": {"teams": ["platform-admins"]}}},
        {"login": "olga", "id": 1002, "name": "Olga Operator", "orgs": {"acme": {"teams": ["deployers"]}}},
        {"login": "vic", "id": 1003, "name": null, "orgs": {"acme": {"teams": [{"slug": "deployers", "state": "pending"}]}}},
        {"login": "mallory", "id": 1004, "name": "Mallory", "orgs": {"evilcorp": {"teams": []}}}
    ])
}

/// The GitHub stand-in, with the configuration file it reads.
pub struct GitHub {
    pub server: Counterpart,
    _config: tempfile::NamedTempFile,
}

/// The personal access token the stand-in lets post deployment statuses.
pub const GITHUB_DEPLOY_TOKEN: &str = "ghp_nixdeck_deploy_token_for_tests";

impl GitHub {
    pub async fn start() -> GitHub {
        let mut config = tempfile::NamedTempFile::new().expect("config file");
        let contents = json!({
            "client_id": GITHUB_CLIENT_ID,
            "client_secret": GITHUB_CLIENT_SECRET,
            "redirect_prefix": format!("{PUBLIC_URL}/auth/github/callback"),
            "users": acme_people(),
            "deploy_token": GITHUB_DEPLOY_TOKEN,
        });
        config
            .write_all(contents.to_string().as_bytes())
            .expect("write config");
        let path = config.path().to_str().expect("UTF-8 path").to_owned();
        let server = Counterpart::node("github-standin.mjs", &["--config", &path]).await;
        GitHub {
            server,
            _config: config,
        }
    }

    /// Settings as an operator would write them; the API under `/api/v3` as on GitHub
    /// Enterprise Server, so the URL joining is exercised.
    pub fn settings(&self) -> GitHubSettings {
        GitHubSettings {
            client_id: GITHUB_CLIENT_ID.to_owned(),
            client_secret: SecretString::from(GITHUB_CLIENT_SECRET.to_owned()),
            org: "acme".to_owned(),
            admin_team: Some("platform-admins".to_owned()),
            operator_team: Some("deployers".to_owned()),
            web_url: Url::parse(&self.server.url).expect("URL"),
            api_url: Url::parse(&format!("{}/api/v3", self.server.url)).expect("URL"),
        }
    }

    pub fn login(&self) -> GitHubLogin {
        GitHubLogin::new(
            self.settings(),
            &format!("{PUBLIC_URL}/auth/github/callback"),
        )
        .expect("GitHub login")
    }

    /// The settings as environment variables.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("NIXDECK_GITHUB_CLIENT_ID", GITHUB_CLIENT_ID.to_owned()),
            (
                "NIXDECK_GITHUB_CLIENT_SECRET",
                GITHUB_CLIENT_SECRET.to_owned(),
            ),
            ("NIXDECK_GITHUB_ORG", "acme".to_owned()),
            ("NIXDECK_GITHUB_ADMIN_TEAM", "platform-admins".to_owned()),
            ("NIXDECK_GITHUB_OPERATOR_TEAM", "deployers".to_owned()),
            ("NIXDECK_GITHUB_URL", self.server.url.clone()),
            (
                "NIXDECK_GITHUB_API_URL",
                format!("{}/api/v3", self.server.url),
            ),
        ]
    }

    pub async fn app(&self) -> TestApp {
        let db = testkit::TestDb::sqlite().await;
        TestApp::owning(db, &self.env()).await
    }

    /// Replaces the stand-in's people (tokens stay valid).
    pub async fn set_people(&self, people: Value) {
        let response = reqwest::Client::new()
            .put(format!("{}/_standin/users", self.server.url))
            .json(&people)
            .send()
            .await
            .expect("stand-in control");
        assert!(response.status().is_success(), "{response:?}");
    }

    pub async fn revoke_tokens(&self) {
        reqwest::Client::new()
            .delete(format!("{}/_standin/tokens", self.server.url))
            .send()
            .await
            .expect("stand-in control");
    }

    /// The person at GitHub presses "Sign in as LOGIN" (or Cancel, for `None`) on the
    /// authorize page nixdeck sent them to; returns where GitHub redirects them.
    pub async fn authorize(&self, authorize_url: &str, login: Option<&str>) -> Url {
        let url = Url::parse(authorize_url).expect("authorize URL");
        assert!(
            url.as_str()
                .starts_with(&format!("{}/login/oauth/authorize", self.server.url)),
            "{url}"
        );
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        match login {
            Some(login) => form.push(("login".to_owned(), login.to_owned())),
            None => form.push(("deny".to_owned(), "1".to_owned())),
        }
        let response = no_redirects()
            .post(format!("{}/login/oauth/authorize", self.server.url))
            .form(&form)
            .send()
            .await
            .expect("authorize");
        assert_eq!(response.status(), StatusCode::FOUND, "{response:?}");
        Url::parse(
            response.headers()[header::LOCATION]
                .to_str()
                .expect("ASCII"),
        )
        .expect("callback URL")
    }
}

/// The OIDC provider.
pub struct Oidc {
    pub server: Counterpart,
}

impl Oidc {
    pub async fn start() -> Oidc {
        Oidc {
            server: Counterpart::node("oidc-provider.mjs", &[]).await,
        }
    }

    /// The settings as environment variables.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("NIXDECK_OIDC_ISSUER", self.server.url.clone()),
            ("NIXDECK_OIDC_CLIENT_ID", OIDC_CLIENT_ID.to_owned()),
            (
                "NIXDECK_OIDC_CLIENT_SECRET",
                "oidc-client-secret".to_owned(),
            ),
            ("NIXDECK_OIDC_ADMIN_GROUP", "nixdeck-admins".to_owned()),
            (
                "NIXDECK_OIDC_OPERATOR_GROUP",
                "nixdeck-operators".to_owned(),
            ),
        ]
    }

    pub async fn app(&self) -> TestApp {
        let db = testkit::TestDb::sqlite().await;
        TestApp::owning(db, &self.env()).await
    }

    /// Who signs in next, and how the next ID token is spoiled (if at all).
    pub async fn next(&self, claims: Value, tamper: Option<&str>) {
        let response = reqwest::Client::new()
            .put(format!("{}/_standin/next", self.server.url))
            .json(&json!({ "claims": claims, "tamper": tamper }))
            .send()
            .await
            .expect("provider control");
        assert!(response.status().is_success(), "{response:?}");
    }

    /// The provider approves at once and redirects back.
    pub async fn authorize(&self, authorize_url: &str) -> Url {
        let response = no_redirects()
            .get(authorize_url)
            .send()
            .await
            .expect("authorize");
        assert_eq!(response.status(), StatusCode::FOUND, "{response:?}");
        Url::parse(
            response.headers()[header::LOCATION]
                .to_str()
                .expect("ASCII"),
        )
        .expect("callback URL")
    }
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// A browser's cookie jar, just big enough for these flows.
#[derive(Debug, Default, Clone)]
pub struct Browser {
    cookies: HashMap<String, String>,
}

impl Browser {
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    fn keep(&mut self, response: &Response<()>) {
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("ASCII cookie");
            let pair = text.split(';').next().expect("name=value");
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    /// A GET to the app, keeping the cookies it sets.
    pub async fn get(&mut self, app: &TestApp, path: &str) -> (Response<()>, String) {
        let mut request = Request::get(path);
        if !self.cookies.is_empty() {
            request = request.header(header::COOKIE, self.cookie_header());
        }
        let (response, body) = app
            .send(request.body(Body::empty()).expect("request"))
            .await;
        self.keep(&response);
        (response, body)
    }
}

/// The path and query of a URL pointing back at the app.
pub fn app_path(url: &Url) -> String {
    assert!(url.as_str().starts_with(PUBLIC_URL), "{url}");
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

pub fn location(response: &Response<()>) -> String {
    response.headers()[header::LOCATION]
        .to_str()
        .expect("ASCII")
        .to_owned()
}

/// The app starts a sign-in: returns the provider's authorize URL.
pub async fn start(browser: &mut Browser, app: &TestApp, provider: &str, next: &str) -> String {
    let (response, _) = browser
        .get(app, &format!("/auth/{provider}?next={next}"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        browser.cookie("nixdeck_sign_in").is_some(),
        "binding cookie set"
    );
    location(&response)
}

/// Who `/api/v1/me` says the browser is, or `None` for a 401.
pub async fn me(browser: &mut Browser, app: &TestApp) -> Option<Value> {
    let (response, body) = browser.get(app, "/api/v1/me").await;
    match response.status() {
        StatusCode::OK => Some(serde_json::from_str(&body).expect("JSON")),
        StatusCode::UNAUTHORIZED => None,
        other => panic!("unexpected {other}: {body}"),
    }
}

/// The audit log, oldest first.
pub async fn audit_log(app: &TestApp) -> Vec<AuditRow> {
    let mut rows = audit::list(&app.store, &AuditFilter::default(), 100)
        .await
        .expect("audit");
    rows.reverse();
    rows
}

/// How many sessions exist at all (a refused sign-in must create none).
pub async fn session_count(app: &TestApp) -> i64 {
    let people = app
        .engine
        .people(&engine::commands::Caller::cli())
        .await
        .expect("people");
    people.iter().map(|p| p.live_sessions).sum()
}
