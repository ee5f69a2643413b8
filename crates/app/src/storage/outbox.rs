//! What the email outbox needs from a database.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;

use resettle_domain::ids::MessageId;
use resettle_domain::mail::OutgoingEmail;

use super::StorageResult;

/// A message in the outbox, as a sender sees it.
#[derive(Clone, Debug)]
pub struct QueuedEmail {
    /// The message's id (also its `Message-ID`, so a receiver can drop a repeat).
    pub id: MessageId,
    /// What to send.
    pub email: OutgoingEmail,
    /// Failed attempts so far.
    pub attempts: u32,
}

/// How the outbox stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    /// Not yet accepted by the relay and never tried.
    pub waiting: u64,
    /// Not yet accepted, tried at least once: waiting for a retry.
    pub retrying: u64,
    /// Accepted by the relay.
    pub sent: u64,
}

/// The email outbox.
#[async_trait]
pub trait OutboxStorage {
    /// Queues messages; one whose `dedupe_key` is already in the outbox is skipped. The number
    /// queued.
    async fn queue_emails(&self, emails: &[OutgoingEmail], at: Timestamp) -> StorageResult<u64>;

    /// Takes up to `limit` messages that are due (`next attempt <= now`) and not held by
    /// another sender, holding them until `hold_until`. Two senders never take the same
    /// message while it is held.
    async fn take_due_emails(
        &self,
        now: Timestamp,
        hold_until: Timestamp,
        limit: u32,
    ) -> StorageResult<Vec<QueuedEmail>>;

    /// The relay accepted the message.
    async fn email_sent(&self, id: MessageId, at: Timestamp) -> StorageResult<()>;

    /// Sending failed: count the attempt, keep the error, try again at `retry_at`.
    async fn email_failed(&self, id: MessageId, error: &str, retry_at: Timestamp) -> StorageResult<()>;

    /// How the outbox stands.
    async fn outbox_counts(&self) -> StorageResult<OutboxCounts>;
}
