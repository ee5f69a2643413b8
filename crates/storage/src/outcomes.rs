//! What the cohort outcomes report needs from a database: every child released in a period
//! (with the filters a report may carry), and the facts the measures are counted from, gathered
//! with a few set-based queries. The application decides who may ask for which part of the
//! country before calling it.

use async_trait::async_trait;
use jiff::civil::Date;

use resettle_domain::ids::OrgId;
use resettle_domain::outcomes::CohortChild;

use super::StorageResult;

/// Which releases make the cohort.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CohortQuery {
    /// First day of release.
    pub released_from: Option<Date>,
    /// Last day of release (inclusive).
    pub released_to: Option<Date>,
    /// Only children of these youth justice services (all when empty).
    pub yjs_ids: Vec<OrgId>,
    /// Only children released by these secure establishments (all when empty).
    pub establishment_ids: Vec<OrgId>,
    /// Only children with this gender as recorded.
    pub sex: Option<String>,
    /// Only children with this ethnicity as recorded.
    pub ethnicity: Option<String>,
    /// Only children looked after (true) or not (false).
    pub looked_after: Option<bool>,
}

/// The cohort outcomes report's storage.
#[async_trait]
pub trait OutcomesStorage: Send + Sync {
    /// Every child released (custody episode ended) between the query's days, each with the
    /// facts of their first release in the period, ordered by release day.
    async fn cohort(&self, q: &CohortQuery) -> StorageResult<Vec<CohortChild>>;
}
