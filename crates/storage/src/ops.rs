//! What running the service needs from a database: the readiness probe (is the schema
//! current?), and backups and restores (what a copy holds).

use async_trait::async_trait;
use serde::Serialize;

use super::StorageResult;

/// The tables whose row counts describe a backup, and whose rows make a database "not empty"
/// for a restore: the record, the people and the audit trail.
pub const MAIN_TABLES: &[&str] = &[
    "organisations",
    "users",
    "memberships",
    "children",
    "team_members",
    "custody_episodes",
    "sentences",
    "plans",
    "needs",
    "meetings",
    "actions",
    "health_records",
    "handovers",
    "timeline_entries",
    "notifications",
    "appointments",
    "enforcement",
    "offences",
    "living_arrangements",
    "ete_placements",
    "audit_log",
];

/// Which schema migrations a database has, against the ones this build knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SchemaState {
    /// The newest migration applied successfully (0 when none).
    pub applied: i64,
    /// The newest migration this build knows.
    pub known: i64,
    /// Whether every migration this build knows is applied (and none failed part-way).
    pub current: bool,
}

/// What a consistent copy of the database holds, read from the copy itself (or from the
/// same snapshot), so that the manifest describes exactly what was saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotSummary {
    /// The newest migration applied in the copy.
    pub schema_version: i64,
    /// Rows in each of [`MAIN_TABLES`].
    pub row_counts: Vec<(String, i64)>,
    /// The audit chain's head in the copy: entries written and the last hash.
    pub audit_head: (i64, String),
}

/// The connection pool's use at one moment (for the metrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PoolUsage {
    /// Connections open, in use or idle.
    pub open: u32,
    /// Open connections not in use.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

/// Operations on the database as a whole.
#[async_trait]
pub trait OpsStorage {
    /// The connection pool's use now.
    fn pool_usage(&self) -> PoolUsage;
    /// The migrations applied, against the ones this build knows.
    async fn schema_state(&self) -> StorageResult<SchemaState>;
    /// Rows in each of [`MAIN_TABLES`], in that order.
    async fn row_counts(&self) -> StorageResult<Vec<(String, i64)>>;
    /// Every child's date of birth and the days of the last entry and the last health entry
    /// on their record (from the timeline, which every change writes to), for retention.
    async fn retention_dates(&self) -> StorageResult<Vec<resettle_domain::retention::RecordDates>>;
}
