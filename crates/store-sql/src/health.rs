//! Health's SQL: rows and the [`health_storage!`](crate::health_storage) implementation of
//! `HealthStorage`.

use resettle_domain::health::{Assessment, Consent, Handover, HealthRecord, Measure, ShareLogEntry};
use sqlx::QueryBuilder;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::{date, ts};

mod rows;

pub use rows::*;

/// Health's inserts: records, assessments, measures, consents, handovers and shares.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_health_records_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [HealthRecord]) {
        qb.push("INSERT INTO health_records (id, child_id, category, summary, detail, source, recorded_by, recorded_by_name, recorded_at) ");
        qb.push_values(rows, |mut r, x| {
            r.bind(x.id.0)
                .bind(x.child_id.0)
                .bind(x.category.as_str())
                .bind(&x.summary)
                .bind(&x.detail)
                .bind(&x.source)
                .bind(x.recorded_by.0)
                .bind(&x.recorded_by_name)
                .bind(ts(x.recorded_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_assessments_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Assessment]) {
        qb.push(
            "INSERT INTO health_assessments (id, child_id, kind, author_id, author_name, organisation_id, \
                 assessed_on, sections, needs, status, based_on, version, created_at) ",
        );
        qb.push_values(rows, |mut r, a| {
            r.bind(a.id.0)
                .bind(a.child_id.0)
                .bind(a.kind.as_str())
                .bind(a.author_id.0)
                .bind(&a.author_name)
                .bind(a.organisation_id.0)
                .bind(date(a.assessed_on))
                .bind(sections_json(&a.sections))
                .bind(needs_json(&a.needs))
                .bind(a.status.as_str())
                .bind(a.based_on.map(|b| b.0))
                .bind(a.version)
                .bind(ts(a.created_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_measures_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Measure]) {
        qb.push("INSERT INTO health_measures (id, child_id, kind, score, rater, measured_on, recorded_by_name, recorded_at) ");
        qb.push_values(rows, |mut r, m| {
            r.bind(m.id.0)
                .bind(m.child_id.0)
                .bind(m.kind.as_str())
                .bind(i32::from(m.score))
                .bind(m.rater.as_str())
                .bind(date(m.measured_on))
                .bind(&m.recorded_by_name)
                .bind(ts(m.recorded_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_consents_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Consent]) {
        qb.push(
            "INSERT INTO health_consents (id, child_id, decision, capacity, decided_by, share_with_organisation_id, \
                 share_with_role, purpose, lawful_basis, decided_on, recorded_by_name, recorded_at) ",
        );
        qb.push_values(rows, |mut r, c| {
            r.bind(c.id.0)
                .bind(c.child_id.0)
                .bind(c.decision.as_str())
                .bind(c.capacity.as_str())
                .bind(&c.decided_by)
                .bind(c.share_with_organisation_id.0)
                .bind(c.share_with_role.map(|r| r.as_str()))
                .bind(&c.purpose)
                .bind(c.lawful_basis.map(|b| b.as_str()))
                .bind(date(c.decided_on))
                .bind(&c.recorded_by_name)
                .bind(ts(c.recorded_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_handovers_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Handover]) {
        qb.push(
            "INSERT INTO handovers (id, child_id, item_kind, item_id, summary, sender_id, sender_name, \
                 sender_organisation_id, recipient_user_id, recipient_org_id, recipient_role, sent_at, due_on, \
                 acknowledged_at, acknowledged_by_name, acknowledgement_note) ",
        );
        qb.push_values(rows, |mut r, h| {
            r.bind(h.id.0)
                .bind(h.child_id.0)
                .bind(&h.item_kind)
                .bind(h.item_id)
                .bind(&h.summary)
                .bind(h.sender_id.map(|u| u.0))
                .bind(&h.sender_name)
                .bind(h.sender_organisation_id.map(|o| o.0))
                .bind(h.recipient.user_id.map(|u| u.0))
                .bind(h.recipient.organisation_id.0)
                .bind(h.recipient.role.map(|r| r.as_str()))
                .bind(ts(h.sent_at))
                .bind(date(h.due_on))
                .bind(h.acknowledged_at.map(ts))
                .bind(&h.acknowledged_by_name)
                .bind(&h.acknowledgement_note);
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_shares_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [ShareLogEntry]) {
        qb.push(
            "INSERT INTO share_log (id, child_id, what, with_organisation_id, with_user_id, with_role, why, \
                 shared_at, shared_by_name, handover_id, consent_id) ",
        );
        qb.push_values(rows, |mut r, s| {
            r.bind(s.id.0)
                .bind(s.child_id.0)
                .bind(&s.what)
                .bind(s.with_organisation_id.0)
                .bind(s.with_user_id.map(|u| u.0))
                .bind(s.with_role.map(|r| r.as_str()))
                .bind(&s.why)
                .bind(ts(s.shared_at))
                .bind(&s.shared_by_name)
                .bind(s.handover_id.map(|h| h.0))
                .bind(s.consent_id.map(|c| c.0));
        });
    }
}

/// Implements `HealthStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`), with
/// the shared SQL reached by name ([`Sql`](crate::Sql), [`scope`](crate::scope)); invoked by
/// each storage crate.
#[macro_export]
macro_rules! health_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            use $crate::health::*;
            use resettle_domain::health::{Assessment, Consent, Handover, HealthRecord, Measure, ShareLogEntry};
            use resettle_domain::ids::{AssessmentId, HandoverId, NotificationId};
            use resettle_domain::org::{Role, User};

            const HANDOVER_LIST: &str = "SELECT h.id, h.child_id, h.item_kind, h.item_id, h.summary, h.sender_id, h.sender_name, \
                h.sender_organisation_id, h.recipient_user_id, h.recipient_org_id, h.recipient_role, h.sent_at, h.due_on, \
                h.acknowledged_at, h.acknowledged_by_name, h.acknowledgement_note, c.given_name, c.family_name, \
                o.name AS org_name, c.yjs_id FROM handovers h JOIN children c ON c.id = h.child_id \
                JOIN organisations o ON o.id = h.recipient_org_id WHERE h.acknowledged_at IS NULL";

            async fn insert_notifications_tx(
                conn: &mut <$db as sqlx::Database>::Connection,
                list: &[Notification],
            ) -> StorageResult<u64> {
                let mut n = 0;
                for x in list {
                    let done = sqlx::query(
                        "INSERT INTO notifications (id, user_id, child_id, kind, message, link, created_at, read_at, dedupe_key) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe_key) DO NOTHING",
                    )
                    .bind(x.id.0)
                    .bind(x.user_id.0)
                    .bind(x.child_id.map(|c| c.0))
                    .bind(&x.kind)
                    .bind(&x.message)
                    .bind(&x.link)
                    .bind(ts(x.created_at))
                    .bind(x.read_at.map(ts))
                    .bind(&x.dedupe_key)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                    n += done.rows_affected();
                    if done.rows_affected() == 1 {
                        // Each new notification is also emailed, queued in this same transaction:
                        // the outbox sends it (see `resettle_app::mail`). The email names no child
                        // and carries no health detail.
                        let email = resettle_domain::mail::notification_email(&x.kind);
                        sqlx::query(
                            "INSERT INTO outbox (id, dedupe_key, to_address, subject, body, created_at, attempts, next_attempt_at) \
                             SELECT $1, $2, u.email, $3, $4, $5, 0, $5 FROM users u WHERE u.id = $6 AND u.email_preference = 'each' \
                             ON CONFLICT (dedupe_key) DO NOTHING",
                        )
                        .bind(resettle_domain::ids::MessageId::random().0)
                        .bind(format!("notification:{}", x.dedupe_key))
                        .bind(email.0)
                        .bind(email.1)
                        .bind(ts(x.created_at))
                        .bind(x.user_id.0)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                    }
                }
                Ok(n)
            }

            async fn insert_handover_tx(conn: &mut <$db as sqlx::Database>::Connection, h: &Handover) -> StorageResult<()> {
                let mut qb = Qb::new("");
                Sql::push_handovers_insert(&mut qb, std::slice::from_ref(h));
                qb.build().execute(&mut *conn).await.map_err(db_error)?;
                Ok(())
            }

            async fn insert_share_tx(conn: &mut <$db as sqlx::Database>::Connection, s: &ShareLogEntry) -> StorageResult<()> {
                let mut qb = Qb::new("");
                Sql::push_shares_insert(&mut qb, std::slice::from_ref(s));
                qb.build().execute(&mut *conn).await.map_err(db_error)?;
                Ok(())
            }

            async fn write_assessment_tx(
                conn: &mut <$db as sqlx::Database>::Connection,
                a: &Assessment,
                expected: Option<i64>,
            ) -> StorageResult<()> {
                match expected {
                    None => {
                        let mut qb = Qb::new("");
                        Sql::push_assessments_insert(&mut qb, std::slice::from_ref(a));
                        qb.build().execute(&mut *conn).await.map_err(db_error)?;
                    }
                    Some(v) => {
                        let done = sqlx::query(
                            "UPDATE health_assessments SET sections = $1, needs = $2, status = $3, version = $4, \
                             assessed_on = $5 WHERE id = $6 AND version = $7",
                        )
                        .bind(sections_json(&a.sections))
                        .bind(needs_json(&a.needs))
                        .bind(a.status.as_str())
                        .bind(a.version)
                        .bind(date(a.assessed_on))
                        .bind(a.id.0)
                        .bind(v)
                        .execute(&mut *conn)
                        .await
                        .map_err(db_error)?;
                        if done.rows_affected() != 1 {
                            return Err(Sql::version_error(conn, "health_assessments", a.id.0).await);
                        }
                    }
                }
                Ok(())
            }

            #[$crate::async_trait::async_trait]
            impl HealthStorage for $store {
                async fn write_health(&self, w: &HealthWrite) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    if let Some(r) = &w.record {
                        let mut qb = Qb::new("");
                        Sql::push_health_records_insert(&mut qb, std::slice::from_ref(r));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    if let Some((a, expected)) = &w.assessment {
                        write_assessment_tx(&mut tx, a, *expected).await?;
                    }
                    if let Some(m) = &w.measure {
                        let mut qb = Qb::new("");
                        Sql::push_measures_insert(&mut qb, std::slice::from_ref(m));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    if let Some(c) = &w.consent {
                        let mut qb = Qb::new("");
                        Sql::push_consents_insert(&mut qb, std::slice::from_ref(c));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    for h in &w.handovers {
                        insert_handover_tx(&mut tx, h).await?;
                    }
                    for s in &w.shares {
                        insert_share_tx(&mut tx, s).await?;
                    }
                    for e in &w.entries {
                        Sql::insert_entry(&mut tx, e).await?;
                    }
                    Sql::commit_audited(tx, &w.audit, self.audit_key.as_ref()).await
                }

                async fn health_records(&self, child: ChildId) -> StorageResult<Vec<HealthRecord>> {
                    sqlx::query_as::<_, HealthRecordRow>(
                        "SELECT id, child_id, category, summary, detail, source, recorded_by, recorded_by_name, recorded_at \
                         FROM health_records WHERE child_id = $1 ORDER BY recorded_at DESC, id",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(HealthRecordRow::into_domain)
                    .collect()
                }

                async fn assessments(&self, child: ChildId) -> StorageResult<Vec<Assessment>> {
                    sqlx::query_as::<_, AssessmentRow>(
                        "SELECT id, child_id, kind, author_id, author_name, organisation_id, assessed_on, sections, needs, \
                         status, based_on, version, created_at FROM health_assessments WHERE child_id = $1 \
                         ORDER BY assessed_on DESC, created_at DESC",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(AssessmentRow::into_domain)
                    .collect()
                }

                async fn assessment(&self, id: AssessmentId) -> StorageResult<Option<Assessment>> {
                    sqlx::query_as::<_, AssessmentRow>(
                        "SELECT id, child_id, kind, author_id, author_name, organisation_id, assessed_on, sections, needs, \
                         status, based_on, version, created_at FROM health_assessments WHERE id = $1",
                    )
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?
                    .map(AssessmentRow::into_domain)
                    .transpose()
                }

                async fn measures(&self, child: ChildId) -> StorageResult<Vec<Measure>> {
                    sqlx::query_as::<_, MeasureRow>(
                        "SELECT id, child_id, kind, score, rater, measured_on, recorded_by_name, recorded_at \
                         FROM health_measures WHERE child_id = $1 ORDER BY measured_on, recorded_at",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(MeasureRow::into_domain)
                    .collect()
                }

                async fn consents(&self, child: ChildId) -> StorageResult<Vec<Consent>> {
                    sqlx::query_as::<_, ConsentRow>(
                        "SELECT id, child_id, decision, capacity, decided_by, share_with_organisation_id, share_with_role, \
                         purpose, lawful_basis, decided_on, recorded_by_name, recorded_at FROM health_consents \
                         WHERE child_id = $1 ORDER BY decided_on DESC, recorded_at DESC",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(ConsentRow::into_domain)
                    .collect()
                }

                async fn child_handovers(&self, child: ChildId) -> StorageResult<Vec<Handover>> {
                    sqlx::query_as::<_, HandoverDbRow>(&format!(
                        "SELECT {HANDOVER_COLUMNS} FROM handovers h WHERE h.child_id = $1 ORDER BY h.sent_at DESC"
                    ))
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(HandoverDbRow::into_domain)
                    .collect()
                }

                async fn release_summary_handovers(&self, children: &[ChildId]) -> StorageResult<Vec<Handover>> {
                    let mut out = Vec::new();
                    for chunk in children.chunks(MAX_BINDS / 2) {
                        let mut qb = Qb::new(format!(
                            "SELECT {HANDOVER_COLUMNS} FROM handovers h JOIN health_assessments a ON a.id = h.item_id \
                             WHERE h.item_kind = 'assessment' AND a.kind = 'release_health_summary' AND h.child_id IN ("
                        ));
                        let mut sep = qb.separated(", ");
                        for c in chunk {
                            sep.push_bind(c.0);
                        }
                        qb.push(") ORDER BY h.sent_at");
                        for row in qb.build_query_as::<HandoverDbRow>().fetch_all(&self.pool).await.map_err(db_error)? {
                            out.push(row.into_domain()?);
                        }
                    }
                    Ok(out)
                }

                async fn unacknowledged_handover_counts(&self, children: &[ChildId]) -> StorageResult<Vec<(ChildId, i64)>> {
                    let mut out = Vec::new();
                    for chunk in children.chunks(MAX_BINDS / 2) {
                        let mut qb = Qb::new("SELECT child_id, COUNT(*) FROM handovers WHERE acknowledged_at IS NULL AND child_id IN (");
                        let mut sep = qb.separated(", ");
                        for c in chunk {
                            sep.push_bind(c.0);
                        }
                        qb.push(") GROUP BY child_id");
                        let rows: Vec<(uuid::Uuid, i64)> = qb.build_query_as().fetch_all(&self.pool).await.map_err(db_error)?;
                        out.extend(rows.into_iter().map(|(c, n)| (ChildId(c), n)));
                    }
                    Ok(out)
                }

                async fn share_log(&self, child: ChildId) -> StorageResult<Vec<ShareLogEntry>> {
                    sqlx::query_as::<_, ShareRow>(
                        "SELECT id, child_id, what, with_organisation_id, with_user_id, with_role, why, shared_at, \
                         shared_by_name, handover_id, consent_id FROM share_log WHERE child_id = $1 ORDER BY shared_at DESC",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(ShareRow::into_domain)
                    .collect()
                }

                async fn handover(&self, id: HandoverId) -> StorageResult<Option<Handover>> {
                    sqlx::query_as::<_, HandoverDbRow>(&format!("SELECT {HANDOVER_COLUMNS} FROM handovers h WHERE h.id = $1"))
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?
                        .map(HandoverDbRow::into_domain)
                        .transpose()
                }

                async fn handovers_waiting(&self, user: UserId, roles: &[(OrgId, Role)]) -> StorageResult<Vec<HandoverRow>> {
                    let mut qb = Qb::new(HANDOVER_LIST);
                    qb.push(" AND (h.recipient_user_id = ");
                    qb.push_bind(user.0);
                    for (org, role) in roles {
                        qb.push(" OR (h.recipient_user_id IS NULL AND h.recipient_org_id = ");
                        qb.push_bind(org.0);
                        qb.push(" AND h.recipient_role = ");
                        qb.push_bind(role.as_str());
                        qb.push(")");
                    }
                    qb.push(") ORDER BY h.due_on, h.sent_at");
                    qb.build_query_as::<HandoverListRow>()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?
                        .into_iter()
                        .map(HandoverListRow::into_row)
                        .collect()
                }

                async fn handovers_sent_open(&self, user: UserId) -> StorageResult<Vec<HandoverRow>> {
                    sqlx::query_as::<_, HandoverListRow>(&format!("{HANDOVER_LIST} AND h.sender_id = $1 ORDER BY h.due_on, h.sent_at"))
                        .bind(user.0)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?
                        .into_iter()
                        .map(HandoverListRow::into_row)
                        .collect()
                }

                #[allow(clippy::too_many_arguments)] // the change, its timeline entry and its audit, written together
                async fn acknowledge_handover(
                    &self,
                    id: HandoverId,
                    by: UserId,
                    by_name: &str,
                    at: jiff::Timestamp,
                    note: Option<&str>,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let done = sqlx::query(
                        "UPDATE handovers SET acknowledged_at = $1, acknowledged_by = $2, acknowledged_by_name = $3, \
                         acknowledgement_note = $4 WHERE id = $5 AND acknowledged_at IS NULL",
                    )
                    .bind(ts(at))
                    .bind(by.0)
                    .bind(by_name)
                    .bind(note)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    if done.rows_affected() != 1 {
                        return Ok(false);
                    }
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await?;
                    Ok(true)
                }

                async fn overdue_handovers(&self, today: jiff::civil::Date, level: i32) -> StorageResult<Vec<HandoverRow>> {
                    sqlx::query_as::<_, HandoverListRow>(&format!(
                        "{HANDOVER_LIST} AND h.due_on < $1 AND NOT EXISTS (SELECT 1 FROM handover_escalations e \
                         WHERE e.handover_id = h.id AND e.level = $2) ORDER BY h.due_on, h.sent_at"
                    ))
                    .bind(date(today))
                    .bind(level)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(HandoverListRow::into_row)
                    .collect()
                }

                async fn escalate_handover(
                    &self,
                    id: HandoverId,
                    level: i32,
                    at: jiff::Timestamp,
                    notifications: &[Notification],
                    entry: &TimelineEntry,
                ) -> StorageResult<bool> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let done = sqlx::query(
                        "INSERT INTO handover_escalations (handover_id, level, escalated_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (handover_id, level) DO NOTHING",
                    )
                    .bind(id.0)
                    .bind(level)
                    .bind(ts(at))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    if done.rows_affected() != 1 {
                        return Ok(false);
                    }
                    insert_notifications_tx(&mut tx, notifications).await?;
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_change(tx).await?;
                    Ok(true)
                }

                async fn notify_once(&self, notices: &[(Vec<Notification>, TimelineEntry)]) -> StorageResult<u64> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut written = 0;
                    for (list, entry) in notices {
                        let n = insert_notifications_tx(&mut tx, list).await?;
                        if n > 0 {
                            Sql::insert_entry(&mut tx, entry).await?;
                        }
                        written += n;
                    }
                    if written == 0 {
                        // Nothing new: no change to count, so no cache is thrown away.
                        tx.rollback().await.map_err(db_error)?;
                        return Ok(0);
                    }
                    Sql::commit_change(tx).await?;
                    Ok(written)
                }

                async fn sweep_mark(&self, step: &str) -> StorageResult<Option<(jiff::civil::Date, u64)>> {
                    let row: Option<(jiff_sqlx::Date, i64)> =
                        sqlx::query_as("SELECT day, changes FROM sweep_marks WHERE step = $1")
                            .bind(step)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                    Ok(row.map(|(day, n)| (day.to_jiff(), n.unsigned_abs())))
                }

                async fn set_sweep_mark(&self, step: &str, day: jiff::civil::Date, changes: u64) -> StorageResult<()> {
                    sqlx::query(
                        "INSERT INTO sweep_marks (step, day, changes) VALUES ($1, $2, $3) \
                         ON CONFLICT (step) DO UPDATE SET day = excluded.day, changes = excluded.changes",
                    )
                    .bind(step)
                    .bind(date(day))
                    .bind(i64::try_from(changes).unwrap_or(i64::MAX))
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn notifications_sent(&self, dedupe_keys: &[String]) -> StorageResult<std::collections::HashSet<String>> {
                    let mut sent = std::collections::HashSet::new();
                    for chunk in dedupe_keys.chunks(500) {
                        let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT dedupe_key FROM notifications WHERE dedupe_key IN (");
                        let mut list = qb.separated(", ");
                        for k in chunk {
                            list.push_bind(k.as_str());
                        }
                        qb.push(")");
                        let rows: Vec<(String,)> = qb.build_query_as().persistent(false).fetch_all(&self.pool).await.map_err(db_error)?;
                        sent.extend(rows.into_iter().map(|(k,)| k));
                    }
                    Ok(sent)
                }

                async fn insert_notifications(&self, list: &[Notification]) -> StorageResult<u64> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let n = insert_notifications_tx(&mut tx, list).await?;
                    Sql::commit_change(tx).await?;
                    Ok(n)
                }

                async fn notifications(&self, user: UserId, limit: u32) -> StorageResult<Vec<Notification>> {
                    Ok(sqlx::query_as::<_, NotificationRow>(
                        "SELECT id, user_id, child_id, kind, message, link, created_at, read_at, dedupe_key \
                         FROM notifications WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2",
                    )
                    .bind(user.0)
                    .bind(i64::from(limit))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?
                    .into_iter()
                    .map(NotificationRow::into_domain)
                    .collect())
                }

                async fn mark_notification_read(&self, id: NotificationId, user: UserId, at: jiff::Timestamp) -> StorageResult<bool> {
                    let done = sqlx::query(
                        "UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
                    )
                    .bind(ts(at))
                    .bind(id.0)
                    .bind(user.0)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(done.rows_affected() == 1)
                }

                async fn users_with_role(&self, org: OrgId, role: Role) -> StorageResult<Vec<User>> {
                    let rows = sqlx::query_as::<_, UserRow>(
                        "SELECT DISTINCT u.id, u.email, u.name, u.phone, u.active, u.password_hash FROM users u \
                         JOIN memberships m ON m.user_id = u.id WHERE m.organisation_id = $1 AND m.role = $2 \
                         AND u.active = $3 ORDER BY u.name",
                    )
                    .bind(org.0)
                    .bind(role.as_str())
                    .bind(true)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(|r| r.into_domain(Vec::new()).map(|u| u.user)).collect()
                }
            }
        };
    };
}
