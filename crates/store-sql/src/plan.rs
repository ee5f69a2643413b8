//! The plan's SQL: the statements written with a sentence or remand, and the
//! [`plan_storage!`](crate::plan_storage) implementation of `PlanStorage` (the rows it reads
//! and writes are in `plan/rows.rs`).

use resettle_domain::action_item::ActionItem;
use resettle_domain::meeting::Meeting;
use resettle_domain::plan::{Need, NeedUpdate, Plan};
use sqlx::QueryBuilder;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::{date, ts};

mod rows;

pub use rows::*;

/// The plan's inserts: plans, needs and their updates, meetings and actions.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_plans_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Plan]) {
        qb.push(
            "INSERT INTO plans (child_id, opened_on, child_goals, child_words, carer_views, shared_on, version, \
             updated_at) ",
        );
        qb.push_values(rows, |mut r, p| {
            r.bind(p.child_id.0)
                .bind(date(p.opened_on))
                .bind(&p.child_goals)
                .bind(&p.child_words)
                .bind(&p.carer_views)
                .bind(p.shared_on.map(date))
                .bind(p.version)
                .bind(ts(p.updated_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_needs_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Need]) {
        qb.push(
            "INSERT INTO needs (id, child_id, pathway, need, catalogue_version, description, owner_organisation_id, \
             status, due_by, version, created_at, updated_at) ",
        );
        qb.push_values(rows, |mut r, n| {
            r.bind(n.id.0)
                .bind(n.child_id.0)
                .bind(n.pathway.as_str())
                .bind(&n.need)
                .bind(i32::try_from(n.catalogue_version).unwrap_or(i32::MAX))
                .bind(&n.description)
                .bind(n.owner_organisation_id.0)
                .bind(n.status.as_str())
                .bind(n.due_by.map(date))
                .bind(n.version)
                .bind(ts(n.created_at))
                .bind(ts(n.updated_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_need_updates_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [NeedUpdate]) {
        qb.push("INSERT INTO need_updates (id, need_id, version, at, actor_id, actor_name, changes, note) ");
        qb.push_values(rows, |mut r, u| {
            r.bind(u.id.0)
                .bind(u.need_id.0)
                .bind(u.version)
                .bind(ts(u.at))
                .bind(u.actor_id.map(|a| a.0))
                .bind(&u.actor_name)
                .bind(&u.changes)
                .bind(&u.note);
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_meetings_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Meeting]) {
        qb.push(
            "INSERT INTO meetings (id, child_id, episode_id, kind, seq, due_by, scheduled_for, duration_minutes, \
             location, status, held_on, attendance, child_views, carer_views, decisions, no_actions_agreed, version, \
             created_at, updated_at) ",
        );
        qb.push_values(rows, |mut r, m| {
            r.bind(m.id.0)
                .bind(m.child_id.0)
                .bind(m.episode_id.map(|e| e.0))
                .bind(m.kind.as_str())
                .bind(m.seq)
                .bind(m.due_by.map(date))
                .bind(m.scheduled_for.map(ts))
                .bind(m.duration_minutes)
                .bind(&m.location)
                .bind(m.status.as_str())
                .bind(m.held_on.map(date))
                .bind(attendance_json(&m.attendance))
                .bind(&m.child_views)
                .bind(&m.carer_views)
                .bind(&m.decisions)
                .bind(m.no_actions_agreed)
                .bind(m.version)
                .bind(ts(m.created_at))
                .bind(ts(m.updated_at));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_actions_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [ActionItem]) {
        qb.push(
            "INSERT INTO actions (id, child_id, description, owner_organisation_id, owner_user_id, due_by, status, \
             need_id, meeting_id, version, created_by_name, created_at, updated_at) ",
        );
        qb.push_values(rows, |mut r, a| {
            r.bind(a.id.0)
                .bind(a.child_id.0)
                .bind(&a.description)
                .bind(a.owner_organisation_id.0)
                .bind(a.owner_user_id.map(|u| u.0))
                .bind(a.due_by.map(date))
                .bind(a.status.as_str())
                .bind(a.need_id.map(|n| n.0))
                .bind(a.meeting_id.map(|m| m.0))
                .bind(a.version)
                .bind(&a.created_by_name)
                .bind(ts(a.created_at))
                .bind(ts(a.updated_at));
        });
    }
}

/// Implements `resettle_storage::PlanStorage` for `$store` (a struct with
/// `pool: sqlx::Pool<$db>`), with the shared SQL reached by name ([`Sql`](crate::Sql), [`scope`](crate::scope)); invoked by
/// each storage crate.
#[macro_export]
macro_rules! plan_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            use resettle_domain::ids::{ActionItemId, MeetingId, NeedId};

            use $crate::plan::*;
            use resettle_domain::action_item::ActionItem;
            use resettle_domain::meeting::Meeting;
            use resettle_domain::plan::{Need, NeedUpdate, Plan};

            async fn update_meeting_tx(
                conn: &mut <$db as sqlx::Database>::Connection,
                m: &Meeting,
                expected_version: i64,
            ) -> StorageResult<()> {
                let done = sqlx::query(
                    "UPDATE meetings SET due_by = $1, scheduled_for = $2, duration_minutes = $3, location = $4, status = $5, \
                     held_on = $6, attendance = $7, child_views = $8, carer_views = $9, decisions = $10, \
                     no_actions_agreed = $11, version = $12, updated_at = $13 WHERE id = $14 AND version = $15",
                )
                .bind(m.due_by.map(date))
                .bind(m.scheduled_for.map(ts))
                .bind(m.duration_minutes)
                .bind(&m.location)
                .bind(m.status.as_str())
                .bind(m.held_on.map(date))
                .bind(attendance_json(&m.attendance))
                .bind(&m.child_views)
                .bind(&m.carer_views)
                .bind(&m.decisions)
                .bind(m.no_actions_agreed)
                .bind(m.version)
                .bind(ts(m.updated_at))
                .bind(m.id.0)
                .bind(expected_version)
                .execute(&mut *conn)
                .await
                .map_err(db_error)?;
                if done.rows_affected() != 1 {
                    return Err(Sql::version_error(conn, "meetings", m.id.0).await);
                }
                Ok(())
            }

                async fn update_need_tx(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    n: &Need,
                    expected_version: i64,
                ) -> StorageResult<()> {
                    let done = sqlx::query(
                        "UPDATE needs SET description = $1, owner_organisation_id = $2, status = $3, due_by = $4, \
                         version = $5, updated_at = $6 WHERE id = $7 AND version = $8",
                    )
                    .bind(&n.description)
                    .bind(n.owner_organisation_id.0)
                    .bind(n.status.as_str())
                    .bind(n.due_by.map(date))
                    .bind(n.version)
                    .bind(ts(n.updated_at))
                    .bind(n.id.0)
                    .bind(expected_version)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
                    if done.rows_affected() != 1 {
                        return Err(Sql::version_error(conn, "needs", n.id.0).await);
                    }
                    Ok(())
                }

                async fn write_need_extras(
                    conn: &mut <$db as sqlx::Database>::Connection,
                    w: &NeedWrite,
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_need_updates_insert(&mut qb, std::slice::from_ref(&w.update));
                    qb.build().execute(&mut *conn).await.map_err(db_error)?;
                    if let Some(m) = &w.team_added {
                        Sql::insert_team_member(conn, m).await?;
                    }
                    Sql::insert_entry(conn, &w.entry).await
                }

                #[$crate::async_trait::async_trait]
                impl PlanStorage for $store {
                    async fn plan(&self, child: ChildId) -> StorageResult<Option<Plan>> {
                        let row = sqlx::query_as::<_, PlanRow>(
                            "SELECT child_id, opened_on, child_goals, child_words, carer_views, shared_on, version, updated_at \
                             FROM plans WHERE child_id = $1",
                        )
                        .bind(child.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                        Ok(row.map(PlanRow::into_domain))
                    }

                    async fn update_plan(&self, p: &Plan, expected_version: i64, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                        let mut tx = self.pool.begin().await.map_err(db_error)?;
                        let done = sqlx::query(
                            "UPDATE plans SET child_goals = $1, child_words = $2, carer_views = $3, shared_on = $4, version = $5, \
                             updated_at = $6 WHERE child_id = $7 AND version = $8",
                        )
                        .bind(&p.child_goals)
                        .bind(&p.child_words)
                        .bind(&p.carer_views)
                        .bind(p.shared_on.map(date))
                        .bind(p.version)
                        .bind(ts(p.updated_at))
                        .bind(p.child_id.0)
                        .bind(expected_version)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        if done.rows_affected() != 1 {
                            return Err(Sql::version_error_by(&mut tx, "plans", "child_id", p.child_id.0).await);
                        }
                        Sql::insert_entry(&mut tx, entry).await?;
                        Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                    }

                    async fn needs(&self, child: ChildId) -> StorageResult<Vec<Need>> {
                        let sql = format!("SELECT {NEED_COLUMNS} FROM needs n WHERE n.child_id = $1 ORDER BY n.created_at, n.id");
                        let rows = sqlx::query_as::<_, NeedRow>(&sql)
                            .bind(child.0)
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                        rows.into_iter().map(NeedRow::into_domain).collect()
                    }

                    async fn need(&self, id: NeedId) -> StorageResult<Option<Need>> {
                        let sql = format!("SELECT {NEED_COLUMNS} FROM needs n WHERE n.id = $1");
                        let row = sqlx::query_as::<_, NeedRow>(&sql)
                            .bind(id.0)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                        row.map(NeedRow::into_domain).transpose()
                    }

                    async fn need_updates(&self, child: ChildId) -> StorageResult<Vec<NeedUpdate>> {
                        let rows = sqlx::query_as::<_, NeedUpdateRow>(
                            "SELECT u.id, u.need_id, u.version, u.at, u.actor_id, u.actor_name, u.changes, u.note \
                             FROM need_updates u JOIN needs n ON n.id = u.need_id WHERE n.child_id = $1 ORDER BY u.at, u.version",
                        )
                        .bind(child.0)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                        Ok(rows.into_iter().map(NeedUpdateRow::into_domain).collect())
                    }

                    async fn insert_need(&self, w: &NeedWrite) -> StorageResult<()> {
                        let mut tx = self.pool.begin().await.map_err(db_error)?;
                        let mut qb = Qb::new("");
                        Sql::push_needs_insert(&mut qb, std::slice::from_ref(&w.need));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                        write_need_extras(&mut tx, w).await?;
                        Sql::commit_audited(tx, &w.audit, self.audit_key.as_ref()).await
                    }

                    async fn update_need(&self, w: &NeedWrite, expected_version: i64) -> StorageResult<()> {
                        let mut tx = self.pool.begin().await.map_err(db_error)?;
                        update_need_tx(&mut tx, &w.need, expected_version).await?;
                        write_need_extras(&mut tx, w).await?;
                        Sql::commit_audited(tx, &w.audit, self.audit_key.as_ref()).await
                    }

                    async fn meetings(&self, child: ChildId) -> StorageResult<Vec<Meeting>> {
                        let sql = format!(
                            "SELECT {MEETING_COLUMNS} FROM meetings m WHERE m.child_id = $1 \
                             ORDER BY (m.due_by IS NULL), m.due_by, m.created_at, m.id"
                        );
                        let rows = sqlx::query_as::<_, MeetingDbRow>(&sql)
                            .bind(child.0)
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                        rows.into_iter().map(MeetingDbRow::into_domain).collect()
                    }

                    async fn meeting(&self, id: MeetingId) -> StorageResult<Option<Meeting>> {
                        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings m WHERE m.id = $1");
                        let row = sqlx::query_as::<_, MeetingDbRow>(&sql)
                            .bind(id.0)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                        row.map(MeetingDbRow::into_domain).transpose()
                    }

                    async fn insert_meeting(&self, m: &Meeting, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()> {
                        let mut tx = self.pool.begin().await.map_err(db_error)?;
                        let mut qb = Qb::new("");
                        Sql::push_meetings_insert(&mut qb, std::slice::from_ref(m));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                        Sql::insert_entry(&mut tx, entry).await?;
                        Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                    }

                    async fn update_meeting(
                        &self,
                        m: &Meeting,
                        expected_version: i64,
                        entry: &TimelineEntry,
                        audit: &[AuditEvent],
                    ) -> StorageResult<()> {
                        let mut tx = self.pool.begin().await.map_err(db_error)?;
                        update_meeting_tx(&mut tx, m, expected_version).await?;
                        Sql::insert_entry(&mut tx, entry).await?;
                        Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                    }

                    async fn meetings_needing_attention(
                        &self,
                        scope: &ChildScope,
                        today: jiff::civil::Date,
                    ) -> StorageResult<Vec<MeetingRow>> {
                        let mut qb = Qb::new(format!(
                            "SELECT {MEETING_COLUMNS}, c.given_name, c.family_name, c.yjs_id FROM meetings m \
                             JOIN children c ON c.id = m.child_id WHERE ((m.status IN ('not_scheduled', 'scheduled') AND m.due_by < "
                        ));
                        qb.push_bind(date(today));
                        qb.push(") OR m.status = 'held' OR (m.status = 'complete' AND m.held_on > m.due_by))");
                        push_scope(&mut qb, scope);
                        qb.push(" ORDER BY m.due_by, m.id LIMIT 500");
                        let rows = qb
                            .build_query_as::<MeetingListRow>()
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                        rows.into_iter().map(MeetingListRow::into_domain).collect()
                    }

                    async fn actions(&self, child: ChildId) -> StorageResult<Vec<ActionItem>> {
                        let sql = format!(
                            "SELECT {ACTION_COLUMNS} FROM actions a WHERE a.child_id = $1 \
                             ORDER BY (a.due_by IS NULL), a.due_by, a.created_at, a.id"
                        );
                        let rows = sqlx::query_as::<_, ActionDbRow>(&sql)
                            .bind(child.0)
                            .fetch_all(&self.pool)
                            .await
                            .map_err(db_error)?;
                        rows.into_iter().map(ActionDbRow::into_domain).collect()
                    }

                    async fn action(&self, id: ActionItemId) -> StorageResult<Option<ActionItem>> {
                        let sql = format!("SELECT {ACTION_COLUMNS} FROM actions a WHERE a.id = $1");
                        let row = sqlx::query_as::<_, ActionDbRow>(&sql)
                            .bind(id.0)
                            .fetch_optional(&self.pool)
                            .await
                            .map_err(db_error)?;
                        row.map(ActionDbRow::into_domain).transpose()
                    }

                    async fn insert_action(
                        &self,
                        a: &ActionItem,
                        meeting: Option<(&Meeting, i64)>,
                        team_added: Option<&TeamMember>,
                        entry: &TimelineEntry,
                        audit: &[AuditEvent],
                    ) -> StorageResult<()> {
                        let mut tx = self.pool.begin().await.map_err(db_error)?;
                        let mut qb = Qb::new("");
                        Sql::push_actions_insert(&mut qb, std::slice::from_ref(a));
                        qb.build().execute(&mut *tx).await.map_err(db_error)?;
                        if let Some((m, expected)) = meeting {
                            update_meeting_tx(&mut tx, m, expected).await?;
                        }
                        if let Some(t) = team_added {
                            Sql::insert_team_member(&mut tx, t).await?;
                        }
                        Sql::insert_entry(&mut tx, entry).await?;
                        Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                    }

                    async fn update_action(
                        &self,
                        a: &ActionItem,
                        expected_version: i64,
                        entry: &TimelineEntry,
                        audit: &[AuditEvent],
                    ) -> StorageResult<()> {
                        let mut tx = self.pool.begin().await.map_err(db_error)?;
                        let done = sqlx::query(
                            "UPDATE actions SET description = $1, owner_organisation_id = $2, owner_user_id = $3, due_by = $4, \
                             status = $5, version = $6, updated_at = $7 WHERE id = $8 AND version = $9",
                        )
                        .bind(&a.description)
                        .bind(a.owner_organisation_id.0)
                        .bind(a.owner_user_id.map(|u| u.0))
                        .bind(a.due_by.map(date))
                        .bind(a.status.as_str())
                        .bind(a.version)
                        .bind(ts(a.updated_at))
                        .bind(a.id.0)
                        .bind(expected_version)
                        .execute(&mut *tx)
                        .await
                        .map_err(db_error)?;
                        if done.rows_affected() != 1 {
                            return Err(Sql::version_error(&mut tx, "actions", a.id.0).await);
                        }
                        Sql::insert_entry(&mut tx, entry).await?;
                        Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                    }

                    async fn owned_actions(
                        &self,
                        scope: &ChildScope,
                        owner: &ActionOwner,
                        include_closed: bool,
                    ) -> StorageResult<Vec<ActionRow>> {
                        let mut qb = Qb::new(format!(
                            "SELECT {ACTION_COLUMNS}, c.given_name, c.family_name, o.name AS org_name, u.name AS user_name \
                             FROM actions a JOIN children c ON c.id = a.child_id \
                             JOIN organisations o ON o.id = a.owner_organisation_id \
                             LEFT JOIN users u ON u.id = a.owner_user_id WHERE (a.owner_user_id = "
                        ));
                        qb.push_bind(owner.user_id.0);
                        if !owner.organisation_ids.is_empty() {
                            qb.push(" OR (a.owner_user_id IS NULL AND a.owner_organisation_id IN (");
                            let mut sep = qb.separated(", ");
                            for id in &owner.organisation_ids {
                                sep.push_bind(id.0);
                            }
                            sep.push_unseparated("))");
                        }
                        qb.push(")");
                        if !include_closed {
                            qb.push(" AND a.status = 'open'");
                        }
                        push_scope(&mut qb, scope);
                        qb.push(" ORDER BY (a.due_by IS NULL), a.due_by, c.family_name, c.given_name, a.id LIMIT 1000");
                        let rows =
                            qb.build_query_as::<ActionListRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                        rows.into_iter().map(ActionListRow::into_domain).collect()
                    }

                    async fn overdue_actions(&self, today: jiff::civil::Date) -> StorageResult<Vec<(ActionRow, OrgId)>> {
                        let rows = sqlx::query_as::<_, OverdueActionRow>(&format!(
                            "SELECT {ACTION_COLUMNS}, c.given_name, c.family_name, o.name AS org_name, u.name AS user_name, \
                             c.yjs_id FROM actions a JOIN children c ON c.id = a.child_id \
                             JOIN organisations o ON o.id = a.owner_organisation_id \
                             LEFT JOIN users u ON u.id = a.owner_user_id \
                             WHERE a.status = 'open' AND a.due_by < $1 ORDER BY a.due_by, a.id LIMIT 20000"
                        ))
                        .bind(date(today))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                        rows.into_iter().map(OverdueActionRow::into_domain).collect()
                    }
                }
        };
    };
}
