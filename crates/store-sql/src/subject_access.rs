//! Subject access requests' SQL, and every row held about one child as JSON (PostgreSQL's
//! `row_to_json`; on SQLite, `json_object` over the table's columns with identifiers turned
//! from their 16 bytes into UUID text), and the
//! [`subject_access_storage!`](crate::subject_access_storage) implementation of
//! `SubjectAccessStorage`.

use resettle_domain::ids::{ChildId, UserId};
use resettle_domain::subject_access::{HealthReview, ReviewDecision, SarId, SubjectAccessRequest};
use resettle_storage::{HeldTable, StorageError, StorageResult};
use uuid::Uuid;

use crate::rows::DbTimestamp;

/// The request's columns, in [`SarRow`]'s order.
pub const SAR_COLUMNS: &str = "r.id, r.child_id, r.reference, r.received_on, r.requested_by, r.requested_by_name, \
    r.created_at, r.review_decision, r.review_note, r.reviewed_by, r.reviewed_by_name, r.reviewed_at, \
    r.export_count, r.last_exported_at";

/// `subject_access_requests`.
#[derive(sqlx::FromRow)]
pub struct SarRow {
    id: Uuid,
    child_id: Uuid,
    reference: String,
    received_on: jiff_sqlx::Date,
    requested_by: Option<Uuid>,
    requested_by_name: String,
    created_at: DbTimestamp,
    review_decision: Option<String>,
    review_note: Option<String>,
    reviewed_by: Option<Uuid>,
    reviewed_by_name: Option<String>,
    reviewed_at: Option<DbTimestamp>,
    export_count: i64,
    last_exported_at: Option<DbTimestamp>,
}

impl SarRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<SubjectAccessRequest> {
        let health_review = match (self.review_decision, self.reviewed_by, self.reviewed_at) {
            (Some(d), Some(by), Some(at)) => Some(HealthReview {
                decision: ReviewDecision::parse(&d)
                    .ok_or_else(|| StorageError::Database("stored review decision is not valid".into()))?,
                note: self.review_note.unwrap_or_default(),
                reviewed_by: UserId(by),
                reviewed_by_name: self.reviewed_by_name.unwrap_or_default(),
                reviewed_at: at.0,
            }),
            _ => None,
        };
        Ok(SubjectAccessRequest {
            id: SarId(self.id),
            child_id: ChildId(self.child_id),
            reference: self.reference,
            received_on: self.received_on.to_jiff(),
            requested_by: self.requested_by.map(UserId),
            requested_by_name: self.requested_by_name,
            created_at: self.created_at.0,
            health_review,
            export_count: self.export_count,
            last_exported_at: self.last_exported_at.map(|t| t.0),
        })
    }
}

/// The condition on a held table's rows (aliased `x`, the child as `$1`).
pub fn held_condition(t: &HeldTable, with_health: bool) -> String {
    match (with_health, t.without_health) {
        (false, Some(extra)) => format!("{} AND {extra}", t.about_child),
        _ => t.about_child.to_string(),
    }
}

/// On SQLite, a column as a JSON value: a 16-byte identifier as UUID text, others as they are.
pub fn sqlite_json_value(column: &str) -> String {
    let c = format!("x.\"{}\"", column.replace('"', ""));
    let h = format!("hex({c})");
    format!(
        "CASE WHEN typeof({c}) = 'blob' AND length({c}) = 16 THEN lower(substr({h}, 1, 8) || '-' || \
         substr({h}, 9, 4) || '-' || substr({h}, 13, 4) || '-' || substr({h}, 17, 4) || '-' || substr({h}, 21)) \
         WHEN typeof({c}) = 'blob' THEN {h} ELSE {c} END"
    )
}

/// Parses the JSON text of one row.
pub fn parse_row(text: &str) -> StorageResult<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(StorageError::Database("a stored row did not read as JSON".into())),
    }
}

/// Implements `SubjectAccessStorage` for `$store` (a struct with `pool: sqlx::Pool<$db>`);
/// `$backend` is `"sqlite"` or `"postgres"`, which read rows as JSON differently.
#[macro_export]
macro_rules! subject_access_storage {
    ($store:ty, $db:ty, $backend:literal) => {
        const _: () = {
            use resettle_domain::child::Child;
            use resettle_domain::ids::{ChildId, OrgId};
            use resettle_domain::subject_access::{HealthReview, HeldRows, SarId, SubjectAccessRequest};
            use resettle_storage::{HELD_TABLES, StorageError, StorageResult};
            use $crate::db_error;
            use $crate::rows::{ChildRow, date, ts};
            use $crate::sqlx::{self, QueryBuilder};
            use $crate::subject_access::*;

            use $crate::children::CHILD_COLUMNS;

            #[$crate::async_trait::async_trait]
            impl resettle_storage::SubjectAccessStorage for $store {
                async fn insert_subject_access_request(&self, r: &SubjectAccessRequest) -> StorageResult<()> {
                    sqlx::query(
                        "INSERT INTO subject_access_requests (id, child_id, reference, received_on, requested_by, \
                         requested_by_name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(r.id.0)
                    .bind(r.child_id.0)
                    .bind(&r.reference)
                    .bind(date(r.received_on))
                    .bind(r.requested_by.map(|u| u.0))
                    .bind(&r.requested_by_name)
                    .bind(ts(r.created_at))
                    .execute(&self.pool)
                    .await
                    .map_err($crate::unique_error(
                        "reference",
                        "This child already has a request with that reference",
                    ))?;
                    Ok(())
                }

                async fn subject_access_request(&self, id: SarId) -> StorageResult<Option<SubjectAccessRequest>> {
                    let row = sqlx::query_as::<_, SarRow>(&format!(
                        "SELECT {SAR_COLUMNS} FROM subject_access_requests r WHERE r.id = $1"
                    ))
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    row.map(SarRow::into_domain).transpose()
                }

                async fn subject_access_requests(
                    &self,
                    services: &[OrgId],
                ) -> StorageResult<Vec<SubjectAccessRequest>> {
                    if services.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT {SAR_COLUMNS} FROM subject_access_requests r JOIN children c ON c.id = r.child_id \
                         WHERE c.yjs_id IN ("
                    ));
                    let mut sep = qb.separated(", ");
                    for s in services {
                        sep.push_bind(s.0);
                    }
                    qb.push(") ORDER BY r.created_at DESC, r.id");
                    let rows = qb.build_query_as::<SarRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    rows.into_iter().map(SarRow::into_domain).collect()
                }

                async fn subject_access_requests_for_child(
                    &self,
                    child: ChildId,
                ) -> StorageResult<Vec<SubjectAccessRequest>> {
                    let rows = sqlx::query_as::<_, SarRow>(&format!(
                        "SELECT {SAR_COLUMNS} FROM subject_access_requests r WHERE r.child_id = $1 \
                         ORDER BY r.created_at DESC, r.id"
                    ))
                    .bind(child.0)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(db_error)?;
                    rows.into_iter().map(SarRow::into_domain).collect()
                }

                async fn record_subject_access_review(&self, id: SarId, review: &HealthReview) -> StorageResult<()> {
                    let done = sqlx::query(
                        "UPDATE subject_access_requests SET review_decision = $1, review_note = $2, \
                         reviewed_by = $3, reviewed_by_name = $4, reviewed_at = $5 WHERE id = $6",
                    )
                    .bind(review.decision.as_str())
                    .bind(&review.note)
                    .bind(review.reviewed_by.0)
                    .bind(&review.reviewed_by_name)
                    .bind(ts(review.reviewed_at))
                    .bind(id.0)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    if done.rows_affected() == 0 {
                        return Err(StorageError::NotFound);
                    }
                    Ok(())
                }

                async fn record_subject_access_export(&self, id: SarId, at: jiff::Timestamp) -> StorageResult<()> {
                    sqlx::query(
                        "UPDATE subject_access_requests SET export_count = export_count + 1, last_exported_at = $1 \
                         WHERE id = $2",
                    )
                    .bind(ts(at))
                    .bind(id.0)
                    .execute(&self.pool)
                    .await
                    .map_err(db_error)?;
                    Ok(())
                }

                async fn children_for_subject_access(
                    &self,
                    services: &[OrgId],
                    family_name: &str,
                    born_on: jiff::civil::Date,
                ) -> StorageResult<Vec<Child>> {
                    if services.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = QueryBuilder::<$db>::new(format!(
                        "SELECT {CHILD_COLUMNS} FROM children c WHERE lower(c.family_name) = lower("
                    ));
                    qb.push_bind(family_name.trim().to_string());
                    qb.push(") AND c.date_of_birth = ");
                    qb.push_bind(date(born_on));
                    qb.push(" AND c.yjs_id IN (");
                    let mut sep = qb.separated(", ");
                    for s in services {
                        sep.push_bind(s.0);
                    }
                    qb.push(") ORDER BY c.given_name, c.id");
                    let rows = qb.build_query_as::<ChildRow>().fetch_all(&self.pool).await.map_err(db_error)?;
                    rows.into_iter().map(ChildRow::into_domain).collect()
                }

                async fn child_for_subject_access(&self, child: ChildId) -> StorageResult<Option<Child>> {
                    let row = sqlx::query_as::<_, ChildRow>(&format!(
                        "SELECT {CHILD_COLUMNS} FROM children c WHERE c.id = $1"
                    ))
                    .bind(child.0)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(db_error)?;
                    row.map(ChildRow::into_domain).transpose()
                }

                async fn health_rows_about_child(&self, child: ChildId) -> StorageResult<i64> {
                    use resettle_domain::subject_access::HEALTH_TABLES;
                    let mut total = 0;
                    for t in HELD_TABLES {
                        // Table names and conditions are constants, never input.
                        let condition = match (HEALTH_TABLES.contains(&t.table), t.without_health) {
                            (true, _) => t.about_child.to_string(),
                            (false, Some(extra)) => format!("{} AND NOT ({extra})", t.about_child),
                            (false, None) => continue,
                        };
                        let n: i64 =
                            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {} x WHERE {condition}", t.table))
                                .bind(child.0)
                                .fetch_one(&self.pool)
                                .await
                                .map_err(db_error)?;
                        total += n;
                    }
                    Ok(total)
                }

                async fn rows_about_child(&self, child: ChildId, with_health: bool) -> StorageResult<Vec<HeldRows>> {
                    use resettle_domain::subject_access::HEALTH_TABLES;
                    // One snapshot for every table: the copy is consistent.
                    let mut tx = self.pool.begin().await.map_err(db_error)?;
                    let mut out = Vec::new();
                    for t in HELD_TABLES {
                        if !with_health && HEALTH_TABLES.contains(&t.table) {
                            continue;
                        }
                        // Table names and conditions are constants, never input.
                        let condition = held_condition(t, with_health);
                        let sql = if $backend == "sqlite" {
                            let columns: Vec<String> =
                                sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                                    .bind(t.table)
                                    .fetch_all(&mut *tx)
                                    .await
                                    .map_err(db_error)?;
                            let pairs: Vec<String> = columns
                                .iter()
                                .map(|c| format!("'{}', {}", c.replace('\'', ""), sqlite_json_value(c)))
                                .collect();
                            format!("SELECT json_object({}) FROM {} x WHERE {condition}", pairs.join(", "), t.table)
                        } else {
                            format!("SELECT row_to_json(x)::text FROM {} x WHERE {condition}", t.table)
                        };
                        let texts: Vec<String> =
                            sqlx::query_scalar(&sql).bind(child.0).fetch_all(&mut *tx).await.map_err(db_error)?;
                        if texts.is_empty() {
                            continue;
                        }
                        let rows = texts.iter().map(|s| parse_row(s)).collect::<StorageResult<Vec<_>>>()?;
                        out.push(HeldRows { table: t.table.to_string(), rows });
                    }
                    tx.commit().await.map_err(db_error)?;
                    Ok(out)
                }
            }
        };
    };
}
