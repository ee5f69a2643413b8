//! Resettle's storage on SQLite, the embedded default: one file, no server.
//!
//! The connection runs in WAL mode (readers do not block the writer) with foreign keys
//! enforced and a busy timeout, and the schema in `migrations/` is embedded in the binary and
//! applied at start.

pub mod ops;

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
    /// The secret that keys new audit entries (kept outside the database).
    audit_key: Option<resettle_domain::audit::AuditKey>,
}

// The storage contract, one area at a time (each macro only picks the database; the SQL is
// in `resettle-store-sql`).
resettle_store_sql::impl_storage!(SqliteStore, sqlx::Sqlite, "sqlite");
resettle_store_sql::children_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::custody_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::access_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::audit_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::plan_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::health_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::readiness_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::community_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::outcomes_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::retention_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::outbox_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::subject_access_storage!(SqliteStore, sqlx::Sqlite, "sqlite");
resettle_store_sql::synthetic_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::admin_storage!(SqliteStore, sqlx::Sqlite);
resettle_store_sql::notification_storage!(SqliteStore, sqlx::Sqlite);

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
        (11, "audit integrity", include_str!("../migrations/0011_audit_integrity.sql")),
        (12, "password links and enrolment codes", include_str!("../migrations/0012_password_links.sql")),
        (13, "after release", include_str!("../migrations/0013_after_release.sql")),
        (14, "operations", include_str!("../migrations/0014_ops.sql")),
        (15, "outcomes", include_str!("../migrations/0015_outcomes.sql")),
        (16, "after release history", include_str!("../migrations/0016_after_release_history.sql")),
        (17, "erasure", include_str!("../migrations/0017_erasure.sql")),
        (18, "subject access", include_str!("../migrations/0018_subject_access.sql")),
        (19, "administration", include_str!("../migrations/0019_administration.sql")),
        (20, "custody roles", include_str!("../migrations/0020_custody_roles.sql")),
        (21, "remand looked after", include_str!("../migrations/0021_remand_looked_after.sql")),
        (22, "temporary releases", include_str!("../migrations/0022_temporary_releases.sql")),
        (23, "preferred language", include_str!("../migrations/0023_preferred_language.sql")),
        (24, "sweep marks", include_str!("../migrations/0024_sweep_marks.sql")),
    ])
}

/// What a connection is for, which decides its memory: see [`SqliteStore::connect_for`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Serving pages and the API: large page cache, memory-mapped reads.
    Serve,
    /// Loading many rows in order (`resettle synth`, `resettle demo`): bounded memory.
    BulkLoad,
}

impl SqliteStore {
    /// The same store, keying new audit entries with `key`.
    pub fn with_audit_key(mut self, key: resettle_domain::audit::AuditKey) -> Self {
        self.audit_key = Some(key);
        self
    }

    /// Opens (creating when missing) the database at `url` (`sqlite://path` or
    /// `sqlite::memory:`) and applies pending migrations, tuned for serving.
    pub async fn connect(url: &str) -> StorageResult<Self> {
        Self::connect_for(url, Workload::Serve).await
    }

    /// [`Self::connect`], tuned for `workload`.
    pub async fn connect_for(url: &str, workload: Workload) -> StorageResult<Self> {
        let (cache, mmap) = match workload {
            Workload::Serve => ("-65536", "4294967296"),
            Workload::BulkLoad => ("-16384", "0"),
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StorageError::Database(format!("bad SQLite URL: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Serving: a 64 MiB page cache and memory-mapped reads (up to 4 GiB) per connection:
            // caseloads read a few hundred scattered child rows, and without these most reads go
            // to the kernel. Loading writes in order and reads little: a 16 MiB cache and no
            // mapping keep the loader's memory bounded whatever the database's size.
            .pragma("cache_size", cache)
            .pragma("mmap_size", mmap);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|e| StorageError::Database(format!("cannot open SQLite database: {e}")))?;
        migrator().run(&pool).await.map_err(|e| StorageError::Database(format!("migration failed: {e}")))?;
        Ok(Self { pool, audit_key: None })
    }

    /// The pool, for tests that inspect the database directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
