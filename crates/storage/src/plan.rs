//! What the resettlement plan needs from a database: the plan, its needs and their update
//! log, meetings and actions.

use async_trait::async_trait;
use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::action_item::ActionItem;
use resettle_domain::audit::AuditEvent;
use resettle_domain::ids::{ActionItemId, ChildId, MeetingId, NeedId, OrgId, UserId};
use resettle_domain::meeting::{Meeting, MeetingSync};
use resettle_domain::plan::{Need, NeedUpdate, Plan};
use resettle_domain::policy::ChildScope;
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;

use super::StorageResult;

/// What is written with a sentence, a remand or a recalculation so that the plan follows
/// custody: the plan opened (when the child has none) and the meetings the rules now call for.
#[derive(Clone, Debug, Default)]
pub struct PlanChanges {
    /// A new plan, when the child has none.
    pub open: Option<Plan>,
    /// Meetings added, moved or removed.
    pub meetings: MeetingSync,
}

/// A new need and everything written with it.
#[derive(Clone, Debug)]
pub struct NeedWrite {
    /// The need as it will be stored.
    pub need: Need,
    /// The update-log entry.
    pub update: NeedUpdate,
    /// The owning organisation joining the team, when it was not on it.
    pub team_added: Option<TeamMember>,
    /// The timeline entry.
    pub entry: TimelineEntry,
    /// The audit entries of the change, written in its transaction.
    pub audit: Vec<AuditEvent>,
}

/// Whose actions: a person's own, and those of their organisations with no named owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionOwner {
    /// The person.
    pub user_id: UserId,
    /// Organisations whose unassigned actions count as theirs.
    pub organisation_ids: Vec<OrgId>,
}

/// An action with the names a list needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionRow {
    /// The action.
    #[serde(flatten)]
    pub action: ActionItem,
    /// The child's given name.
    pub child_given_name: String,
    /// The child's family name.
    pub child_family_name: String,
    /// The owning organisation's name.
    pub owner_organisation_name: String,
    /// The owning person's name.
    pub owner_user_name: Option<String>,
}

/// A meeting with the names an oversight list needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeetingRow {
    /// The meeting.
    #[serde(flatten)]
    pub meeting: Meeting,
    /// The child's given name.
    pub child_given_name: String,
    /// The child's family name.
    pub child_family_name: String,
    /// The owning youth justice service.
    pub yjs_id: OrgId,
}

/// Everything the plan needs from a database. Reads by id return the record whatever the
/// actor: the application checks the record's child against the access policy first.
#[async_trait]
pub trait PlanStorage: Send + Sync {
    /// A child's plan.
    async fn plan(&self, child: ChildId) -> StorageResult<Option<Plan>>;
    /// Replaces the plan's words if `expected_version` is current, with the timeline entry.
    async fn update_plan(
        &self,
        plan: &Plan,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;

    /// A child's needs, by pathway then creation.
    async fn needs(&self, child: ChildId) -> StorageResult<Vec<Need>>;
    /// One need.
    async fn need(&self, id: NeedId) -> StorageResult<Option<Need>>;
    /// Every update-log entry of a child's needs, oldest first.
    async fn need_updates(&self, child: ChildId) -> StorageResult<Vec<NeedUpdate>>;
    /// Adds a need with its first log entry.
    async fn insert_need(&self, write: &NeedWrite) -> StorageResult<()>;
    /// Changes a need if `expected_version` is current, with its log entry.
    async fn update_need(&self, write: &NeedWrite, expected_version: i64) -> StorageResult<()>;

    /// A child's meetings, by due date.
    async fn meetings(&self, child: ChildId) -> StorageResult<Vec<Meeting>>;
    /// One meeting.
    async fn meeting(&self, id: MeetingId) -> StorageResult<Option<Meeting>>;
    /// Adds a meeting.
    async fn insert_meeting(&self, meeting: &Meeting, entry: &TimelineEntry, audit: &[AuditEvent])
    -> StorageResult<()>;
    /// Changes a meeting if `expected_version` is current.
    async fn update_meeting(
        &self,
        meeting: &Meeting,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// Meetings within `scope` that are late on `today`, or held but not fully recorded.
    async fn meetings_needing_attention(&self, scope: &ChildScope, today: Date) -> StorageResult<Vec<MeetingRow>>;

    /// A child's actions, by due date.
    async fn actions(&self, child: ChildId) -> StorageResult<Vec<ActionItem>>;
    /// One action.
    async fn action(&self, id: ActionItemId) -> StorageResult<Option<ActionItem>>;
    /// Adds an action; when it completes a meeting's record, the meeting's new state (with the
    /// version it was read at) is written too, and the owning organisation joins the team
    /// when it was not on it.
    async fn insert_action(
        &self,
        action: &ActionItem,
        meeting: Option<(&Meeting, i64)>,
        team_added: Option<&TeamMember>,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// Changes an action if `expected_version` is current.
    async fn update_action(
        &self,
        action: &ActionItem,
        expected_version: i64,
        entry: &TimelineEntry,
        audit: &[AuditEvent],
    ) -> StorageResult<()>;
    /// Open actions owned by `owner` (or, with `include_closed`, all of them), on children
    /// within `scope`, soonest due first.
    async fn owned_actions(
        &self,
        scope: &ChildScope,
        owner: &ActionOwner,
        include_closed: bool,
    ) -> StorageResult<Vec<ActionRow>>;
    /// Every open action due before `today` (the sweep's escalation), oldest first, with the
    /// child's youth justice service.
    async fn overdue_actions(&self, today: Date) -> StorageResult<Vec<(ActionRow, OrgId)>>;
}
