//! What health that follows the child needs from a database: notes, assessments, measures,
//! consent decisions, handovers and their escalations, the share log and notifications.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::audit::AuditEvent;
use resettle_domain::health::{Assessment, Consent, Handover, HealthRecord, Measure, ShareLogEntry};
use resettle_domain::ids::{AssessmentId, ChildId, HandoverId, NotificationId, OrgId, UserId};
use resettle_domain::org::{Role, User};
use resettle_domain::timeline::TimelineEntry;

use super::StorageResult;

/// Everything one health change writes, in one transaction: the item itself, the handovers it
/// creates, their share-log lines and the timeline entries.
#[derive(Clone, Debug, Default)]
pub struct HealthWrite {
    /// A new note.
    pub record: Option<HealthRecord>,
    /// A new assessment (`None` version) or a changed one (the version it was changed from).
    pub assessment: Option<(Assessment, Option<i64>)>,
    /// A new score.
    pub measure: Option<Measure>,
    /// A new consent decision.
    pub consent: Option<Consent>,
    /// Handovers sent.
    pub handovers: Vec<Handover>,
    /// Share-log lines.
    pub shares: Vec<ShareLogEntry>,
    /// Timeline entries.
    pub entries: Vec<TimelineEntry>,
    /// The audit entries of the change, written in its transaction.
    pub audit: Vec<AuditEvent>,
}

impl HealthWrite {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.record.is_none()
            && self.assessment.is_none()
            && self.measure.is_none()
            && self.consent.is_none()
            && self.handovers.is_empty()
            && self.shares.is_empty()
            && self.entries.is_empty()
            && self.audit.is_empty()
    }
}

/// An in-app notification. Any source may write one; `dedupe_key` makes writing idempotent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// Identifier.
    pub id: NotificationId,
    /// For whom.
    pub user_id: UserId,
    /// About which child, if one.
    pub child_id: Option<ChildId>,
    /// What kind (`handover.overdue`, …).
    pub kind: String,
    /// Words.
    pub message: String,
    /// Where to go.
    pub link: Option<String>,
    /// When.
    pub created_at: Timestamp,
    /// When read.
    pub read_at: Option<Timestamp>,
    /// Unique per event and person: a second write with the same key does nothing.
    pub dedupe_key: String,
}

/// A handover with the names a list needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HandoverRow {
    /// The handover.
    #[serde(flatten)]
    pub handover: Handover,
    /// The child's given name.
    pub child_given_name: String,
    /// The child's family name.
    pub child_family_name: String,
    /// The recipient organisation's name.
    pub recipient_organisation_name: String,
    /// The owning youth justice service.
    pub yjs_id: OrgId,
}

/// Health storage. Reads by child return everything: the application checks scope and the
/// health policy first.
#[async_trait]
pub trait HealthStorage: Send + Sync {
    /// Writes a health change and everything with it, in one transaction.
    async fn write_health(&self, write: &HealthWrite) -> StorageResult<()>;
    /// A child's notes, newest first.
    async fn health_records(&self, child: ChildId) -> StorageResult<Vec<HealthRecord>>;
    /// A child's assessments, newest first.
    async fn assessments(&self, child: ChildId) -> StorageResult<Vec<Assessment>>;
    /// One assessment.
    async fn assessment(&self, id: AssessmentId) -> StorageResult<Option<Assessment>>;
    /// A child's measures, oldest first.
    async fn measures(&self, child: ChildId) -> StorageResult<Vec<Measure>>;
    /// A child's consent decisions, newest first.
    async fn consents(&self, child: ChildId) -> StorageResult<Vec<Consent>>;
    /// A child's handovers, newest first.
    async fn child_handovers(&self, child: ChildId) -> StorageResult<Vec<Handover>>;
    /// A child's share log, newest first.
    /// Handovers of release health summaries for any of `children` (one query, for readiness).
    async fn release_summary_handovers(&self, children: &[ChildId]) -> StorageResult<Vec<Handover>>;
    /// For each of `children` with any, how many handovers wait for acknowledgement.
    async fn unacknowledged_handover_counts(&self, children: &[ChildId]) -> StorageResult<Vec<(ChildId, i64)>>;
    async fn share_log(&self, child: ChildId) -> StorageResult<Vec<ShareLogEntry>>;
    /// One handover.
    async fn handover(&self, id: HandoverId) -> StorageResult<Option<Handover>>;
    /// Unacknowledged handovers addressed to `user` or to one of `roles` (organisation, role).
    async fn handovers_waiting(&self, user: UserId, roles: &[(OrgId, Role)]) -> StorageResult<Vec<HandoverRow>>;
    /// Unacknowledged handovers `user` sent.
    async fn handovers_sent_open(&self, user: UserId) -> StorageResult<Vec<HandoverRow>>;
    /// Acknowledges a handover with the timeline entry; `Ok(false)` (nothing written) when it
    /// was already acknowledged.
    #[allow(clippy::too_many_arguments)] // the change, its timeline entry and its audit, written together
    async fn acknowledge_handover(
        &self,
        id: HandoverId,
        by: UserId,
        by_name: &str,
        at: Timestamp,
        note: Option<&str>,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<bool>;
    /// Unacknowledged handovers due before `today` with no escalation at `level` yet.
    async fn overdue_handovers(&self, today: Date, level: i32) -> StorageResult<Vec<HandoverRow>>;
    /// Escalates a handover at `level`: the escalation row, the notifications and the timeline
    /// entry, once. `Ok(false)` (nothing written) when it was already escalated at that level.
    async fn escalate_handover(
        &self,
        id: HandoverId,
        level: i32,
        at: Timestamp,
        notifications: &[Notification],
        entry: &TimelineEntry,
    ) -> StorageResult<bool>;
    /// Writes notifications, skipping any whose dedupe key exists; returns how many were new.
    async fn insert_notifications(&self, notifications: &[Notification]) -> StorageResult<u64>;
    /// For each notice: writes its notifications (skipping dedupe keys already there) and, when
    /// at least one is new, its entry on the child's timeline; all in one transaction, which
    /// counts a change only when something was written. How many notifications were new.
    async fn notify_once(&self, notices: &[(Vec<Notification>, TimelineEntry)]) -> StorageResult<u64>;
    /// Where a step of the sweep got to: the day it last ran on and the change count
    /// ([`crate::Storage::changes`]) read before it ran; `None` when it has never run.
    async fn sweep_mark(&self, step: &str) -> StorageResult<Option<(Date, u64)>>;
    /// Records where a step of the sweep got to (not counted as a change).
    async fn set_sweep_mark(&self, step: &str, day: Date, changes: u64) -> StorageResult<()>;
    /// Which of `dedupe_keys` a notification already has (a read: the sweep asks before it
    /// writes, so a sweep with nothing new takes no write lock).
    async fn notifications_sent(&self, dedupe_keys: &[String]) -> StorageResult<std::collections::HashSet<String>>;
    /// A user's notifications, newest first.
    async fn notifications(&self, user: UserId, limit: u32) -> StorageResult<Vec<Notification>>;
    /// Marks a user's notification read; `Ok(false)` when it is not theirs.
    async fn mark_notification_read(&self, id: NotificationId, user: UserId, at: Timestamp) -> StorageResult<bool>;
    /// The users holding `role` in `org`.
    async fn users_with_role(&self, org: OrgId, role: Role) -> StorageResult<Vec<User>>;
}
