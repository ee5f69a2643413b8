//! The statements that several areas write inside their own transaction: the timeline entry,
//! the audit chain, the change count, the versioned-update error, the child's details, the
//! plan's changes and a new team member. They run on a connection, so they are written per
//! database: [`tx_helpers!`] stamps the same code for SQLite and for PostgreSQL as
//! `Sql::<sqlx::Sqlite>::insert_entry`, `Sql::<sqlx::Postgres>::insert_entry`, … (an area macro
//! calls them as `Sql::insert_entry` through its `type Sql = resettle_store_sql::Sql<$db>`).

use crate::Sql;

/// Adds the transaction helpers to `Sql<$db>`. Invoked once per database, below.
macro_rules! tx_helpers {
    ($db:ty) => {
        impl Sql<$db> {
            /// The memberships of `user_ids` (a few statements of at most 1,000 people each).
            pub async fn load_memberships(
                pool: &sqlx::Pool<$db>,
                user_ids: &[uuid::Uuid],
            ) -> resettle_storage::StorageResult<Vec<crate::rows::MembershipRow>> {
                if user_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut all = Vec::new();
                for chunk in user_ids.chunks(1000) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, user_id, organisation_id, role FROM memberships WHERE user_id IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(*id);
                    }
                    sep.push_unseparated(")");
                    all.extend(
                        qb.build_query_as::<crate::rows::MembershipRow>()
                            .fetch_all(pool)
                            .await
                            .map_err(crate::db_error)?,
                    );
                }
                Ok(all)
            }

            /// Adds a timeline entry.
            pub async fn insert_entry(
                conn: &mut <$db as sqlx::Database>::Connection,
                e: &resettle_domain::timeline::TimelineEntry,
            ) -> resettle_storage::StorageResult<()> {
                let mut qb = sqlx::QueryBuilder::<$db>::new("");
                Self::push_timeline_insert(&mut qb, std::slice::from_ref(e));
                qb.build().execute(&mut *conn).await.map_err(crate::db_error)?;
                Ok(())
            }

            /// Adds a team member.
            pub async fn insert_team_member(
                conn: &mut <$db as sqlx::Database>::Connection,
                m: &resettle_domain::team::TeamMember,
            ) -> resettle_storage::StorageResult<()> {
                let mut qb = sqlx::QueryBuilder::<$db>::new("");
                Self::push_team_insert(&mut qb, std::slice::from_ref(m));
                qb.build().execute(&mut *conn).await.map_err(crate::db_error)?;
                Ok(())
            }

            /// Replaces a child's details if the stored version is `expected_version`.
            pub async fn update_child(
                conn: &mut <$db as sqlx::Database>::Connection,
                child: &resettle_domain::child::Child,
                expected_version: i64,
            ) -> resettle_storage::StorageResult<()> {
                use crate::rows::{date, ts};
                let d = &child.details;
                let updated = sqlx::query(
                    "UPDATE children SET given_name = $1, family_name = $2, preferred_name = $3, date_of_birth = $4, \
                     nhs_number = $5, pnc_id = $6, gender = $7, ethnicity = $8, first_language = $9, legal_status = $10, \
                     version = $11, updated_at = $12, preferred_language = $15 WHERE id = $13 AND version = $14",
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
                .bind(d.preferred_language.as_str())
                .execute(&mut *conn)
                .await
                .map_err(crate::db_error)?;
                if updated.rows_affected() != 1 {
                    return Err(Self::version_error(conn, "children", child.id.0).await);
                }
                Ok(())
            }

            /// The version now stored in `table` for the row whose `key` is `id`, as the error
            /// for a failed versioned update (`NotFound` when the row is gone).
            pub async fn version_error_by(
                conn: &mut <$db as sqlx::Database>::Connection,
                table: &'static str,
                key: &'static str,
                id: uuid::Uuid,
            ) -> resettle_storage::StorageError {
                let sql = format!("SELECT version FROM {table} WHERE {key} = $1");
                match sqlx::query_scalar::<_, i64>(&sql).bind(id).fetch_optional(&mut *conn).await {
                    Ok(Some(current)) => resettle_storage::StorageError::VersionMismatch { current },
                    Ok(None) => resettle_storage::StorageError::NotFound,
                    Err(e) => crate::db_error(e),
                }
            }

            /// [`Self::version_error_by`] on the `id` column.
            pub async fn version_error(
                conn: &mut <$db as sqlx::Database>::Connection,
                table: &'static str,
                id: uuid::Uuid,
            ) -> resettle_storage::StorageError {
                Self::version_error_by(conn, table, "id", id).await
            }

            /// Writes the plan's changes that go with a custody change: the plan opened, and
            /// meetings added, moved or removed.
            pub async fn write_plan_changes(
                conn: &mut <$db as sqlx::Database>::Connection,
                changes: &resettle_storage::PlanChanges,
            ) -> resettle_storage::StorageResult<()> {
                use crate::db_error;
                use crate::rows::date;
                if let Some(p) = &changes.open {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("");
                    Self::push_plans_insert(&mut qb, std::slice::from_ref(p));
                    qb.push(" ON CONFLICT (child_id) DO NOTHING");
                    qb.build().execute(&mut *conn).await.map_err(db_error)?;
                }
                if !changes.meetings.insert.is_empty() {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("");
                    Self::push_meetings_insert(&mut qb, &changes.meetings.insert);
                    qb.build().execute(&mut *conn).await.map_err(db_error)?;
                }
                for (id, due) in &changes.meetings.move_due {
                    sqlx::query("UPDATE meetings SET due_by = $1, version = version + 1 WHERE id = $2")
                        .bind(date(*due))
                        .bind(id.0)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                }
                for id in &changes.meetings.remove {
                    sqlx::query("DELETE FROM meetings WHERE id = $1 AND status = 'not_scheduled'")
                        .bind(id.0)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                }
                Ok(())
            }

            /// Appends audit events inside the caller's transaction, chaining each to the last.
            /// Taking the head row first makes the transaction the only writer of the chain
            /// until it commits (a row lock on PostgreSQL, the write lock on SQLite).
            pub async fn append_audit(
                conn: &mut <$db as sqlx::Database>::Connection,
                events: &[resettle_domain::audit::AuditEvent],
                key: Option<&resettle_domain::audit::AuditKey>,
            ) -> resettle_storage::StorageResult<()> {
                use crate::db_error;
                use crate::rows::ts;
                if events.is_empty() {
                    return Ok(());
                }
                let n = i64::try_from(events.len())
                    .map_err(|_| resettle_storage::StorageError::Database("too many audit events".into()))?;
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
                for chunk in entries.chunks(crate::MAX_BINDS / 15) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
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
                        let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO audit_details (seq, purpose, ip) ");
                        qb.push_values(apart, |mut b, e| {
                            b.push_bind(e.seq).push_bind(&e.purpose).push_bind(&e.ip);
                        });
                        qb.build().execute(&mut *conn).await.map_err(db_error)?;
                    }
                }
                Ok(())
            }

            /// One recorded write: runs `write` (an insert or update built by the caller), adds
            /// the timeline entry and appends the audit, all in one transaction. `write` must
            /// change exactly one row when `one_row` is given (a versioned update: otherwise
            /// the row moved on, or is gone, and the transaction is dropped with that error).
            pub async fn write_recorded(
                pool: &sqlx::Pool<$db>,
                mut write: sqlx::QueryBuilder<'_, $db>,
                one_row: Option<(&'static str, uuid::Uuid)>,
                entry: &resettle_domain::timeline::TimelineEntry,
                audit: &[resettle_domain::audit::AuditEvent],
                key: Option<&resettle_domain::audit::AuditKey>,
            ) -> resettle_storage::StorageResult<()> {
                let mut tx = pool.begin().await.map_err(crate::db_error)?;
                let done = write.build().execute(&mut *tx).await.map_err(crate::db_error)?;
                if let Some((table, id)) = one_row
                    && done.rows_affected() != 1
                {
                    return Err(Self::version_error(&mut tx, table, id).await);
                }
                Self::insert_entry(&mut tx, entry).await?;
                Self::commit_audited(tx, audit, key).await
            }

            /// Appends a change's audit entries in its transaction, then commits both: a change
            /// and the record that it was made are written together or not at all.
            pub async fn commit_audited(
                mut tx: sqlx::Transaction<'_, $db>,
                audit: &[resettle_domain::audit::AuditEvent],
                key: Option<&resettle_domain::audit::AuditKey>,
            ) -> resettle_storage::StorageResult<()> {
                Self::append_audit(&mut tx, audit, key).await?;
                Self::commit_change(tx).await
            }

            /// Counts the change in the database (`change_count`, what `Storage::changes`
            /// answers), then commits it: every server and command over this database sees the
            /// count move with the change, so a read cache built before it is out of date
            /// everywhere. Counted inside the transaction, the new count is visible only once
            /// the change is (after the audit head's lock, so the order of locks is fixed).
            pub async fn commit_change(mut tx: sqlx::Transaction<'_, $db>) -> resettle_storage::StorageResult<()> {
                Self::count_change(&mut *tx).await?;
                tx.commit().await.map_err(crate::db_error)
            }

            /// Counts a change (see [`Self::commit_change`]); for a change made outside a
            /// transaction, call it after the change.
            pub async fn count_change<'c, E: sqlx::Executor<'c, Database = $db>>(
                e: E,
            ) -> resettle_storage::StorageResult<()> {
                sqlx::query("UPDATE change_count SET n = n + 1 WHERE id = 1")
                    .execute(e)
                    .await
                    .map_err(crate::db_error)?;
                Ok(())
            }
        }
    };
}

tx_helpers!(sqlx::Sqlite);
tx_helpers!(sqlx::Postgres);
