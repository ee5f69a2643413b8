//! What erasure under the retention schedule needs from a database: one privileged path that
//! removes a child's record (or only its health part) in one transaction, leaves a tombstone,
//! and erases the free text of the child's audit entries while the chain stays verifiable.

use async_trait::async_trait;
use jiff::Timestamp;
use resettle_domain::audit::AuditEvent;
use resettle_domain::retention::{Due, Erasure};

use super::StorageResult;

/// One erasure to make: the record due, when, and the audit entry that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErasureOrder {
    /// The record due (child, class, last day kept, rule).
    pub due: Due,
    /// When it is erased.
    pub erased_at: Timestamp,
    /// The erasure's own audit entry, appended in its transaction (its text is kept).
    pub audit: AuditEvent,
}

/// Erasure's storage.
#[async_trait]
pub trait RetentionStorage: Send + Sync {
    /// Erases one record, all or nothing, in one transaction: for a youth justice record the
    /// child and every row hanging off the child (health included), and the purpose and
    /// address of the child's audit entries (the entries themselves stay, and the chain still
    /// verifies); for a health record only the health rows and the timeline's health entries.
    /// Writes the tombstone and the audit entry in the same transaction. This is the only
    /// path the database's protections allow to remove a child or audit details.
    async fn erase(&self, order: &ErasureOrder) -> StorageResult<Erasure>;
    /// Every tombstone, oldest first.
    async fn erasures(&self) -> StorageResult<Vec<Erasure>>;
}
