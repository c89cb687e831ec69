//! The static site built by cargo-leptos (`target/site`: the WebAssembly, its JS glue, the
//! CSS and the files of `public/`). A release binary carries the site inside itself, so one
//! file can be copied to a server and run from any directory; a debug binary reads the same
//! folder from disk, so rebuilding the site needs no server rebuild.
//!
//! cargo-leptos names the JS, WebAssembly and CSS after their content (`hash-files`), which
//! also makes it build the server only after the site is complete, so the binary always
//! carries the site just built. Pages load the bundle by those names (see
//! `app::browser_bundle`), and browsers keep the files whose name matches their content.
//! The plain names (`/pkg/nixdeck.js`, `.wasm`, `.css`: the stylesheet link uses one) are
//! answered with the content-named file of the build (the newest, should a debug site hold
//! several), revalidated on every use.

use std::{collections::HashSet, sync::OnceLock};

use app::{browser_bundle::BrowserBundle, shell, state::AppState};
use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use md5::{Digest, Md5};
use rust_embed::EmbeddedFile;

/// The built site. Precompressed `.br` and `.gz` siblings are present in release builds.
#[derive(rust_embed::Embed)]
#[folder = "../target/site"]
#[allow_missing = true]
pub struct SiteAssets;

/// The output files the pages name without their content hash.
const HASHED: [&str; 3] = ["pkg/nixdeck.js", "pkg/nixdeck.wasm", "pkg/nixdeck.css"];

/// Whether `path` names a file of the built site: public, and served without looking up
/// who asks.
pub fn is_site_asset(path: &str) -> bool {
    let key = path.trim_start_matches('/');
    HASHED.contains(&key) || SiteAssets::get(key).is_some()
}

/// The embedded file a request's path names, and its key: itself, or, for a plain output
/// name, the content-named file of the build.
fn site_file(key: &str) -> Option<(String, EmbeddedFile)> {
    if let Some(file) = SiteAssets::get(key) {
        return Some((key.to_owned(), file));
    }
    if !HASHED.contains(&key) {
        return None;
    }
    let (stem, extension) = key.rsplit_once('.')?;
    newest_named(&format!("{stem}."), &format!(".{extension}"))
}

/// The newest file named `{prefix}{hash}{suffix}`, or `{prefix}{suffix}` without `.`
/// (`pkg/nixdeck.js` as well as `pkg/nixdeck.<hash>.js`), and its key.
/// `cargo leptos watch` names the files of its first build by content and those of its
/// rebuilds plainly, so a debug site may hold both; the newest is the current one.
fn newest_named(prefix: &str, suffix: &str) -> Option<(String, EmbeddedFile)> {
    let plain = format!("{}{suffix}", prefix.trim_end_matches('.'));
    SiteAssets::iter()
        .filter(|name| {
            **name == plain
                || name
                    .strip_prefix(prefix)
                    .and_then(|rest| rest.strip_suffix(suffix))
                    .is_some_and(|hash| !hash.is_empty() && !hash.contains(['.', '/']))
        })
        .filter_map(|name| SiteAssets::get(&name).map(|file| (name.into_owned(), file)))
        .max_by_key(|(_, file)| file.metadata.last_modified())
}

/// Whether browsers may keep the file at `key` for good: a release build's file whose name
/// carries the MD5 of its content, as cargo-leptos names them. The name is checked against
/// the content because cargo-leptos rewrites the main module's JS and WebAssembly after
/// naming them (to point them at the split loader's final name): their names can stay the
/// same while what they load changes, so those are revalidated, like the plain names.
fn lasting(key: &str) -> bool {
    static CONTENT_NAMED: OnceLock<HashSet<String>> = OnceLock::new();
    !cfg!(debug_assertions) && CONTENT_NAMED.get_or_init(content_named).contains(key)
}

fn content_named() -> HashSet<String> {
    SiteAssets::iter()
        .filter(|key| !key.ends_with(".br") && !key.ends_with(".gz"))
        .filter(|key| {
            SiteAssets::get(key).is_some_and(|file| {
                let hash = URL_SAFE_NO_PAD.encode(Md5::digest(&file.data));
                let name = key.rsplit('/').next().unwrap_or_default();
                name.split('.').any(|part| part == hash)
            })
        })
        .map(|key| key.into_owned())
        .collect()
}

/// The WebAssembly bundle the pages load, by the file names of the site: found once in a
/// release build, whose site is inside the binary; at each page in a debug build, whose
/// site on disk changes with every rebuild.
pub fn browser_bundle() -> BrowserBundle {
    static BUNDLE: OnceLock<BrowserBundle> = OnceLock::new();
    if cfg!(debug_assertions) {
        return find_browser_bundle();
    }
    BUNDLE.get_or_init(find_browser_bundle).clone()
}

fn find_browser_bundle() -> BrowserBundle {
    let file_name = |key: String| key.trim_start_matches("pkg/").to_owned();
    let (Some((js, _)), Some((wasm, _))) = (
        newest_named("pkg/nixdeck.", ".js"),
        newest_named("pkg/nixdeck.", ".wasm"),
    ) else {
        // A server built without a site (for its tests alone) names the plain files.
        return BrowserBundle::new("nixdeck.js", "nixdeck.wasm");
    };
    let bundle = BrowserBundle::new(file_name(js), file_name(wasm));
    let Some((loader, _)) = newest_named("pkg/__wasm_split.", ".js") else {
        return bundle;
    };
    let chunks = newest_named("pkg/__wasm_split_manifest.", ".json")
        .and_then(|(key, file)| {
            serde_json::from_slice(&file.data)
                .inspect_err(|error| {
                    tracing::warn!(%key, %error, "the split manifest is unreadable; pages will not preload their chunks");
                })
                .ok()
        })
        .unwrap_or_default();
    bundle.split(file_name(loader), chunks)
}

/// Serves a file of the site, or renders the dashboard's 404 page.
pub async fn static_file_or_not_found(State(state): State<AppState>, request: Request) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        if let Some(response) = static_file(request.uri().path(), request.headers()) {
            return response;
        }
    }
    not_found_page(state, request).await
}

/// The file at `path`, in the best encoding the client accepts, or `None` if there is no
/// such file.
fn static_file(path: &str, headers: &HeaderMap) -> Option<Response> {
    let key = path.trim_start_matches('/');
    if key.is_empty() || key.split('/').any(|segment| segment == "..") {
        return None;
    }
    let (resolved, file) = site_file(key)?;
    // A plain name stands for whatever the newest build is (and is never content-named); a
    // content-named file never changes.
    let lasting = lasting(key);
    let key = resolved.as_str();
    let etag = format!("\"{}\"", hex_prefix(&file.metadata.sha256_hash()));
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|value| value.as_bytes() == etag.as_bytes())
    {
        return Some(with_cache_headers(
            StatusCode::NOT_MODIFIED.into_response(),
            &etag,
            lasting,
        ));
    }

    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let (body, encoding) = ["br", "gzip"]
        .into_iter()
        .filter(|encoding| accepts(accepted, encoding))
        .find_map(|encoding| {
            let suffix = if encoding == "br" { "br" } else { "gz" };
            SiteAssets::get(&format!("{key}.{suffix}")).map(|f| (f.data, Some(encoding)))
        })
        .unwrap_or((file.data, None));

    // Embedded files are 'static: hand them out without copying.
    let body = match body {
        std::borrow::Cow::Borrowed(bytes) => Body::from(bytes::Bytes::from_static(bytes)),
        std::borrow::Cow::Owned(bytes) => Body::from(bytes),
    };
    let mut response = Response::new(body);
    let response_headers = response.headers_mut();
    if let Ok(content_type) = HeaderValue::from_str(content_type(key, file.metadata.mimetype())) {
        response_headers.insert(header::CONTENT_TYPE, content_type);
    }
    if let Some(encoding) = encoding {
        response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Some(with_cache_headers(response, &etag, lasting))
}

/// The type a file is served as. wasm-bindgen's TypeScript declarations (`.d.ts`) would
/// otherwise be taken by their extension for MPEG transport streams.
fn content_type<'a>(key: &str, guessed: &'a str) -> &'a str {
    if key.ends_with(".ts") {
        "application/typescript"
    } else {
        guessed
    }
}

/// A content-named file never changes, so a browser keeps it for a year without asking
/// again; any other file is revalidated on every use, which the ETag makes a cheap 304.
fn with_cache_headers(mut response: Response, etag: &str, lasting: bool) -> Response {
    let headers = response.headers_mut();
    let policy = if lasting {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// Whether an `Accept-Encoding` header allows `encoding` (and does not refuse it with q=0).
fn accepts(header_value: &str, encoding: &str) -> bool {
    header_value.split(',').any(|item| {
        let mut parts = item.trim().split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|param| {
            param
                .trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        name.eq_ignore_ascii_case(encoding) && !refused
    })
}

fn hex_prefix(hash: &[u8; 32]) -> String {
    hash.iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Renders the dashboard for an unknown address; its router shows the 404 page, and the
/// status is 404 unless the page chose another.
async fn not_found_page(state: AppState, request: Request) -> Response {
    let options = state.leptos_options.clone();
    let bundle = browser_bundle();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || leptos::prelude::provide_context(state.clone()),
        move || shell(options.clone(), bundle.clone()),
    );
    let mut response = render(request).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn accept_encoding_is_read_with_its_quality_values() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip;q=0.5", "gzip"));
        assert!(!accepts("gzip;q=0", "gzip"));
        assert!(!accepts("identity", "gzip"));
    }
}
