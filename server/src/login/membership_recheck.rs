//! GitHub membership is re-checked for live sessions at least hourly: a person removed
//! from the organisation loses their sessions, and a team change changes their role. The
//! check runs every few minutes for the sessions that are due; sessions that could not be
//! re-checked for too long stop being accepted (see `engine::access::MEMBERSHIP_STALE_MS`).

use std::{sync::Arc, time::Duration};

use engine::{
    access::{membership, AccessError},
    store::Store,
};
use tokio_util::sync::CancellationToken;

use super::{github::Membership, GitHubLogin, Providers};

/// A session's membership is confirmed again once this much time has passed.
pub const RECHECK_INTERVAL_MS: i64 = 60 * 60 * 1000;
/// How often the due sessions are looked for.
const SWEEP_EVERY: Duration = Duration::from_secs(5 * 60);

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    pub confirmed: usize,
    pub ended: usize,
    /// GitHub could not answer; these are tried again at the next sweep.
    pub deferred: usize,
}

/// Re-checks every GitHub session last confirmed more than `interval_ms` ago.
pub async fn recheck_due(
    store: &Store,
    github: &GitHubLogin,
    interval_ms: i64,
) -> Result<Sweep, AccessError> {
    let mut sweep = Sweep::default();
    for due in membership::sessions_due(store, "github", interval_ms).await? {
        let token = due
            .session
            .provider_token
            .as_deref()
            .and_then(|sealed| github.open_token(sealed));
        let Some(token) = token else {
            membership::revoke(
                store,
                &due,
                "stored GitHub token unreadable (client secret changed)",
            )
            .await?;
            sweep.ended += 1;
            continue;
        };
        match github.membership(&token, &due.user.login).await {
            Ok(Membership::Member(role)) => {
                membership::confirm(store, &due, role).await?;
                sweep.confirmed += 1;
            }
            Ok(Membership::NotMember) => {
                let why = format!(
                    "no longer a member of the GitHub organisation {}",
                    github.org()
                );
                membership::revoke(store, &due, &why).await?;
                sweep.ended += 1;
            }
            Ok(Membership::TokenRevoked) => {
                membership::revoke(store, &due, "GitHub no longer accepts the session's token")
                    .await?;
                sweep.ended += 1;
            }
            Err(failure) => {
                tracing::warn!(login = %due.user.login, detail = %failure.detail, "membership re-check deferred");
                sweep.deferred += 1;
            }
        }
    }
    Ok(sweep)
}

/// Runs the re-check now and every few minutes until `shutdown`, when GitHub sign-in is on.
pub fn spawn(
    store: Store,
    providers: Arc<Providers>,
    shutdown: CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if providers.github.is_none() {
            return;
        }
        let mut ticks = tokio::time::interval(SWEEP_EVERY);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let Some(github) = providers.github.as_ref() else {
                return;
            };
            match recheck_due(&store, github, RECHECK_INTERVAL_MS).await {
                Ok(sweep) if sweep != Sweep::default() => {
                    tracing::info!(?sweep, "membership re-check");
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "membership re-check failed"),
            }
        }
    })
}
