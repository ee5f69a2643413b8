//! The plan's rows as stored: plans, needs and their updates, meetings and actions, and the
//! rows the lists read, each decoded into the domain's types on both databases.

use crate::rows::parse;
use resettle_domain::action_item::ActionItem;
use resettle_domain::ids::*;
use resettle_domain::meeting::{Attendance, Meeting};
use resettle_domain::plan::{Need, NeedUpdate, Plan};
use resettle_storage::{ActionRow, MeetingRow, StorageError, StorageResult};
use uuid::Uuid;

use crate::rows::DbTimestamp;

/// Attendance as stored (JSON text).
pub fn attendance_json(list: &[Attendance]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

/// `plans`.
#[derive(sqlx::FromRow)]
pub struct PlanRow {
    child_id: Uuid,
    opened_on: jiff_sqlx::Date,
    child_goals: Option<String>,
    child_words: Option<String>,
    carer_views: Option<String>,
    shared_on: Option<jiff_sqlx::Date>,
    version: i64,
    updated_at: DbTimestamp,
}

impl PlanRow {
    /// To the domain.
    pub fn into_domain(self) -> Plan {
        Plan {
            child_id: ChildId(self.child_id),
            opened_on: self.opened_on.to_jiff(),
            child_goals: self.child_goals,
            child_words: self.child_words,
            carer_views: self.carer_views,
            shared_on: self.shared_on.map(|d| d.to_jiff()),
            version: self.version,
            updated_at: self.updated_at.0,
        }
    }
}

/// The columns of [`NeedRow`].
pub const NEED_COLUMNS: &str = "n.id, n.child_id, n.pathway, n.need, n.catalogue_version, n.description, \
    n.owner_organisation_id, n.status, n.due_by, n.version, n.created_at, n.updated_at";

/// `needs`.
#[derive(sqlx::FromRow)]
pub struct NeedRow {
    id: Uuid,
    child_id: Uuid,
    pathway: String,
    need: String,
    catalogue_version: i32,
    description: Option<String>,
    owner_organisation_id: Uuid,
    status: String,
    due_by: Option<jiff_sqlx::Date>,
    version: i64,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl NeedRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Need> {
        Ok(Need {
            id: NeedId(self.id),
            child_id: ChildId(self.child_id),
            pathway: parse("pathway", &self.pathway)?,
            need: self.need,
            catalogue_version: u32::try_from(self.catalogue_version)
                .map_err(|_| StorageError::Database("stored catalogue version is not valid".into()))?,
            description: self.description,
            owner_organisation_id: OrgId(self.owner_organisation_id),
            status: parse("need status", &self.status)?,
            due_by: self.due_by.map(|d| d.to_jiff()),
            version: self.version,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// `need_updates`.
#[derive(sqlx::FromRow)]
pub struct NeedUpdateRow {
    id: Uuid,
    need_id: Uuid,
    version: i64,
    at: DbTimestamp,
    actor_id: Option<Uuid>,
    actor_name: String,
    changes: String,
    note: Option<String>,
}

impl NeedUpdateRow {
    /// To the domain.
    pub fn into_domain(self) -> NeedUpdate {
        NeedUpdate {
            id: NeedUpdateId(self.id),
            need_id: NeedId(self.need_id),
            version: self.version,
            at: self.at.0,
            actor_id: self.actor_id.map(UserId),
            actor_name: self.actor_name,
            changes: self.changes,
            note: self.note,
        }
    }
}

/// The columns of [`MeetingDbRow`].
pub const MEETING_COLUMNS: &str = "m.id, m.child_id, m.episode_id, m.kind, m.seq, m.due_by, m.scheduled_for, \
    m.duration_minutes, m.location, m.status, m.held_on, m.attendance, m.child_views, m.carer_views, m.decisions, \
    m.no_actions_agreed, m.version, m.created_at, m.updated_at";

/// `meetings`.
#[derive(sqlx::FromRow)]
pub struct MeetingDbRow {
    id: Uuid,
    child_id: Uuid,
    episode_id: Option<Uuid>,
    kind: String,
    seq: i32,
    due_by: Option<jiff_sqlx::Date>,
    scheduled_for: Option<DbTimestamp>,
    duration_minutes: i32,
    location: Option<String>,
    status: String,
    held_on: Option<jiff_sqlx::Date>,
    attendance: String,
    child_views: Option<String>,
    carer_views: Option<String>,
    decisions: Option<String>,
    no_actions_agreed: bool,
    version: i64,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl MeetingDbRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Meeting> {
        Ok(Meeting {
            id: MeetingId(self.id),
            child_id: ChildId(self.child_id),
            episode_id: self.episode_id.map(EpisodeId),
            kind: parse("meeting kind", &self.kind)?,
            seq: self.seq,
            due_by: self.due_by.map(|d| d.to_jiff()),
            scheduled_for: self.scheduled_for.map(|t| t.0),
            duration_minutes: self.duration_minutes,
            location: self.location,
            status: parse("meeting status", &self.status)?,
            held_on: self.held_on.map(|d| d.to_jiff()),
            attendance: serde_json::from_str(&self.attendance)
                .map_err(|_| StorageError::Database("stored attendance is not valid".into()))?,
            child_views: self.child_views,
            carer_views: self.carer_views,
            decisions: self.decisions,
            no_actions_agreed: self.no_actions_agreed,
            version: self.version,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// A meeting with its child's names.
#[derive(sqlx::FromRow)]
pub struct MeetingListRow {
    #[sqlx(flatten)]
    meeting: MeetingDbRow,
    given_name: String,
    family_name: String,
    yjs_id: Uuid,
}

impl MeetingListRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<MeetingRow> {
        Ok(MeetingRow {
            meeting: self.meeting.into_domain()?,
            child_given_name: self.given_name,
            child_family_name: self.family_name,
            yjs_id: OrgId(self.yjs_id),
        })
    }
}

/// The columns of [`ActionDbRow`].
pub const ACTION_COLUMNS: &str = "a.id, a.child_id, a.description, a.owner_organisation_id, a.owner_user_id, \
    a.due_by, a.status, a.need_id, a.meeting_id, a.version, a.created_by_name, a.created_at, a.updated_at";

/// `actions`.
#[derive(sqlx::FromRow)]
pub struct ActionDbRow {
    id: Uuid,
    child_id: Uuid,
    description: String,
    owner_organisation_id: Uuid,
    owner_user_id: Option<Uuid>,
    due_by: Option<jiff_sqlx::Date>,
    status: String,
    need_id: Option<Uuid>,
    meeting_id: Option<Uuid>,
    version: i64,
    created_by_name: String,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl ActionDbRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<ActionItem> {
        Ok(ActionItem {
            id: ActionItemId(self.id),
            child_id: ChildId(self.child_id),
            description: self.description,
            owner_organisation_id: OrgId(self.owner_organisation_id),
            owner_user_id: self.owner_user_id.map(UserId),
            due_by: self.due_by.map(|d| d.to_jiff()),
            status: parse("action status", &self.status)?,
            need_id: self.need_id.map(NeedId),
            meeting_id: self.meeting_id.map(MeetingId),
            version: self.version,
            created_by_name: self.created_by_name,
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

/// An action with the names a list needs.
#[derive(sqlx::FromRow)]
pub struct ActionListRow {
    #[sqlx(flatten)]
    action: ActionDbRow,
    given_name: String,
    family_name: String,
    org_name: String,
    user_name: Option<String>,
}

impl ActionListRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<ActionRow> {
        Ok(ActionRow {
            action: self.action.into_domain()?,
            child_given_name: self.given_name,
            child_family_name: self.family_name,
            owner_organisation_name: self.org_name,
            owner_user_name: self.user_name,
        })
    }
}

/// An overdue action with its child's youth justice service (for escalation).
#[derive(sqlx::FromRow)]
pub struct OverdueActionRow {
    #[sqlx(flatten)]
    row: ActionListRow,
    yjs_id: Uuid,
}

impl OverdueActionRow {
    /// To the application's pair.
    pub fn into_domain(self) -> StorageResult<(ActionRow, OrgId)> {
        Ok((self.row.into_domain()?, OrgId(self.yjs_id)))
    }
}
