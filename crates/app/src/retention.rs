//! Retention: which records have been kept as long as the schedule says, for the operator to
//! review. Listing them names no one (children by identifier only) and is itself audited.

use jiff::civil::Date;
use resettle_domain::retention::{Due, due};

use crate::{App, AppResult, Principal};

impl App {
    /// The records due on `today` under `[retention]`: each child's youth justice and health
    /// records kept until a day before it, oldest first. Audited as the operator's.
    pub async fn retention_report(&self, today: Date) -> AppResult<Vec<Due>> {
        let dates = self.store.retention_dates().await?;
        let list = due(&dates, &self.config.retention, today);
        let what = format!("listed the records due for retention review on {today}: {}", list.len());
        self.audit_admin(Principal::Operator, "retention.report", &what).await?;
        Ok(list)
    }
}
