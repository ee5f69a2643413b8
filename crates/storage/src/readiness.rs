//! What release readiness needs from a database: the release arrangements of a custody
//! episode, and the inputs of the readiness rules for every child in custody in scope, read in
//! a few set-based queries (never one per child).

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;

use resettle_domain::audit::AuditEvent;
use resettle_domain::custody::EpisodeKind;
use resettle_domain::ids::{ChildId, EpisodeId, OrgId};
use resettle_domain::plan::Pathway;
use resettle_domain::policy::ChildScope;
use resettle_domain::readiness::ReleaseArrangements;
use resettle_domain::timeline::TimelineEntry;

use super::StorageResult;

/// Release arrangements as stored, for bulk loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredArrangements {
    /// The child.
    pub child_id: ChildId,
    /// The custody episode they belong to.
    pub episode_id: EpisodeId,
    /// What is arranged.
    pub arrangements: ReleaseArrangements,
    /// When last changed.
    pub updated_at: Timestamp,
}

/// Which children in custody to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadinessQuery {
    /// One child only.
    pub child: Option<ChildId>,
    /// Only children with this organisation on their team today.
    pub organisation_id: Option<OrgId>,
    /// Today: overdue actions are those due before it.
    pub today: Date,
}

/// The facts about one child in custody that the readiness rules need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadinessRow {
    /// The child.
    pub child_id: ChildId,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The YJS responsible.
    pub yjs_id: OrgId,
    /// Its name.
    pub yjs_name: String,
    /// The open custody episode.
    pub episode_id: EpisodeId,
    /// Remand or sentence.
    pub kind: EpisodeKind,
    /// First day in custody.
    pub started_on: Date,
    /// When the episode was recorded (none when loaded in bulk).
    pub episode_recorded_at: Option<jiff::Timestamp>,
    /// The release date of the episode's latest sentence: the early or late release date once
    /// decided (`discharge_decisions`), else the MTD of its latest key dates.
    pub release_on: Option<Date>,
    /// The day the release was brought forward to (Criminal Justice Act 1961 s.23(3B)), once
    /// decided: the day of discharge itself.
    pub brought_forward_to: Option<Date>,
    /// The next court date of the episode's latest remand.
    pub next_court_date: Option<Date>,
    /// The day the plan was shared with the child and carers.
    pub plan_shared_on: Option<Date>,
    /// What is arranged (version 0 when nothing is recorded).
    pub arrangements: ReleaseArrangements,
    /// The child's open actions past their due date.
    pub overdue_actions: i64,
    /// The child's planning meetings not yet held or cancelled, with the day each is due by,
    /// soonest first (none when read for counts only).
    pub open_meetings: Vec<(resettle_domain::meeting::MeetingKind, Date)>,
}

/// An open need on a pathway and who owns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenNeedOwner {
    /// The child.
    pub child_id: ChildId,
    /// The pathway.
    pub pathway: Pathway,
    /// The owning organisation.
    pub organisation_id: OrgId,
    /// Its name.
    pub organisation_name: String,
}

/// Open needs counted by the owner's organisation and pathway (no child named).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenNeedCount {
    /// Owning organisation.
    pub organisation_id: OrgId,
    /// Its name.
    pub organisation_name: String,
    /// Pathway.
    pub pathway: Pathway,
    /// How many open needs.
    pub count: i64,
}

/// Release readiness storage.
#[async_trait]
pub trait ReadinessStorage: Send + Sync {
    /// The readiness inputs of every child in custody in `scope` matching `query`, in one query.
    async fn readiness_rows(&self, scope: &ChildScope, query: &ReadinessQuery) -> StorageResult<Vec<ReadinessRow>>;
    /// The owners of open needs (identified or in progress) of the children in custody in
    /// `scope`, in one query.
    async fn open_need_owners(&self, scope: &ChildScope, query: &ReadinessQuery) -> StorageResult<Vec<OpenNeedOwner>>;
    /// Open needs of children in custody, counted by owner and pathway, across all children
    /// (for the strategic lead's figures: no child is named).
    async fn open_need_counts(&self) -> StorageResult<Vec<OpenNeedCount>>;
    /// The readiness inputs of every child in custody, for the strategic lead's counts by
    /// organisation (the caller must not show names).
    async fn all_readiness_rows(&self, today: Date) -> StorageResult<Vec<ReadinessRow>>;
    /// Writes the release arrangements of `episode`: inserts them when `expected_version` is 0,
    /// otherwise updates them if still at `expected_version`; with the timeline entry, in one
    /// transaction.
    #[allow(clippy::too_many_arguments)] // the change, its timeline entry and its audit, written together
    async fn put_release_arrangements(
        &self,
        child: ChildId,
        episode: EpisodeId,
        arrangements: &ReleaseArrangements,
        expected_version: i64,
        at: Timestamp,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
}
