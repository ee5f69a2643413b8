//! Retention: which records have been kept as long as the schedule says, for the operator to
//! review, and their erasure. Listing them names no one (children by identifier only) and is
//! itself audited; each erasure is audited and leaves a tombstone.

use jiff::civil::Date;
use resettle_domain::audit::AuditEvent;
use resettle_domain::retention::{Due, Erasure, due, erasures};
use resettle_storage::ErasureOrder;

use crate::{App, AppResult, Principal};

impl App {
    /// The records due on `today` under `[retention]`: each child's youth justice and health
    /// records kept until a day before it, oldest first. Audited as the operator's.
    pub async fn retention_report(&self, today: Date) -> AppResult<Vec<Due>> {
        let dates = self.store.retention_dates().await?;
        let list = due(&dates, &self.config.retention, today);
        let what = format!("listed the records due for retention review on {today}: {}", list.len());
        self.audit_admin(Principal::Operator, "retention.report", &what).await?;
        Ok(list)
    }

    /// What [`App::retention_apply`] would erase on `today`: one erasure per child (a youth
    /// justice record due takes the health record with it). Audited as a report.
    pub async fn retention_erasures(&self, today: Date) -> AppResult<Vec<Due>> {
        Ok(erasures(&self.retention_report(today).await?))
    }

    /// Erases the records due on `today`, as the operator, one child at a time: each child's
    /// erasure is one transaction with its tombstone and audit entry, so a failure leaves that
    /// child's record whole (and the ones before it erased). `done` is told of each erasure
    /// as it commits.
    pub async fn retention_apply(&self, today: Date, mut done: impl FnMut(&Erasure) + Send) -> AppResult<Vec<Erasure>> {
        let mut out = Vec::new();
        for due in self.retention_erasures(today).await? {
            let audit = AuditEvent {
                at: self.now(),
                user_id: None,
                membership_id: None,
                action: "write",
                resource: "retention.erase",
                child_id: Some(due.child_id),
                purpose: format!(
                    "retention: erased the {} kept until {} ({})",
                    due.class.label().to_lowercase(),
                    due.keep_until,
                    due.rule
                ),
                request_id: "operator".to_string(),
                ip: None,
            };
            let erased = self.store.erase(&ErasureOrder { due, erased_at: self.now(), audit }).await?;
            done(&erased);
            out.push(erased);
        }
        Ok(out)
    }
}
