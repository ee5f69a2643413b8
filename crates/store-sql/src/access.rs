//! Access: organisations, users and memberships (one column list a table, shared by the
//! single-row writes and the synthetic loader), and the
//! [`access_storage!`](crate::access_storage) implementation of `AccessStorage` (sign-in,
//! sessions, second factors, API tokens and break-glass grants).

use resettle_domain::org::{Membership, Organisation};
use resettle_storage::UserRecord;
use sqlx::QueryBuilder;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::ts;

/// A break-glass grant with the user's and child's names, over `break_glass_grants g`.
pub const GRANT_LINE_SELECT: &str = "SELECT g.id, g.user_id, g.child_id, g.reason, g.granted_at, g.expires_at, \
    u.name AS user_name, u.email AS user_email, c.given_name, c.family_name, y.name AS yjs_name \
    FROM break_glass_grants g JOIN users u ON u.id = g.user_id JOIN children c ON c.id = g.child_id \
    JOIN organisations y ON y.id = c.yjs_id";

/// The inserts of organisations, users and memberships.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts organisations, created at `at`.
    pub fn push_organisations_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Organisation], at: jiff::Timestamp) {
        qb.push("INSERT INTO organisations (id, code, name, kind, created_at) ");
        qb.push_values(rows, |mut r, o| {
            r.bind(o.id.0).bind(o.code.as_str()).bind(&o.name).bind(o.kind.as_str()).bind(ts(at));
        });
    }

    /// Inserts users (without their memberships), created at `at`.
    pub fn push_users_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [UserRecord], at: jiff::Timestamp) {
        qb.push("INSERT INTO users (id, email, name, phone, active, password_hash, created_at) ");
        qb.push_values(rows, |mut r, u| {
            r.bind(u.user.id.0)
                .bind(u.user.email.as_str())
                .bind(&u.user.name)
                .bind(&u.user.phone)
                .bind(u.user.active)
                .bind(&u.password_hash)
                .bind(ts(at));
        });
    }

    /// Inserts memberships.
    pub fn push_memberships_insert(qb: &mut QueryBuilder<'a, DB>, rows: impl IntoIterator<Item = &'a Membership>) {
        qb.push("INSERT INTO memberships (id, user_id, organisation_id, role) ");
        qb.push_values(rows, |mut r, m| {
            r.bind(m.id.0).bind(m.user_id.0).bind(m.organisation_id.0).bind(m.role.as_str());
        });
    }
}

/// Implements `resettle_storage::AccessStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`
/// and `audit_key`), with the shared helpers reached through [`Sql`](crate::Sql).
#[macro_export]
macro_rules! access_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            use $crate::access::GRANT_LINE_SELECT;
            use resettle_domain::org::{Email, Membership, OrgCode, Organisation, User};

            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            #[$crate::async_trait::async_trait]
            impl AccessStorage for $store {
                async fn sign_in_failures(
                    &self,
                    keys: &[String],
                    since: jiff::Timestamp,
                ) -> StorageResult<Vec<(String, jiff::Timestamp)>> {
                    if keys.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = Qb::new("SELECT key_hash, failed_at FROM sign_in_failures WHERE failed_at >= ");
                    qb.push_bind(ts(since));
                    qb.push(" AND key_hash IN (");
                    let mut sep = qb.separated(", ");
                    for k in keys {
                        sep.push_bind(k.as_str());
                    }
                    sep.push_unseparated(") ORDER BY failed_at");
                    let rows: Vec<(String, DbTimestamp)> =
                        qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                    Ok(rows.into_iter().map(|(k, t)| (k, t.0)).collect())
                }

                async fn record_sign_in_failure(
                    &self,
                    keys: &[String],
                    at: jiff::Timestamp,
                    forget_before: jiff::Timestamp,
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    sqlx::query("DELETE FROM sign_in_failures WHERE failed_at < $1")
                        .bind(ts(forget_before))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    for k in keys {
                        sqlx::query("INSERT INTO sign_in_failures (key_hash, failed_at) VALUES ($1, $2)")
                            .bind(k.as_str())
                            .bind(ts(at))
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                    // Not a change to the record: no read cache holds failures.
                    tx.commit().await.map_err(db_error)
                }

                async fn clear_sign_in_failures(&self, key: &str) -> StorageResult<()> {
                    sqlx::query("DELETE FROM sign_in_failures WHERE key_hash = $1")
                        .bind(key)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn insert_organisation(&self, org: &Organisation, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    Sql::push_organisations_insert(&mut qb, std::slice::from_ref(org), jiff::Timestamp::now());
                    qb.build()
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_error("code", "An organisation already has that code"))?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn organisation(&self, id: OrgId) -> StorageResult<Option<Organisation>> {
                    let row = sqlx::query_as::<_, OrgRow>("SELECT id, code, name, kind FROM organisations WHERE id = $1")
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    row.map(OrgRow::into_domain).transpose()
                }

                async fn organisation_by_code(&self, code: &OrgCode) -> StorageResult<Option<Organisation>> {
                    let row = sqlx::query_as::<_, OrgRow>("SELECT id, code, name, kind FROM organisations WHERE code = $1")
                        .bind(code.as_str())
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    row.map(OrgRow::into_domain).transpose()
                }

                async fn organisations(&self) -> StorageResult<Vec<Organisation>> {
                    let rows = sqlx::query_as::<_, OrgRow>("SELECT id, code, name, kind FROM organisations ORDER BY name, code")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.into_iter().map(OrgRow::into_domain).collect()
                }

                async fn insert_user(&self, u: &UserRecord, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    Sql::push_users_insert(&mut qb, std::slice::from_ref(u), jiff::Timestamp::now());
                    qb.build()
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_error("email", "A user already has that email address"))?;
                    if !u.memberships.is_empty() {
                        let mut qb = Qb::new("");
                        Sql::push_memberships_insert(&mut qb, &u.memberships);
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn insert_membership(&self, m: &Membership, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    Sql::push_memberships_insert(&mut qb, std::slice::from_ref(m));
                    qb.build()
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_error("role", "The user already has that role in that organisation"))?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn user_by_email(&self, email: &Email) -> StorageResult<Option<UserRecord>> {
                    let row = sqlx::query_as::<_, UserRow>(
                        "SELECT id, email, name, phone, active, password_hash FROM users WHERE email = $1",
                    )
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    match row {
                        None => Ok(None),
                        Some(r) => {
                            let ms = Sql::load_memberships(&self.pool, &[r.id]).await?;
                            r.into_domain(ms).map(Some)
                        }
                    }
                }

                async fn user(&self, id: UserId) -> StorageResult<Option<UserRecord>> {
                    let row = sqlx::query_as::<_, UserRow>(
                        "SELECT id, email, name, phone, active, password_hash FROM users WHERE id = $1",
                    )
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    match row {
                        None => Ok(None),
                        Some(r) => {
                            let ms = Sql::load_memberships(&self.pool, &[r.id]).await?;
                            r.into_domain(ms).map(Some)
                        }
                    }
                }

                async fn users(&self) -> StorageResult<Vec<UserRecord>> {
                    let rows = sqlx::query_as::<_, UserRow>(
                        "SELECT id, email, name, phone, active, password_hash FROM users ORDER BY name, email",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let ids: Vec<uuid::Uuid> = rows.iter().map(|r| r.id).collect();
                    let mut ms = Sql::load_memberships(&self.pool, &ids).await?;
                    rows.into_iter()
                        .map(|r| {
                            let mine: Vec<MembershipRow> = {
                                let (m, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut ms).into_iter().partition(|m| m.user_id == r.id);
                                ms = rest;
                                m
                            };
                            r.into_domain(mine)
                        })
                        .collect()
                }

                async fn users_in_organisation(&self, org: OrgId) -> StorageResult<Vec<User>> {
                    let rows = sqlx::query_as::<_, UserRow>(
                        "SELECT DISTINCT u.id, u.email, u.name, u.phone, u.active, u.password_hash FROM users u \
                         JOIN memberships m ON m.user_id = u.id WHERE m.organisation_id = $1 AND u.active = $2 ORDER BY u.name",
                    )
                    .bind(org.0)
                    .bind(true)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(|r| r.into_domain(Vec::new()).map(|u| u.user)).collect()
                }

                async fn insert_session(&self, s: &SessionRecord) -> StorageResult<()> {
                    sqlx::query(
                        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent, pending) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(&s.id_hash)
                    .bind(s.user_id.0)
                    .bind(&s.csrf_token)
                    .bind(ts(s.created_at))
                    .bind(ts(s.last_seen_at))
                    .bind(ts(s.expires_at))
                    .bind(&s.ip)
                    .bind(&s.user_agent)
                    .bind(s.pending.map(PendingStep::as_str))
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn session(&self, id_hash: &str) -> StorageResult<Option<SessionRecord>> {
                    let row = sqlx::query_as::<_, SessionRow>(
                        "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent, pending \
                         FROM sessions WHERE id_hash = $1",
                    )
                    .bind(id_hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(SessionRow::into_domain))
                }

                async fn touch_session(&self, id_hash: &str, at: jiff::Timestamp) -> StorageResult<()> {
                    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
                        .bind(id_hash)
                        .bind(ts(at))
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn delete_session(&self, id_hash: &str) -> StorageResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                        .bind(id_hash)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(())
                }

                async fn sessions_of(&self, user: UserId) -> StorageResult<Vec<SessionRecord>> {
                    let rows = sqlx::query_as::<_, SessionRow>(
                        "SELECT id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent, pending \
                         FROM sessions WHERE user_id = $1 ORDER BY created_at DESC",
                    )
                    .bind(user.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(SessionRow::into_domain).collect())
                }

                async fn delete_sessions_of(&self, user: UserId, keep: Option<&str>) -> StorageResult<u64> {
                    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                        .bind(user.0)
                        .bind(keep.unwrap_or(""))
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected())
                }

                async fn set_password_hash(&self, user: UserId, hash: &str) -> StorageResult<()> {
                    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                        .bind(hash)
                        .bind(user.0)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StorageError::NotFound);
                    }
                    Sql::count_change(&self.pool).await?;
                    Ok(())
                }

                async fn insert_password_link(
                    &self,
                    token_hash: &str,
                    user: UserId,
                    created_at: jiff::Timestamp,
                    expires_at: jiff::Timestamp,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    sqlx::query(
                        "INSERT INTO password_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(token_hash)
                    .bind(user.0)
                    .bind(ts(created_at))
                    .bind(ts(expires_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn password_link_user(&self, token_hash: &str, now: jiff::Timestamp) -> StorageResult<Option<UserId>> {
                    let id: Option<uuid::Uuid> = sqlx::query_scalar(
                        "SELECT user_id FROM password_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
                    )
                    .bind(token_hash)
                    .bind(ts(now))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(id.map(UserId))
                }

                async fn use_password_link(
                    &self,
                    token_hash: &str,
                    now: jiff::Timestamp,
                    password_hash: &str,
                ) -> StorageResult<UserId> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let user: Option<uuid::Uuid> = sqlx::query_scalar(
                        "UPDATE password_links SET used_at = $1 \
                         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
                    )
                    .bind(ts(now))
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    let Some(user) = user else {
                        return Err(StorageError::NotFound);
                    };
                    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                        .bind(password_hash)
                        .bind(user)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    Sql::commit_change(tx).await?;
                    Ok(UserId(user))
                }

                async fn insert_enrolment_code(
                    &self,
                    code_hash: &str,
                    user: UserId,
                    created_at: jiff::Timestamp,
                    expires_at: jiff::Timestamp,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    sqlx::query(
                        "INSERT INTO enrolment_codes (code_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(code_hash)
                    .bind(user.0)
                    .bind(ts(created_at))
                    .bind(ts(expires_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn use_enrolment_code(&self, code_hash: &str, user: UserId, now: jiff::Timestamp) -> StorageResult<bool> {
                    let done = sqlx::query(
                        "UPDATE enrolment_codes SET used_at = $1 \
                         WHERE code_hash = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1",
                    )
                    .bind(ts(now))
                    .bind(code_hash)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn enrolment_code_valid(&self, code_hash: &str, user: UserId, now: jiff::Timestamp) -> StorageResult<bool> {
                    let found: Option<uuid::Uuid> = sqlx::query_scalar(
                        "SELECT user_id FROM enrolment_codes \
                         WHERE code_hash = $1 AND user_id = $2 AND used_at IS NULL AND expires_at > $3",
                    )
                    .bind(code_hash)
                    .bind(user.0)
                    .bind(ts(now))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(found.is_some())
                }

                async fn insert_api_token(&self, t: &ApiTokenRecord, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    sqlx::query(
                        "INSERT INTO api_tokens (id, user_id, token_hash, label, created_at, expires_at, revoked_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(t.id.0)
                    .bind(t.user_id.0)
                    .bind(&t.token_hash)
                    .bind(&t.label)
                    .bind(ts(t.created_at))
                    .bind(ts(t.expires_at))
                    .bind(t.revoked_at.map(ts))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn api_token(&self, token_hash: &str) -> StorageResult<Option<ApiTokenRecord>> {
                    let row = sqlx::query_as::<_, TokenRow>(
                        "SELECT id, user_id, token_hash, label, created_at, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(TokenRow::into_domain))
                }

                async fn api_tokens_of(&self, user: UserId) -> StorageResult<Vec<ApiTokenRecord>> {
                    let rows = sqlx::query_as::<_, TokenRow>(
                        "SELECT id, user_id, token_hash, label, created_at, expires_at, revoked_at FROM api_tokens \
                         WHERE user_id = $1 ORDER BY created_at DESC",
                    )
                    .bind(user.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(TokenRow::into_domain).collect())
                }

                async fn revoke_api_token(&self, id: resettle_domain::ids::TokenId, at: jiff::Timestamp, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                        .bind(ts(at))
                        .bind(id.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() != 1 {
                        return Err(StorageError::NotFound);
                    }
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn totp_credential(&self, user: UserId) -> StorageResult<Option<TotpCredential>> {
                    let row = sqlx::query_as::<_, TotpRow>(
                        "SELECT user_id, secret, created_at, confirmed_at, last_step FROM totp_credentials WHERE user_id = $1",
                    )
                    .bind(user.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(TotpRow::into_domain))
                }

                async fn put_totp_secret(&self, user: UserId, secret: &str, at: jiff::Timestamp) -> StorageResult<()> {
                    let done = sqlx::query(
                        "INSERT INTO totp_credentials (user_id, secret, created_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at \
                         WHERE totp_credentials.confirmed_at IS NULL",
                    )
                    .bind(user.0)
                    .bind(secret)
                    .bind(ts(at))
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    if done.rows_affected() == 1 {
                        Ok(())
                    } else {
                        Err(StorageError::Duplicate {
                            field: "code".into(),
                            message: "An authenticator is already set up for this account".into(),
                        })
                    }
                }

                async fn accept_totp_step(
                    &self,
                    user: UserId,
                    step: i64,
                    confirm: Option<jiff::Timestamp>,
                    session_hash: &str,
                    new_session_hash: &str,
                    audit: &[AuditEvent],
                ) -> StorageResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("UPDATE totp_credentials SET last_step = ");
                    qb.push_bind(step);
                    if let Some(at) = confirm {
                        qb.push(", confirmed_at = ");
                        qb.push_bind(ts(at));
                        qb.push(" WHERE confirmed_at IS NULL AND user_id = ");
                    } else {
                        qb.push(" WHERE confirmed_at IS NOT NULL AND user_id = ");
                    }
                    qb.push_bind(user.0);
                    qb.push(" AND (last_step IS NULL OR last_step < ");
                    qb.push_bind(step);
                    qb.push(")");
                    let done = qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    if done.rows_affected() != 1 {
                        tx.rollback().await.map_err(db_error)?;
                        return Ok(false);
                    }
                    sqlx::query("UPDATE sessions SET pending = NULL, id_hash = $3 WHERE id_hash = $1 AND user_id = $2")
                        .bind(session_hash)
                        .bind(user.0)
                        .bind(new_session_hash)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    Sql::append_audit(&mut tx, audit, self.audit_key.as_ref()).await?;
                    tx.commit().await.map_err(db_error)?;
                    Ok(true)
                }

                async fn delete_totp(&self, user: UserId) -> StorageResult<()> {
                    let done = sqlx::query("DELETE FROM totp_credentials WHERE user_id = $1")
                        .bind(user.0)
                        .execute(&self.pool)
                        .await
                        .map_err(db_error)?;
                    if done.rows_affected() == 1 { Ok(()) } else { Err(StorageError::NotFound) }
                }

                async fn insert_break_glass(
                    &self,
                    g: &BreakGlassGrant,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    sqlx::query(
                        "INSERT INTO break_glass_grants (id, user_id, child_id, reason, granted_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(g.id.0)
                    .bind(g.user_id.0)
                    .bind(g.child_id.0)
                    .bind(&g.reason)
                    .bind(ts(g.granted_at))
                    .bind(ts(g.expires_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::append_audit(&mut tx, audit, self.audit_key.as_ref()).await?;
                    Sql::commit_change(tx).await
                }

                async fn active_break_glass(
                    &self,
                    user: UserId,
                    child: ChildId,
                    now: jiff::Timestamp,
                ) -> StorageResult<Option<BreakGlassGrant>> {
                    let row = sqlx::query_as::<_, GrantRow>(
                        "SELECT id, user_id, child_id, reason, granted_at, expires_at FROM break_glass_grants \
                         WHERE user_id = $1 AND child_id = $2 AND expires_at > $3 ORDER BY expires_at DESC LIMIT 1",
                    )
                    .bind(user.0)
                    .bind(child.0)
                    .bind(ts(now))
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(GrantRow::into_domain))
                }

                async fn child_break_glass(&self, child: ChildId, limit: u32) -> StorageResult<Vec<BreakGlassLine>> {
                    let mut qb = Qb::new(GRANT_LINE_SELECT);
                    qb.push(" WHERE g.child_id = ");
                    qb.push_bind(child.0);
                    qb.push(" ORDER BY g.granted_at DESC LIMIT ");
                    qb.push_bind(i64::from(limit));
                    let rows = qb.build_query_as::<GrantLineRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    Ok(rows.into_iter().map(GrantLineRow::into_domain).collect())
                }

                async fn break_glass_report(&self, yjs_ids: &[OrgId], limit: u32) -> StorageResult<Vec<BreakGlassLine>> {
                    if yjs_ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = Qb::new(GRANT_LINE_SELECT);
                    qb.push(" WHERE c.yjs_id IN (");
                    let mut sep = qb.separated(", ");
                    for id in yjs_ids {
                        sep.push_bind(id.0);
                    }
                    sep.push_unseparated(")");
                    qb.push(" ORDER BY g.granted_at DESC LIMIT ");
                    qb.push_bind(i64::from(limit));
                    let rows = qb.build_query_as::<GrantLineRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    Ok(rows.into_iter().map(GrantLineRow::into_domain).collect())
                }
            }
        };
    };
}
