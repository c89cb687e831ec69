//! The session cookie.

use axum::http::{header, HeaderMap, HeaderValue};

/// The cookie holding the session id.
pub const SESSION_COOKIE: &str = "nixdeck_session";

/// `HttpOnly` (scripts never see it), `SameSite=Lax` (not sent on cross-site posts),
/// `Secure` when the public URL is https. No `Max-Age`: the server decides expiry.
pub fn session_cookie(value: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// Tells the browser to forget the session cookie.
pub fn cleared_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

/// The value of cookie `name` in the request, if present.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

pub fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The cookie that binds a sign-in attempt to the browser that started it, so a callback
/// URL opened in another browser (login CSRF) finishes nothing. Sent only to `/auth/`.
pub const SIGN_IN_COOKIE: &str = "nixdeck_sign_in";

pub fn sign_in_cookie(value: &str, max_age_seconds: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SIGN_IN_COOKIE}={value}; Path=/auth/; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}{secure}")
}

pub fn cleared_sign_in_cookie(secure: bool) -> String {
    sign_in_cookie("", 0, secure)
}
