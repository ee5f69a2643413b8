//! Resettle's storage on PostgreSQL, for shared and national deployments. Same behaviour as
//! the SQLite store (the same queries, from `resettle-store-sql`), with PostgreSQL's own
//! column types; the schema in `migrations/` is embedded and applied at start.

pub mod ops;

use std::str::FromStr;
use std::time::Duration;

use resettle_storage::{StorageError, StorageResult};
use sqlx::PgPool;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Storage on a PostgreSQL database.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    /// The secret that keys new audit entries (kept outside the database).
    audit_key: Option<resettle_domain::audit::AuditKey>,
}

// The storage contract, one area at a time (each macro only picks the database; the SQL is
// in `resettle-store-sql`).
resettle_store_sql::impl_storage!(PostgresStore, sqlx::Postgres, "postgres");
resettle_store_sql::children_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::custody_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::access_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::audit_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::plan_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::health_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::readiness_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::community_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::outcomes_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::retention_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::outbox_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::subject_access_storage!(PostgresStore, sqlx::Postgres, "postgres");
resettle_store_sql::synthetic_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::admin_storage!(PostgresStore, sqlx::Postgres);
resettle_store_sql::notification_storage!(PostgresStore, sqlx::Postgres);

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

impl PostgresStore {
    /// The same store, keying new audit entries with `key`.
    pub fn with_audit_key(mut self, key: resettle_domain::audit::AuditKey) -> Self {
        self.audit_key = Some(key);
        self
    }

    /// Connects to `url` (`postgres://…`) and applies pending migrations.
    pub async fn connect(url: &str) -> StorageResult<Self> {
        let options =
            PgConnectOptions::from_str(url).map_err(|e| StorageError::Database(format!("bad PostgreSQL URL: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StorageError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
        migrator().run(&pool).await.map_err(|e| StorageError::Database(format!("migration failed: {e}")))?;
        Ok(Self { pool, audit_key: None })
    }

    /// The pool, for tests that inspect the database directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}
