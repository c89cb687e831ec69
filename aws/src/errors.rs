//! Turns the SDK's errors into the engine's `CloudError`: a timeout, an endpoint that could
//! not be reached, or what AWS answered. Messages name the service and the operation.

use std::{error::Error, future::Future, time::Duration};

use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use engine::cloud::CloudError;

/// Which call failed, for messages: `("Secrets Manager", "GetSecretValue")`.
pub(crate) type Operation = (&'static str, &'static str);

/// The message of a call that did not answer in time.
fn silent(operation: Operation, timeout: Duration) -> CloudError {
    let (service, name) = operation;
    CloudError::Timeout(format!(
        "{service} {name}: no answer within {} s",
        timeout.as_secs_f32()
    ))
}

/// Bounds a method that makes several calls (pages, a lookup then a listing) by one
/// timeout as a whole, as each single call already is.
pub(crate) async fn within<T>(
    timeout: Duration,
    operation: Operation,
    calls: impl Future<Output = Result<T, CloudError>>,
) -> Result<T, CloudError> {
    tokio::time::timeout(timeout, calls)
        .await
        .unwrap_or_else(|_| Err(silent(operation, timeout)))
}

pub(crate) fn classify<E, R>(
    error: SdkError<E, R>,
    operation: Operation,
    timeout: Duration,
) -> CloudError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    let (service, name) = operation;
    match error {
        SdkError::TimeoutError(_) => silent(operation, timeout),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => silent(operation, timeout),
        SdkError::DispatchFailure(failure) => CloudError::Unreachable(format!(
            "{service} {name}: {}",
            failure
                .as_connector_error()
                .map(|error| chain(error))
                .unwrap_or_else(|| "the request could not be sent".to_owned())
        )),
        SdkError::ServiceError(failure) => {
            let failure = failure.into_err();
            CloudError::Refused {
                code: failure.code().unwrap_or("Unknown").to_owned(),
                message: format!(
                    "{service} {name}: {}",
                    failure.message().unwrap_or("no message")
                ),
            }
        }
        other => CloudError::Unreachable(format!("{service} {name}: {}", chain(&other))),
    }
}

/// An error and its causes on one line.
fn chain(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Whether AWS answered that what was asked for does not exist.
pub(crate) fn is_not_found<E, R>(error: &SdkError<E, R>, codes: &[&str]) -> bool
where
    E: ProvideErrorMetadata,
{
    matches!(error, SdkError::ServiceError(failure) if failure.err().code().is_some_and(|code| codes.contains(&code)))
}
