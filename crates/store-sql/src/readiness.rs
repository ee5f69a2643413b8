//! Release readiness SQL: rows, and the [`readiness_storage!`](crate::readiness_storage)
//! implementation of `ReadinessStorage`.

use crate::rows::parse;
use sqlx::QueryBuilder;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::{DbTimestamp, date, ts};
use resettle_domain::ids::*;
use resettle_domain::readiness::ReleaseArrangements;
use resettle_storage::{OpenNeedCount, OpenNeedOwner, ReadinessRow, StorageResult, StoredArrangements};
use uuid::Uuid;

/// The columns of [`ReadinessDbRow`]: a query over `children c`, `organisations y` (the YJS),
/// the open episode `e`, `plans p` and `release_arrangements ra`.
pub const READINESS_COLUMNS: &str = "c.id AS child_id, c.given_name, c.family_name, c.yjs_id, y.name AS yjs_name, \
    e.id AS episode_id, e.kind, e.started_on, e.recorded_at AS episode_recorded_at, \
    (SELECT COALESCE(dd.release_on, r.mtd) FROM key_date_revisions r JOIN sentences s ON s.id = r.sentence_id \
     LEFT JOIN discharge_decisions dd ON dd.sentence_id = s.id WHERE s.episode_id = e.id \
     ORDER BY s.sentence_date DESC, r.revision DESC LIMIT 1) AS release_on, \
    (SELECT dd.brought_forward_to FROM sentences s JOIN discharge_decisions dd ON dd.sentence_id = s.id \
     WHERE s.episode_id = e.id ORDER BY s.sentence_date DESC LIMIT 1) AS brought_forward_to, \
    (SELECT m.next_court_date FROM remands m WHERE m.episode_id = e.id ORDER BY m.started_on DESC LIMIT 1) \
     AS next_court_date, \
    p.shared_on AS plan_shared_on, \
    ra.accommodation_address, ra.accommodation_confirmed_on, ra.accommodation_confirmed_by, ra.ete_arrangement, \
    ra.ete_starts_on, ra.constructive_activity, ra.gp_practice, ra.gp_registered_on, ra.first_appointment_on, \
    ra.first_appointment_time, ra.first_appointment_place, ra.first_appointment_with, ra.gate_met_by, ra.transport, \
    ra.court_plan, ra.bail_accommodation, ra.version AS arrangements_version";

/// The joins behind [`READINESS_COLUMNS`], after `FROM children c`.
pub const READINESS_JOINS: &str = " JOIN organisations y ON y.id = c.yjs_id \
    JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL \
    LEFT JOIN plans p ON p.child_id = c.id \
    LEFT JOIN release_arrangements ra ON ra.episode_id = e.id";

/// One child in custody with what readiness needs.
#[derive(sqlx::FromRow)]
pub struct ReadinessDbRow {
    child_id: Uuid,
    given_name: String,
    family_name: String,
    yjs_id: Uuid,
    yjs_name: String,
    episode_id: Uuid,
    kind: String,
    started_on: jiff_sqlx::Date,
    episode_recorded_at: Option<DbTimestamp>,
    release_on: Option<jiff_sqlx::Date>,
    brought_forward_to: Option<jiff_sqlx::Date>,
    next_court_date: Option<jiff_sqlx::Date>,
    plan_shared_on: Option<jiff_sqlx::Date>,
    accommodation_address: Option<String>,
    accommodation_confirmed_on: Option<jiff_sqlx::Date>,
    accommodation_confirmed_by: Option<String>,
    ete_arrangement: Option<String>,
    ete_starts_on: Option<jiff_sqlx::Date>,
    constructive_activity: Option<String>,
    gp_practice: Option<String>,
    gp_registered_on: Option<jiff_sqlx::Date>,
    first_appointment_on: Option<jiff_sqlx::Date>,
    first_appointment_time: Option<String>,
    first_appointment_place: Option<String>,
    first_appointment_with: Option<String>,
    gate_met_by: Option<String>,
    transport: Option<String>,
    court_plan: Option<String>,
    bail_accommodation: Option<String>,
    arrangements_version: Option<i64>,
}

impl ReadinessDbRow {
    /// The child's id.
    pub fn child_id_uuid(&self) -> Uuid {
        self.child_id
    }

    /// To the application's row, with the overdue actions counted and the open meetings read
    /// separately.
    pub fn into_domain(
        self,
        overdue_actions: i64,
        open_meetings: Vec<(resettle_domain::meeting::MeetingKind, jiff::civil::Date)>,
    ) -> StorageResult<ReadinessRow> {
        let d = |o: Option<jiff_sqlx::Date>| o.map(|d| d.to_jiff());
        Ok(ReadinessRow {
            child_id: ChildId(self.child_id),
            given_name: self.given_name,
            family_name: self.family_name,
            yjs_id: OrgId(self.yjs_id),
            yjs_name: self.yjs_name,
            episode_id: EpisodeId(self.episode_id),
            kind: parse("episode kind", &self.kind)?,
            started_on: self.started_on.to_jiff(),
            episode_recorded_at: self.episode_recorded_at.map(|t| t.0),
            release_on: d(self.release_on),
            brought_forward_to: d(self.brought_forward_to),
            next_court_date: d(self.next_court_date),
            plan_shared_on: d(self.plan_shared_on),
            arrangements: ReleaseArrangements {
                accommodation_address: self.accommodation_address,
                accommodation_confirmed_on: d(self.accommodation_confirmed_on),
                accommodation_confirmed_by: self.accommodation_confirmed_by,
                ete_arrangement: self.ete_arrangement,
                ete_starts_on: d(self.ete_starts_on),
                constructive_activity: self.constructive_activity,
                gp_practice: self.gp_practice,
                gp_registered_on: d(self.gp_registered_on),
                first_appointment_on: d(self.first_appointment_on),
                first_appointment_time: self.first_appointment_time,
                first_appointment_place: self.first_appointment_place,
                first_appointment_with: self.first_appointment_with,
                gate_met_by: self.gate_met_by,
                transport: self.transport,
                court_plan: self.court_plan,
                bail_accommodation: self.bail_accommodation,
                version: self.arrangements_version.unwrap_or(0),
            },
            overdue_actions,
            open_meetings,
        })
    }
}

/// `(child_id, pathway, organisation_id, organisation_name)`.
#[derive(sqlx::FromRow)]
pub struct NeedOwnerDbRow {
    child_id: Uuid,
    pathway: String,
    organisation_id: Uuid,
    organisation_name: String,
}

impl NeedOwnerDbRow {
    /// To the application's row.
    pub fn into_domain(self) -> StorageResult<OpenNeedOwner> {
        Ok(OpenNeedOwner {
            child_id: ChildId(self.child_id),
            pathway: parse("pathway", &self.pathway)?,
            organisation_id: OrgId(self.organisation_id),
            organisation_name: self.organisation_name,
        })
    }
}

/// `(organisation_id, organisation_name, pathway, n)`.
#[derive(sqlx::FromRow)]
pub struct NeedCountDbRow {
    organisation_id: Uuid,
    organisation_name: String,
    pathway: String,
    n: i64,
}

impl NeedCountDbRow {
    /// To the application's row.
    pub fn into_domain(self) -> StorageResult<OpenNeedCount> {
        Ok(OpenNeedCount {
            organisation_id: OrgId(self.organisation_id),
            organisation_name: self.organisation_name,
            pathway: parse("pathway", &self.pathway)?,
            count: self.n,
        })
    }
}

/// The release arrangements' insert.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_release_arrangements_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [StoredArrangements]) {
        qb.push(
            "INSERT INTO release_arrangements (episode_id, child_id, accommodation_address, accommodation_confirmed_on, \
             accommodation_confirmed_by, ete_arrangement, ete_starts_on, constructive_activity, gp_practice, \
             gp_registered_on, first_appointment_on, first_appointment_time, first_appointment_place, \
             first_appointment_with, gate_met_by, transport, court_plan, bail_accommodation, version, updated_at) ",
        );
        qb.push_values(rows, |mut r, s| {
            let a = &s.arrangements;
            r.bind(s.episode_id.0)
                .bind(s.child_id.0)
                .bind(&a.accommodation_address)
                .bind(a.accommodation_confirmed_on.map(date))
                .bind(&a.accommodation_confirmed_by)
                .bind(&a.ete_arrangement)
                .bind(a.ete_starts_on.map(date))
                .bind(&a.constructive_activity)
                .bind(&a.gp_practice)
                .bind(a.gp_registered_on.map(date))
                .bind(a.first_appointment_on.map(date))
                .bind(&a.first_appointment_time)
                .bind(&a.first_appointment_place)
                .bind(&a.first_appointment_with)
                .bind(&a.gate_met_by)
                .bind(&a.transport)
                .bind(&a.court_plan)
                .bind(&a.bail_accommodation)
                .bind(a.version)
                .bind(ts(s.updated_at));
        });
    }
}

/// Implements `ReadinessStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`), with
/// the shared SQL reached by name ([`Sql`](crate::Sql), [`scope`](crate::scope)); invoked by
/// each storage crate.
#[macro_export]
macro_rules! readiness_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            use $crate::readiness::*;
            use resettle_domain::readiness::ReleaseArrangements;

            /// Adds the child, organisation and scope filters to a query over `children c`.
            fn push_readiness_filters<'a>(qb: &mut Qb<'a>, scope: &'a ChildScope, q: &'a ReadinessQuery) {
                if let Some(child) = q.child {
                    qb.push(" AND c.id = ");
                    qb.push_bind(child.0);
                }
                push_scope(qb, scope);
                if let Some(org) = q.organisation_id {
                    push_org_filter(qb, org, scope);
                }
            }

            /// Overdue open actions per child, for the children a query selects (one grouped query).
            async fn overdue_actions(
                pool: &sqlx::Pool<$db>,
                where_children: Option<(&ChildScope, &ReadinessQuery)>,
                today: jiff::civil::Date,
            ) -> StorageResult<std::collections::HashMap<uuid::Uuid, i64>> {
                let mut qb = Qb::new("SELECT a.child_id, COUNT(*) AS n FROM actions a WHERE a.status = 'open' AND a.due_by < ");
                qb.push_bind(date(today));
                if let Some((scope, q)) = where_children {
                    qb.push(" AND a.child_id IN (SELECT c.id FROM children c WHERE 1 = 1");
                    push_readiness_filters(&mut qb, scope, q);
                    qb.push(")");
                }
                qb.push(" GROUP BY a.child_id");
                let rows: Vec<(uuid::Uuid, i64)> = qb.build_query_as().fetch_all(pool).await.map_err(db_error)?;
                Ok(rows.into_iter().collect())
            }

            /// Planning meetings not yet held or cancelled, with the day each is due by, of the
            /// children in custody a query selects (one query).
            async fn open_meetings(
                pool: &sqlx::Pool<$db>,
                scope: &ChildScope,
                q: &ReadinessQuery,
            ) -> StorageResult<std::collections::HashMap<uuid::Uuid, Vec<(resettle_domain::meeting::MeetingKind, jiff::civil::Date)>>> {
                let mut qb = Qb::new(
                    "SELECT m.child_id, m.kind, m.due_by FROM meetings m \
                     WHERE m.status IN ('not_scheduled', 'scheduled') AND m.due_by IS NOT NULL \
                     AND m.child_id IN (SELECT c.id FROM children c \
                     JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL WHERE 1 = 1",
                );
                push_readiness_filters(&mut qb, scope, q);
                qb.push(") ORDER BY m.due_by");
                let rows: Vec<(uuid::Uuid, String, jiff_sqlx::Date)> =
                    qb.build_query_as().fetch_all(pool).await.map_err(db_error)?;
                let mut by_child: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
                for (child, kind, due) in rows {
                    let kind = kind
                        .parse()
                        .map_err(|_| StorageError::Database("stored meeting kind is not valid".into()))?;
                    by_child.entry(child).or_default().push((kind, due.to_jiff()));
                }
                Ok(by_child)
            }

            async fn readiness_select(
                pool: &sqlx::Pool<$db>,
                mut qb: Qb<'_>,
                overdue: std::collections::HashMap<uuid::Uuid, i64>,
                mut meetings: std::collections::HashMap<uuid::Uuid, Vec<(resettle_domain::meeting::MeetingKind, jiff::civil::Date)>>,
            ) -> StorageResult<Vec<ReadinessRow>> {
                qb.push(" ORDER BY c.family_name, c.given_name, c.id");
                let rows = qb.build_query_as::<ReadinessDbRow>().fetch_all(pool).await.map_err(db_error)?;
                rows.into_iter()
                    .map(|r| {
                        let n = overdue.get(&r.child_id_uuid()).copied().unwrap_or(0);
                        let m = meetings.remove(&r.child_id_uuid()).unwrap_or_default();
                        r.into_domain(n, m)
                    })
                    .collect()
            }

            #[$crate::async_trait::async_trait]
            impl ReadinessStorage for $store {
                async fn readiness_rows(&self, scope: &ChildScope, q: &ReadinessQuery) -> StorageResult<Vec<ReadinessRow>> {
                    let overdue = overdue_actions(&self.pool, Some((scope, q)), q.today).await?;
                    let meetings = open_meetings(&self.pool, scope, q).await?;
                    let mut qb = Qb::new(format!("SELECT {READINESS_COLUMNS} FROM children c {READINESS_JOINS} WHERE 1 = 1"));
                    push_readiness_filters(&mut qb, scope, q);
                    readiness_select(&self.pool, qb, overdue, meetings).await
                }

                async fn all_readiness_rows(&self, today: jiff::civil::Date) -> StorageResult<Vec<ReadinessRow>> {
                    let overdue = overdue_actions(&self.pool, None, today).await?;
                    let qb = Qb::new(format!("SELECT {READINESS_COLUMNS} FROM children c {READINESS_JOINS} WHERE 1 = 1"));
                    // Counts by organisation need no meetings.
                    readiness_select(&self.pool, qb, overdue, Default::default()).await
                }

                async fn open_need_owners(&self, scope: &ChildScope, q: &ReadinessQuery) -> StorageResult<Vec<OpenNeedOwner>> {
                    let mut qb = Qb::new(
                        "SELECT n.child_id, n.pathway, n.owner_organisation_id AS organisation_id, o.name AS organisation_name \
                         FROM needs n JOIN organisations o ON o.id = n.owner_organisation_id \
                         WHERE n.status IN ('identified', 'in_progress') AND n.child_id IN (SELECT c.id FROM children c \
                         JOIN custody_episodes e ON e.child_id = c.id AND e.ended_on IS NULL WHERE 1 = 1",
                    );
                    push_readiness_filters(&mut qb, scope, q);
                    qb.push(") ORDER BY n.created_at, n.id");
                    let rows = qb.build_query_as::<NeedOwnerDbRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    rows.into_iter().map(NeedOwnerDbRow::into_domain).collect()
                }

                async fn open_need_counts(&self) -> StorageResult<Vec<OpenNeedCount>> {
                    let rows = sqlx::query_as::<_, NeedCountDbRow>(
                        "SELECT n.owner_organisation_id AS organisation_id, o.name AS organisation_name, n.pathway, COUNT(*) AS n \
                         FROM needs n JOIN organisations o ON o.id = n.owner_organisation_id \
                         JOIN custody_episodes e ON e.child_id = n.child_id AND e.ended_on IS NULL \
                         WHERE n.status IN ('identified', 'in_progress') \
                         GROUP BY n.owner_organisation_id, o.name, n.pathway ORDER BY o.name, n.pathway",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(NeedCountDbRow::into_domain).collect()
                }

                #[allow(clippy::too_many_arguments)] // the change, its timeline entry and its audit, written together
                async fn put_release_arrangements(
                    &self,
                    child: ChildId,
                    episode: resettle_domain::ids::EpisodeId,
                    a: &ReleaseArrangements,
                    expected_version: i64,
                    at: jiff::Timestamp,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let sql = if expected_version == 0 {
                        "INSERT INTO release_arrangements (accommodation_address, accommodation_confirmed_on, \
                         accommodation_confirmed_by, ete_arrangement, ete_starts_on, constructive_activity, gp_practice, \
                         gp_registered_on, first_appointment_on, first_appointment_time, first_appointment_place, \
                         first_appointment_with, gate_met_by, transport, court_plan, bail_accommodation, version, updated_at, \
                         episode_id, child_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                         $17, $18, $19, $20) ON CONFLICT (episode_id) DO NOTHING"
                    } else {
                        "UPDATE release_arrangements SET accommodation_address = $1, accommodation_confirmed_on = $2, \
                         accommodation_confirmed_by = $3, ete_arrangement = $4, ete_starts_on = $5, constructive_activity = $6, \
                         gp_practice = $7, gp_registered_on = $8, first_appointment_on = $9, first_appointment_time = $10, \
                         first_appointment_place = $11, first_appointment_with = $12, gate_met_by = $13, transport = $14, \
                         court_plan = $15, bail_accommodation = $16, version = $17, updated_at = $18 \
                         WHERE episode_id = $19 AND child_id = $20 AND version = $21"
                    };
                    let mut query = sqlx::query(sql)
                        .bind(&a.accommodation_address)
                        .bind(a.accommodation_confirmed_on.map(date))
                        .bind(&a.accommodation_confirmed_by)
                        .bind(&a.ete_arrangement)
                        .bind(a.ete_starts_on.map(date))
                        .bind(&a.constructive_activity)
                        .bind(&a.gp_practice)
                        .bind(a.gp_registered_on.map(date))
                        .bind(a.first_appointment_on.map(date))
                        .bind(&a.first_appointment_time)
                        .bind(&a.first_appointment_place)
                        .bind(&a.first_appointment_with)
                        .bind(&a.gate_met_by)
                        .bind(&a.transport)
                        .bind(&a.court_plan)
                        .bind(&a.bail_accommodation)
                        .bind(a.version)
                        .bind(ts(at))
                        .bind(episode.0)
                        .bind(child.0);
                    if expected_version != 0 {
                        query = query.bind(expected_version);
                    }
                    let done = query.execute(&mut *tx).await.map_err(db_error)?;
                    if done.rows_affected() != 1 {
                        let err = Sql::version_error_by(&mut tx, "release_arrangements", "episode_id", episode.0).await;
                        // Updating a record that is not there: it is at version 0.
                        return Err(match err {
                            StorageError::NotFound => StorageError::VersionMismatch { current: 0 },
                            other => other,
                        });
                    }
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }
            }
        };
    };
}
