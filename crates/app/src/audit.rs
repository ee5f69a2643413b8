//! Writing and verifying the audit trail.

use resettle_domain::audit::{AuditEvent, ChainBreak, ChainVerifier};
use resettle_domain::ids::ChildId;

use crate::{App, AppError, AppResult, Ctx};

/// Why people open children's records in the normal course of work.
pub const PURPOSE_CASE_MANAGEMENT: &str = "case management";

/// How many entries `verify_audit` reads at a time.
const VERIFY_BATCH: u32 = 5_000;

impl App {
    /// Records that `ctx`'s actor did `action` (`read` or `write`) to `resource` of `child`.
    /// A read whose audit entry cannot be written fails: no unaudited access.
    pub async fn audit(
        &self,
        ctx: &Ctx,
        action: &'static str,
        resource: &'static str,
        child: Option<ChildId>,
    ) -> AppResult<()> {
        let membership_id = ctx.actor.memberships.iter().find(|m| m.role.works_with_children()).map(|m| m.id);
        let event = AuditEvent {
            at: self.now(),
            user_id: Some(ctx.actor.user_id),
            membership_id,
            action,
            resource,
            child_id: child,
            purpose: PURPOSE_CASE_MANAGEMENT.to_string(),
            request_id: ctx.request_id.clone(),
            ip: ctx.ip.clone(),
        };
        self.store.append_audit(&[event]).await?;
        Ok(())
    }

    /// Checks the whole audit trail; the number of entries when intact, or the first break.
    pub async fn verify_audit(&self) -> AppResult<Result<i64, ChainBreak>> {
        let (head_seq, head_hash) = self.store.audit_head().await?;
        let mut verifier = ChainVerifier::new(head_seq, &head_hash);
        let mut after = 0;
        loop {
            let batch = self.store.audit_entries(after, VERIFY_BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for e in batch {
                if let Err(b) = verifier.push(e) {
                    return Ok(Err(b));
                }
            }
        }
        Ok(verifier.finish())
    }

    /// The newest audit entries about a child ("who has viewed this record").
    pub async fn child_audit(
        &self,
        ctx: &Ctx,
        child: ChildId,
        limit: u32,
    ) -> AppResult<Vec<resettle_domain::audit::AuditEntry>> {
        self.child_in_scope(ctx, child).await?;
        self.store.child_audit(child, limit).await.map_err(AppError::from)
    }
}
