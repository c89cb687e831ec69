//! Reading a JSON body: an empty body is the type's default (every field optional, so a
//! missing one is reported by the model's rules, naming it); a malformed one is 422.

use engine::model::failure::Failure;
use serde::Deserialize;

use super::ApiError;

pub fn body<T: for<'de> Deserialize<'de> + Default>(raw: &str) -> Result<T, ApiError> {
    if raw.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(raw).map_err(|e| {
        ApiError(Failure::invalid(
            "body",
            format!("the body is not valid JSON for this request: {e}"),
        ))
    })
}

/// The same for bodies that may carry secret values: the error says where the body went
/// wrong, never what it held (serde's messages quote the values they refuse).
pub fn quiet_body<T: for<'de> Deserialize<'de> + Default>(raw: &str) -> Result<T, Failure> {
    if raw.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(raw).map_err(|e| {
        Failure::invalid(
            "body",
            format!(
                "the body is not valid JSON for this request (line {}, column {}); see the API's documentation for its shape",
                e.line(),
                e.column()
            ),
        )
    })
}
