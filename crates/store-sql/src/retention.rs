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
