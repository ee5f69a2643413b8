//! The email outbox's SQL: the [`outbox_storage!`](crate::outbox_storage) implementation of
//! `OutboxStorage`.

use resettle_domain::ids::MessageId;
use resettle_domain::mail::OutgoingEmail;
use resettle_domain::org::Email;
use resettle_storage::{QueuedEmail, StorageError, StorageResult};
use uuid::Uuid;

/// `outbox`, the columns a sender needs.
#[derive(sqlx::FromRow)]
pub struct OutboxRow {
    id: Uuid,
    to_address: String,
    subject: String,
    body: String,
    dedupe_key: Option<String>,
    attempts: i32,
}

impl OutboxRow {
    /// To the application's type.
    pub fn into_queued(self) -> StorageResult<QueuedEmail> {
        let to = Email::parse(&self.to_address)
            .map_err(|_| StorageError::Database("stored outbox address is not valid".into()))?;
        Ok(QueuedEmail {
            id: MessageId(self.id),
            email: OutgoingEmail { to, subject: self.subject, body: self.body, dedupe_key: self.dedupe_key },
            attempts: u32::try_from(self.attempts).unwrap_or(0),
        })
    }
}

/// Implements `OutboxStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`), with
/// the shared SQL reached by name ([`Sql`](crate::Sql), [`scope`](crate::scope)); invoked by
/// each storage crate.
#[macro_export]
macro_rules! outbox_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            use resettle_domain::ids::MessageId;
            use resettle_domain::mail::{EmailPreference, OutgoingEmail};

            use $crate::outbox::OutboxRow;

            #[$crate::async_trait::async_trait]
            impl OutboxStorage for $store {
                async fn queue_emails(&self, emails: &[OutgoingEmail], at: jiff::Timestamp) -> StorageResult<u64> {
                    if emails.is_empty() {
                        return Ok(0);
                    }
                    let mut queued = 0;
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    for chunk in emails.chunks(MAX_BINDS / 8) {
                        let mut qb = Qb::new(
                            "INSERT INTO outbox (id, dedupe_key, to_address, subject, body, created_at, attempts, next_attempt_at) ",
                        );
                        qb.push_values(chunk, |mut r, m| {
                            r.push_bind(MessageId::random().0)
                                .push_bind(&m.dedupe_key)
                                .push_bind(m.to.as_str())
                                .push_bind(&m.subject)
                                .push_bind(&m.body)
                                .push_bind(ts(at))
                                .push_bind(0_i32)
                                .push_bind(ts(at));
                        });
                        qb.push(" ON CONFLICT (dedupe_key) DO NOTHING");
                        queued += qb.build().execute(&mut *tx).await.map_err(db_error)?.rows_affected();
                    }
                    Sql::commit_change(tx).await?;
                    Ok(queued)
                }

                async fn take_due_emails(
                    &self,
                    now: jiff::Timestamp,
                    hold_until: jiff::Timestamp,
                    limit: u32,
                ) -> StorageResult<Vec<QueuedEmail>> {
                    let due: Vec<(uuid::Uuid,)> = sqlx::query_as(
                        "SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                         AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY next_attempt_at, created_at LIMIT $2",
                    )
                    .bind(ts(now))
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    // Each message is taken by a conditional update of its own row: when two senders
                    // race, the second finds the hold already set and skips the message.
                    let mut taken = Vec::with_capacity(due.len());
                    for (id,) in due {
                        let row = sqlx::query_as::<_, OutboxRow>(
                            "UPDATE outbox SET claimed_until = $2 WHERE id = $1 AND sent_at IS NULL \
                             AND (claimed_until IS NULL OR claimed_until <= $3) \
                             RETURNING id, to_address, subject, body, dedupe_key, attempts",
                        )
                        .bind(id)
                        .bind(ts(hold_until))
                        .bind(ts(now))
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                        if let Some(row) = row {
                            taken.push(row.into_queued()?);
                        }
                    }
                    Ok(taken)
                }

                async fn email_sent(&self, id: MessageId, at: jiff::Timestamp) -> StorageResult<()> {
                    sqlx::query("UPDATE outbox SET sent_at = $2, claimed_until = NULL, last_error = NULL WHERE id = $1")
                        .bind(id.0)
                        .bind(ts(at))
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn email_failed(&self, id: MessageId, error: &str, retry_at: jiff::Timestamp) -> StorageResult<()> {
                    sqlx::query(
                        "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL \
                         WHERE id = $1 AND sent_at IS NULL",
                    )
                    .bind(id.0)
                    .bind(error)
                    .bind(ts(retry_at))
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn outbox_counts(&self) -> StorageResult<OutboxCounts> {
                    let (waiting, retrying, sent): (i64, i64, i64) = sqlx::query_as(
                        "SELECT \
                         COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts = 0 THEN 1 ELSE 0 END), 0), \
                         COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts > 0 THEN 1 ELSE 0 END), 0), \
                         COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0) FROM outbox",
                    )
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let n = |v: i64| u64::try_from(v).unwrap_or(0);
                    Ok(OutboxCounts { waiting: n(waiting), retrying: n(retrying), sent: n(sent) })
                }

                async fn email_preference(&self, user: UserId) -> StorageResult<EmailPreference> {
                    let (p,): (String,) = sqlx::query_as("SELECT email_preference FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_error)?;
                    p.parse().map_err(StorageError::Database)
                }

                async fn set_email_preference(&self, user: UserId, preference: EmailPreference) -> StorageResult<()> {
                    let done = sqlx::query("UPDATE users SET email_preference = $2 WHERE id = $1")
                        .bind(user.0)
                        .bind(preference.as_str())
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 1 { Ok(()) } else { Err(StorageError::NotFound) }
                }

                async fn digest_counts(&self, from: jiff::Timestamp, to: jiff::Timestamp) -> StorageResult<Vec<DigestLine>> {
                    let rows: Vec<(uuid::Uuid, String, String, i64)> = sqlx::query_as(
                        "SELECT u.id, u.email, n.kind, COUNT(*) FROM users u JOIN notifications n ON n.user_id = u.id \
                         WHERE u.email_preference = 'daily_digest' AND u.active = $3 AND n.created_at >= $1 AND n.created_at < $2 \
                         GROUP BY u.id, u.email, n.kind ORDER BY u.id, n.kind",
                    )
                    .bind(ts(from))
                    .bind(ts(to))
                    .bind(true)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, email, kind, count)| DigestLine { user_id: UserId(id), email, kind, count })
                        .collect())
                }
            }
        };
    };
}
