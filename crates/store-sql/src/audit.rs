//! The audit trail and the timeline: the timeline's insert (one column list, shared by the
//! single-row write and the synthetic loader), and the [`audit_storage!`](crate::audit_storage)
//! implementation of `AuditStorage`. Appending to the chain inside a change's transaction is
//! [`Sql::append_audit`](crate::Sql) (in `tx.rs`).

use resettle_domain::timeline::TimelineEntry;
use sqlx::QueryBuilder;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::ts;

/// An audit entry's columns over `audit_log l LEFT JOIN audit_details d`, in
/// [`AuditRow`](crate::rows::AuditRow)'s order (a keyed entry's free text is kept apart, in
/// `audit_details`, so that it can be erased without breaking the chain).
pub const AUDIT_SELECT: &str = "SELECT l.seq, l.at, l.user_id, l.membership_id, l.action, l.resource, l.child_id, \
    COALESCE(d.purpose, l.purpose) AS purpose, l.request_id, COALESCE(d.ip, l.ip) AS ip, \
    l.prev_hash, l.hash, l.keyed, l.purpose_digest, l.ip_digest, \
    (l.keyed AND d.seq IS NULL) AS details_erased \
    FROM audit_log l LEFT JOIN audit_details d ON d.seq = l.seq";

/// The timeline's insert.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_timeline_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [TimelineEntry]) {
        qb.push("INSERT INTO timeline_entries (id, child_id, at, actor_id, actor_name, kind, summary, reason) ");
        qb.push_values(rows, |mut r, e| {
            r.bind(e.id.0)
                .bind(e.child_id.0)
                .bind(ts(e.at))
                .bind(e.actor_id.map(|a| a.0))
                .bind(&e.actor_name)
                .bind(&e.kind)
                .bind(&e.summary)
                .bind(&e.reason);
        });
    }
}

/// Implements `resettle_storage::AuditStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`
/// and `audit_key`), with the shared helpers reached through [`Sql`](crate::Sql).
#[macro_export]
macro_rules! audit_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use resettle_domain::audit::AuditEntry;
            use $crate::audit::AUDIT_SELECT;
            use $crate::prelude::*;

            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            #[$crate::async_trait::async_trait]
            impl AuditStorage for $store {
                async fn append_audit(&self, events: &[AuditEvent]) -> StorageResult<()> {
                    if events.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    Sql::append_audit(&mut tx, events, self.audit_key.as_ref()).await?;
                    tx.commit().await.map_err(db_error)
                }

                async fn audit_head(&self) -> StorageResult<(i64, String)> {
                    sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_error)
                }

                async fn audit_entries(&self, after_seq: i64, limit: u32) -> StorageResult<Vec<AuditEntry>> {
                    let rows = sqlx::query_as::<_, AuditRow>(&format!(
                        "{AUDIT_SELECT} WHERE l.seq > $1 ORDER BY l.seq LIMIT $2"
                    ))
                    .bind(after_seq)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(AuditRow::into_domain).collect())
                }

                async fn child_audit(&self, child: ChildId, limit: u32) -> StorageResult<Vec<AuditEntry>> {
                    let rows = sqlx::query_as::<_, AuditRow>(&format!(
                        "{AUDIT_SELECT} WHERE l.child_id = $1 ORDER BY l.seq DESC LIMIT $2"
                    ))
                    .bind(child.0)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(AuditRow::into_domain).collect())
                }

                async fn timeline(&self, child: ChildId, limit: u32) -> StorageResult<Vec<TimelineEntry>> {
                    let rows = sqlx::query_as::<_, TimelineRow>(
                        "SELECT id, child_id, at, actor_id, actor_name, kind, summary, reason FROM timeline_entries \
                         WHERE child_id = $1 ORDER BY at DESC, id LIMIT $2",
                    )
                    .bind(child.0)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(TimelineRow::into_domain).collect())
                }
            }
        };
    };
}
