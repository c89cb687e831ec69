//! `POST /preferences/theme`: the theme toggle's form target, so the toggle works before
//! the page hydrates and with JavaScript off. Stores the choice in a cookie and sends the
//! person back to the page they were on.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Form,
};
use engine::model::theme::Theme;
use serde::Deserialize;

use super::local_path;

#[derive(Debug, Deserialize)]
pub struct ThemeForm {
    theme: String,
    return_to: Option<String>,
}

pub async fn set_theme(Form(form): Form<ThemeForm>) -> Response {
    let theme = Theme::parse(&form.theme);
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        Theme::COOKIE,
        theme.as_str()
    );
    let location = local_path(form.return_to.as_deref());
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    let location = HeaderValue::from_str(location).unwrap_or(HeaderValue::from_static("/"));
    headers.insert(header::LOCATION, location);
    response
}

#[cfg(test)]
mod tests {
    use crate::http::local_path;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(local_path(Some("/clusters")), "/clusters");
        assert_eq!(local_path(Some("//evil.example/x")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(Some("/a\r\nSet-Cookie: x=1")), "/");
        assert_eq!(local_path(None), "/");
    }
}
