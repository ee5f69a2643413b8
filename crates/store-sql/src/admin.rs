//! Administration's SQL: finding people page by page, correcting them, ending a leaver's access
//! in one transaction, and renaming and closing organisations. The
//! [`admin_storage!`](crate::admin_storage) implementation of `AdminStorage`, expanded inside
//! [`impl_storage!`](crate::impl_storage) so that each write commits with its audit entries.

use crate::rows::{DbTimestamp, UserRow};

/// `users` with when the person was deactivated.
#[derive(sqlx::FromRow)]
pub struct AccountRow {
    /// The person.
    #[sqlx(flatten)]
    pub user: UserRow,
    /// When they were deactivated.
    pub deactivated_at: Option<DbTimestamp>,
}

/// The columns of [`AccountRow`], over `users u`.
pub const ACCOUNT_COLUMNS: &str = "u.id, u.email, u.name, u.phone, u.active, u.password_hash, u.deactivated_at";

/// A `LIKE` pattern matching `text` anywhere, lower-cased, with `\` escaping the wildcards.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Implements `resettle_storage::AdminStorage` for `$store`; expanded inside `impl_storage!`.
#[macro_export]
macro_rules! admin_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            use resettle_domain::audit::AuditEntry;
            use resettle_domain::org::{Email, Membership, OrgCode, Organisation, User};
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;
        /// `WHERE` for a search of people, over `users u`.
        fn push_user_search<'a>(qb: &mut Qb<'a>, q: &'a resettle_storage::UserSearch) {
            qb.push(" WHERE 1 = 1");
            if let Some(text) = q.text.as_deref().filter(|t| !t.trim().is_empty()) {
                let pattern = $crate::admin::contains_pattern(text);
                qb.push(" AND (LOWER(u.name) LIKE ");
                qb.push_bind(pattern.clone());
                qb.push(" ESCAPE '\\' OR u.email LIKE ");
                qb.push_bind(pattern);
                qb.push(" ESCAPE '\\')");
            }
            if let Some(org) = q.organisation {
                qb.push(" AND u.id IN (SELECT m.user_id FROM memberships m WHERE m.organisation_id = ");
                qb.push_bind(org.0);
                qb.push(")");
            }
        }

        /// The people of `rows` with their memberships.
        async fn accounts_of(
            pool: &sqlx::Pool<$db>,
            rows: Vec<$crate::admin::AccountRow>,
        ) -> StorageResult<Vec<resettle_storage::AccountLine>> {
            let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.user.id).collect();
            let mut memberships = Sql::load_memberships(pool, &ids).await?;
            rows.into_iter()
                .map(|r| {
                    let (mine, rest): (Vec<_>, Vec<_>) =
                        std::mem::take(&mut memberships).into_iter().partition(|m| m.user_id == r.user.id);
                    memberships = rest;
                    Ok(resettle_storage::AccountLine {
                        record: r.user.into_domain(mine)?,
                        deactivated_at: r.deactivated_at.map(|t| t.0),
                    })
                })
                .collect()
        }

        #[$crate::async_trait::async_trait]
        impl resettle_storage::AdminStorage for $store {
            async fn find_users(
                &self,
                q: &resettle_storage::UserSearch,
            ) -> StorageResult<Page<resettle_storage::AccountLine>> {
                let per_page = q.per_page.clamp(1, 200);
                let page = q.page.max(1);
                let mut count = Qb::new("SELECT COUNT(*) FROM users u");
                push_user_search(&mut count, q);
                let total: i64 = count.build_query_scalar::<i64>().fetch_one(&self.pool).await.map_err(db_error)?;
                let mut qb = Qb::new(format!("SELECT {} FROM users u", $crate::admin::ACCOUNT_COLUMNS));
                push_user_search(&mut qb, q);
                qb.push(" ORDER BY u.name, u.email LIMIT ");
                qb.push_bind(i64::from(per_page));
                qb.push(" OFFSET ");
                qb.push_bind(i64::from(page - 1) * i64::from(per_page));
                let rows = qb
                    .build_query_as::<$crate::admin::AccountRow>()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                Ok(Page {
                    items: accounts_of(&self.pool, rows).await?,
                    total: u64::try_from(total).unwrap_or(0),
                    page,
                    per_page,
                })
            }

            async fn account(&self, user: UserId) -> StorageResult<Option<resettle_storage::AccountLine>> {
                let row = sqlx::query_as::<_, $crate::admin::AccountRow>(&format!(
                    "SELECT {} FROM users u WHERE u.id = $1",
                    $crate::admin::ACCOUNT_COLUMNS
                ))
                .bind(user.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
                Ok(accounts_of(&self.pool, row.into_iter().collect()).await?.pop())
            }

            async fn update_user_details(
                &self,
                user: UserId,
                name: &str,
                phone: Option<&str>,
                audit: &[AuditEvent],
            ) -> StorageResult<()> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let done = sqlx::query("UPDATE users SET name = $1, phone = $2 WHERE id = $3")
                    .bind(name)
                    .bind(phone)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
            }

            async fn delete_membership(
                &self,
                user: UserId,
                membership: resettle_domain::ids::MembershipId,
                audit: &[AuditEvent],
            ) -> StorageResult<()> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let done = sqlx::query("DELETE FROM memberships WHERE id = $1 AND user_id = $2")
                    .bind(membership.0)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
            }

            async fn deactivate_user(
                &self,
                user: UserId,
                at: jiff::Timestamp,
                audit: &[AuditEvent],
            ) -> StorageResult<resettle_storage::EndedAccess> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let done = sqlx::query("UPDATE users SET active = $1, deactivated_at = $2, password_hash = NULL WHERE id = $3 AND active = $4")
                    .bind(false)
                    .bind(ts(at))
                    .bind(user.0)
                    .bind(true)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?
                    .rows_affected();
                let tokens = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(ts(at))
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?
                    .rows_affected();
                for table in ["password_links", "enrolment_codes"] {
                    sqlx::query(&format!("UPDATE {table} SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL"))
                        .bind(ts(at))
                        .bind(user.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                }
                Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await?;
                Ok(resettle_storage::EndedAccess { sessions, tokens })
            }

            async fn reactivate_user(&self, user: UserId, audit: &[AuditEvent]) -> StorageResult<()> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let done = sqlx::query("UPDATE users SET active = $1, deactivated_at = NULL WHERE id = $2 AND active = $3")
                    .bind(true)
                    .bind(user.0)
                    .bind(false)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
            }

            async fn rename_organisation(&self, org: OrgId, name: &str, audit: &[AuditEvent]) -> StorageResult<()> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let done = sqlx::query("UPDATE organisations SET name = $1 WHERE id = $2")
                    .bind(name)
                    .bind(org.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
            }

            async fn close_organisation(
                &self,
                org: OrgId,
                at: jiff::Timestamp,
                audit: &[AuditEvent],
            ) -> StorageResult<()> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let done = sqlx::query("UPDATE organisations SET closed_at = $1 WHERE id = $2 AND closed_at IS NULL")
                    .bind(ts(at))
                    .bind(org.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
            }

            async fn reopen_organisation(&self, org: OrgId, audit: &[AuditEvent]) -> StorageResult<()> {
                let mut tx = self.pool.begin().await.map_err(db_error)?;
                let done = sqlx::query("UPDATE organisations SET closed_at = NULL WHERE id = $1 AND closed_at IS NOT NULL")
                    .bind(org.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                if done.rows_affected() == 0 {
                    return Err(StorageError::NotFound);
                }
                Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
            }

            async fn closed_organisations(&self) -> StorageResult<Vec<(OrgId, jiff::Timestamp)>> {
                let rows: Vec<(uuid::Uuid, DbTimestamp)> =
                    sqlx::query_as("SELECT id, closed_at FROM organisations WHERE closed_at IS NOT NULL")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                Ok(rows.into_iter().map(|(id, at)| (OrgId(id), at.0)).collect())
            }
        }
        };
    };
}
