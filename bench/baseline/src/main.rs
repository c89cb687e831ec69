//! The baselines for nixdeck's HTTP benchmark, on the same runtime as nixdeck:
//! - a bare axum server answering a fixed small HTML page and a fixed JSON body: whatever
//!   nixdeck costs beyond it is its own;
//! - given nixdeck's database, a hand-written clusters page (`/clusters`) that does the
//!   work nixdeck's page does (the same session lookup, the same engine queries) and builds
//!   the same HTML with plain string formatting: whatever nixdeck costs beyond it is the
//!   cost of its framework.
//!
//! Usage: `baseline [ADDRESS] [DATABASE_URL]`.

mod clusters_page;

use axum::{http::header, response::Html, routing::get, Router};

// The allocator nixdeck's binary uses, so the ratio compares the work done, not the allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PAGE: &str = "<!DOCTYPE html><html><head><title>baseline</title></head><body><h1>baseline</h1></body></html>";
const HEALTH: &str = r#"{"status":"ok"}"#;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let address = args.next().unwrap_or_else(|| "127.0.0.1:3900".to_owned());
    let mut app = Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route(
            "/healthz",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], HEALTH) }),
        );
    if let Some(database) = args.next() {
        app = app.merge(clusters_page::router(&database).await?);
    }
    let listener = tokio::net::TcpListener::bind(address).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
