//! Children and the team around them: the record, carers, team members, the caseload, and
//! counts by organisation.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::audit::AuditEvent;
use resettle_domain::child::{Carer, Child};
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::{ChildId, OrgId};
use resettle_domain::org::OrgKind;
use resettle_domain::policy::ChildScope;
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;

use crate::StorageResult;

/// Counts for one organisation, with no names or identifiers of children.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrganisationFigures {
    /// The organisation.
    pub organisation_id: OrgId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: OrgKind,
    /// Children on its caseload: owned cases for a youth justice service, children placed
    /// there now for a secure establishment.
    pub children: i64,
    /// Of those, in custody on remand now.
    pub on_remand: i64,
    /// Of those, in custody on sentence now.
    pub sentenced: i64,
    /// Of those, with a release date (mid-term date) in the coming window.
    pub releases_due: i64,
}

/// How the caseload is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseloadSort {
    /// Family name, then given name.
    #[default]
    Name,
    /// Date of birth.
    DateOfBirth,
    /// Most recently changed.
    Updated,
    /// Custody start.
    CustodySince,
}

impl CaseloadSort {
    /// Every option.
    pub const ALL: [CaseloadSort; 4] =
        [CaseloadSort::Name, CaseloadSort::DateOfBirth, CaseloadSort::Updated, CaseloadSort::CustodySince];

    /// The query-string spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseloadSort::Name => "name",
            CaseloadSort::DateOfBirth => "date_of_birth",
            CaseloadSort::Updated => "updated",
            CaseloadSort::CustodySince => "custody_since",
        }
    }

    /// Parses the query-string spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Filters, order and page of a caseload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseloadQuery {
    /// Only children with this organisation on their team.
    pub organisation_id: Option<OrgId>,
    /// Order.
    pub sort: CaseloadSort,
    /// Reverse order.
    pub descending: bool,
    /// 1-based page.
    pub page: u32,
    /// Rows per page (1–200).
    pub per_page: u32,
}

impl Default for CaseloadQuery {
    fn default() -> Self {
        Self { organisation_id: None, sort: CaseloadSort::Name, descending: false, page: 1, per_page: 50 }
    }
}

/// Where a child is in custody now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CurrentCustody {
    /// Remand or sentence.
    pub kind: EpisodeKind,
    /// Since.
    pub started_on: Date,
    /// Establishment, when placed.
    pub establishment_id: Option<OrgId>,
    /// Its name.
    pub establishment_name: Option<String>,
}

/// One line of a caseload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseloadRow {
    /// The child.
    pub id: ChildId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The name the child prefers to be called, if any (search finds it too).
    pub preferred_name: Option<String>,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Owning youth justice service.
    pub yjs_id: OrgId,
    /// Its name.
    pub yjs_name: String,
    /// In custody now, if so.
    pub custody: Option<CurrentCustody>,
    /// The day of the latest release, when the child has been released.
    pub released_on: Option<Date>,
    /// Version of the child record.
    pub version: i64,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A page of results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// This page's rows.
    pub items: Vec<T>,
    /// Rows across all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> u32 {
        let per = u64::from(self.per_page.max(1));
        u32::try_from(self.total.div_ceil(per).max(1)).unwrap_or(u32::MAX)
    }
}

/// A team member with the names and contacts people need to read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamMemberView {
    /// The member.
    #[serde(flatten)]
    pub member: TeamMember,
    /// Organisation name.
    pub organisation_name: String,
    /// Organisation kind.
    pub organisation_kind: OrgKind,
    /// The named person.
    pub user_name: Option<String>,
    /// Their email.
    pub user_email: Option<String>,
    /// Their phone.
    pub user_phone: Option<String>,
}

/// Children, their carers and team, and the caseload.
#[async_trait]
pub trait ChildrenStorage: Send + Sync {
    /// Adds a child with carers, team and the timeline entry, in one transaction.
    async fn insert_child(
        &self,
        child: &Child,
        carers: &[Carer],
        team: &[TeamMember],
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// A child, only if within `scope`.
    async fn child(&self, id: ChildId, scope: &ChildScope) -> StorageResult<Option<Child>>;

    /// Replaces a child's details if the stored version is `expected_version` (the new
    /// record carries `expected_version + 1`), and adds the timeline entry; otherwise
    /// [`StorageError::VersionMismatch`] and nothing changes.
    async fn update_child(
        &self,
        child: &Child,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// The children within `scope`, filtered, ordered and paged in the query.
    async fn caseload(&self, scope: &ChildScope, query: &CaseloadQuery) -> StorageResult<Page<CaseloadRow>>;

    /// A child's parents and carers.
    async fn carers(&self, child: ChildId) -> StorageResult<Vec<Carer>>;

    /// Adds a carer and the timeline entry.
    async fn insert_carer(&self, carer: &Carer, entry: &TimelineEntry, audit: &[AuditEvent]) -> StorageResult<()>;

    /// The team around a child, current members first.
    async fn team(&self, child: ChildId) -> StorageResult<Vec<TeamMemberView>>;

    /// Adds a team member and the timeline entry.
    async fn insert_team_member(
        &self,
        member: &TeamMember,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// The youth justice service that owns a child's case, whoever asks (for break-glass,
    /// which must tell a child outside the team from one that does not exist).
    async fn child_owner(&self, child: ChildId) -> StorageResult<Option<OrgId>>;

    /// The child with this NHS number or PNC id, whoever's team it is on (for offering
    /// break-glass; the caller reveals only that a record exists).
    async fn child_by_identifier(
        &self,
        nhs_number: Option<&str>,
        pnc_id: Option<&str>,
    ) -> StorageResult<Option<ChildId>>;

    /// Every child with this NHS number or PNC ID (any service's: the caller narrows the
    /// answer to the children it may see).
    async fn children_by_identifier(
        &self,
        nhs_number: Option<&str>,
        pnc_id: Option<&str>,
    ) -> StorageResult<Vec<ChildId>>;

    /// Counts by organisation: every youth justice service and secure establishment, with
    /// releases counted when the mid-term date falls in `release_from..=release_to`.
    async fn organisation_figures(
        &self,
        release_from: Date,
        release_to: Date,
    ) -> StorageResult<Vec<OrganisationFigures>>;
}
