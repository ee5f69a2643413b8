//! Resettle's storage on SQLite, the embedded default: one file, no server.
//!
//! The connection runs in WAL mode (readers do not block the writer) with foreign keys
//! enforced and a busy timeout, and the schema in `migrations/` is embedded in the binary and
//! applied at start.

use std::str::FromStr;
use std::time::Duration;

use resettle_storage::{StorageError, StorageResult};
use sqlx::SqlitePool;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

/// Storage on a SQLite database.
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Changes committed through this store (`Storage::changes`), shared by its clones.
    changes: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

resettle_store_sql::impl_storage!(SqliteStore, sqlx::Sqlite, "sqlite");

/// The embedded schema migrations, in order.
pub fn migrator() -> Migrator {
    resettle_store_sql::migrator(&[
        (1, "foundation", include_str!("../migrations/0001_foundation.sql")),
        (2, "key dates", include_str!("../migrations/0002_key_dates.sql")),
        (3, "audit", include_str!("../migrations/0003_audit.sql")),
        (4, "scope indexes", include_str!("../migrations/0004_scope_indexes.sql")),
        (5, "plan", include_str!("../migrations/0005_plan.sql")),
        (6, "access", include_str!("../migrations/0006_access.sql")),
        (7, "health", include_str!("../migrations/0007_health.sql")),
        (8, "readiness", include_str!("../migrations/0008_readiness.sql")),
        (9, "outbox", include_str!("../migrations/0009_outbox.sql")),
        (10, "readiness indexes", include_str!("../migrations/0010_readiness_indexes.sql")),
    ])
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `url` (`sqlite://path` or
    /// `sqlite::memory:`) and applies pending migrations.
    pub async fn connect(url: &str) -> StorageResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StorageError::Database(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // A 64 MiB page cache and memory-mapped reads (up to 4 GiB) per connection: caseloads read a few
            // hundred scattered child rows, and without these most reads go to the kernel.
            .pragma("cache_size", "-65536")
            .pragma("mmap_size", "4294967296");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|e| StorageError::Database(format!("cannot open SQLite database: {e}")))?;
        migrator().run(&pool).await.map_err(|e| StorageError::Database(format!("migration failed: {e}")))?;
        Ok(Self { pool, changes: std::sync::Arc::default() })
    }

    /// The pool, for tests that inspect the database directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
