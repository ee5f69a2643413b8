//! The dates retention is judged on, read the same way on both databases.

use resettle_domain::ids::ChildId;
use resettle_domain::retention::RecordDates;
use uuid::Uuid;

use crate::rows::DbTimestamp;

/// Every child with the last entry and the last health entry on their timeline (every change
/// to a record writes one in the same transaction; health entries are `health.*`).
pub const RETENTION_SQL: &str = "SELECT c.id AS child_id, c.date_of_birth, c.updated_at, \
    (SELECT MAX(t.at) FROM timeline_entries t WHERE t.child_id = c.id) AS last_entry_at, \
    (SELECT MAX(t.at) FROM timeline_entries t WHERE t.child_id = c.id AND t.kind LIKE 'health.%') AS last_health_at \
    FROM children c ORDER BY c.id";

/// One row of [`RETENTION_SQL`].
#[derive(sqlx::FromRow)]
pub struct RetentionRow {
    child_id: Uuid,
    date_of_birth: jiff_sqlx::Date,
    updated_at: DbTimestamp,
    last_entry_at: Option<DbTimestamp>,
    last_health_at: Option<DbTimestamp>,
}

impl RetentionRow {
    /// The dates, as days in `tz` (UK time: look it up once for all the rows).
    pub fn into_dates(self, tz: &jiff::tz::TimeZone) -> RecordDates {
        let day = |t: jiff::Timestamp| t.to_zoned(tz.clone()).date();
        let last_entry = self.last_entry_at.map_or(self.updated_at.0, |t| t.0).max(self.updated_at.0);
        RecordDates {
            child_id: ChildId(self.child_id),
            born_on: self.date_of_birth.to_jiff(),
            last_entry_on: day(last_entry),
            last_health_on: self.last_health_at.map(|t| day(t.0)),
        }
    }
}

/// Rows of one table that belong to a child's record: `rows` is the condition that picks them,
/// with the child's id as `$1`.
#[derive(Clone, Copy, Debug)]
pub struct ChildRows {
    /// The table.
    pub table: &'static str,
    /// The condition (`$1` is the child).
    pub rows: &'static str,
    /// How the rows go: deleted directly, or with a parent whose deletion cascades to them.
    pub removal: Removal,
}

/// How a table's rows are removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removal {
    /// `DELETE` by the condition.
    Delete,
    /// Counted, then removed by the cascade of a later table's delete (the table's own
    /// trigger refuses a direct delete while the parent exists, e.g. key-date history).
    Cascade,
    /// Deleted only after the tombstone is written: the database refuses to delete these
    /// rows for a child without one (migration 0017).
    AfterTombstone,
}

const fn rows(table: &'static str, rows: &'static str) -> ChildRows {
    ChildRows { table, rows, removal: Removal::Delete }
}

/// A child's health record, in the order it is removed (children before their parents).
/// Notifications, emails and timeline entries about handovers and health go with it.
pub const HEALTH_ROWS: &[ChildRows] = &[
    rows(
        "outbox",
        "dedupe_key IN (SELECT 'notification:' || n.dedupe_key FROM notifications n \
         WHERE n.child_id = $1 AND n.kind LIKE 'handover.%')",
    ),
    rows("notifications", "child_id = $1 AND kind LIKE 'handover.%'"),
    rows("handover_escalations", "handover_id IN (SELECT h.id FROM handovers h WHERE h.child_id = $1)"),
    rows("share_log", "child_id = $1"),
    rows("handovers", "child_id = $1"),
    rows("health_consents", "child_id = $1"),
    rows("health_assessments", "child_id = $1"),
    rows("health_measures", "child_id = $1"),
    rows("health_records", "child_id = $1"),
    rows("timeline_entries", "child_id = $1 AND (kind LIKE 'health.%' OR kind LIKE 'handover.%')"),
];

/// The rest of a child's record, after [`HEALTH_ROWS`], in the order it is removed: every
/// table keyed by the child (directly, or through an episode, sentence, need or handover),
/// the child last. The audit entries stay; their free text (`audit_details`) goes, except the
/// text of erasures' own entries.
pub const CASE_ROWS: &[ChildRows] = &[
    rows("outbox", "dedupe_key IN (SELECT 'notification:' || n.dedupe_key FROM notifications n WHERE n.child_id = $1)"),
    rows("notifications", "child_id = $1"),
    rows("timeline_entries", "child_id = $1"),
    rows("break_glass_grants", "child_id = $1"),
    rows("need_updates", "need_id IN (SELECT n.id FROM needs n WHERE n.child_id = $1)"),
    rows("actions", "child_id = $1"),
    rows("needs", "child_id = $1"),
    rows("meetings", "child_id = $1"),
    rows("plans", "child_id = $1"),
    rows("release_arrangements", "child_id = $1"),
    rows("discharge_decisions", "sentence_id IN (SELECT s.id FROM sentences s WHERE s.child_id = $1)"),
    rows("deadlines", "child_id = $1"),
    rows("probation_transfers", "child_id = $1"),
    rows("appointments", "child_id = $1"),
    rows("enforcement", "child_id = $1"),
    rows("offences", "child_id = $1"),
    rows("living_arrangements", "child_id = $1"),
    rows("ete_placements", "child_id = $1"),
    ChildRows {
        table: "key_date_revisions",
        rows: "sentence_id IN (SELECT s.id FROM sentences s WHERE s.child_id = $1)",
        removal: Removal::Cascade,
    },
    rows("temporary_releases", "child_id = $1"),
    rows("sentences", "child_id = $1"),
    rows("remands", "child_id = $1"),
    rows("placements", "episode_id IN (SELECT e.id FROM custody_episodes e WHERE e.child_id = $1)"),
    rows("custody_episodes", "child_id = $1"),
    rows("team_members", "child_id = $1"),
    rows("carers", "child_id = $1"),
    rows("subject_access_requests", "child_id = $1"),
    ChildRows {
        table: "audit_details",
        rows: "seq IN (SELECT l.seq FROM audit_log l WHERE l.child_id = $1 AND l.resource <> 'retention.erase')",
        removal: Removal::AfterTombstone,
    },
    ChildRows { table: "children", rows: "id = $1", removal: Removal::AfterTombstone },
];

/// Every table that holds part of a child's record (for tests: after an erasure, none has a
/// row for the child).
pub fn child_tables() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for r in HEALTH_ROWS.iter().chain(CASE_ROWS) {
        if !out.contains(&r.table) {
            out.push(r.table);
        }
    }
    out
}

/// Adds `n` rows removed from `table` to the counts (one line per table, first-seen order).
pub fn add_count(counts: &mut Vec<(String, i64)>, table: &str, n: i64) {
    if n == 0 {
        return;
    }
    match counts.iter_mut().find(|(t, _)| t == table) {
        Some((_, m)) => *m += n,
        None => counts.push((table.to_string(), n)),
    }
}

/// The counts as stored in `erasures.removed`: a JSON object, table to rows.
pub fn counts_json(counts: &[(String, i64)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        counts.iter().map(|(t, n)| (t.clone(), serde_json::Value::from(*n))).collect();
    serde_json::Value::Object(map).to_string()
}

/// One row of `erasures`.
#[derive(sqlx::FromRow)]
pub struct ErasureRow {
    child_id: Uuid,
    record_class: String,
    rule: String,
    kept_until: jiff_sqlx::Date,
    erased_at: DbTimestamp,
    removed: String,
}

impl ErasureRow {
    /// The tombstone.
    pub fn into_erasure(self) -> resettle_storage::StorageResult<resettle_domain::retention::Erasure> {
        let bad = |what: &str| resettle_storage::StorageError::Database(format!("stored erasure {what} is not valid"));
        let class = resettle_domain::retention::RecordClass::parse(&self.record_class).ok_or_else(|| bad("class"))?;
        let map: std::collections::BTreeMap<String, i64> =
            serde_json::from_str(&self.removed).map_err(|_| bad("counts"))?;
        Ok(resettle_domain::retention::Erasure {
            child_id: ChildId(self.child_id),
            class,
            rule: self.rule,
            keep_until: self.kept_until.to_jiff(),
            erased_at: self.erased_at.0,
            removed: map.into_iter().collect(),
        })
    }
}

/// Implements `resettle_storage::RetentionStorage` for `$store` (a struct with
/// `pool: sqlx::Pool<$db>`), with the shared SQL reached by name ([`Sql`](crate::Sql), [`scope`](crate::scope)); invoked by
/// each storage crate.
#[macro_export]
macro_rules! retention_storage {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            /// This database's query builder.
            type Qb<'a> = QueryBuilder<'a, $db>;
            /// The shared SQL, for this database.
            type Sql = $crate::Sql<$db>;

            #[$crate::async_trait::async_trait]
            impl resettle_storage::RetentionStorage for $store {
                async fn erase(
                    &self,
                    order: &resettle_storage::ErasureOrder,
                ) -> StorageResult<resettle_domain::retention::Erasure> {
                    use resettle_domain::retention::{Erasure, RecordClass};
                    use $crate::retention::*;
                    let due = &order.due;
                    let child = due.child_id.0;
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    // Locks are taken in the order every other write takes them: rows of the
                    // record first, the audit head last. On PostgreSQL the child's row is locked
                    // first, so a write adding to the record waits for the erasure (and then finds
                    // no child); SQLite has one writer, taken by the first delete.
                    if <$db as sqlx::Database>::NAME == "PostgreSQL" {
                        sqlx::query("SELECT id FROM children WHERE id = $1 FOR UPDATE")
                            .bind(child)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db_error)?
                            .ok_or(StorageError::NotFound)?;
                    }
                    let plan: Vec<ChildRows> = match due.class {
                        RecordClass::Health => HEALTH_ROWS.to_vec(),
                        RecordClass::YouthJustice => HEALTH_ROWS.iter().chain(CASE_ROWS).copied().collect(),
                    };
                    // The table names and conditions are constants, never input.
                    let count = |r: &ChildRows| format!("SELECT COUNT(*) FROM {} WHERE {}", r.table, r.rows);
                    let mut removed: Vec<(String, i64)> = Vec::new();
                    let mut guarded: Vec<ChildRows> = Vec::new();
                    for r in &plan {
                        match r.removal {
                            Removal::Delete => {
                                let done = sqlx::query(&format!("DELETE FROM {} WHERE {}", r.table, r.rows))
                                    .bind(child)
                                    .execute(&mut *tx)
                                    .await
                                    .map_err(db_error)?;
                                add_count(
                                    &mut removed,
                                    r.table,
                                    i64::try_from(done.rows_affected()).unwrap_or(i64::MAX),
                                );
                            }
                            Removal::Cascade => {
                                let n: i64 = sqlx::query_scalar(&count(r))
                                    .bind(child)
                                    .fetch_one(&mut *tx)
                                    .await
                                    .map_err(db_error)?;
                                add_count(&mut removed, r.table, n);
                            }
                            Removal::AfterTombstone => guarded.push(*r),
                        }
                    }
                    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM children WHERE id = $1")
                        .bind(child)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(db_error)?;
                    if exists == 0 {
                        return Err(StorageError::NotFound);
                    }
                    // The erasure's own entry: taking the audit head holds every other audit
                    // writer until this commits, so the details erased below are all there are.
                    Sql::append_audit(&mut tx, std::slice::from_ref(&order.audit), self.audit_key.as_ref()).await?;
                    let mut counted = Vec::with_capacity(guarded.len());
                    for r in guarded {
                        let n: i64 =
                            sqlx::query_scalar(&count(&r)).bind(child).fetch_one(&mut *tx).await.map_err(db_error)?;
                        add_count(&mut removed, r.table, n);
                        counted.push((r, n));
                    }
                    sqlx::query(
                        "INSERT INTO erasures (id, child_id, record_class, rule, kept_until, erased_at, removed) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(uuid::Uuid::new_v4())
                    .bind(child)
                    .bind(due.class.as_str())
                    .bind(&due.rule)
                    .bind(date(due.keep_until))
                    .bind(ts(order.erased_at))
                    .bind(counts_json(&removed))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                    for (r, n) in counted {
                        let done = sqlx::query(&format!("DELETE FROM {} WHERE {}", r.table, r.rows))
                            .bind(child)
                            .execute(&mut *tx)
                            .await
                            .map_err(db_error)?;
                        if i64::try_from(done.rows_affected()).ok() != Some(n) {
                            return Err(StorageError::Database(format!(
                                "erasure of {}: {} rows counted, {} deleted; nothing erased",
                                r.table,
                                n,
                                done.rows_affected()
                            )));
                        }
                    }
                    Sql::commit_change(tx).await?;
                    removed.sort();
                    Ok(Erasure {
                        child_id: due.child_id,
                        class: due.class,
                        rule: due.rule.clone(),
                        keep_until: due.keep_until,
                        erased_at: order.erased_at,
                        removed,
                    })
                }

                async fn erasures(&self) -> StorageResult<Vec<resettle_domain::retention::Erasure>> {
                    let rows = sqlx::query_as::<_, $crate::retention::ErasureRow>(
                        "SELECT child_id, record_class, rule, kept_until, erased_at, removed FROM erasures \
                         ORDER BY erased_at, id",
                    )
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(|r| r.into_erasure()).collect()
                }
            }
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erasure_reaches_every_table_a_subject_access_export_copies() {
        let erased = child_tables();
        for held in resettle_storage::HELD_TABLES {
            assert!(erased.contains(&held.table), "{} is exported but not erased", held.table);
        }
        assert_eq!(erased.last(), Some(&"children"), "the child goes last");
    }
}
