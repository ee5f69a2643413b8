//! What answering a subject access request needs from a database: the requests themselves, and
//! every row held about one child, table by table.

use async_trait::async_trait;
use resettle_domain::child::Child;
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::subject_access::{HealthReview, HeldRows, SarId, SubjectAccessRequest};

use super::StorageResult;

/// Where a table's rows about a child are found: a condition on the table (aliased `x`) with
/// the child's id as `$1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldTable {
    /// The table.
    pub table: &'static str,
    /// Which rows are the child's.
    pub about_child: &'static str,
    /// The extra condition that leaves out health content, when the table mixes both.
    pub without_health: Option<&'static str>,
}

const fn direct(table: &'static str) -> HeldTable {
    HeldTable { table, about_child: "x.child_id = $1", without_health: None }
}

/// Every table that holds rows about a child, and how to find them. The audit trail is not
/// here: who accessed the record is given apart, in words. A test checks that every table with
/// a `child_id` column is listed.
pub const HELD_TABLES: &[HeldTable] = &[
    HeldTable { table: "children", about_child: "x.id = $1", without_health: None },
    direct("carers"),
    direct("team_members"),
    direct("custody_episodes"),
    HeldTable {
        table: "placements",
        about_child: "x.episode_id IN (SELECT e.id FROM custody_episodes e WHERE e.child_id = $1)",
        without_health: None,
    },
    direct("remands"),
    direct("sentences"),
    direct("temporary_releases"),
    HeldTable {
        table: "key_date_revisions",
        about_child: "x.sentence_id IN (SELECT s.id FROM sentences s WHERE s.child_id = $1)",
        without_health: None,
    },
    HeldTable {
        table: "discharge_decisions",
        about_child: "x.sentence_id IN (SELECT s.id FROM sentences s WHERE s.child_id = $1)",
        without_health: None,
    },
    direct("offences"),
    direct("deadlines"),
    direct("plans"),
    HeldTable {
        table: "needs",
        about_child: "x.child_id = $1",
        without_health: Some("x.pathway NOT IN ('health', 'substance_misuse')"),
    },
    HeldTable {
        table: "need_updates",
        about_child: "x.need_id IN (SELECT n.id FROM needs n WHERE n.child_id = $1)",
        without_health: Some(
            "x.need_id NOT IN (SELECT n.id FROM needs n WHERE n.pathway IN ('health', 'substance_misuse'))",
        ),
    },
    HeldTable {
        table: "actions",
        about_child: "x.child_id = $1",
        without_health: Some(
            "(x.need_id IS NULL OR x.need_id NOT IN \
             (SELECT n.id FROM needs n WHERE n.pathway IN ('health', 'substance_misuse')))",
        ),
    },
    direct("meetings"),
    direct("release_arrangements"),
    direct("living_arrangements"),
    direct("ete_placements"),
    direct("enforcement"),
    direct("appointments"),
    direct("probation_transfers"),
    HeldTable {
        table: "timeline_entries",
        about_child: "x.child_id = $1",
        without_health: Some("x.kind NOT LIKE 'health.%'"),
    },
    direct("notifications"),
    direct("break_glass_grants"),
    direct("subject_access_requests"),
    direct("health_records"),
    direct("health_assessments"),
    direct("health_consents"),
    direct("health_measures"),
    direct("handovers"),
    HeldTable {
        table: "handover_escalations",
        about_child: "x.handover_id IN (SELECT h.id FROM handovers h WHERE h.child_id = $1)",
        without_health: None,
    },
    direct("share_log"),
];

/// Subject access requests and the rows they copy.
#[async_trait]
pub trait SubjectAccessStorage: Send + Sync {
    /// Records a new request. A second request with the same reference for the same child is
    /// [`crate::StorageError::Duplicate`] on `reference`.
    async fn insert_subject_access_request(&self, request: &SubjectAccessRequest) -> StorageResult<()>;
    /// One request.
    async fn subject_access_request(&self, id: SarId) -> StorageResult<Option<SubjectAccessRequest>>;
    /// The requests about children of these youth justice services, newest first.
    async fn subject_access_requests(&self, services: &[OrgId]) -> StorageResult<Vec<SubjectAccessRequest>>;
    /// The requests about one child, newest first.
    async fn subject_access_requests_for_child(&self, child: ChildId) -> StorageResult<Vec<SubjectAccessRequest>>;
    /// Records the health review of a request (replacing an earlier one).
    async fn record_subject_access_review(&self, id: SarId, review: &HealthReview) -> StorageResult<()>;
    /// Counts an export of a request, made at `at`.
    async fn record_subject_access_export(&self, id: SarId, at: jiff::Timestamp) -> StorageResult<()>;
    /// The children of these youth justice services with this family name (any case) and
    /// date of birth: how a data protection officer finds the child a request is about.
    async fn children_for_subject_access(
        &self,
        services: &[OrgId],
        family_name: &str,
        born_on: jiff::civil::Date,
    ) -> StorageResult<Vec<Child>>;
    /// A child by id, whoever's scope it is in (the caller has decided access).
    async fn child_for_subject_access(&self, child: ChildId) -> StorageResult<Option<Child>>;
    /// Every row of [`HELD_TABLES`] about the child, table by table in that order (tables with
    /// no rows left out), without the health content when `with_health` is false. Values are
    /// as JSON: identifiers as UUID text, days as `YYYY-MM-DD`, times as RFC 3339.
    async fn rows_about_child(&self, child: ChildId, with_health: bool) -> StorageResult<Vec<HeldRows>>;
    /// How many of the rows about the child are health content (the rows
    /// [`SubjectAccessStorage::rows_about_child`] leaves out without health), counted.
    async fn health_rows_about_child(&self, child: ChildId) -> StorageResult<i64>;
}
