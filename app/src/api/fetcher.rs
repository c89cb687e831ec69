//! A server function's call as the future a resource runs.

use std::{future::Future, pin::Pin};

/// `call`, boxed, for `Resource::new`. While the server renders, a server function's call is
/// its whole handler (the engine's queries included) as one future of several kilobytes, and
/// a resource moves its future several times while it sets up: those copies were a tenth of
/// the clusters list's instructions (bench/profile.sh). Boxed, each move copies a pointer.
pub fn boxed<T>(
    call: impl Future<Output = T> + Send + 'static,
) -> Pin<Box<dyn Future<Output = T> + Send>> {
    Box::pin(call)
}
