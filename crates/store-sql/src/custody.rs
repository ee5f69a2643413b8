//! Custody and key dates: the inserts of custody episodes, placements, sentences, key-date
//! revisions, remands and deadlines (one column list a table, shared by the single-row writes
//! and the synthetic loader), and the [`custody_storage!`](crate::custody_storage)
//! implementation of `CustodyStorage`.

use resettle_domain::custody::{CustodyEpisode, Placement};
use resettle_domain::sentence::{KeyDatesRevision, Remand, Sentence, StoredDeadline};
use resettle_domain::temporary_release::TemporaryRelease;
use sqlx::QueryBuilder;
use sqlx::query_builder::Separated;

use crate::Sql;
use crate::bind::{BindExt, Binds};
use crate::rows::{date, ts};

/// The columns of `temporary_releases`, in the order [`crate::rows::TemporaryReleaseRow`] and
/// the writes use.
pub const TEMPORARY_RELEASE_COLUMNS: &str = "id, child_id, episode_id, kind, purpose, starts_on, ends_on, address, \
    conditions, outcome, outcome_note, recorded_at, recorded_by_name, version";

/// The inserts of custody, sentences, remands and key dates.
impl<'a, DB> Sql<DB>
where
    DB: Binds<'a>,
{
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_temporary_releases_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [TemporaryRelease]) {
        qb.push(format!("INSERT INTO temporary_releases ({TEMPORARY_RELEASE_COLUMNS}) "));
        qb.push_values(rows, |mut r, t| Self::push_temporary_release_values(&mut r, t));
    }

    /// A period out rewritten, if still at `expected_version`.
    pub fn push_temporary_release_update(
        qb: &mut QueryBuilder<'a, DB>,
        t: &'a TemporaryRelease,
        expected_version: i64,
    ) {
        Self::push_versioned_update(
            qb,
            "temporary_releases",
            TEMPORARY_RELEASE_COLUMNS,
            t.id.0,
            expected_version,
            |r| Self::push_temporary_release_values(r, t),
        );
    }

    /// One row's values, in [`TEMPORARY_RELEASE_COLUMNS`] order.
    fn push_temporary_release_values(r: &mut Separated<'_, 'a, DB, &'static str>, t: &'a TemporaryRelease) {
        r.bind(t.id.0)
            .bind(t.child_id.0)
            .bind(t.episode_id.0)
            .bind(t.kind.as_str())
            .bind(t.purpose.as_str())
            .bind(date(t.starts_on))
            .bind(date(t.ends_on))
            .bind(&t.address)
            .bind(&t.conditions)
            .bind(t.outcome.map(|o| o.as_str()))
            .bind(&t.outcome_note)
            .bind(ts(t.recorded_at))
            .bind(&t.recorded_by_name)
            .bind(t.version);
    }

    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_episodes_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [CustodyEpisode]) {
        qb.push("INSERT INTO custody_episodes (id, child_id, kind, started_on, ended_on, recorded_at) ");
        qb.push_values(rows, |mut r, e| {
            r.bind(e.id.0)
                .bind(e.child_id.0)
                .bind(e.kind.as_str())
                .bind(date(e.started_on))
                .bind(e.ended_on.map(date))
                .bind(e.recorded_at.map(ts));
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_placements_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Placement]) {
        qb.push("INSERT INTO placements (id, episode_id, establishment_id, started_on, ended_on, reason) ");
        qb.push_values(rows, |mut r, p| {
            r.bind(p.id.0)
                .bind(p.episode_id.0)
                .bind(p.establishment_id.0)
                .bind(date(p.started_on))
                .bind(p.ended_on.map(date))
                .bind(p.reason.as_str());
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_sentences_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Sentence]) {
        qb.push("INSERT INTO sentences (id, child_id, episode_id, kind, sentence_date, term_months, remand_days, court, version) ");
        qb.push_values(rows, |mut r, s| {
            r.bind(s.id.0)
                .bind(s.child_id.0)
                .bind(s.episode_id.0)
                .bind(s.kind.as_str())
                .bind(date(s.sentence_date))
                .bind(s.term_months.map(i32::from))
                .bind(i64::from(s.remand_days))
                .bind(&s.court)
                .bind(s.version);
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_revisions_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [KeyDatesRevision]) {
        qb.push(
            "INSERT INTO key_date_revisions (id, sentence_id, revision, term_days, custody_days, mtd, etd, ltd, sled, \
             sentence_date, term_months, remand_days, source, reason, recorded_at, recorded_by, recorded_by_name) ",
        );
        qb.push_values(rows, |mut b, r| {
            b.bind(r.id.0)
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
                .bind(&r.recorded_by_name);
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_remands_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [Remand]) {
        qb.push(
            "INSERT INTO remands (id, child_id, episode_id, started_on, establishment_id, next_court_date, court, \
             local_authority_id, made_looked_after) ",
        );
        qb.push_values(rows, |mut b, r| {
            b.bind(r.id.0)
                .bind(r.child_id.0)
                .bind(r.episode_id.0)
                .bind(date(r.started_on))
                .bind(r.establishment_id.0)
                .bind(r.next_court_date.map(date))
                .bind(&r.court)
                .bind(r.local_authority_id.map(|o| o.0))
                .bind(r.made_looked_after);
        });
    }
    /// Inserts `rows` (one statement; the caller keeps under [`crate::MAX_BINDS`]).
    pub fn push_deadlines_insert(qb: &mut QueryBuilder<'a, DB>, rows: &'a [StoredDeadline]) {
        qb.push("INSERT INTO deadlines (id, child_id, episode_id, kind, due_by, rule) ");
        qb.push_values(rows, |mut b, d| {
            b.bind(d.id.0)
                .bind(d.child_id.0)
                .bind(d.episode_id.0)
                .bind(d.kind.as_str())
                .bind(date(d.due_by))
                .bind(&d.rule);
        });
    }
}

/// Implements `resettle_storage::CustodyStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`
/// and `audit_key`), with the shared helpers reached through [`Sql`](crate::Sql).
#[macro_export]
macro_rules! custody_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            use resettle_domain::custody::{CustodyEpisode, Placement};
            use resettle_domain::ids::SentenceId;
            use resettle_domain::sentence::{KeyDatesRevision, Remand, Sentence, StoredDeadline};

            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            /// Inserts one row with `push` (a table's shared insert).
            async fn insert_one<'a, T>(
                conn: &mut <$db as sqlx::Database>::Connection,
                row: &'a T,
                push: fn(&mut Qb<'a>, &'a [T]),
            ) -> StorageResult<()> {
                let mut qb = Qb::new("");
                push(&mut qb, std::slice::from_ref(row));
                qb.build().execute(&mut *conn).await.map_err(db_error)?;
                Ok(())
            }

            /// Replaces the episode's deadlines.
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
                for chunk in deadlines.chunks(MAX_BINDS / 6) {
                    let mut qb = Qb::new("");
                    Sql::push_deadlines_insert(&mut qb, chunk);
                    qb.build().execute(&mut *conn).await.map_err(db_error)?;
                }
                Ok(())
            }

            /// Writes the change to the child's details that came with a custody change (the
            /// looked-after status a remand gave, ending with it), with its timeline entry.
            async fn write_child_change(
                conn: &mut <$db as sqlx::Database>::Connection,
                change: Option<&ChildChange>,
            ) -> StorageResult<()> {
                let Some(c) = change else { return Ok(()) };
                Sql::update_child(&mut *conn, &c.child, c.expected_version).await?;
                Sql::insert_entry(&mut *conn, &c.entry).await
            }

            /// Opens a custody episode with its first placement.
            async fn open_episode(
                conn: &mut <$db as sqlx::Database>::Connection,
                episode: &CustodyEpisode,
                placement: &Placement,
            ) -> StorageResult<()> {
                let mut qb = Qb::new("");
                Sql::push_episodes_insert(&mut qb, std::slice::from_ref(episode));
                qb.build()
                    .execute(&mut *conn)
                    .await
                    .map_err(unique_error("kind", "The child is already in custody: record the release first"))?;
                insert_one(conn, placement, Sql::push_placements_insert).await
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

            #[$crate::async_trait::async_trait]
            impl CustodyStorage for $store {
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
                    Sql::push_episodes_insert(&mut qb, std::slice::from_ref(episode));
                    qb.build().execute(&mut *tx).await.map_err(unique_error("kind", "The child is already in custody"))?;
                    let mut qb = Qb::new("");
                    Sql::push_placements_insert(&mut qb, std::slice::from_ref(placement));
                    qb.build().execute(&mut *tx).await.map_err(db_error)?;
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_change(tx).await
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
                    Sql::push_placements_insert(&mut qb, std::slice::from_ref(&t.placement));
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
                        Sql::insert_team_member(&mut tx, m).await?;
                    }
                    Sql::insert_entry(&mut tx, &t.entry).await?;
                    Sql::commit_audited(tx, &t.audit, self.audit_key.as_ref()).await
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
                    Sql::write_plan_changes(&mut tx, &r.plan).await?;
                    Sql::insert_entry(&mut tx, &r.entry).await?;
                    write_child_change(&mut tx, r.child_change.as_ref()).await?;
                    Sql::commit_audited(tx, &r.audit, self.audit_key.as_ref()).await
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
                    insert_one(&mut tx, s, Sql::push_sentences_insert).await?;
                    insert_one(&mut tx, &new.revision, Sql::push_revisions_insert).await?;
                    if let Some(o) = new.offence_id {
                        link_offence(&mut tx, o, s.episode_id, s.child_id, new.revision.recorded_at).await?;
                    }
                    replace_deadlines(&mut tx, s.episode_id.0, &new.deadlines).await?;
                    if let Some(m) = &new.team_added {
                        Sql::insert_team_member(&mut tx, m).await?;
                    }
                    Sql::write_plan_changes(&mut tx, &new.plan).await?;
                    Sql::insert_entry(&mut tx, &new.entry).await?;
                    write_child_change(&mut tx, new.child_change.as_ref()).await?;
                    Sql::commit_audited(tx, &new.audit, self.audit_key.as_ref()).await
                }

                async fn insert_remand(&self, new: &NewRemand) -> StorageResult<()> {
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    open_episode(&mut tx, &new.episode, &new.placement).await?;
                    let r = &new.remand;
                    insert_one(&mut tx, r, Sql::push_remands_insert).await?;
                    if let Some(o) = new.offence_id {
                        link_offence(&mut tx, o, r.episode_id, r.child_id, new.entries.first().map_or_else(jiff::Timestamp::now, |e| e.at)).await?;
                    }
                    replace_deadlines(&mut tx, r.episode_id.0, &new.deadlines).await?;
                    if let Some(m) = &new.team_added {
                        Sql::insert_team_member(&mut tx, m).await?;
                    }
                    if let Some((child, expected)) = &new.child {
                        Sql::update_child(&mut tx, child, *expected).await?;
                    }
                    Sql::write_plan_changes(&mut tx, &new.plan).await?;
                    for e in &new.entries {
                        Sql::insert_entry(&mut tx, e).await?;
                    }
                    Sql::commit_audited(tx, &new.audit, self.audit_key.as_ref()).await
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
                        return Err(Sql::version_error(&mut tx, "sentences", s.id.0).await);
                    }
                    insert_one(&mut tx, revision, Sql::push_revisions_insert).await?;
                    replace_deadlines(&mut tx, s.episode_id.0, deadlines).await?;
                    Sql::write_plan_changes(&mut tx, plan).await?;
                    Sql::insert_entry(&mut tx, entry).await?;
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }

                async fn remands(&self, child: ChildId) -> StorageResult<Vec<Remand>> {
                    let rows = sqlx::query_as::<_, RemandRow>(
                        "SELECT id, child_id, episode_id, started_on, establishment_id, next_court_date, court, local_authority_id, \
                         made_looked_after FROM remands \
                         WHERE child_id = $1 ORDER BY started_on DESC",
                    )
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(RemandRow::into_domain).collect())
                }

                async fn temporary_releases(
                    &self,
                    child: ChildId,
                ) -> StorageResult<Vec<resettle_domain::temporary_release::TemporaryRelease>> {
                    let sql = format!(
                        "SELECT {} FROM temporary_releases WHERE child_id = $1 ORDER BY starts_on DESC, recorded_at DESC",
                        $crate::custody::TEMPORARY_RELEASE_COLUMNS
                    );
                    let rows = sqlx::query_as::<_, TemporaryReleaseRow>(&sql)
                        .bind(child.0)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(db_error)?;
                    rows.into_iter().map(TemporaryReleaseRow::into_domain).collect()
                }

                async fn temporary_release(
                    &self,
                    id: resettle_domain::ids::TemporaryReleaseId,
                ) -> StorageResult<Option<resettle_domain::temporary_release::TemporaryRelease>> {
                    let sql =
                        format!("SELECT {} FROM temporary_releases WHERE id = $1", $crate::custody::TEMPORARY_RELEASE_COLUMNS);
                    let row = sqlx::query_as::<_, TemporaryReleaseRow>(&sql)
                        .bind(id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db_error)?;
                    row.map(TemporaryReleaseRow::into_domain).transpose()
                }

                async fn insert_temporary_release(
                    &self,
                    release: &resettle_domain::temporary_release::TemporaryRelease,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_temporary_releases_insert(&mut qb, std::slice::from_ref(release));
                    Sql::write_recorded(&self.pool, qb, None, entry, audit, self.audit_key.as_ref()).await
                }

                async fn update_temporary_release(
                    &self,
                    release: &resettle_domain::temporary_release::TemporaryRelease,
                    expected_version: i64,
                    entry: &TimelineEntry,
                    audit: &[AuditEvent],
                ) -> StorageResult<()> {
                    let mut qb = Qb::new("");
                    Sql::push_temporary_release_update(&mut qb, release, expected_version);
                    let one = Some(("temporary_releases", release.id.0));
                    Sql::write_recorded(&self.pool, qb, one, entry, audit, self.audit_key.as_ref()).await
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
                    Sql::commit_audited(tx, audit, self.audit_key.as_ref()).await
                }
            }
        };
    };
}
