//! The audit trail (a hash chain, appended in the writing transaction) and the timeline each
//! child's record keeps.

use async_trait::async_trait;

use resettle_domain::audit::{AuditEntry, AuditEvent};
use resettle_domain::ids::ChildId;
use resettle_domain::timeline::TimelineEntry;

use crate::StorageResult;

/// The audit trail and the timeline.
#[async_trait]
pub trait AuditStorage: Send + Sync {
    /// Appends events to the audit trail, chaining each to the last, in one transaction
    /// (appends are serialised by the head row, so the chain has no forks).
    async fn append_audit(&self, events: &[AuditEvent]) -> StorageResult<()>;

    /// The number of audit entries written and the last hash.
    async fn audit_head(&self) -> StorageResult<(i64, String)>;

    /// Up to `limit` audit entries after `after_seq`, in order.
    async fn audit_entries(&self, after_seq: i64, limit: u32) -> StorageResult<Vec<AuditEntry>>;

    /// The newest audit entries about a child, newest first.
    async fn child_audit(&self, child: ChildId, limit: u32) -> StorageResult<Vec<AuditEntry>>;

    /// A child's timeline, newest first.
    async fn timeline(&self, child: ChildId, limit: u32) -> StorageResult<Vec<TimelineEntry>>;
}
