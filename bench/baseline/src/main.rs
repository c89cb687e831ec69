//! The baseline for nixdeck's HTTP benchmark: a bare axum server answering a fixed small
//! HTML page and a fixed JSON body, on the same runtime as nixdeck. Whatever nixdeck costs
//! beyond this is its own.

use axum::{http::header, response::Html, routing::get, Router};

const PAGE: &str = "<!DOCTYPE html><html><head><title>baseline</title></head><body><h1>baseline</h1></body></html>";
const HEALTH: &str = r#"{"status":"ok"}"#;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3900".to_owned());
    let app = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route(
            "/healthz",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], HEALTH) }),
        );
    let listener = tokio::net::TcpListener::bind(address).await?;
    axum::serve(listener, app).await
}
