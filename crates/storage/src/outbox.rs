//! What the email outbox needs from a database.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;

use resettle_domain::ids::{MessageId, UserId};
use resettle_domain::mail::{EmailPreference, OutgoingEmail};

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

    /// How `user` wants notifications by email.
    async fn email_preference(&self, user: UserId) -> StorageResult<EmailPreference>;

    /// Sets how `user` wants notifications by email.
    async fn set_email_preference(&self, user: UserId, preference: EmailPreference) -> StorageResult<()>;

    /// For each person who asked for a daily digest, their address and how many notifications
    /// of each kind were written in `[from, to)`.
    async fn digest_counts(&self, from: Timestamp, to: Timestamp) -> StorageResult<Vec<DigestLine>>;
}

/// One person's count of one kind of notification, for the daily digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestLine {
    /// The person.
    pub user_id: UserId,
    /// Their address.
    pub email: String,
    /// The notification kind.
    pub kind: String,
    /// How many.
    pub count: i64,
}
