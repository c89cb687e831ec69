//! Reading the audit log: a page of events, or every matching event in batches for an
//! export (memory stays flat however long the log is).

use tokio::sync::mpsc;

use super::{require, Caller};
use crate::{
    audit::{self, AuditFilter, AuditRow},
    engine::Engine,
    model::{access::Action, failure::Failure},
};

/// Events read per query while exporting.
const EXPORT_BATCH: i64 = 1000;

impl Engine {
    /// Events matching `filter`, newest first, at most `limit` (1 to 500).
    pub async fn audit_events(
        &self,
        caller: &Caller,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRow>, Failure> {
        require(caller, Action::Read)?;
        if !(1..=500).contains(&limit) {
            return Err(Failure::invalid("limit", "limit must be between 1 and 500"));
        }
        Ok(audit::list(self.store(), filter, limit).await?)
    }

    /// Every event matching `filter`, newest first, in batches.
    pub async fn audit_export(
        &self,
        caller: &Caller,
        filter: AuditFilter,
    ) -> Result<mpsc::Receiver<Result<Vec<AuditRow>, Failure>>, Failure> {
        require(caller, Action::Read)?;
        let (batches, receiver) = mpsc::channel(2);
        let store = self.store().clone();
        tokio::spawn(async move {
            let mut filter = filter;
            loop {
                let batch = match audit::list(&store, &filter, EXPORT_BATCH).await {
                    Ok(batch) => batch,
                    Err(error) => {
                        let _ = batches.send(Err(error.into())).await;
                        return;
                    }
                };
                let full = batch.len() as i64 == EXPORT_BATCH;
                filter.before_id = batch.last().map(|row| row.id);
                if batches.send(Ok(batch)).await.is_err() || !full {
                    return;
                }
            }
        });
        Ok(receiver)
    }
}
