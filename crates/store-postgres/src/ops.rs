//! Operations on the PostgreSQL database as a whole: the schema state for the readiness
//! probe, row counts, and online backups with `pg_dump` from one exported snapshot.

use std::path::{Path, PathBuf};

use resettle_storage::{MAIN_TABLES, OpsStorage, PoolUsage, SchemaState, SnapshotSummary, StorageError, StorageResult};
use resettle_store_sql::db_error;
use sqlx::PgConnection;

use crate::{PostgresStore, migrator};

#[async_trait::async_trait]
impl OpsStorage for PostgresStore {
    fn pool_usage(&self) -> PoolUsage {
        let open = self.pool.size();
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(open);
        PoolUsage { open, idle, max: self.pool.options().get_max_connections() }
    }

    async fn schema_state(&self) -> StorageResult<SchemaState> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        schema_state(&mut conn).await
    }

    async fn row_counts(&self) -> StorageResult<Vec<(String, i64)>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        row_counts(&mut conn).await
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

async fn schema_state(conn: &mut PgConnection) -> StorageResult<SchemaState> {
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
    let known: Vec<i64> = migrator().iter().map(|m| m.version).collect();
    Ok(SchemaState {
        applied: applied.iter().copied().max().unwrap_or(0),
        known: known.iter().copied().max().unwrap_or(0),
        current: known.iter().all(|v| applied.contains(v)),
    })
}

async fn row_counts(conn: &mut PgConnection) -> StorageResult<Vec<(String, i64)>> {
    let mut counts = Vec::with_capacity(MAIN_TABLES.len());
    for table in MAIN_TABLES {
        // The table names are constants, never input.
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
        counts.push(((*table).to_string(), n));
    }
    Ok(counts)
}

/// The first `name` on `PATH` that is a file.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| p.is_file()))
}

/// `url` without its password, and the password (given to the PostgreSQL tools in
/// `PGPASSWORD`, so that it is not on a command line other users can read).
pub fn split_password(url: &str) -> StorageResult<(String, Option<String>)> {
    let mut parsed = url::Url::parse(url).map_err(|e| StorageError::Database(format!("bad PostgreSQL URL: {e}")))?;
    let password = parsed.password().map(|p| percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned());
    if password.is_some() {
        parsed.set_password(None).map_err(|()| StorageError::Database("bad PostgreSQL URL".into()))?;
    }
    Ok((parsed.to_string(), password))
}

/// Runs a PostgreSQL client tool with `args`, the database given by `url`; its error output
/// becomes the error.
pub async fn run_tool(tool: &str, url: &str, args: Vec<String>) -> StorageResult<()> {
    let path = find_tool(tool).ok_or_else(|| missing_tool(tool))?;
    let (url, password) = split_password(url)?;
    let tool = tool.to_string();
    let output = tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(&path);
        command.args(&args).arg(format!("--dbname={url}"));
        if let Some(p) = password {
            command.env("PGPASSWORD", p);
        }
        command.output()
    })
    .await
    .map_err(|e| StorageError::Database(format!("{tool} did not finish: {e}")))?
    .map_err(|e| StorageError::Database(format!("cannot run {tool}: {e}")))?;
    if !output.status.success() {
        return Err(StorageError::Database(format!(
            "{tool} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(())
}

/// The rows a database holds in the main tables, read without applying migrations (a restore
/// into a database that has never been migrated takes the backup's schema as it is, and a
/// backup older than this build then migrates forward). A database with no tables holds
/// nothing; one with tables but no Resettle schema is refused, so that a restore never replaces
/// another application's database.
pub async fn existing_rows(url: &str) -> StorageResult<Vec<(String, i64)>> {
    use sqlx::Connection;
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(|e| StorageError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(db_error)?;
    let rows = if tables.is_empty() {
        Vec::new()
    } else if !tables.iter().any(|t| t == "_sqlx_migrations") {
        return Err(StorageError::Database(format!(
            "the database holds {} table(s) that are not Resettle's (for example {:?}): restore into a new, empty \
             database",
            tables.len(),
            tables.first().map(String::as_str).unwrap_or_default()
        )));
    } else {
        let mut counts = Vec::new();
        for table in MAIN_TABLES.iter().filter(|t| tables.iter().any(|have| have == *t)) {
            // The table names are constants, never input.
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut conn)
                .await
                .map_err(db_error)?;
            counts.push(((*table).to_string(), n));
        }
        counts
    };
    let _ = conn.close().await;
    Ok(rows)
}

impl PostgresStore {
    /// Writes a consistent copy of the database to the new file `path` while the service
    /// runs: `pg_dump --format=custom` reads a snapshot exported from a transaction that also
    /// counts the rows and reads the audit head, so the description matches the copy exactly.
    /// `url` is the database's URL (for `pg_dump`).
    pub async fn backup_to(&self, url: &str, path: &Path) -> StorageResult<SnapshotSummary> {
        if path.exists() {
            return Err(StorageError::Database(format!(
                "{} already exists: choose a new file name (a backup never overwrites)",
                path.display()
            )));
        }
        if find_tool("pg_dump").is_none() {
            return Err(missing_tool("pg_dump"));
        }
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let snapshot: String =
            sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut *tx).await.map_err(db_error)?;
        let schema = schema_state(&mut tx).await?;
        let row_counts = row_counts(&mut tx).await?;
        let audit_head: (i64, String) = sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        let args = vec![
            "--format=custom".to_string(),
            format!("--snapshot={snapshot}"),
            "--no-owner".to_string(),
            "--no-privileges".to_string(),
            format!("--file={}", path.display()),
        ];
        // The transaction must stay open until pg_dump has taken the snapshot.
        let dumped = run_tool("pg_dump", url, args).await;
        tx.commit().await.map_err(db_error)?;
        dumped?;
        Ok(SnapshotSummary { schema_version: schema.applied, row_counts, audit_head })
    }

    /// Replaces the whole database with the `pg_dump` archive at `path` in one transaction
    /// (`pg_restore --clean --single-transaction`): all or nothing. The caller checks first
    /// that the database may be replaced.
    pub async fn restore_from(url: &str, path: &Path) -> StorageResult<()> {
        let args = vec![
            "--clean".to_string(),
            "--if-exists".to_string(),
            "--no-owner".to_string(),
            "--no-privileges".to_string(),
            "--single-transaction".to_string(),
            "--exit-on-error".to_string(),
            path.display().to_string(),
        ];
        run_tool("pg_restore", url, args).await
    }

    /// Closes the store's connections.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The error for a PostgreSQL client tool that is not installed.
fn missing_tool(tool: &str) -> StorageError {
    StorageError::Database(format!(
        "{tool} was not found on PATH: install PostgreSQL's client tools (on Debian, the \
         postgresql-client package, the same major version as the server) or add their folder to PATH"
    ))
}
