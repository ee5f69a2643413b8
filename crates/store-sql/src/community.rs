//! The community half of the journey's SQL: rows, one column list per table, and the
//! [`community_storage!`](crate::community_storage) implementation of `CommunityStorage` (the
//! rows it reads and writes are in `community/rows.rs`).

mod rows;

pub use rows::*;

use resettle_domain::community::{
    Appointment, Enforcement, EtePlacement, LivingArrangement, Offence, ProbationTransfer,
};
use sqlx::QueryBuilder;
use sqlx::query_builder::Separated;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::{date, ts};

/// After release: appointments, enforcement, offences, living arrangements and ETE placements.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_appointments_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Appointment]) {
        qb.push(format!("INSERT INTO appointments ({APPOINTMENT_COLUMNS}) "));
        qb.push_values(rows, |mut r, a| Self::push_appointments_values(&mut r, a));
    }

    /// One row's values, in [`APPOINTMENT_COLUMNS`] order.
    fn push_appointments_values(r: &mut Separated<'_, 'a, DB, &'static str>, a: &'a Appointment) {
        r.bind(a.id.0)
            .bind(a.child_id.0)
            .bind(a.kind.as_str())
            .bind(ts(a.starts_at))
            .bind(&a.location)
            .bind(&a.with_whom)
            .bind(a.outcome.map(|o| o.as_str()))
            .bind(&a.outcome_reason)
            .bind(a.rescheduled_to.map(ts))
            .bind(a.version)
            .bind(&a.recorded_by_name)
            .bind(ts(a.created_at))
            .bind(ts(a.updated_at));
    }

    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_enforcement_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Enforcement]) {
        qb.push(format!("INSERT INTO enforcement ({ENFORCEMENT_COLUMNS}) "));
        qb.push_values(rows, |mut r, e| {
            r.bind(e.id.0)
                .bind(e.child_id.0)
                .bind(e.kind.as_str())
                .bind(date(e.on))
                .bind(&e.reason)
                .bind(e.court_on.map(date))
                .bind(e.outcome.map(|o| o.as_str()))
                .bind(&e.recorded_by_name)
                .bind(ts(e.created_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_offences_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Offence]) {
        qb.push(format!("INSERT INTO offences ({OFFENCE_COLUMNS}) "));
        qb.push_values(rows, |mut r, o| Self::push_offences_values(&mut r, o));
    }

    /// One row's values, in [`OFFENCE_COLUMNS`] order.
    fn push_offences_values(r: &mut Separated<'_, 'a, DB, &'static str>, o: &'a Offence) {
        r.bind(o.id.0)
            .bind(o.child_id.0)
            .bind(o.arrested_on.map(date))
            .bind(o.offence_on.map(date))
            .bind(o.category.as_str())
            .bind(o.outcome.as_str())
            .bind(o.outcome_on.map(date))
            .bind(o.version)
            .bind(&o.recorded_by_name)
            .bind(ts(o.created_at))
            .bind(ts(o.updated_at))
            .bind(o.episode_id.map(|e| e.0));
    }

    /// A versioned update of every column of one appointment (see [`Sql::push_versioned_update`]).
    pub fn push_appointment_update(qb: &mut QueryBuilder<'a, DB>, a: &'a Appointment, expected_version: i64) {
        Self::push_versioned_update(qb, "appointments", APPOINTMENT_COLUMNS, a.id.0, expected_version, |r| {
            Self::push_appointments_values(r, a)
        });
    }

    /// A versioned update of every column of one offence (see [`Sql::push_versioned_update`]).
    pub fn push_offence_update(qb: &mut QueryBuilder<'a, DB>, o: &'a Offence, expected_version: i64) {
        Self::push_versioned_update(qb, "offences", OFFENCE_COLUMNS, o.id.0, expected_version, |r| {
            Self::push_offences_values(r, o)
        });
    }

    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_living_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [LivingArrangement]) {
        qb.push(format!("INSERT INTO living_arrangements ({LIVING_COLUMNS}) "));
        qb.push_values(rows, |mut r, l| {
            r.bind(l.id.0)
                .bind(l.child_id.0)
                .bind(date(l.from))
                .bind(l.kind.as_str())
                .bind(l.suitable)
                .bind(&l.reason)
                .bind(&l.address)
                .bind(&l.recorded_by_name)
                .bind(ts(l.created_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_ete_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [EtePlacement]) {
        qb.push(format!("INSERT INTO ete_placements ({ETE_COLUMNS}) "));
        qb.push_values(rows, |mut r, p| {
            r.bind(p.id.0)
                .bind(p.child_id.0)
                .bind(date(p.from))
                .bind(p.kind.as_str())
                .bind(p.hours_offered)
                .bind(p.hours_attended)
                .bind(&p.recorded_by_name)
                .bind(ts(p.created_at));
        });
    }

    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_probation_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [ProbationTransfer]) {
        qb.push(format!("INSERT INTO probation_transfers ({PROBATION_COLUMNS}) "));
        qb.push_values(rows, |mut r, t| {
            r.bind(t.id.0)
                .bind(t.child_id.0)
                .bind(date(t.transferred_on))
                .bind(&t.probation_delivery_unit)
                .bind(&t.shared)
                .bind(&t.recorded_by_name)
                .bind(ts(t.created_at));
        });
    }
}

/// Implements `CommunityStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`), with
/// the shared SQL reached by name ([`Sql`](crate::Sql), [`scope`](crate::scope)); invoked by
/// each storage crate.
#[macro_export]
macro_rules! community_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            use $crate::community::*;
            use resettle_domain::community::{Appointment, Enforcement, EtePlacement, LivingArrangement, Offence};
            use resettle_domain::ids::{AppointmentId, OffenceId};

            #[$crate::async_trait::async_trait]
            impl CommunityStorage for $store {
                async fn releases(&self, child: ChildId) -> StorageResult<Vec<ReleaseRecord>> {
                    let rows = sqlx::query_as::<_, ReleaseRow>(
                        "SELECT id, kind, started_on, ended_on, release_kind FROM custody_episodes \
                         WHERE child_id = $1 AND ended_on IS NOT NULL ORDER BY ended_on DESC, started_on DESC",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(ReleaseRow::into_domain).collect()
                }

                async fn discharge_decisions(
                    &self,
                    child: ChildId,
                ) -> StorageResult<Vec<resettle_domain::discharge::DischargeDecision>> {
                    let sql = format!(
                        "SELECT {} FROM discharge_decisions d JOIN sentences s ON s.id = d.sentence_id WHERE s.child_id = $1",
                        DISCHARGE_COLUMNS.split(", ").map(|c| format!("d.{c}")).collect::<Vec<_>>().join(", ")
                    );
                    let rows = sqlx::query_as::<_, DischargeRow>(&sql)
                        .bind(child.0)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(rows.into_iter().map(DischargeRow::into_domain).collect())
                }

                async fn discharge_decision(
                    &self,
                    sentence: resettle_domain::ids::SentenceId,
                ) -> StorageResult<Option<resettle_domain::discharge::DischargeDecision>> {
                    let sql = format!("SELECT {DISCHARGE_COLUMNS} FROM discharge_decisions WHERE sentence_id = $1");
                    let row = sqlx::query_as::<_, DischargeRow>(&sql)
                        .bind(sentence.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    Ok(row.map(DischargeRow::into_domain))
                }

                async fn put_discharge_decision(
                    &self,
                    d: &resettle_domain::discharge::DischargeDecision,
                    expected_version: i64,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let sql = if expected_version == 0 {
                        format!(
                            "INSERT INTO discharge_decisions ({DISCHARGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                             ON CONFLICT (sentence_id) DO NOTHING"
                        )
                    } else {
                        "UPDATE discharge_decisions SET release_on = $2, brought_forward_to = $3, reason = $4, version = $5, \
                         recorded_by_name = $6, recorded_at = $7 WHERE sentence_id = $1 AND version = $8"
                            .to_string()
                    };
                    let mut q = sqlx::query(&sql)
                        .bind(d.sentence_id.0)
                        .bind(d.release_on.map(date))
                        .bind(d.brought_forward_to.map(date))
                        .bind(&d.reason)
                        .bind(d.version)
                        .bind(&d.recorded_by_name)
                        .bind(ts(d.recorded_at));
                    if expected_version != 0 {
                        q = q.bind(expected_version);
                    }
                    let done = q.execute(&mut *tx).await.map_err(db_error)?;
                    if done.rows_affected() != 1 {
                        return Err(Sql::version_error_by(&mut tx, "discharge_decisions", "sentence_id", d.sentence_id.0).await);
                    }
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn insert_appointments(
                    &self,
                    list: &[Appointment],
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    for chunk in list.chunks(MAX_BINDS / 13) {
                        let mut qb = Qb::new("");
                        Sql::push_appointments_insert(&mut qb, chunk);
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    }
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn update_appointment(
                    &self,
                    a: &Appointment,
                    expected_version: i64,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_appointment_update(&mut qb, a, expected_version);
                    Sql::write_recorded(&self.pool, qb, Some(("appointments", a.id.0)), entry, audit, self.audit_key.as_ref()).await
                }

                async fn appointment(&self, id: AppointmentId) -> StorageResult<Option<Appointment>> {
                    let sql = format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE id = $1");
                    let row = sqlx::query_as::<_, AppointmentRow>(&sql)
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    row.map(AppointmentRow::into_domain).transpose()
                }

                async fn appointments(&self, child: ChildId) -> StorageResult<Vec<Appointment>> {
                    let sql =
                        format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE child_id = $1 ORDER BY starts_at, id");
                    let rows = sqlx::query_as::<_, AppointmentRow>(&sql)
                        .bind(child.0)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.into_iter().map(AppointmentRow::into_domain).collect()
                }

                async fn appointments_awaiting_outcome(&self, before: jiff::Timestamp) -> StorageResult<Vec<Appointment>> {
                    let sql = format!(
                        "SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE outcome IS NULL AND starts_at < $1 \
                         ORDER BY starts_at, id LIMIT 20000"
                    );
                    let rows = sqlx::query_as::<_, AppointmentRow>(&sql)
                        .bind(ts(before))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.into_iter().map(AppointmentRow::into_domain).collect()
                }

                async fn appointments_between(
                    &self,
                    scope: &resettle_domain::policy::ChildScope,
                    from: jiff::Timestamp,
                    to: jiff::Timestamp,
                ) -> StorageResult<Vec<Appointment>> {
                    let mut qb = Qb::new(format!("SELECT {APPOINTMENT_COLUMNS} FROM appointments WHERE starts_at >= "));
                    qb.push_bind(ts(from));
                    qb.push(" AND starts_at < ");
                    qb.push_bind(ts(to));
                    qb.push(" AND child_id IN (SELECT c.id FROM children c WHERE 1 = 1");
                    push_scope(&mut qb, scope);
                    qb.push(") ORDER BY starts_at, id LIMIT 2000");
                    let rows =
                        qb.build_query_as::<AppointmentRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    rows.into_iter().map(AppointmentRow::into_domain).collect()
                }

                async fn insert_enforcement(
                    &self,
                    e: &Enforcement,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_enforcement_insert(&mut qb, std::slice::from_ref(e));
                    Sql::write_recorded(&self.pool, qb, None, entry, audit, self.audit_key.as_ref()).await
                }

                async fn enforcement(&self, child: ChildId) -> StorageResult<Vec<Enforcement>> {
                    let sql = format!(
                        "SELECT {ENFORCEMENT_COLUMNS} FROM enforcement WHERE child_id = $1 ORDER BY on_day, created_at, id"
                    );
                    let rows = sqlx::query_as::<_, EnforcementRow>(&sql)
                        .bind(child.0)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.into_iter().map(EnforcementRow::into_domain).collect()
                }

                async fn insert_offence(&self, o: &Offence, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_offences_insert(&mut qb, std::slice::from_ref(o));
                    Sql::write_recorded(&self.pool, qb, None, entry, audit, self.audit_key.as_ref()).await
                }

                async fn update_offence(
                    &self,
                    o: &Offence,
                    expected_version: i64,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_offence_update(&mut qb, o, expected_version);
                    Sql::write_recorded(&self.pool, qb, Some(("offences", o.id.0)), entry, audit, self.audit_key.as_ref()).await
                }

                async fn offence(&self, id: OffenceId) -> StorageResult<Option<Offence>> {
                    let sql = format!("SELECT {OFFENCE_COLUMNS} FROM offences WHERE id = $1");
                    let row =
                        sqlx::query_as::<_, OffenceRow>(&sql).bind(id.0).fetch_optional(&self.pool).await.map_err(db_error)?;
                    row.map(OffenceRow::into_domain).transpose()
                }

                async fn offences(&self, child: ChildId) -> StorageResult<Vec<Offence>> {
                    let sql = format!(
                        "SELECT {OFFENCE_COLUMNS} FROM offences WHERE child_id = $1 \
                         ORDER BY COALESCE(offence_on, arrested_on), created_at, id"
                    );
                    let rows =
                        sqlx::query_as::<_, OffenceRow>(&sql).bind(child.0).fetch_all(&self.pool).await.map_err(db_error)?;
                    rows.into_iter().map(OffenceRow::into_domain).collect()
                }

                async fn insert_living_arrangement(
                    &self,
                    l: &LivingArrangement,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_living_insert(&mut qb, std::slice::from_ref(l));
                    Sql::write_recorded(&self.pool, qb, None, entry, audit, self.audit_key.as_ref()).await
                }

                async fn living_arrangements(&self, child: ChildId) -> StorageResult<Vec<LivingArrangement>> {
                    let sql = format!(
                        "SELECT {LIVING_COLUMNS} FROM living_arrangements WHERE child_id = $1 ORDER BY from_day, created_at, id"
                    );
                    let rows =
                        sqlx::query_as::<_, LivingRow>(&sql).bind(child.0).fetch_all(&self.pool).await.map_err(db_error)?;
                    rows.into_iter().map(LivingRow::into_domain).collect()
                }

                async fn insert_ete_placement(
                    &self,
                    p: &EtePlacement,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_ete_insert(&mut qb, std::slice::from_ref(p));
                    Sql::write_recorded(&self.pool, qb, None, entry, audit, self.audit_key.as_ref()).await
                }

                async fn ete_placements(&self, child: ChildId) -> StorageResult<Vec<EtePlacement>> {
                    let sql =
                        format!("SELECT {ETE_COLUMNS} FROM ete_placements WHERE child_id = $1 ORDER BY from_day, created_at, id");
                    let rows = sqlx::query_as::<_, EteRow>(&sql).bind(child.0).fetch_all(&self.pool).await.map_err(db_error)?;
                    rows.into_iter().map(EteRow::into_domain).collect()
                }

                async fn insert_probation_transfer(
                    &self,
                    t: &resettle_domain::community::ProbationTransfer,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_probation_insert(&mut qb, std::slice::from_ref(t));
                    Sql::write_recorded(&self.pool, qb, None, entry, audit, self.audit_key.as_ref()).await
                }

                async fn probation_transfers(
                    &self,
                    child: ChildId,
                ) -> StorageResult<Vec<resettle_domain::community::ProbationTransfer>> {
                    let sql = format!(
                        "SELECT {PROBATION_COLUMNS} FROM probation_transfers WHERE child_id = $1 \
                         ORDER BY transferred_on, created_at, id"
                    );
                    let rows =
                        sqlx::query_as::<_, ProbationRow>(&sql).bind(child.0).fetch_all(&self.pool).await.map_err(db_error)?;
                    Ok(rows.into_iter().map(ProbationRow::into_domain).collect())
                }

                async fn released_children_born_between(
                    &self,
                    from: jiff::civil::Date,
                    to: jiff::civil::Date,
                ) -> StorageResult<Vec<(ChildId, jiff::civil::Date)>> {
                    let rows = sqlx::query_as::<_, BornRow>(
                        "SELECT c.id, c.date_of_birth FROM children c \
                         WHERE c.date_of_birth BETWEEN $1 AND $2 \
                         AND EXISTS (SELECT 1 FROM custody_episodes e WHERE e.child_id = c.id AND e.ended_on IS NOT NULL) \
                         AND NOT EXISTS (SELECT 1 FROM custody_episodes e WHERE e.child_id = c.id AND e.ended_on IS NULL) \
                         AND NOT EXISTS (SELECT 1 FROM probation_transfers t WHERE t.child_id = c.id) \
                         ORDER BY c.date_of_birth, c.id",
                    )
                    .bind(date(from))
                    .bind(date(to))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(BornRow::into_domain).collect())
                }
            }
        };
    };
}
