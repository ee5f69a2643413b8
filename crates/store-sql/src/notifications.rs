//! Notifications in groups (one child, one kind), newest group first, and marking a group or
//! all read: the [`notification_storage!`](crate::notification_storage) implementation of
//! `NotificationStorage`, expanded inside [`impl_storage!`](crate::impl_storage).

use crate::health::NotificationRow;

/// The newest notification of a group, with the group's counts and the child's name.
#[derive(sqlx::FromRow)]
pub struct GroupRow {
    /// The newest notification.
    #[sqlx(flatten)]
    pub latest: NotificationRow,
    /// Notifications in the group.
    pub total: i64,
    /// Of them, unread.
    pub unread: i64,
    /// The child's given name (none when not about a child).
    pub given_name: Option<String>,
    /// The child's family name.
    pub family_name: Option<String>,
}

/// Each of a person's notifications (`$1`) ranked within its group (child, kind), newest
/// first, with the group's counts; window functions both databases have.
pub const RANKED: &str = "SELECT n.id, n.user_id, n.child_id, n.kind, n.message, n.link, n.created_at, n.read_at, \
    n.dedupe_key, \
    ROW_NUMBER() OVER (PARTITION BY n.child_id, n.kind ORDER BY n.created_at DESC, n.id DESC) AS rn, \
    COUNT(*) OVER (PARTITION BY n.child_id, n.kind) AS total, \
    SUM(CASE WHEN n.read_at IS NULL THEN 1 ELSE 0 END) OVER (PARTITION BY n.child_id, n.kind) AS unread \
    FROM notifications n WHERE n.user_id = $1";

/// Implements `resettle_storage::NotificationStorage` for `$store`; expanded inside
/// `impl_storage!`.
#[macro_export]
macro_rules! notification_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use resettle_domain::audit::AuditEntry;
            use resettle_domain::org::{Email, Membership, OrgCode, Organisation, User};
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;
            #[$crate::async_trait::async_trait]
            impl resettle_storage::NotificationStorage for $store {
                async fn notification_groups(
                    &self,
                    user: UserId,
                    page: u32,
                    per_page: u32,
                ) -> StorageResult<Page<resettle_storage::NotificationGroup>> {
                    let per_page = per_page.clamp(1, 200);
                    let page = page.max(1);
                    let total: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM (SELECT DISTINCT n.child_id, n.kind FROM notifications n \
                     WHERE n.user_id = $1) g",
                    )
                    .bind(user.0)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let rows = sqlx::query_as::<_, $crate::notifications::GroupRow>(&format!(
                        "SELECT g.id, g.user_id, g.child_id, g.kind, g.message, g.link, g.created_at, g.read_at, \
                     g.dedupe_key, g.total, g.unread, c.given_name, c.family_name FROM ({}) g \
                     LEFT JOIN children c ON c.id = g.child_id WHERE g.rn = 1 \
                     ORDER BY g.created_at DESC, g.id DESC LIMIT $2 OFFSET $3",
                        $crate::notifications::RANKED
                    ))
                    .bind(user.0)
                    .bind(i64::from(per_page))
                    .bind(i64::from(page - 1) * i64::from(per_page))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let items = rows
                        .into_iter()
                        .map(|r| resettle_storage::NotificationGroup {
                            child_name: match (r.given_name, r.family_name) {
                                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                                _ => None,
                            },
                            count: u64::try_from(r.total).unwrap_or(0),
                            unread: u64::try_from(r.unread).unwrap_or(0),
                            latest: r.latest.into_domain(),
                        })
                        .collect();
                    Ok(Page { items, total: u64::try_from(total).unwrap_or(0), page, per_page })
                }

                async fn mark_notifications_read(
                    &self,
                    user: UserId,
                    scope: &resettle_storage::ReadScope,
                    at: jiff::Timestamp,
                ) -> StorageResult<u64> {
                    let mut qb = Qb::new("UPDATE notifications SET read_at = ");
                    qb.push_bind(ts(at));
                    qb.push(" WHERE user_id = ");
                    qb.push_bind(user.0);
                    qb.push(" AND read_at IS NULL");
                    if let resettle_storage::ReadScope::Group { child, kind } = scope {
                        qb.push(" AND kind = ");
                        qb.push_bind(kind.clone());
                        match child {
                            Some(c) => {
                                qb.push(" AND child_id = ");
                                qb.push_bind(c.0);
                            }
                            None => {
                                qb.push(" AND child_id IS NULL");
                            }
                        }
                    }
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let done = qb.build().execute(&mut *tx).await.map_err(db_error)?.rows_affected();
                    Sql::commit_change(tx).await?;
                    Ok(done)
                }
            }
        };
    };
}
