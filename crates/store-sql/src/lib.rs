//! The SQL that the SQLite and PostgreSQL storage crates share.
//!
//! Both databases accept the same statements here (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`, partial indexes), so the queries are written once, in [`impl_storage!`], and
//! each storage crate instantiates them for its own pool type. What differs — column types,
//! connection settings, migrations — stays in the storage crates.

pub mod admin;
pub mod community;
pub mod health;
pub mod notifications;
pub mod outbox;
pub mod outcomes;
pub mod plan;
pub mod readiness;
pub mod retention;
pub mod rows;
pub mod subject_access;

pub use async_trait;
pub use sqlx;

use resettle_storage::StorageError;

/// A migrator over embedded `(version, description, sql)` files, as both storage crates use.
pub fn migrator(files: &[(i64, &'static str, &'static str)]) -> sqlx::migrate::Migrator {
    use sqlx::migrate::{Migration, MigrationType, Migrator};
    use std::borrow::Cow;
    let migrations = files
        .iter()
        .map(|(version, description, sql)| {
            Migration::new(*version, Cow::Borrowed(*description), MigrationType::Simple, Cow::Borrowed(*sql), false)
        })
        .collect::<Vec<_>>();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

/// Maps a database error to a storage error, hiding the details from users.
pub fn db_error(e: sqlx::Error) -> StorageError {
    match e {
        sqlx::Error::RowNotFound => StorageError::NotFound,
        other => StorageError::Database(other.to_string()),
    }
}

/// Maps a unique-constraint violation to [`StorageError::Duplicate`] on `field`.
pub fn unique_error(field: &'static str, message: &'static str) -> impl Fn(sqlx::Error) -> StorageError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StorageError::Duplicate { field: field.to_string(), message: message.to_string() }
        }
        _ => db_error(e),
    }
}

/// The largest number of bind parameters one statement may carry on either database
/// (SQLite allows 32,766 since 3.32; PostgreSQL 65,535).
pub const MAX_BINDS: usize = 30_000;

/// Implements `resettle_storage::Storage` for `$store`, a struct with a field
/// `pool: sqlx::Pool<$db>`.
#[macro_export]
macro_rules! impl_storage {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use $crate::rows::*;
            use $crate::sqlx::{self, QueryBuilder};
            use $crate::{db_error, unique_error, MAX_BINDS};
            use resettle_storage::*;
            use resettle_domain::child::{Carer, Child};
            use resettle_domain::custody::{CustodyEpisode, Placement};
            use resettle_domain::ids::SentenceId;
            use resettle_domain::audit::{AuditEntry, AuditEvent};
            use resettle_domain::sentence::{KeyDatesRevision, Remand, Sentence, StoredDeadline};
            use resettle_domain::ids::{ChildId, OrgId, UserId};
            use resettle_domain::org::{Email, Membership, OrgCode, Organisation, User};
            use resettle_domain::policy::ChildScope;
            use resettle_domain::team::TeamMember;
            use resettle_domain::timeline::TimelineEntry;

            type Qb<'a> = QueryBuilder<'a, $db>;

            /// Adds `AND c.id IN (children within scope)` to a query over `children c`: the
            /// SQL form of `ChildScope::permits`, for lists. Each way in (named person, or
            /// organisation) is its own indexed branch of a UNION: an OR across the two
            /// columns would scan the whole team table.
            fn push_scope<'a>(qb: &mut Qb<'a>, scope: &'a ChildScope) {
                if scope.user_id.is_none() && scope.organisation_ids.is_empty() && scope.emergency.is_none() {
                    qb.push(" AND 1 = 0");
                    return;
                }
                qb.push(" AND c.id IN (");
                let mut first = true;
                if let Some(e) = scope.emergency {
                    // Break-glass grants still valid: read access to those children only.
                    qb.push("SELECT g.child_id FROM break_glass_grants g WHERE g.user_id = ");
                    qb.push_bind(e.user_id.0);
                    qb.push(" AND g.expires_at > ");
                    qb.push_bind(ts(e.now));
                    first = false;
                }
                if let Some(user) = scope.user_id {
                    if !first {
                        qb.push(" UNION ");
                    }
                    qb.push("SELECT t.child_id FROM team_members t WHERE t.user_id = ");
                    qb.push_bind(user.0);
                    push_current(qb, scope);
                    first = false;
                }
                if !scope.organisation_ids.is_empty() {
                    if !first {
                        qb.push(" UNION ");
                    }
                    qb.push("SELECT t.child_id FROM team_members t WHERE t.organisation_id IN (");
                    let mut sep = qb.separated(", ");
                    for id in &scope.organisation_ids {
                        sep.push_bind(id.0);
                    }
                    sep.push_unseparated(")");
                    push_current(qb, scope);
                }
                qb.push(")");
            }

            /// The same rule for one child: an `EXISTS` over that child's team (indexed by
            /// child), instead of building the whole list.
            fn push_scope_one<'a>(qb: &mut Qb<'a>, scope: &'a ChildScope) {
                if scope.user_id.is_none() && scope.organisation_ids.is_empty() && scope.emergency.is_none() {
                    qb.push(" AND 1 = 0");
                    return;
                }
                qb.push(" AND (");
                if let Some(e) = scope.emergency {
                    qb.push("EXISTS (SELECT 1 FROM break_glass_grants g WHERE g.child_id = c.id AND g.user_id = ");
                    qb.push_bind(e.user_id.0);
                    qb.push(" AND g.expires_at > ");
                    qb.push_bind(ts(e.now));
                    qb.push(") OR ");
                }
                qb.push("EXISTS (SELECT 1 FROM team_members t WHERE t.child_id = c.id");
                push_current(qb, scope);
                qb.push(" AND (");
                let mut first = true;
                if let Some(user) = scope.user_id {
                    qb.push("t.user_id = ");
                    qb.push_bind(user.0);
                    first = false;
                }
                if !scope.organisation_ids.is_empty() {
                    if !first {
                        qb.push(" OR ");
                    }
                    qb.push("t.organisation_id IN (");
                    let mut sep = qb.separated(", ");
                    for id in &scope.organisation_ids {
                        sep.push_bind(id.0);
                    }
                    sep.push_unseparated(")");
                }
                if first {
                    // Emergency access alone (cannot happen: managers work with children).
                    qb.push("1 = 0");
                }
                qb.push(")))");
            }

            /// `AND` the team member is current on the scope's day.
            fn push_current<'a>(qb: &mut Qb<'a>, scope: &'a ChildScope) {
                qb.push(" AND t.started_on <= ");
                qb.push_bind(date(scope.today));
                qb.push(" AND (t.ended_on IS NULL OR t.ended_on >= ");
                qb.push_bind(date(scope.today));
                qb.push(")");
            }

            async fn load_memberships(pool: &sqlx::Pool<$db>, user_ids: &[uuid::Uuid]) -> StorageResult<Vec<MembershipRow>> {
                if user_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut all = Vec::new();
                for chunk in user_ids.chunks(1000) {
                    let mut qb = Qb::new("SELECT id, user_id, organisation_id, role FROM memberships WHERE user_id IN (");
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    sep.push_unseparated(")");
                    all.extend(qb.build_query_as::<MembershipRow>().fetch_all(pool).await.map_err(db_error)?);
                }
                Ok(all)
            }

            async fn insert_entry<'c>(conn: &mut <$db as sqlx::Database>::Connection, e: &TimelineEntry) -> StorageResult<()> {
                sqlx::query(
                    "INSERT INTO timeline_entries (id, child_id, at, actor_id, actor_name, kind, summary, reason) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(e.id.0)
                .bind(e.child_id.0)
                .bind(ts(e.at))
                .bind(e.actor_id.map(|a| a.0))
                .bind(&e.actor_name)
                .bind(&e.kind)
                .bind(&e.summary)
                .bind(&e.reason)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            async fn update_child_tx(
                conn: &mut <$db as sqlx::Database>::Connection,
                child: &Child,
                expected_version: i64,
            ) -> StorageResult<()> {
                let d = &child.details;
                let updated = sqlx::query(
                    "UPDATE children SET given_name = $1, family_name = $2, preferred_name = $3, date_of_birth = $4, \
                     nhs_number = $5, pnc_id = $6, gender = $7, ethnicity = $8, first_language = $9, legal_status = $10, \
                     version = $11, updated_at = $12 WHERE id = $13 AND version = $14",
                )
                .bind(&d.given_name)
                .bind(&d.family_name)
                .bind(&d.preferred_name)
                .bind(date(d.date_of_birth))
                .bind(d.nhs_number.as_ref().map(|n| n.as_str().to_string()))
                .bind(d.pnc_id.as_ref().map(|p| p.as_str().to_string()))
                .bind(d.gender.map(|g| g.as_str()))
                .bind(&d.ethnicity)
                .bind(&d.first_language)
                .bind(d.legal_status.as_str())
                .bind(child.version)
                .bind(ts(child.updated_at))
                .bind(child.id.0)
                .bind(expected_version)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                if updated.rows_affected() != 1 {
                    return Err(version_error(conn, "children", child.id.0).await);
                }
                Ok(())
            }

            async fn insert_revision(conn: &mut <$db as sqlx::Database>::Connection, r: &KeyDatesRevision) -> StorageResult<()> {
                sqlx::query(
                    "INSERT INTO key_date_revisions (id, sentence_id, revision, term_days, custody_days, mtd, etd, ltd, sled, \
                     sentence_date, term_months, remand_days, source, reason, recorded_at, recorded_by, recorded_by_name) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
                )
                .bind(r.id.0)
                .bind(r.sentence_id.0)
                .bind(r.revision)
                .bind(r.dates.term_days)
                .bind(r.dates.custody_days)
                .bind(date(r.dates.mtd))
                .bind(r.dates.etd.map(date))
                .bind(r.dates.ltd.map(date))
                .bind(date(r.dates.sled))
                .bind(date(r.sentence_date))
                .bind(r.term_months.map(i32::from))
                .bind(i64::from(r.remand_days))
                .bind(r.source.as_str())
                .bind(&r.reason)
                .bind(ts(r.recorded_at))
                .bind(r.recorded_by.map(|u| u.0))
                .bind(&r.recorded_by_name)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                Ok(())
            }

            async fn replace_deadlines(
                conn: &mut <$db as sqlx::Database>::Connection,
                episode: uuid::Uuid,
                deadlines: &[StoredDeadline],
            ) -> StorageResult<()> {
                sqlx::query("DELETE FROM deadlines WHERE episode_id = $1")
                    .bind(episode)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                for d in deadlines {
                    sqlx::query("INSERT INTO deadlines (id, child_id, episode_id, kind, due_by, rule) VALUES ($1, $2, $3, $4, $5, $6)")
                        .bind(d.id.0)
                        .bind(d.child_id.0)
                        .bind(d.episode_id.0)
                        .bind(d.kind.as_str())
                        .bind(date(d.due_by))
                        .bind(&d.rule)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                }
                Ok(())
            }

            async fn open_episode(
                conn: &mut <$db as sqlx::Database>::Connection,
                episode: &CustodyEpisode,
                placement: &Placement,
            ) -> StorageResult<()> {
                let mut qb = Qb::new("");
                push_episodes_insert(&mut qb, std::slice::from_ref(episode));
                qb.build().execute(&mut *conn).await.map_err(unique_error("kind", "The child is already in custody: record the release first"))?;
                let mut qb = Qb::new("");
                push_placements_insert(&mut qb, std::slice::from_ref(placement));
                qb.build().execute(&mut *conn).await.map_err(db_error)?;
                Ok(())
            }

            /// Records that an offence of the child led to a custody episode (the offence's
            /// version moves on, so that an edit read before the link is refused as stale).
            async fn link_offence(
                conn: &mut <$db as sqlx::Database>::Connection,
                offence: resettle_domain::ids::OffenceId,
                episode: resettle_domain::ids::EpisodeId,
                child: ChildId,
                at: jiff::Timestamp,
            ) -> StorageResult<()> {
                let done = sqlx::query(
                    "UPDATE offences SET episode_id = $1, version = version + 1, updated_at = $2 \
                     WHERE id = $3 AND child_id = $4",
                )
                .bind(episode.0)
                .bind(ts(at))
                .bind(offence.0)
                .bind(child.0)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                if done.rows_affected() != 1 {
                    return Err(StorageError::Duplicate {
                        field: "offence_id".into(),
                        message: "Choose one of this child's recorded offences".into(),
                    });
                }
                Ok(())
            }

            /// Appends audit events inside the caller's transaction, chaining each to the last.
            /// Taking the head row first makes the transaction the only writer of the chain
            /// until it commits (a row lock on PostgreSQL, the write lock on SQLite).
            async fn append_audit_tx(
                conn: &mut <$db as sqlx::Database>::Connection,
                events: &[AuditEvent],
                key: Option<&resettle_domain::audit::AuditKey>,
            ) -> StorageResult<()> {
                if events.is_empty() {
                    return Ok(());
                }
                let n = i64::try_from(events.len()).map_err(|_| StorageError::Database("too many audit events".into()))?;
                let (seq, hash): (i64, String) =
                    sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq - $1, hash")
                        .bind(n)
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(db_error)?;
                let mut prev = hash;
                let mut entries = Vec::with_capacity(events.len());
                for (i, ev) in events.iter().enumerate() {
                    let e = ev.chain(seq + 1 + i as i64, &prev, key);
                    prev = e.hash.clone();
                    entries.push(e);
                }
                sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
                    .bind(&prev)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                for chunk in entries.chunks(MAX_BINDS / 15) {
                    let mut qb = Qb::new(
                        "INSERT INTO audit_log (seq, at, user_id, membership_id, action, resource, child_id, purpose, \
                         request_id, ip, prev_hash, hash, keyed, purpose_digest, ip_digest) ",
                    );
                    qb.push_values(chunk, |mut b, e| {
                        // A keyed entry's free text is kept apart (see audit_details).
                        let (purpose, ip) = if e.keyed { ("", None) } else { (e.purpose.as_str(), e.ip.as_deref()) };
                        b.push_bind(e.seq)
                            .push_bind(ts(e.at))
                            .push_bind(e.user_id.map(|u| u.0))
                            .push_bind(e.membership_id.map(|m| m.0))
                            .push_bind(&e.action)
                            .push_bind(&e.resource)
                            .push_bind(e.child_id.map(|c| c.0))
                            .push_bind(purpose)
                            .push_bind(&e.request_id)
                            .push_bind(ip)
                            .push_bind(&e.prev_hash)
                            .push_bind(&e.hash)
                            .push_bind(e.keyed)
                            .push_bind(&e.purpose_digest)
                            .push_bind(&e.ip_digest);
                    });
                    qb.build().execute(&mut *conn).await.map_err(db_error)?;
                    let apart: Vec<_> = chunk.iter().filter(|e| e.keyed).collect();
                    if !apart.is_empty() {
                        let mut qb = Qb::new("INSERT INTO audit_details (seq, purpose, ip) ");
                        qb.push_values(apart, |mut b, e| {
                            b.push_bind(e.seq).push_bind(&e.purpose).push_bind(&e.ip);
                        });
                        qb.build().execute(&mut *conn).await.map_err(db_error)?;
                    }
                }
                Ok(())
            }

            /// Appends a change's audit entries in its transaction, then commits both: a change
            /// and the record that it was made are written together or not at all.
            async fn commit_audited(
                mut tx: sqlx::Transaction<'_, $db>,
                audit: &[AuditEvent],
                key: Option<&resettle_domain::audit::AuditKey>,
            ) -> StorageResult<()> {
                append_audit_tx(&mut tx, audit, key).await?;
                commit_change(tx).await
            }

            /// Counts the change in the database (`change_count`, what `Storage::changes`
            /// answers), then commits it: every server and command over this database sees the
            /// count move with the change, so a read cache built before it is out of date
            /// everywhere. Counted inside the transaction, the new count is visible only once
            /// the change is (after the audit head's lock, so the order of locks is fixed).
            async fn commit_change(mut tx: sqlx::Transaction<'_, $db>) -> StorageResult<()> {
                count_change(&mut *tx).await?;
                tx.commit().await.map_err(db_error)
            }

            /// Counts a change (see [`commit_change`]); for a change made outside a
            /// transaction, call it after the change.
            async fn count_change<'c, E: sqlx::Executor<'c, Database = $db>>(e: E) -> StorageResult<()> {
                sqlx::query("UPDATE change_count SET n = n + 1 WHERE id = 1").execute(e).await.map_err(db_error)?;
                Ok(())
            }

            const GRANT_LINE_SELECT: &str = "SELECT g.id, g.user_id, g.child_id, g.reason, g.granted_at, g.expires_at, \
                u.name AS user_name, u.email AS user_email, c.given_name, c.family_name, y.name AS yjs_name \
                FROM break_glass_grants g JOIN users u ON u.id = g.user_id JOIN children c ON c.id = g.child_id \
                JOIN organisations y ON y.id = c.yjs_id";

            /// Per-organisation counts from one grouped query (`org_id, children, on_remand,
            /// sentenced, releases_due`).
            #[derive(sqlx::FromRow)]
            struct FiguresRow {
                org_id: uuid::Uuid,
                children: i64,
                on_remand: i64,
                sentenced: i64,
                releases_due: i64,
            }

            const CHILD_COLUMNS: &str = "c.id, c.yjs_id, c.given_name, c.family_name, c.preferred_name, c.date_of_birth, \
                c.nhs_number, c.pnc_id, c.gender, c.ethnicity, c.first_language, c.legal_status, c.version, \
                c.created_at, c.updated_at";

            $crate::plan_storage!($store, $db);
            $crate::outbox_storage!($store, $db);
            $crate::health_storage!($store, $db);
            $crate::readiness_storage!($store, $db);
            $crate::community_storage!($store, $db);
            $crate::outcomes_storage!($store, $db);
            $crate::retention_storage!($store, $db);
            $crate::admin_storage!($store, $db);
            $crate::notification_storage!($store, $db);

            #[$crate::async_trait::async_trait]
            impl Storage for $store {
                fn backend(&self) -> &'static str {
                    $backend
                }

                async fn changes(&self) -> StorageResult<u64> {
                    let n: i64 = sqlx::query_scalar("SELECT n FROM change_count WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(n.unsigned_abs())
                }

                fn audit_key(&self) -> Option<&resettle_domain::audit::AuditKey> {
                    self.audit_key.as_ref()
                }

                async fn ping(&self) -> StorageResult<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await.map_err(db_error)?;
                    Ok(())
                }

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
                    sqlx::query("INSERT INTO organisations (id, code, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)")
                        .bind(org.id.0)
                        .bind(org.code.as_str())
                        .bind(&org.name)
                        .bind(org.kind.as_str())
                        .bind(ts(jiff::Timestamp::now()))
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_error("code", "An organisation already has that code"))?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
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
                    sqlx::query(
                        "INSERT INTO users (id, email, name, phone, active, password_hash, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(u.user.id.0)
                    .bind(u.user.email.as_str())
                    .bind(&u.user.name)
                    .bind(&u.user.phone)
                    .bind(u.user.active)
                    .bind(&u.password_hash)
                    .bind(ts(jiff::Timestamp::now()))
                    .execute(&mut *tx)
                    .await
                    .map_err(unique_error("email", "A user already has that email address"))?;
                    for m in &u.memberships {
                        sqlx::query("INSERT INTO memberships (id, user_id, organisation_id, role) VALUES ($1, $2, $3, $4)")
                            .bind(m.id.0)
                            .bind(m.user_id.0)
                            .bind(m.organisation_id.0)
                            .bind(m.role.as_str())
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn insert_membership(&self, m: &Membership, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    sqlx::query("INSERT INTO memberships (id, user_id, organisation_id, role) VALUES ($1, $2, $3, $4)")
                        .bind(m.id.0)
                        .bind(m.user_id.0)
                        .bind(m.organisation_id.0)
                        .bind(m.role.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_error("role", "The user already has that role in that organisation"))?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
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
                            let ms = load_memberships(&self.pool, &[r.id]).await?;
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
                            let ms = load_memberships(&self.pool, &[r.id]).await?;
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
                    let mut ms = load_memberships(&self.pool, &ids).await?;
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
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
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
                    count_change(&self.pool).await?;
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
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
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
                    commit_change(tx).await?;
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
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
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
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
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

                async fn insert_child(
                    &self,
                    child: &Child,
                    carers: &[Carer],
                    team: &[TeamMember],
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    push_children_insert(&mut qb, std::slice::from_ref(child));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    if !carers.is_empty() {
                        let mut qb = Qb::new("");
                        push_carers_insert(&mut qb, carers);
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    if !team.is_empty() {
                        let mut qb = Qb::new("");
                        push_team_insert(&mut qb, team);
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    insert_entry(&mut tx, entry).await?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn child(&self, id: ChildId, scope: &ChildScope) -> StorageResult<Option<Child>> {
                    let mut qb = Qb::new(format!("SELECT {CHILD_COLUMNS} FROM children c WHERE c.id = "));
                    qb.push_bind(id.0);
                    push_scope_one(&mut qb, scope);
                    let row = qb.build_query_as::<ChildRow>().fetch_optional(&self.pool).await.map_err(db_error)?;
                    row.map(ChildRow::into_domain).transpose()
                }

                async fn update_child(&self, child: &Child, expected_version: i64, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    update_child_tx(&mut tx, child, expected_version).await?;
                    insert_entry(&mut tx, entry).await?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn caseload(&self, scope: &ChildScope, q: &CaseloadQuery) -> StorageResult<Page<CaseloadRow>> {
                    let mut count = Qb::new("SELECT COUNT(*) FROM children c WHERE 1 = 1");
                    push_scope(&mut count, scope);
                    if let Some(org) = q.organisation_id {
                        push_org_filter(&mut count, org, scope);
                    }
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await.map_err(db_error)?;

                    // Choose the page's children first (sorting only what the order needs),
                    // then join the details for those rows alone.
                    let dir = if q.descending { "DESC" } else { "ASC" };
                    let order = match q.sort {
                        CaseloadSort::Name => format!("lower(c.family_name) {dir}, lower(c.given_name) {dir}, c.id"),
                        CaseloadSort::DateOfBirth => format!("c.date_of_birth {dir}, c.id"),
                        CaseloadSort::Updated => format!("c.updated_at {dir}, c.id"),
                        // Children not in custody sort last either way.
                        CaseloadSort::CustodySince => {
                            format!("CASE WHEN e.started_on IS NULL THEN 1 ELSE 0 END, e.started_on {dir}, c.id")
                        }
                    };
                    let mut qb = Qb::new(
                        "SELECT c.id, c.given_name, c.family_name, c.date_of_birth, c.yjs_id, y.name AS yjs_name, c.version, \
                         c.updated_at, e.kind AS custody_kind, e.started_on AS custody_since, p.establishment_id, \
                         est.name AS establishment_name, \
                         (SELECT MAX(x.ended_on) FROM custody_episodes x WHERE x.child_id = c.id) AS released_on \
                         FROM (SELECT c.* FROM children c ",
                    );
                    if q.sort == CaseloadSort::CustodySince {
                        qb.push("LEFT JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL ");
                    }
                    qb.push("WHERE 1 = 1");
                    push_scope(&mut qb, scope);
                    if let Some(org) = q.organisation_id {
                        push_org_filter(&mut qb, org, scope);
                    }
                    qb.push(format!(" ORDER BY {order} LIMIT "));
                    qb.push_bind(i64::from(q.per_page));
                    qb.push(" OFFSET ");
                    qb.push_bind(i64::from(q.page.saturating_sub(1)) * i64::from(q.per_page));
                    qb.push(
                        ") c JOIN organisations y ON y.id = c.yjs_id \
                         LEFT JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL \
                         LEFT JOIN placements p ON p.episode_id = e.id AND p.ended_on IS NULL \
                         LEFT JOIN organisations est ON est.id = p.establishment_id",
                    );
                    qb.push(format!(" ORDER BY {order}"));
                    let rows = qb.build_query_as::<CaseloadDbRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    let items = rows.into_iter().map(CaseloadDbRow::into_domain).collect::<StorageResult<Vec<_>>>()?;
                    Ok(Page { items, total: u64::try_from(total).unwrap_or(0), page: q.page, per_page: q.per_page })
                }

                async fn carers(&self, child: ChildId) -> StorageResult<Vec<Carer>> {
                    let rows = sqlx::query_as::<_, CarerRow>(
                        "SELECT id, child_id, name, relationship, phone, email, address, parental_responsibility \
                         FROM carers WHERE child_id = $1 ORDER BY name",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(CarerRow::into_domain).collect())
                }

                async fn insert_carer(&self, carer: &Carer, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    push_carers_insert(&mut qb, std::slice::from_ref(carer));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    insert_entry(&mut tx, entry).await?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn team(&self, child: ChildId) -> StorageResult<Vec<TeamMemberView>> {
                    let rows = sqlx::query_as::<_, TeamDbRow>(
                        "SELECT t.id, t.child_id, t.organisation_id, t.user_id, t.role, t.responsibility, t.started_on, t.ended_on, \
                         o.name AS organisation_name, o.kind AS organisation_kind, u.name AS user_name, u.email AS user_email, \
                         u.phone AS user_phone \
                         FROM team_members t JOIN organisations o ON o.id = t.organisation_id \
                         LEFT JOIN users u ON u.id = t.user_id WHERE t.child_id = $1 \
                         ORDER BY CASE WHEN t.ended_on IS NULL THEN 0 ELSE 1 END, t.started_on, o.name",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(TeamDbRow::into_domain).collect()
                }

                async fn insert_team_member(&self, member: &TeamMember, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    push_team_insert(&mut qb, std::slice::from_ref(member));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    insert_entry(&mut tx, entry).await?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn custody(&self, child: ChildId) -> StorageResult<Vec<EpisodeView>> {
                    let episodes = sqlx::query_as::<_, EpisodeRow>(
                        "SELECT id, child_id, kind, started_on, ended_on, recorded_at FROM custody_episodes WHERE child_id = $1 \
                         ORDER BY started_on DESC",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let placements = sqlx::query_as::<_, PlacementDbRow>(
                        "SELECT p.id, p.episode_id, p.establishment_id, p.started_on, p.ended_on, p.reason, o.name AS establishment_name \
                         FROM placements p JOIN custody_episodes e ON e.id = p.episode_id \
                         JOIN organisations o ON o.id = p.establishment_id WHERE e.child_id = $1 ORDER BY p.started_on",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    assemble_episodes(episodes, placements)
                }

                async fn insert_episode(
                    &self,
                    episode: &CustodyEpisode,
                    placement: &Placement,
                    entry: &TimelineEntry,
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut qb = Qb::new("");
                    push_episodes_insert(&mut qb, std::slice::from_ref(episode));
                    qb.build().execute(&mut *tx).await.map_err(unique_error("kind", "The child is already in custody"))?;
                    let mut qb = Qb::new("");
                    push_placements_insert(&mut qb, std::slice::from_ref(placement));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    insert_entry(&mut tx, entry).await?;
                    commit_change(tx).await
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

                async fn transfer(&self, t: &Transfer) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let (placement, day) = t.ended_placement;
                    let ended = sqlx::query("UPDATE placements SET ended_on = $1 WHERE id = $2 AND ended_on IS NULL")
                        .bind(date(day))
                        .bind(placement.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if ended.rows_affected() != 1 {
                        return Err(StorageError::NotFound);
                    }
                    let mut qb = Qb::new("");
                    push_placements_insert(&mut qb, std::slice::from_ref(&t.placement));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    for (member, day) in &t.team_ended {
                        sqlx::query("UPDATE team_members SET ended_on = $1 WHERE id = $2")
                            .bind(date(*day))
                            .bind(member.0)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                    if let Some(m) = &t.team_added {
                        let mut qb = Qb::new("");
                        push_team_insert(&mut qb, std::slice::from_ref(m));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    insert_entry(&mut tx, &t.entry).await?;
                    commit_audited(tx, &t.audit, self.audit_key.as_ref()).await
                }

                async fn release(&self, r: &Release) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let ended = sqlx::query(
                        "UPDATE custody_episodes SET ended_on = $1, release_kind = $3 WHERE id = $2 AND ended_on IS NULL",
                    )
                    .bind(date(r.date))
                    .bind(r.episode_id.0)
                    .bind(r.kind.map(|k| k.as_str()))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if ended.rows_affected() != 1 {
                        return Err(StorageError::NotFound);
                    }
                    sqlx::query("UPDATE placements SET ended_on = $1 WHERE episode_id = $2 AND ended_on IS NULL")
                        .bind(date(r.date))
                        .bind(r.episode_id.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    for member in &r.team_ended {
                        sqlx::query("UPDATE team_members SET ended_on = $1 WHERE id = $2")
                            .bind(date(r.date))
                            .bind(member.0)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                    }
                    sqlx::query("DELETE FROM deadlines WHERE episode_id = $1")
                        .bind(r.episode_id.0)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    write_plan_changes(&mut tx, &r.plan).await?;
                    insert_entry(&mut tx, &r.entry).await?;
                    commit_audited(tx, &r.audit, self.audit_key.as_ref()).await
                }

                async fn insert_sentence(&self, new: &NewSentence) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    match &new.episode {
                        EpisodeChange::Open { episode, placement } => open_episode(&mut tx, episode, placement).await?,
                        EpisodeChange::Continue { episode_id, kind } => {
                            sqlx::query("UPDATE custody_episodes SET kind = $1 WHERE id = $2 AND ended_on IS NULL")
                                .bind(kind.as_str())
                                .bind(episode_id.0)
                                .execute(&mut *tx)
                                .await
                                .map_err(db_error)?;
                        }
                    }
                    let s = &new.sentence;
                    sqlx::query(
                        "INSERT INTO sentences (id, child_id, episode_id, kind, sentence_date, term_months, remand_days, court, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(s.id.0)
                    .bind(s.child_id.0)
                    .bind(s.episode_id.0)
                    .bind(s.kind.as_str())
                    .bind(date(s.sentence_date))
                    .bind(s.term_months.map(i32::from))
                    .bind(i64::from(s.remand_days))
                    .bind(&s.court)
                    .bind(s.version)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    insert_revision(&mut tx, &new.revision).await?;
                    if let Some(o) = new.offence_id {
                        link_offence(&mut tx, o, s.episode_id, s.child_id, new.revision.recorded_at).await?;
                    }
                    replace_deadlines(&mut tx, s.episode_id.0, &new.deadlines).await?;
                    if let Some(m) = &new.team_added {
                        let mut qb = Qb::new("");
                        push_team_insert(&mut qb, std::slice::from_ref(m));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    write_plan_changes(&mut tx, &new.plan).await?;
                    insert_entry(&mut tx, &new.entry).await?;
                    commit_audited(tx, &new.audit, self.audit_key.as_ref()).await
                }

                async fn insert_remand(&self, new: &NewRemand) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    open_episode(&mut tx, &new.episode, &new.placement).await?;
                    let r = &new.remand;
                    sqlx::query(
                        "INSERT INTO remands (id, child_id, episode_id, started_on, establishment_id, next_court_date, court) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(r.id.0)
                    .bind(r.child_id.0)
                    .bind(r.episode_id.0)
                    .bind(date(r.started_on))
                    .bind(r.establishment_id.0)
                    .bind(r.next_court_date.map(date))
                    .bind(&r.court)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    if let Some(o) = new.offence_id {
                        link_offence(&mut tx, o, r.episode_id, r.child_id, new.entries.first().map_or_else(jiff::Timestamp::now, |e| e.at)).await?;
                    }
                    replace_deadlines(&mut tx, r.episode_id.0, &new.deadlines).await?;
                    if let Some(m) = &new.team_added {
                        let mut qb = Qb::new("");
                        push_team_insert(&mut qb, std::slice::from_ref(m));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    if let Some((child, expected)) = &new.child {
                        update_child_tx(&mut tx, child, *expected).await?;
                    }
                    write_plan_changes(&mut tx, &new.plan).await?;
                    for e in &new.entries {
                        insert_entry(&mut tx, e).await?;
                    }
                    commit_audited(tx, &new.audit, self.audit_key.as_ref()).await
                }

                async fn sentences(&self, child: ChildId) -> StorageResult<Vec<SentenceView>> {
                    let sentences = sqlx::query_as::<_, SentenceRow>(
                        "SELECT id, child_id, episode_id, kind, sentence_date, term_months, remand_days, court, version \
                         FROM sentences WHERE child_id = $1 ORDER BY sentence_date DESC, id",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    let revisions = sqlx::query_as::<_, RevisionRow>(
                        "SELECT r.id, r.sentence_id, r.revision, r.term_days, r.custody_days, r.mtd, r.etd, r.ltd, r.sled, \
                         r.sentence_date, r.term_months, r.remand_days, r.source, r.reason, r.recorded_at, r.recorded_by, \
                         r.recorded_by_name FROM key_date_revisions r JOIN sentences s ON s.id = r.sentence_id \
                         WHERE s.child_id = $1 ORDER BY r.revision",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    assemble_sentences(sentences, revisions)
                }

                async fn sentence(&self, id: SentenceId) -> StorageResult<Option<Sentence>> {
                    let row = sqlx::query_as::<_, SentenceRow>(
                        "SELECT id, child_id, episode_id, kind, sentence_date, term_months, remand_days, court, version \
                         FROM sentences WHERE id = $1",
                    )
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    row.map(SentenceRow::into_domain).transpose()
                }

                #[allow(clippy::too_many_arguments)] // the change, its timeline entry and its audit, written together
                async fn recalculate_sentence(
                    &self,
                    s: &Sentence,
                    expected_version: i64,
                    revision: &KeyDatesRevision,
                    deadlines: &[StoredDeadline],
                    plan: &PlanChanges,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let updated = sqlx::query(
                        "UPDATE sentences SET sentence_date = $1, term_months = $2, remand_days = $3, version = $4 \
                         WHERE id = $5 AND version = $6",
                    )
                    .bind(date(s.sentence_date))
                    .bind(s.term_months.map(i32::from))
                    .bind(i64::from(s.remand_days))
                    .bind(s.version)
                    .bind(s.id.0)
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    if updated.rows_affected() != 1 {
                        return Err(version_error(&mut tx, "sentences", s.id.0).await);
                    }
                    insert_revision(&mut tx, revision).await?;
                    replace_deadlines(&mut tx, s.episode_id.0, deadlines).await?;
                    write_plan_changes(&mut tx, plan).await?;
                    insert_entry(&mut tx, entry).await?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn remands(&self, child: ChildId) -> StorageResult<Vec<Remand>> {
                    let rows = sqlx::query_as::<_, RemandRow>(
                        "SELECT id, child_id, episode_id, started_on, establishment_id, next_court_date, court FROM remands \
                         WHERE child_id = $1 ORDER BY started_on DESC",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(RemandRow::into_domain).collect())
                }

                async fn deadlines(&self, child: ChildId) -> StorageResult<Vec<StoredDeadline>> {
                    let rows = sqlx::query_as::<_, DeadlineRow>(
                        "SELECT id, child_id, episode_id, kind, due_by, rule FROM deadlines WHERE child_id = $1 ORDER BY due_by, kind",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(DeadlineRow::into_domain).collect()
                }

                async fn extra_bank_holidays(&self) -> StorageResult<Vec<(jiff::civil::Date, String)>> {
                    let rows: Vec<(jiff_sqlx::Date, String)> =
                        sqlx::query_as("SELECT day, name FROM extra_bank_holidays ORDER BY day")
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                    Ok(rows.into_iter().map(|(d, n)| (d.to_jiff(), n)).collect())
                }

                async fn insert_bank_holiday(&self, day: jiff::civil::Date, name: &str, by: Option<UserId>, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    sqlx::query("INSERT INTO extra_bank_holidays (day, name, added_by, added_at) VALUES ($1, $2, $3, $4)")
                        .bind(date(day))
                        .bind(name)
                        .bind(by.map(|u| u.0))
                        .bind(ts(jiff::Timestamp::now()))
                        .execute(&mut *tx)
                        .await
                        .map_err(unique_error("date", "That day has already been added as a bank holiday"))?;
                    commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn append_audit(&self, events: &[AuditEvent]) -> StorageResult<()> {
                    if events.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    append_audit_tx(&mut tx, events, self.audit_key.as_ref()).await?;
                    tx.commit().await.map_err(db_error)
                }

                async fn audit_head(&self) -> StorageResult<(i64, String)> {
                    sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                        .fetch_one(&self.pool)
                        .await
                        .map_err(db_error)
                }

                async fn audit_entries(&self, after_seq: i64, limit: u32) -> StorageResult<Vec<AuditEntry>> {
                    let rows = sqlx::query_as::<_, AuditRow>(
                        "SELECT l.seq, l.at, l.user_id, l.membership_id, l.action, l.resource, l.child_id, \
                         COALESCE(d.purpose, l.purpose) AS purpose, l.request_id, COALESCE(d.ip, l.ip) AS ip, \
                         l.prev_hash, l.hash, l.keyed, l.purpose_digest, l.ip_digest, \
                         (l.keyed AND d.seq IS NULL) AS details_erased \
                         FROM audit_log l LEFT JOIN audit_details d ON d.seq = l.seq \
                         WHERE l.seq > $1 ORDER BY l.seq LIMIT $2",
                    )
                    .bind(after_seq)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(AuditRow::into_domain).collect())
                }

                async fn child_audit(&self, child: ChildId, limit: u32) -> StorageResult<Vec<AuditEntry>> {
                    let rows = sqlx::query_as::<_, AuditRow>(
                        "SELECT l.seq, l.at, l.user_id, l.membership_id, l.action, l.resource, l.child_id, \
                         COALESCE(d.purpose, l.purpose) AS purpose, l.request_id, COALESCE(d.ip, l.ip) AS ip, \
                         l.prev_hash, l.hash, l.keyed, l.purpose_digest, l.ip_digest, \
                         (l.keyed AND d.seq IS NULL) AS details_erased \
                         FROM audit_log l LEFT JOIN audit_details d ON d.seq = l.seq \
                         WHERE l.child_id = $1 ORDER BY l.seq DESC LIMIT $2",
                    )
                    .bind(child.0)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(AuditRow::into_domain).collect())
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
                    append_audit_tx(&mut tx, audit, self.audit_key.as_ref()).await?;
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
                    insert_entry(&mut tx, entry).await?;
                    append_audit_tx(&mut tx, audit, self.audit_key.as_ref()).await?;
                    commit_change(tx).await
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

                async fn child_owner(&self, child: ChildId) -> StorageResult<Option<OrgId>> {
                    let id: Option<uuid::Uuid> = sqlx::query_scalar("SELECT yjs_id FROM children WHERE id = $1")
                        .bind(child.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(id.map(OrgId))
                }

                async fn child_by_identifier(&self, nhs_number: Option<&str>, pnc_id: Option<&str>) -> StorageResult<Option<ChildId>> {
                    let mut qb = Qb::new("SELECT id FROM children WHERE 1 = 0");
                    if let Some(n) = nhs_number {
                        qb.push(" OR nhs_number = ");
                        qb.push_bind(n);
                    }
                    if let Some(p) = pnc_id {
                        qb.push(" OR pnc_id = ");
                        qb.push_bind(p);
                    }
                    qb.push(" ORDER BY id LIMIT 1");
                    let id: Option<uuid::Uuid> = qb.build_query_scalar().fetch_optional(&self.pool).await.map_err(db_error)?;
                    Ok(id.map(ChildId))
                }

                async fn organisation_figures(
                    &self,
                    release_from: jiff::civil::Date,
                    release_to: jiff::civil::Date,
                ) -> StorageResult<Vec<OrganisationFigures>> {
                    // The release date of each open custody episode: the mid-term date of the
                    // newest key-date revision of its sentences.
                    const RELEASES: &str = "SELECT s.episode_id, MAX(k.mtd) AS release_on FROM sentences s \
                        JOIN key_date_revisions k ON k.sentence_id = s.id \
                        WHERE k.revision = (SELECT MAX(k2.revision) FROM key_date_revisions k2 WHERE k2.sentence_id = s.id) \
                        GROUP BY s.episode_id";
                    let counts = "COUNT(*) AS children, \
                        COALESCE(SUM(CASE WHEN e.kind = 'remand' THEN 1 ELSE 0 END), 0) AS on_remand, \
                        COALESCE(SUM(CASE WHEN e.kind = 'sentence' THEN 1 ELSE 0 END), 0) AS sentenced, \
                        COALESCE(SUM(CASE WHEN r.release_on >= $1 AND r.release_on <= $2 THEN 1 ELSE 0 END), 0) AS releases_due";
                    let by_yjs = format!(
                        "SELECT c.yjs_id AS org_id, {counts} FROM children c \
                         LEFT JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL \
                         LEFT JOIN ({RELEASES}) r ON r.episode_id = e.id GROUP BY c.yjs_id"
                    );
                    let by_establishment = format!(
                        "SELECT p.establishment_id AS org_id, {counts} FROM placements p \
                         JOIN custody_episodes e ON e.id = p.episode_id AND e.ended_on IS NULL \
                         LEFT JOIN ({RELEASES}) r ON r.episode_id = e.id WHERE p.ended_on IS NULL GROUP BY p.establishment_id"
                    );
                    let mut rows = Vec::new();
                    for sql in [by_yjs, by_establishment] {
                        rows.extend(
                            sqlx::query_as::<_, FiguresRow>(&sql)
                                .bind(date(release_from))
                                .bind(date(release_to))
                                .fetch_all(&self.pool)
                                .await
                                .map_err(db_error)?,
                        );
                    }
                    let orgs = self.organisations().await?;
                    Ok(orgs
                        .into_iter()
                        .filter(|o| o.kind == resettle_domain::org::OrgKind::Yjs || o.kind.is_secure_establishment())
                        .map(|o| {
                            let r = rows.iter().find(|r| r.org_id == o.id.0);
                            OrganisationFigures {
                                organisation_id: o.id,
                                name: o.name,
                                kind: o.kind,
                                children: r.map_or(0, |r| r.children),
                                on_remand: r.map_or(0, |r| r.on_remand),
                                sentenced: r.map_or(0, |r| r.sentenced),
                                releases_due: r.map_or(0, |r| r.releases_due),
                            }
                        })
                        .collect())
                }

                async fn load_synthetic(&self, b: &SyntheticBatch) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    macro_rules! bulk {
                        ($items:expr, $cols:expr, $push:ident) => {
                            for chunk in $items.chunks((MAX_BINDS / $cols).max(1)) {
                                if chunk.is_empty() {
                                    continue;
                                }
                                let mut qb = Qb::new("");
                                $push(&mut qb, chunk);
                                qb.build().execute(&mut *tx).await.map_err(db_error)?;
                            }
                        };
                    }
                    let now = ts(jiff::Timestamp::now());
                    for chunk in b.organisations.chunks(MAX_BINDS / 5) {
                        if chunk.is_empty() {
                            continue;
                        }
                        let mut qb = Qb::new("INSERT INTO organisations (id, code, name, kind, created_at) ");
                        qb.push_values(chunk, |mut r, o| {
                            r.push_bind(o.id.0).push_bind(o.code.as_str().to_string()).push_bind(o.name.clone())
                                .push_bind(o.kind.as_str()).push_bind(now);
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    for chunk in b.users.chunks(MAX_BINDS / 7) {
                        if chunk.is_empty() {
                            continue;
                        }
                        let mut qb = Qb::new("INSERT INTO users (id, email, name, phone, active, password_hash, created_at) ");
                        qb.push_values(chunk, |mut r, u| {
                            r.push_bind(u.user.id.0).push_bind(u.user.email.as_str().to_string())
                                .push_bind(u.user.name.clone()).push_bind(u.user.phone.clone())
                                .push_bind(u.user.active).push_bind(u.password_hash.clone()).push_bind(now);
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    let memberships: Vec<&Membership> = b.users.iter().flat_map(|u| u.memberships.iter()).collect();
                    for chunk in memberships.chunks(MAX_BINDS / 4) {
                        if chunk.is_empty() {
                            continue;
                        }
                        let mut qb = Qb::new("INSERT INTO memberships (id, user_id, organisation_id, role) ");
                        qb.push_values(chunk, |mut r, m| {
                            r.push_bind(m.id.0).push_bind(m.user_id.0).push_bind(m.organisation_id.0).push_bind(m.role.as_str());
                        });
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    bulk!(b.children, 15, push_children_insert);
                    bulk!(b.carers, 8, push_carers_insert);
                    bulk!(b.team, 8, push_team_insert);
                    bulk!(b.episodes, 5, push_episodes_insert);
                    bulk!(b.placements, 6, push_placements_insert);
                    bulk!(b.timeline, 8, push_timeline_insert);
                    bulk!(b.sentences, 9, push_sentences_insert);
                    bulk!(b.revisions, 17, push_revisions_insert);
                    bulk!(b.remands, 7, push_remands_insert);
                    bulk!(b.deadlines, 6, push_deadlines_insert);
                    bulk!(b.plans, 8, push_plans_insert);
                    bulk!(b.needs, 12, push_needs_insert);
                    bulk!(b.need_updates, 8, push_need_updates_insert);
                    bulk!(b.meetings, 19, push_meetings_insert);
                    bulk!(b.actions, 13, push_actions_insert);
                    bulk!(b.health_records, 9, push_health_records_insert);
                    bulk!(b.assessments, 13, push_assessments_insert);
                    bulk!(b.measures, 8, push_measures_insert);
                    bulk!(b.consents, 12, push_consents_insert);
                    bulk!(b.handovers, 16, push_handovers_insert);
                    bulk!(b.shares, 11, push_shares_insert);
                    bulk!(b.release_arrangements, 20, push_release_arrangements_insert);
                    bulk!(b.appointments, 13, push_appointments_insert);
                    bulk!(b.enforcement, 9, push_enforcement_insert);
                    bulk!(b.offences, 12, push_offences_insert);
                    bulk!(b.living_arrangements, 9, push_living_insert);
                    bulk!(b.ete_placements, 8, push_ete_insert);
                    commit_change(tx).await
                }
            }

            fn push_org_filter<'a>(qb: &mut Qb<'a>, org: OrgId, scope: &'a ChildScope) {
                qb.push(" AND c.id IN (SELECT f.child_id FROM team_members f WHERE f.organisation_id = ");
                qb.push_bind(org.0);
                qb.push(" AND f.started_on <= ");
                qb.push_bind(date(scope.today));
                qb.push(" AND (f.ended_on IS NULL OR f.ended_on >= ");
                qb.push_bind(date(scope.today));
                qb.push("))");
            }

            fn push_children_insert<'a>(qb: &mut Qb<'a>, rows: &'a [Child]) {
                qb.push(
                    "INSERT INTO children (id, yjs_id, given_name, family_name, preferred_name, date_of_birth, nhs_number, \
                     pnc_id, gender, ethnicity, first_language, legal_status, version, created_at, updated_at) ",
                );
                qb.push_values(rows, |mut r, c| {
                    let d = &c.details;
                    r.push_bind(c.id.0)
                        .push_bind(c.yjs_id.0)
                        .push_bind(&d.given_name)
                        .push_bind(&d.family_name)
                        .push_bind(&d.preferred_name)
                        .push_bind(date(d.date_of_birth))
                        .push_bind(d.nhs_number.as_ref().map(|n| n.as_str()))
                        .push_bind(d.pnc_id.as_ref().map(|p| p.as_str()))
                        .push_bind(d.gender.map(|g| g.as_str()))
                        .push_bind(&d.ethnicity)
                        .push_bind(&d.first_language)
                        .push_bind(d.legal_status.as_str())
                        .push_bind(c.version)
                        .push_bind(ts(c.created_at))
                        .push_bind(ts(c.updated_at));
                });
            }

            fn push_carers_insert<'a>(qb: &mut Qb<'a>, rows: &'a [Carer]) {
                qb.push("INSERT INTO carers (id, child_id, name, relationship, phone, email, address, parental_responsibility) ");
                qb.push_values(rows, |mut r, c| {
                    r.push_bind(c.id.0)
                        .push_bind(c.child_id.0)
                        .push_bind(&c.name)
                        .push_bind(&c.relationship)
                        .push_bind(&c.phone)
                        .push_bind(&c.email)
                        .push_bind(&c.address)
                        .push_bind(c.parental_responsibility);
                });
            }

            fn push_team_insert<'a>(qb: &mut Qb<'a>, rows: &'a [TeamMember]) {
                qb.push(
                    "INSERT INTO team_members (id, child_id, organisation_id, user_id, role, responsibility, started_on, ended_on) ",
                );
                qb.push_values(rows, |mut r, t| {
                    r.push_bind(t.id.0)
                        .push_bind(t.child_id.0)
                        .push_bind(t.organisation_id.0)
                        .push_bind(t.user_id.map(|u| u.0))
                        .push_bind(t.role.as_str())
                        .push_bind(&t.responsibility)
                        .push_bind(date(t.started_on))
                        .push_bind(t.ended_on.map(date));
                });
            }

            fn push_episodes_insert<'a>(qb: &mut Qb<'a>, rows: &'a [CustodyEpisode]) {
                qb.push("INSERT INTO custody_episodes (id, child_id, kind, started_on, ended_on, recorded_at) ");
                qb.push_values(rows, |mut r, e| {
                    r.push_bind(e.id.0)
                        .push_bind(e.child_id.0)
                        .push_bind(e.kind.as_str())
                        .push_bind(date(e.started_on))
                        .push_bind(e.ended_on.map(date))
                        .push_bind(e.recorded_at.map(ts));
                });
            }

            fn push_placements_insert<'a>(qb: &mut Qb<'a>, rows: &'a [Placement]) {
                qb.push("INSERT INTO placements (id, episode_id, establishment_id, started_on, ended_on, reason) ");
                qb.push_values(rows, |mut r, p| {
                    r.push_bind(p.id.0)
                        .push_bind(p.episode_id.0)
                        .push_bind(p.establishment_id.0)
                        .push_bind(date(p.started_on))
                        .push_bind(p.ended_on.map(date))
                        .push_bind(p.reason.as_str());
                });
            }

            fn push_sentences_insert<'a>(qb: &mut Qb<'a>, rows: &'a [Sentence]) {
                qb.push("INSERT INTO sentences (id, child_id, episode_id, kind, sentence_date, term_months, remand_days, court, version) ");
                qb.push_values(rows, |mut r, s| {
                    r.push_bind(s.id.0)
                        .push_bind(s.child_id.0)
                        .push_bind(s.episode_id.0)
                        .push_bind(s.kind.as_str())
                        .push_bind(date(s.sentence_date))
                        .push_bind(s.term_months.map(i32::from))
                        .push_bind(i64::from(s.remand_days))
                        .push_bind(&s.court)
                        .push_bind(s.version);
                });
            }

            fn push_revisions_insert<'a>(qb: &mut Qb<'a>, rows: &'a [KeyDatesRevision]) {
                qb.push(
                    "INSERT INTO key_date_revisions (id, sentence_id, revision, term_days, custody_days, mtd, etd, ltd, sled, \
                     sentence_date, term_months, remand_days, source, reason, recorded_at, recorded_by, recorded_by_name) ",
                );
                qb.push_values(rows, |mut b, r| {
                    b.push_bind(r.id.0)
                        .push_bind(r.sentence_id.0)
                        .push_bind(r.revision)
                        .push_bind(r.dates.term_days)
                        .push_bind(r.dates.custody_days)
                        .push_bind(date(r.dates.mtd))
                        .push_bind(r.dates.etd.map(date))
                        .push_bind(r.dates.ltd.map(date))
                        .push_bind(date(r.dates.sled))
                        .push_bind(date(r.sentence_date))
                        .push_bind(r.term_months.map(i32::from))
                        .push_bind(i64::from(r.remand_days))
                        .push_bind(r.source.as_str())
                        .push_bind(&r.reason)
                        .push_bind(ts(r.recorded_at))
                        .push_bind(r.recorded_by.map(|u| u.0))
                        .push_bind(&r.recorded_by_name);
                });
            }

            fn push_remands_insert<'a>(qb: &mut Qb<'a>, rows: &'a [Remand]) {
                qb.push("INSERT INTO remands (id, child_id, episode_id, started_on, establishment_id, next_court_date, court) ");
                qb.push_values(rows, |mut b, r| {
                    b.push_bind(r.id.0)
                        .push_bind(r.child_id.0)
                        .push_bind(r.episode_id.0)
                        .push_bind(date(r.started_on))
                        .push_bind(r.establishment_id.0)
                        .push_bind(r.next_court_date.map(date))
                        .push_bind(&r.court);
                });
            }

            fn push_deadlines_insert<'a>(qb: &mut Qb<'a>, rows: &'a [StoredDeadline]) {
                qb.push("INSERT INTO deadlines (id, child_id, episode_id, kind, due_by, rule) ");
                qb.push_values(rows, |mut b, d| {
                    b.push_bind(d.id.0)
                        .push_bind(d.child_id.0)
                        .push_bind(d.episode_id.0)
                        .push_bind(d.kind.as_str())
                        .push_bind(date(d.due_by))
                        .push_bind(&d.rule);
                });
            }

            fn push_timeline_insert<'a>(qb: &mut Qb<'a>, rows: &'a [TimelineEntry]) {
                qb.push("INSERT INTO timeline_entries (id, child_id, at, actor_id, actor_name, kind, summary, reason) ");
                qb.push_values(rows, |mut r, e| {
                    r.push_bind(e.id.0)
                        .push_bind(e.child_id.0)
                        .push_bind(ts(e.at))
                        .push_bind(e.actor_id.map(|a| a.0))
                        .push_bind(&e.actor_name)
                        .push_bind(&e.kind)
                        .push_bind(&e.summary)
                        .push_bind(&e.reason);
                });
            }
        };
    };
}
