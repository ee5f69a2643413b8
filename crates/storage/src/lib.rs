//! The storage trait: everything the application needs from a database, and nothing about
//! how. One implementation per database (`resettle-store-sqlite`, `resettle-store-postgres`),
//! both held to the same conformance tests.
//!
//! Each method that writes several rows does so in one transaction. Methods that read a
//! child take the [`ChildScope`] and apply it in the query, so a child outside the actor's
//! scope is indistinguishable from one that does not exist.

pub mod accounts;
pub mod admin;
pub mod community;
pub mod health;
pub mod notifications;
pub mod ops;
pub mod outbox;
pub mod outcomes;
pub mod plan;
pub mod readiness;
pub mod retention;
pub mod subject_access;

pub use accounts::{
    ApiTokenRecord, BreakGlassGrant, BreakGlassLine, PendingStep, SessionRecord, TotpCredential, UserRecord,
};
pub use admin::{AccountLine, AdminStorage, EndedAccess, UserSearch};
pub use community::{CommunityStorage, ReleaseRecord};
pub use health::{HandoverRow, HealthStorage, HealthWrite, Notification};
pub use notifications::{NotificationGroup, NotificationStorage, ReadScope};
pub use ops::{MAIN_TABLES, OpsStorage, PoolUsage, SchemaState, SnapshotSummary};
pub use outbox::{DigestLine, OutboxCounts, OutboxStorage, QueuedEmail};
pub use outcomes::{CohortQuery, OutcomesStorage};
pub use plan::{ActionOwner, ActionRow, MeetingRow, NeedWrite, PlanChanges, PlanStorage};
pub use readiness::{OpenNeedCount, OpenNeedOwner, ReadinessQuery, ReadinessRow, ReadinessStorage, StoredArrangements};
pub use retention::{ErasureOrder, RetentionStorage};
pub use subject_access::{HELD_TABLES, HeldTable, SubjectAccessStorage};

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::audit::{AuditEntry, AuditEvent};
use resettle_domain::child::{Carer, Child};
use resettle_domain::custody::{CustodyEpisode, EpisodeKind, Placement};
use resettle_domain::ids::{ChildId, EpisodeId, OrgId, PlacementId, SentenceId, TeamMemberId, TokenId, UserId};
use resettle_domain::org::{Email, Membership, OrgCode, OrgKind, Organisation, User};
use resettle_domain::policy::ChildScope;
use resettle_domain::sentence::{KeyDatesRevision, Remand, Sentence, StoredDeadline};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;

/// Why storage could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The record does not exist (or is out of scope).
    #[error("not found")]
    NotFound,
    /// An optimistic-concurrency check failed: the stored version is `current`.
    #[error("version mismatch (current {current})")]
    VersionMismatch {
        /// The version now stored.
        current: i64,
    },
    /// A unique value is already taken.
    #[error("{field}: {message}")]
    Duplicate {
        /// The input field holding the value.
        field: String,
        /// Words for the person.
        message: String,
    },
    /// Anything else; for logs, never for users.
    #[error("database: {0}")]
    Database(String),
}

/// Shorthand.
pub type StorageResult<T> = Result<T, StorageError>;

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

/// A batch of synthetic records, loaded in one transaction.
#[derive(Clone, Debug, Default)]
pub struct SyntheticBatch {
    /// Organisations.
    pub organisations: Vec<Organisation>,
    /// Users with a password hash and memberships.
    pub users: Vec<UserRecord>,
    /// Children.
    pub children: Vec<Child>,
    /// Carers.
    pub carers: Vec<Carer>,
    /// Team members.
    pub team: Vec<TeamMember>,
    /// Custody episodes.
    pub episodes: Vec<CustodyEpisode>,
    /// Placements.
    pub placements: Vec<Placement>,
    /// Timeline entries.
    pub timeline: Vec<TimelineEntry>,
    /// Sentences.
    pub sentences: Vec<Sentence>,
    /// Key-date revisions.
    pub revisions: Vec<KeyDatesRevision>,
    /// Remands.
    pub remands: Vec<Remand>,
    /// Deadlines.
    pub deadlines: Vec<StoredDeadline>,
    /// Resettlement plans.
    pub plans: Vec<resettle_domain::plan::Plan>,
    /// Support needs.
    pub needs: Vec<resettle_domain::plan::Need>,
    /// Need update-log entries.
    pub need_updates: Vec<resettle_domain::plan::NeedUpdate>,
    /// Meetings.
    pub meetings: Vec<resettle_domain::meeting::Meeting>,
    /// Actions.
    pub actions: Vec<resettle_domain::action_item::ActionItem>,
    /// Notes of health information.
    pub health_records: Vec<resettle_domain::health::HealthRecord>,
    /// Health assessments.
    pub assessments: Vec<resettle_domain::health::Assessment>,
    /// Outcome measures.
    pub measures: Vec<resettle_domain::health::Measure>,
    /// Consent and sharing decisions.
    pub consents: Vec<resettle_domain::health::Consent>,
    /// Handovers.
    pub handovers: Vec<resettle_domain::health::Handover>,
    /// Share-log lines.
    pub shares: Vec<resettle_domain::health::ShareLogEntry>,
    /// Release arrangements of open custody episodes.
    pub release_arrangements: Vec<StoredArrangements>,
    /// Supervision appointments after release.
    pub appointments: Vec<resettle_domain::community::Appointment>,
    /// Warnings, breaches and recalls.
    pub enforcement: Vec<resettle_domain::community::Enforcement>,
    /// Arrests and offences.
    pub offences: Vec<resettle_domain::community::Offence>,
    /// Living arrangements after release.
    pub living_arrangements: Vec<resettle_domain::community::LivingArrangement>,
    /// Education, training or employment after release.
    pub ete_placements: Vec<resettle_domain::community::EtePlacement>,
}

/// A sentence with every revision of its key dates, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SentenceView {
    /// The sentence.
    pub sentence: Sentence,
    /// Its key-date revisions, oldest first; the last is current.
    pub revisions: Vec<KeyDatesRevision>,
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
    /// The timeline entry.
    pub entry: TimelineEntry,
    /// The audit entries of the change, written in its transaction.
    pub audit: Vec<AuditEvent>,
}

/// Everything the application needs from a database.
#[async_trait]
pub trait Storage:
    PlanStorage
    + HealthStorage
    + ReadinessStorage
    + OutboxStorage
    + CommunityStorage
    + OutcomesStorage
    + RetentionStorage
    + OpsStorage
    + SubjectAccessStorage
    + AdminStorage
    + NotificationStorage
    + Send
    + Sync
    + 'static
{
    /// Which database this is, for logs and `/healthz`.
    fn backend(&self) -> &'static str;
    /// How many changes to the record have been committed to this database, by any server or
    /// command (audit entries, sessions, sign-in codes and failed sign-ins are not counted).
    /// A cache of derived reads keeps the count it was built at and is current while the
    /// count has not moved. Read from the database on every call.
    async fn changes(&self) -> StorageResult<u64>;
    /// The secret that keys the audit chain, when the store was opened with one (it is kept
    /// outside the database: see `resettle_domain::audit::AuditKey`).
    fn audit_key(&self) -> Option<&resettle_domain::audit::AuditKey>;
    /// Answers when the database does.
    async fn ping(&self) -> StorageResult<()>;

    /// Failed sign-ins recorded under any of `keys` (hashes) at or after `since`, oldest first.
    async fn sign_in_failures(&self, keys: &[String], since: Timestamp) -> StorageResult<Vec<(String, Timestamp)>>;
    /// Records a failed sign-in under each of `keys` at `at`, and forgets every failure from
    /// before `forget_before` (they no longer count).
    async fn record_sign_in_failure(
        &self,
        keys: &[String],
        at: Timestamp,
        forget_before: Timestamp,
    ) -> StorageResult<()>;
    /// Forgets the failures under `key` (after a successful sign-in).
    async fn clear_sign_in_failures(&self, key: &str) -> StorageResult<()>;

    /// Adds an organisation; a taken code is [`StorageError::Duplicate`] on `code`.
    async fn insert_organisation(&self, org: &Organisation, audit: &[AuditEvent]) -> StorageResult<()>;
    /// One organisation.
    async fn organisation(&self, id: OrgId) -> StorageResult<Option<Organisation>>;
    /// One organisation by code.
    async fn organisation_by_code(&self, code: &OrgCode) -> StorageResult<Option<Organisation>>;
    /// All organisations, by name.
    async fn organisations(&self) -> StorageResult<Vec<Organisation>>;

    /// Adds a user and their memberships; a taken email is [`StorageError::Duplicate`].
    async fn insert_user(&self, user: &UserRecord, audit: &[AuditEvent]) -> StorageResult<()>;
    /// Adds a membership to an existing user.
    async fn insert_membership(&self, membership: &Membership, audit: &[AuditEvent]) -> StorageResult<()>;
    /// A user by sign-in address.
    async fn user_by_email(&self, email: &Email) -> StorageResult<Option<UserRecord>>;
    /// A user by id.
    async fn user(&self, id: UserId) -> StorageResult<Option<UserRecord>>;
    /// All users, by name.
    async fn users(&self) -> StorageResult<Vec<UserRecord>>;
    /// Users with a membership in `org`, by name.
    async fn users_in_organisation(&self, org: OrgId) -> StorageResult<Vec<User>>;

    /// Stores a new session.
    async fn insert_session(&self, session: &SessionRecord) -> StorageResult<()>;
    /// A session by token hash.
    async fn session(&self, id_hash: &str) -> StorageResult<Option<SessionRecord>>;
    /// Records activity on a session.
    async fn touch_session(&self, id_hash: &str, at: Timestamp) -> StorageResult<()>;
    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> StorageResult<()>;
    /// A user's sessions, newest first.
    async fn sessions_of(&self, user: UserId) -> StorageResult<Vec<SessionRecord>>;
    /// Ends every session of a user except `keep` (by hash); the number ended.
    async fn delete_sessions_of(&self, user: UserId, keep: Option<&str>) -> StorageResult<u64>;
    /// Replaces a user's password hash.
    async fn set_password_hash(&self, user: UserId, hash: &str) -> StorageResult<()>;
    /// Stores a one-time link to set `user`'s password (the SHA-256 of its secret).
    async fn insert_password_link(
        &self,
        token_hash: &str,
        user: UserId,
        created_at: Timestamp,
        expires_at: Timestamp,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// The user a set-password link is for, while it is unused and unexpired at `now`.
    async fn password_link_user(&self, token_hash: &str, now: Timestamp) -> StorageResult<Option<UserId>>;
    /// Uses a set-password link, in one transaction: marks it used (it must be unused and
    /// unexpired at `now`, else `NotFound`), sets the password hash and ends the user's
    /// sessions. Returns the user.
    async fn use_password_link(&self, token_hash: &str, now: Timestamp, password_hash: &str) -> StorageResult<UserId>;
    /// Stores a one-time authenticator enrolment code for `user` (its SHA-256).
    async fn insert_enrolment_code(
        &self,
        code_hash: &str,
        user: UserId,
        created_at: Timestamp,
        expires_at: Timestamp,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// Uses an enrolment code: true when it was `user`'s, unused and unexpired at `now` (it is
    /// then used up).
    async fn use_enrolment_code(&self, code_hash: &str, user: UserId, now: Timestamp) -> StorageResult<bool>;
    /// Whether an enrolment code is `user`'s, unused and unexpired at `now` (not using it up).
    async fn enrolment_code_valid(&self, code_hash: &str, user: UserId, now: Timestamp) -> StorageResult<bool>;

    /// Stores a new API token.
    async fn insert_api_token(&self, token: &ApiTokenRecord, audit: &[AuditEvent]) -> StorageResult<()>;
    /// A token by the hash of its secret.
    async fn api_token(&self, token_hash: &str) -> StorageResult<Option<ApiTokenRecord>>;
    /// A user's tokens, newest first.
    async fn api_tokens_of(&self, user: UserId) -> StorageResult<Vec<ApiTokenRecord>>;
    /// Revokes a token (from `at`); `NotFound` when there is no such unrevoked token.
    async fn revoke_api_token(&self, id: TokenId, at: Timestamp, audit: &[AuditEvent]) -> StorageResult<()>;

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
    /// A child's custody episodes, newest first.
    async fn custody(&self, child: ChildId) -> StorageResult<Vec<EpisodeView>>;
    /// Opens a custody episode with its first placement, and the timeline entry.
    async fn insert_episode(
        &self,
        episode: &CustodyEpisode,
        placement: &Placement,
        entry: &TimelineEntry,
    ) -> StorageResult<()>;
    /// A child's timeline, newest first.
    async fn timeline(&self, child: ChildId, limit: u32) -> StorageResult<Vec<TimelineEntry>>;

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

    /// Appends events to the audit trail, chaining each to the last, in one transaction
    /// (appends are serialised by the head row, so the chain has no forks).
    async fn append_audit(&self, events: &[AuditEvent]) -> StorageResult<()>;
    /// The number of audit entries written and the last hash.
    async fn audit_head(&self) -> StorageResult<(i64, String)>;
    /// Up to `limit` audit entries after `after_seq`, in order.
    async fn audit_entries(&self, after_seq: i64, limit: u32) -> StorageResult<Vec<AuditEntry>>;
    /// The newest audit entries about a child, newest first.
    async fn child_audit(&self, child: ChildId, limit: u32) -> StorageResult<Vec<AuditEntry>>;

    /// A user's authenticator, confirmed or not.
    async fn totp_credential(&self, user: UserId) -> StorageResult<Option<TotpCredential>>;
    /// Stores a new, unconfirmed secret for the user, replacing an unconfirmed one; a
    /// confirmed authenticator is left alone ([`StorageError::Duplicate`] on `code`).
    async fn put_totp_secret(&self, user: UserId, secret: &str, at: Timestamp) -> StorageResult<()>;
    /// Accepts the code of time step `step` for `user`, only if the step is later than the
    /// last one accepted (no replay): confirms an unconfirmed authenticator when `confirm`,
    /// completes the session `session_hash` under its new hash `new_session_hash` (a new id
    /// when the privilege changes) and appends `audit`, in one transaction. `Ok(false)` (and
    /// nothing written) when the step is not later.
    async fn accept_totp_step(
        &self,
        user: UserId,
        step: i64,
        confirm: Option<Timestamp>,
        session_hash: &str,
        new_session_hash: &str,
        audit: &[AuditEvent],
    ) -> StorageResult<bool>;
    /// Removes a user's authenticator (the operator's reset); `NotFound` when there is none.
    async fn delete_totp(&self, user: UserId) -> StorageResult<()>;

    /// Stores a break-glass grant with its timeline entry and audit events, in one transaction.
    async fn insert_break_glass(
        &self,
        grant: &BreakGlassGrant,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// The user's newest grant for `child` still valid at `now`.
    async fn active_break_glass(
        &self,
        user: UserId,
        child: ChildId,
        now: Timestamp,
    ) -> StorageResult<Option<BreakGlassGrant>>;
    /// Break-glass grants for one child, newest first.
    async fn child_break_glass(&self, child: ChildId, limit: u32) -> StorageResult<Vec<BreakGlassLine>>;
    /// Break-glass grants for children owned by any of `yjs_ids`, newest first.
    async fn break_glass_report(&self, yjs_ids: &[OrgId], limit: u32) -> StorageResult<Vec<BreakGlassLine>>;
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

    /// Counts by organisation: every youth justice service and secure establishment, with
    /// releases counted when the mid-term date falls in `release_from..=release_to`.
    async fn organisation_figures(
        &self,
        release_from: Date,
        release_to: Date,
    ) -> StorageResult<Vec<OrganisationFigures>>;

    /// Loads synthetic records in one transaction (the generator's bulk path).
    async fn load_synthetic(&self, batch: &SyntheticBatch) -> StorageResult<()>;
}
