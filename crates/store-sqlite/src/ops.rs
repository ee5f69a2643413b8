//! Operations on the SQLite database as a whole: the schema state for the readiness probe,
//! row counts, and online backups (`VACUUM INTO`).

use std::path::Path;

use resettle_storage::{MAIN_TABLES, OpsStorage, PoolUsage, SchemaState, SnapshotSummary, StorageError, StorageResult};
use resettle_store_sql::db_error;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::{SqliteStore, migrator};

#[async_trait::async_trait]
impl OpsStorage for SqliteStore {
    fn pool_usage(&self) -> PoolUsage {
        let open = self.pool.size();
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(open);
        PoolUsage { open, idle, max: self.pool.options().get_max_connections() }
    }

    async fn schema_state(&self) -> StorageResult<SchemaState> {
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(schema_state(&applied))
    }

    async fn row_counts(&self) -> StorageResult<Vec<(String, i64)>> {
        row_counts(&self.pool).await
    }

    async fn retention_dates(&self) -> StorageResult<Vec<resettle_domain::retention::RecordDates>> {
        let rows = sqlx::query_as::<_, resettle_store_sql::retention::RetentionRow>(
            resettle_store_sql::retention::RETENTION_SQL,
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let tz = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
        Ok(rows.into_iter().map(|r| r.into_dates(&tz)).collect())
    }
}

/// Compares the migrations applied with the ones this build knows.
fn schema_state(applied: &[i64]) -> SchemaState {
    let known: Vec<i64> = migrator().iter().map(|m| m.version).collect();
    SchemaState {
        applied: applied.iter().copied().max().unwrap_or(0),
        known: known.iter().copied().max().unwrap_or(0),
        current: known.iter().all(|v| applied.contains(v)),
    }
}

async fn row_counts(pool: &SqlitePool) -> StorageResult<Vec<(String, i64)>> {
    let mut counts = Vec::with_capacity(MAIN_TABLES.len());
    for table in MAIN_TABLES {
        // The table names are constants, never input.
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(pool).await.map_err(db_error)?;
        counts.push(((*table).to_string(), n));
    }
    Ok(counts)
}

/// What the database file at `path` holds, read without changing it.
pub async fn describe_file(path: &Path) -> StorageResult<SnapshotSummary> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true).create_if_missing(false);
    let pool =
        SqlitePoolOptions::new().max_connections(1).connect_with(options).await.map_err(|e| {
            StorageError::Database(format!("cannot open {} as an SQLite database: {e}", path.display()))
        })?;
    let summary = async {
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
            .fetch_all(&pool)
            .await
            .map_err(|e| StorageError::Database(format!("{} is not a Resettle database: {e}", path.display())))?;
        let row_counts = row_counts(&pool).await?;
        let audit_head: (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&pool).await.map_err(db_error)?;
        Ok(SnapshotSummary { schema_version: applied.into_iter().max().unwrap_or(0), row_counts, audit_head })
    }
    .await;
    pool.close().await;
    summary
}

impl SqliteStore {
    /// Writes a consistent copy of the database to the new file `path` while the service
    /// runs (`VACUUM INTO` reads one snapshot; writers carry on), and describes the copy.
    pub async fn backup_to(&self, path: &Path) -> StorageResult<SnapshotSummary> {
        if path.exists() {
            return Err(StorageError::Database(format!(
                "{} already exists: choose a new file name (a backup never overwrites)",
                path.display()
            )));
        }
        let target =
            path.to_str().ok_or_else(|| StorageError::Database(format!("{} is not a UTF-8 path", path.display())))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.pool)
            .await
            .map_err(|e| StorageError::Database(format!("cannot write the backup to {}: {e}", path.display())))?;
        describe_file(path).await
    }

    /// Closes the store's connections (before its file is replaced by a restore).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
