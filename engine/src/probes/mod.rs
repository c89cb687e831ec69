//! Read-only probes of nixdeck's hosts: one script each, run over one connection, that
//! prints one section per fact (`model::report`) and changes nothing. The builder is probed
//! periodically and on demand, and every result is stored (`builder`); the deployer is read
//! when its page asks (`commands::deployer`).

pub mod builder;

use std::time::Duration;

use crate::{
    exec::{Host, HostError, HostErrorKind},
    model::failure::{Failure, FailureKind},
};

/// How long a probe may take as a whole, connection included.
pub const PROBE_DEADLINE: Duration = Duration::from_secs(20);

/// Runs `script` with `args` on `host` (`sh -c SCRIPT nixdeck-probe ARGS...`) and answers
/// its report.
pub(crate) async fn run_script(
    host: &Host,
    script: &str,
    args: &[&str],
) -> Result<String, HostError> {
    let mut words = vec![
        "sh".to_owned(),
        "-c".to_owned(),
        script.to_owned(),
        "nixdeck-probe".to_owned(),
    ];
    words.extend(args.iter().map(|arg| (*arg).to_owned()));
    host.read(&words, PROBE_DEADLINE).await
}

/// A host that could not be read, as a request's failure: 504 when it did not answer in
/// time, 502 otherwise.
pub(crate) fn host_failure(error: &HostError) -> Failure {
    let kind = if matches!(error.kind, HostErrorKind::TimedOut(_)) {
        FailureKind::UpstreamTimeout
    } else {
        FailureKind::Upstream
    };
    Failure::new(kind, error.to_string())
}
