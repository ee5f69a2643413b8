//! Custody and key dates: episodes and placements, sentences and remands with their key-date
//! revisions and deadlines, transfers and releases, and the bank holidays deadlines skip.

use async_trait::async_trait;
use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::audit::AuditEvent;
use resettle_domain::child::Child;
use resettle_domain::custody::{CustodyEpisode, EpisodeKind, Placement};
use resettle_domain::ids::{ChildId, EpisodeId, PlacementId, SentenceId, TeamMemberId, TemporaryReleaseId, UserId};
use resettle_domain::sentence::{KeyDatesRevision, Remand, Sentence, StoredDeadline};
use resettle_domain::team::TeamMember;
use resettle_domain::temporary_release::TemporaryRelease;
use resettle_domain::timeline::TimelineEntry;

use crate::{PlanChanges, StorageResult};

/// A placement with the establishment's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlacementView {
    /// The placement.
    #[serde(flatten)]
    pub placement: Placement,
    /// Establishment name.
    pub establishment_name: String,
}

/// A custody episode with its placements, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EpisodeView {
    /// The episode.
    #[serde(flatten)]
    pub episode: CustodyEpisode,
    /// Placements.
    pub placements: Vec<PlacementView>,
}

/// A sentence with every revision of its key dates, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentenceView {
    /// The sentence.
    pub sentence: Sentence,
    /// Its key-date revisions, oldest first; the last is current.
    pub revisions: Vec<KeyDatesRevision>,
}

/// A change to the child's details made with a custody change, with its timeline entry: the
/// looked-after status that a remand gave ending with the remand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildChange {
    /// The child as changed.
    pub child: Child,
    /// The version it was read at (a concurrent edit makes the whole change fail).
    pub expected_version: i64,
    /// What changed, for the timeline.
    pub entry: TimelineEntry,
}

/// How a new sentence or remand relates to custody.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EpisodeChange {
    /// The child enters custody: a new episode with its first placement.
    Open {
        /// The episode.
        episode: CustodyEpisode,
        /// Its first placement.
        placement: Placement,
    },
    /// The child is already in custody (on remand, now sentenced): the open episode goes on,
    /// as the given kind.
    Continue {
        /// The open episode.
        episode_id: EpisodeId,
        /// Its kind from now on.
        kind: EpisodeKind,
    },
}

/// Everything written when a sentence is recorded, in one transaction.
#[derive(Clone, Debug)]
pub struct NewSentence {
    /// The sentence.
    pub sentence: Sentence,
    /// Its first key-date revision.
    pub revision: KeyDatesRevision,
    /// The custody episode it opens or continues.
    pub episode: EpisodeChange,
    /// The deadlines, replacing any the episode had.
    pub deadlines: Vec<StoredDeadline>,
    /// The establishment joining the team around the child, when custody begins.
    pub team_added: Option<TeamMember>,
    /// The offence (of this child) the sentence is for, linked to the episode.
    pub offence_id: Option<resettle_domain::ids::OffenceId>,
    /// The plan opened, and the meetings the deadlines call for.
    pub plan: PlanChanges,
    /// The looked-after status a remand gave, ending as the remand turns into a sentence.
    pub child_change: Option<ChildChange>,
    /// The timeline entry.
    pub entry: TimelineEntry,
    /// The audit entries of the change, written in its transaction.
    pub audit: Vec<AuditEvent>,
}

/// Everything written when a remand is recorded, in one transaction.
#[derive(Clone, Debug)]
pub struct NewRemand {
    /// The remand.
    pub remand: Remand,
    /// The custody episode it opens.
    pub episode: CustodyEpisode,
    /// The first placement.
    pub placement: Placement,
    /// The deadlines.
    pub deadlines: Vec<StoredDeadline>,
    /// The establishment joining the team around the child.
    pub team_added: Option<TeamMember>,
    /// The child made looked after (with the version it was read at), if not already.
    pub child: Option<(Child, i64)>,
    /// The offence (of this child) the remand is for, linked to the episode.
    pub offence_id: Option<resettle_domain::ids::OffenceId>,
    /// The plan opened, and the remand planning meeting.
    pub plan: PlanChanges,
    /// Timeline entries.
    pub entries: Vec<TimelineEntry>,
    /// The audit entries of the change, written in its transaction.
    pub audit: Vec<AuditEvent>,
}

/// A move between secure establishments, written in one transaction.
#[derive(Clone, Debug)]
pub struct Transfer {
    /// The placement that ends, and the day it ends.
    pub ended_placement: (PlacementId, Date),
    /// The new placement.
    pub placement: Placement,
    /// Team members (the old establishment) whose part ends, with the day.
    pub team_ended: Vec<(TeamMemberId, Date)>,
    /// The new establishment joining the team.
    pub team_added: Option<TeamMember>,
    /// The timeline entry.
    pub entry: TimelineEntry,
    /// The audit entries of the change, written in its transaction.
    pub audit: Vec<AuditEvent>,
}

/// A release from custody, written in one transaction.
#[derive(Clone, Debug)]
pub struct Release {
    /// The episode that ends.
    pub episode_id: EpisodeId,
    /// The day of release.
    pub date: Date,
    /// How the child left, when said.
    pub kind: Option<resettle_domain::post_release::ReleaseKind>,
    /// The establishment's team members, whose custody part ends.
    pub team_ended: Vec<TeamMemberId>,
    /// The release-day and post-release meetings moved to follow the day of release.
    pub plan: PlanChanges,
    /// The looked-after status a remand gave, ending with the release from remand.
    pub child_change: Option<ChildChange>,
    /// The timeline entry.
    pub entry: TimelineEntry,
    /// The audit entries of the change, written in its transaction.
    pub audit: Vec<AuditEvent>,
}

/// Custody episodes, sentences, remands and key dates.
#[async_trait]
pub trait CustodyStorage: Send + Sync {
    /// A child's custody episodes, newest first.
    async fn custody(&self, child: ChildId) -> StorageResult<Vec<EpisodeView>>;

    /// Opens a custody episode with its first placement, and the timeline entry.
    async fn insert_episode(
        &self,
        episode: &CustodyEpisode,
        placement: &Placement,
        entry: &TimelineEntry,
    ) -> StorageResult<()>;

    /// Moves a child between establishments.
    async fn transfer(&self, t: &Transfer) -> StorageResult<()>;

    /// Ends a custody episode on release: the episode, its open placement, the
    /// establishment's part on the team, and the episode's outstanding deadlines.
    async fn release(&self, r: &Release) -> StorageResult<()>;

    /// Records a sentence: the sentence, its first key dates, the custody episode and the
    /// deadlines, in one transaction.
    async fn insert_sentence(&self, new: &NewSentence) -> StorageResult<()>;

    /// Records a remand, in one transaction.
    async fn insert_remand(&self, new: &NewRemand) -> StorageResult<()>;

    /// A child's sentences with their key-date history, newest sentence first.
    async fn sentences(&self, child: ChildId) -> StorageResult<Vec<SentenceView>>;

    /// One sentence.
    async fn sentence(&self, id: SentenceId) -> StorageResult<Option<Sentence>>;

    /// Stores a recalculation: the sentence's new inputs (if `expected_version` is current),
    /// a new key-date revision, the episode's new deadlines, the meetings moved with them and
    /// the timeline entry.
    #[allow(clippy::too_many_arguments)] // the change, its timeline entry and its audit, written together
    async fn recalculate_sentence(
        &self,
        sentence: &Sentence,
        expected_version: i64,
        revision: &KeyDatesRevision,
        deadlines: &[StoredDeadline],
        plan: &PlanChanges,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// A child's remands, newest first.
    async fn remands(&self, child: ChildId) -> StorageResult<Vec<Remand>>;

    /// A child's periods out of custody (ROTL and mobility), the latest first.
    async fn temporary_releases(&self, child: ChildId) -> StorageResult<Vec<TemporaryRelease>>;

    /// One period out.
    async fn temporary_release(&self, id: TemporaryReleaseId) -> StorageResult<Option<TemporaryRelease>>;

    /// Records a period out, with its timeline entry and audit.
    async fn insert_temporary_release(
        &self,
        release: &TemporaryRelease,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// Rewrites a period out (its outcome recorded) if it is still at `expected_version`
    /// (else [`crate::StorageError::VersionMismatch`]), with its timeline entry and audit.
    async fn update_temporary_release(
        &self,
        release: &TemporaryRelease,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// A child's deadlines, soonest first.
    async fn deadlines(&self, child: ChildId) -> StorageResult<Vec<StoredDeadline>>;

    /// Bank holidays added by administrators.
    async fn extra_bank_holidays(&self) -> StorageResult<Vec<(Date, String)>>;

    /// Adds a bank holiday; a day already added is [`StorageError::Duplicate`] on `date`.
    async fn insert_bank_holiday(
        &self,
        day: Date,
        name: &str,
        by: Option<UserId>,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
}
