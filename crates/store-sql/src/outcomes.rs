//! The cohort outcomes report's SQL: the cohort's releases with the filters a report carries,
//! then each table the measures count from, read for the whole cohort at once (children in
//! chunks of bound identifiers), and the [`outcomes_storage!`](crate::outcomes_storage)
//! implementation of `OutcomesStorage` that puts them together per child.

use crate::rows::parse;
use std::collections::HashMap;

use resettle_domain::ids::*;
use resettle_domain::org::Role;
use resettle_domain::outcomes::{CohortChild, NeedFact, PlanningMeeting, ReleaseHandover, SdqScore, SentenceTerms};
use resettle_domain::post_release::ReleaseKind;
use resettle_storage::{StorageError, StorageResult};
use uuid::Uuid;

use crate::rows::DbTimestamp;

fn london_day(t: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> jiff::civil::Date {
    t.to_zoned(tz.clone()).date()
}

/// The establishment that released the child: the episode's latest placement.
pub const RELEASING_ESTABLISHMENT: &str =
    "(SELECT pl.establishment_id FROM placements pl WHERE pl.episode_id = e.id ORDER BY pl.started_on DESC LIMIT 1)";

/// The columns of [`CohortRow`], over `custody_episodes e JOIN children c` with `plans p` and
/// `release_arrangements ra` left-joined.
pub const COHORT_COLUMNS: &str = "c.id AS child_id, c.given_name, c.family_name, c.yjs_id, c.date_of_birth, c.gender, \
    c.ethnicity, c.legal_status, e.id AS episode_id, e.kind, e.started_on, e.ended_on, e.release_kind, \
    p.shared_on AS plan_shared_on, ra.accommodation_confirmed_on, ra.ete_arrangement, ra.ete_starts_on, \
    ra.gp_registered_on";

/// One release in the period.
#[derive(sqlx::FromRow)]
pub struct CohortRow {
    child_id: Uuid,
    given_name: String,
    family_name: String,
    yjs_id: Uuid,
    date_of_birth: jiff_sqlx::Date,
    gender: Option<String>,
    ethnicity: Option<String>,
    legal_status: String,
    /// The custody episode.
    pub episode_id: Uuid,
    kind: String,
    started_on: jiff_sqlx::Date,
    ended_on: jiff_sqlx::Date,
    release_kind: Option<String>,
    establishment_id: Option<Uuid>,
    plan_shared_on: Option<jiff_sqlx::Date>,
    accommodation_confirmed_on: Option<jiff_sqlx::Date>,
    ete_arrangement: Option<String>,
    ete_starts_on: Option<jiff_sqlx::Date>,
    gp_registered_on: Option<jiff_sqlx::Date>,
}

impl CohortRow {
    /// The child's facts from this row, with the per-table facts still to add.
    pub fn into_child(self) -> StorageResult<CohortChild> {
        Ok(CohortChild {
            child_id: ChildId(self.child_id),
            name: format!("{} {}", self.given_name, self.family_name),
            yjs_id: OrgId(self.yjs_id),
            establishment_id: self.establishment_id.map(OrgId),
            born_on: self.date_of_birth.to_jiff(),
            sex: self.gender,
            ethnicity: self.ethnicity,
            looked_after: self.legal_status == "looked_after",
            episode_kind: parse("episode kind", &self.kind)?,
            release_kind: match self.release_kind.as_deref() {
                None => None,
                Some(k) => Some(
                    ReleaseKind::parse(k)
                        .ok_or_else(|| StorageError::Database("stored release kind is not valid".into()))?,
                ),
            },
            custody_started_on: self.started_on.to_jiff(),
            released_on: self.ended_on.to_jiff(),
            sentence: None,
            initial_planning: None,
            accommodation_confirmed_on: self.accommodation_confirmed_on.map(|d| d.to_jiff()),
            ete_arranged: self.ete_arrangement.is_some_and(|s| !s.trim().is_empty()),
            ete_starts_on: self.ete_starts_on.map(|d| d.to_jiff()),
            gp_registered_on: self.gp_registered_on.map(|d| d.to_jiff()),
            plan_shared_on: self.plan_shared_on.map(|d| d.to_jiff()),
            handovers: Vec::new(),
            appointments: Vec::new(),
            enforcement: Vec::new(),
            offences: Vec::new(),
            living: Vec::new(),
            ete: Vec::new(),
            sdq: Vec::new(),
            needs: Vec::new(),
        })
    }
}

/// An appointment as the measures need it: only unacceptable absences (compliance) and health
/// or intervention appointments (KPIs 4 and 5) are read, and only the columns they use.
#[derive(sqlx::FromRow)]
pub struct AppointmentFactRow {
    id: Uuid,
    /// The child.
    pub child_id: Uuid,
    kind: String,
    starts_at: DbTimestamp,
    outcome: Option<String>,
}

impl AppointmentFactRow {
    /// To the domain (what the measures do not read is left empty).
    pub fn appointment(self) -> StorageResult<resettle_domain::community::Appointment> {
        Ok(resettle_domain::community::Appointment {
            id: AppointmentId(self.id),
            child_id: ChildId(self.child_id),
            kind: parse("appointment kind", &self.kind)?,
            starts_at: self.starts_at.0,
            location: None,
            with_whom: None,
            outcome: self.outcome.as_deref().map(|o| parse("appointment outcome", o)).transpose()?,
            outcome_reason: None,
            rescheduled_to: None,
            version: 0,
            recorded_by_name: String::new(),
            created_at: self.starts_at.0,
            updated_at: self.starts_at.0,
        })
    }
}

/// A sentence's latest key dates, by episode.
#[derive(sqlx::FromRow)]
pub struct SentenceTermsRow {
    /// The episode.
    pub episode_id: Uuid,
    kind: String,
    term_months: Option<i32>,
    mtd: jiff_sqlx::Date,
    sled: jiff_sqlx::Date,
}

impl SentenceTermsRow {
    /// To the domain.
    pub fn terms(&self) -> SentenceTerms {
        SentenceTerms {
            is_dto: self.kind == "dto",
            term_months: self.term_months.and_then(|t| u8::try_from(t).ok()),
            mtd: self.mtd.to_jiff(),
            sled: self.sled.to_jiff(),
        }
    }
}

/// An initial planning meeting, by episode.
#[derive(sqlx::FromRow)]
pub struct PlanningRow {
    /// The episode.
    pub episode_id: Option<Uuid>,
    due_by: Option<jiff_sqlx::Date>,
    held_on: Option<jiff_sqlx::Date>,
    status: String,
}

impl PlanningRow {
    /// To the domain: held only when the meeting was held (or its record completed).
    pub fn meeting(&self) -> PlanningMeeting {
        let held = matches!(self.status.as_str(), "held" | "complete");
        PlanningMeeting {
            due_by: self.due_by.map(|d| d.to_jiff()),
            held_on: self.held_on.filter(|_| held).map(|d| d.to_jiff()),
        }
    }
}

/// A release health summary's handover.
#[derive(sqlx::FromRow)]
pub struct HandoverFactRow {
    /// The child.
    pub child_id: Uuid,
    recipient_org_id: Uuid,
    recipient_user_id: Option<Uuid>,
    recipient_role: Option<String>,
    sent_at: DbTimestamp,
    acknowledged_at: Option<DbTimestamp>,
}

impl HandoverFactRow {
    /// To the domain, with days in `tz` (UK time).
    pub fn fact(&self, tz: &jiff::tz::TimeZone) -> ReleaseHandover {
        ReleaseHandover {
            recipient_org: OrgId(self.recipient_org_id),
            to_health_worker: self.recipient_user_id.is_some()
                || self.recipient_role.as_deref() == Some(Role::YjsHealthWorker.as_str()),
            sent_on: london_day(self.sent_at.0, tz),
            acknowledged_on: self.acknowledged_at.map(|t| london_day(t.0, tz)),
        }
    }
}

/// An SDQ total.
#[derive(sqlx::FromRow)]
pub struct SdqRow {
    /// The child.
    pub child_id: Uuid,
    rater: String,
    score: i32,
    measured_on: jiff_sqlx::Date,
}

impl SdqRow {
    /// To the domain.
    pub fn score(&self) -> StorageResult<SdqScore> {
        Ok(SdqScore {
            rater: parse("rater", &self.rater)?,
            score: u8::try_from(self.score).map_err(|_| StorageError::Database("stored score is not valid".into()))?,
            measured_on: self.measured_on.to_jiff(),
        })
    }
}

/// A plan need on the pathways the measures read.
#[derive(sqlx::FromRow)]
pub struct NeedFactRow {
    /// The child.
    pub child_id: Uuid,
    pathway: String,
    need: String,
    status: String,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl NeedFactRow {
    /// To the domain, with days in `tz` (UK time).
    pub fn fact(&self, tz: &jiff::tz::TimeZone) -> StorageResult<NeedFact> {
        Ok(NeedFact {
            pathway: parse("pathway", &self.pathway)?,
            need: self.need.clone(),
            status: parse("need status", &self.status)?,
            created_on: london_day(self.created_at.0, tz),
            updated_on: london_day(self.updated_at.0, tz),
        })
    }
}

/// Keeps each child's first release in the period (rows come ordered by release day).
pub fn first_release_per_child(rows: Vec<CohortRow>) -> StorageResult<Vec<(Uuid, CohortChild)>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for row in rows {
        if seen.insert(row.child_id) {
            let episode = row.episode_id;
            out.push((episode, row.into_child()?));
        }
    }
    Ok(out)
}

/// The index of each child in the cohort.
pub fn index_of(cohort: &[(Uuid, CohortChild)]) -> HashMap<Uuid, usize> {
    cohort.iter().enumerate().map(|(i, (_, c))| (c.child_id.0, i)).collect()
}

/// Implements `OutcomesStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`), with
/// the shared SQL reached by name ([`Sql`](crate::Sql), [`scope`](crate::scope)); invoked by
/// each storage crate.
#[macro_export]
macro_rules! outcomes_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            use $crate::outcomes::*;

            /// `SELECT {columns} FROM {from} WHERE {condition} AND {child column} IN (chunk)` for every
            /// chunk of the cohort's children, decoded as `R`.
            async fn per_child<R>(
                pool: &sqlx::Pool<$db>,
                children: &[uuid::Uuid],
                head: &str,
                child_column: &str,
            ) -> StorageResult<Vec<R>>
            where
                R: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                let mut out = Vec::new();
                for chunk in children.chunks(MAX_BINDS / 2) {
                    let mut qb = Qb::new(format!("{head} AND {child_column} IN ("));
                    let mut sep = qb.separated(", ");
                    for c in chunk {
                        sep.push_bind(*c);
                    }
                    qb.push(")");
                    out.extend(qb.build_query_as::<R>().fetch_all(pool).await.map_err(db_error)?);
                }
                Ok(out)
            }

            #[$crate::async_trait::async_trait]
            impl resettle_storage::OutcomesStorage for $store {
                async fn cohort(&self, q: &resettle_storage::CohortQuery) -> StorageResult<Vec<resettle_domain::outcomes::CohortChild>> {
                    use $crate::community::*;
                    let mut qb = Qb::new(format!(
                        "SELECT {COHORT_COLUMNS}, {RELEASING_ESTABLISHMENT} AS establishment_id \
                         FROM custody_episodes e JOIN children c ON c.id = e.child_id \
                         LEFT JOIN plans p ON p.child_id = c.id \
                         LEFT JOIN release_arrangements ra ON ra.episode_id = e.id \
                         WHERE e.ended_on IS NOT NULL"
                    ));
                    if let Some(from) = q.released_from {
                        qb.push(" AND e.ended_on >= ").push_bind(date(from));
                    }
                    if let Some(to) = q.released_to {
                        qb.push(" AND e.ended_on <= ").push_bind(date(to));
                    }
                    if !q.yjs_ids.is_empty() {
                        qb.push(" AND c.yjs_id IN (");
                        let mut sep = qb.separated(", ");
                        for id in &q.yjs_ids {
                            sep.push_bind(id.0);
                        }
                        qb.push(")");
                    }
                    if !q.establishment_ids.is_empty() {
                        qb.push(format!(" AND {RELEASING_ESTABLISHMENT} IN ("));
                        let mut sep = qb.separated(", ");
                        for id in &q.establishment_ids {
                            sep.push_bind(id.0);
                        }
                        qb.push(")");
                    }
                    if let Some(sex) = &q.sex {
                        qb.push(" AND c.gender = ").push_bind(sex.clone());
                    }
                    if let Some(ethnicity) = &q.ethnicity {
                        qb.push(" AND c.ethnicity = ").push_bind(ethnicity.clone());
                    }
                    match q.looked_after {
                        Some(true) => {
                            qb.push(" AND c.legal_status = 'looked_after'");
                        }
                        Some(false) => {
                            qb.push(" AND c.legal_status <> 'looked_after'");
                        }
                        None => {}
                    }
                    qb.push(" ORDER BY e.ended_on, c.id, e.started_on");
                    let rows = qb.build_query_as::<CohortRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    let mut cohort = first_release_per_child(rows)?;
                    if cohort.is_empty() {
                        return Ok(Vec::new());
                    }
                    let index = index_of(&cohort);
                    let ids: Vec<uuid::Uuid> = cohort.iter().map(|(_, c)| c.child_id.0).collect();
                    let episode_of: std::collections::HashMap<uuid::Uuid, usize> =
                        cohort.iter().enumerate().map(|(i, (e, _))| (*e, i)).collect();
                    let pool = &self.pool;
                    // Looked up once: finding a time zone by name takes a lock.
                    let tz = resettle_domain::calendar::london();

                    let terms: Vec<SentenceTermsRow> = per_child(
                        pool,
                        &ids,
                        "SELECT s.episode_id, s.kind, k.term_months, k.mtd, k.sled FROM sentences s \
                         JOIN key_date_revisions k ON k.sentence_id = s.id \
                         WHERE k.revision = (SELECT MAX(k2.revision) FROM key_date_revisions k2 WHERE k2.sentence_id = s.id)",
                        "s.child_id",
                    )
                    .await?;
                    // The latest sentence of the episode (by release date) is the one released from.
                    for t in terms {
                        if let Some(&i) = episode_of.get(&t.episode_id) {
                            let c = &mut cohort[i].1;
                            let new = t.terms();
                            if c.sentence.is_none_or(|old| new.mtd >= old.mtd) {
                                c.sentence = Some(new);
                            }
                        }
                    }
                    let meetings: Vec<PlanningRow> = per_child(
                        pool,
                        &ids,
                        "SELECT m.episode_id, m.due_by, m.held_on, m.status FROM meetings m WHERE m.kind = 'initial_planning'",
                        "m.child_id",
                    )
                    .await?;
                    for m in meetings {
                        if let Some(&i) = m.episode_id.as_ref().and_then(|e| episode_of.get(e)) {
                            let c = &mut cohort[i].1;
                            if c.initial_planning.is_none() {
                                c.initial_planning = Some(m.meeting());
                            }
                        }
                    }
                    let handovers: Vec<HandoverFactRow> = per_child(
                        pool,
                        &ids,
                        "SELECT h.child_id, h.recipient_org_id, h.recipient_user_id, h.recipient_role, h.sent_at, \
                         h.acknowledged_at FROM handovers h JOIN health_assessments a ON a.id = h.item_id \
                         WHERE h.item_kind = 'assessment' AND a.kind = 'release_health_summary'",
                        "h.child_id",
                    )
                    .await?;
                    for h in handovers {
                        if let Some(&i) = index.get(&h.child_id) {
                            cohort[i].1.handovers.push(h.fact(&tz));
                        }
                    }
                    let sql = "SELECT id, child_id, kind, starts_at, outcome FROM appointments \
                        WHERE (outcome = 'unacceptable_absence' OR kind IN ('health', 'intervention'))";
                    for row in per_child::<AppointmentFactRow>(pool, &ids, sql, "child_id").await? {
                        let a = row.appointment()?;
                        if let Some(&i) = index.get(&a.child_id.0) {
                            cohort[i].1.appointments.push(a);
                        }
                    }
                    let sql = format!("SELECT {ENFORCEMENT_COLUMNS} FROM enforcement WHERE 1 = 1");
                    for row in per_child::<EnforcementRow>(pool, &ids, &sql, "child_id").await? {
                        let e = row.into_domain()?;
                        if let Some(&i) = index.get(&e.child_id.0) {
                            cohort[i].1.enforcement.push(e);
                        }
                    }
                    let sql = format!("SELECT {OFFENCE_COLUMNS} FROM offences WHERE 1 = 1");
                    for row in per_child::<OffenceRow>(pool, &ids, &sql, "child_id").await? {
                        let o = row.into_domain()?;
                        if let Some(&i) = index.get(&o.child_id.0) {
                            cohort[i].1.offences.push(o);
                        }
                    }
                    let sql = format!("SELECT {LIVING_COLUMNS} FROM living_arrangements WHERE 1 = 1");
                    for row in per_child::<LivingRow>(pool, &ids, &sql, "child_id").await? {
                        let l = row.into_domain()?;
                        if let Some(&i) = index.get(&l.child_id.0) {
                            cohort[i].1.living.push(l);
                        }
                    }
                    let sql = format!("SELECT {ETE_COLUMNS} FROM ete_placements WHERE 1 = 1");
                    for row in per_child::<EteRow>(pool, &ids, &sql, "child_id").await? {
                        let p = row.into_domain()?;
                        if let Some(&i) = index.get(&p.child_id.0) {
                            cohort[i].1.ete.push(p);
                        }
                    }
                    let sdq: Vec<SdqRow> = per_child(
                        pool,
                        &ids,
                        "SELECT child_id, rater, score, measured_on FROM health_measures WHERE kind = 'sdq_total'",
                        "child_id",
                    )
                    .await?;
                    for s in sdq {
                        if let Some(&i) = index.get(&s.child_id) {
                            cohort[i].1.sdq.push(s.score()?);
                        }
                    }
                    let needs: Vec<NeedFactRow> = per_child(
                        pool,
                        &ids,
                        "SELECT child_id, pathway, need, status, created_at, updated_at FROM needs \
                         WHERE pathway IN ('health', 'substance_misuse', 'ete')",
                        "child_id",
                    )
                    .await?;
                    for n in needs {
                        if let Some(&i) = index.get(&n.child_id) {
                            cohort[i].1.needs.push(n.fact(&tz)?);
                        }
                    }
                    Ok(cohort.into_iter().map(|(_, c)| c).collect())
                }
            }
        };
    };
}
