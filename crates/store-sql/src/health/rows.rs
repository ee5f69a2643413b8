//! Health's rows as stored, and how they become the domain's records.

use crate::rows::parse;
use resettle_domain::health::{
    Assessment, Consent, Handover, HealthRecord, IdentifiedNeed, Measure, Recipient, SectionFindings, ShareLogEntry,
};
use resettle_domain::ids::*;
use resettle_storage::{HandoverRow, Notification, StorageError, StorageResult};
use uuid::Uuid;

use crate::rows::DbTimestamp;

/// Sections as stored (JSON text).
pub fn sections_json(list: &[SectionFindings]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

/// Identified needs as stored (JSON text).
pub fn needs_json(list: &[IdentifiedNeed]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_string())
}

/// `health_records`.
#[derive(sqlx::FromRow)]
pub struct HealthRecordRow {
    id: Uuid,
    child_id: Uuid,
    category: String,
    summary: String,
    detail: Option<String>,
    source: Option<String>,
    recorded_by: Uuid,
    recorded_by_name: String,
    recorded_at: DbTimestamp,
}

impl HealthRecordRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<HealthRecord> {
        Ok(HealthRecord {
            id: HealthRecordId(self.id),
            child_id: ChildId(self.child_id),
            category: parse("category", &self.category)?,
            summary: self.summary,
            detail: self.detail,
            source: self.source,
            recorded_by: UserId(self.recorded_by),
            recorded_by_name: self.recorded_by_name,
            recorded_at: self.recorded_at.0,
        })
    }
}

/// `health_assessments`.
#[derive(sqlx::FromRow)]
pub struct AssessmentRow {
    id: Uuid,
    child_id: Uuid,
    kind: String,
    author_id: Uuid,
    author_name: String,
    organisation_id: Uuid,
    assessed_on: jiff_sqlx::Date,
    sections: String,
    needs: String,
    status: String,
    based_on: Option<Uuid>,
    version: i64,
    created_at: DbTimestamp,
}

impl AssessmentRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Assessment> {
        Ok(Assessment {
            id: AssessmentId(self.id),
            child_id: ChildId(self.child_id),
            kind: parse("assessment kind", &self.kind)?,
            author_id: UserId(self.author_id),
            author_name: self.author_name,
            organisation_id: OrgId(self.organisation_id),
            assessed_on: self.assessed_on.to_jiff(),
            sections: serde_json::from_str(&self.sections)
                .map_err(|_| StorageError::Database("stored sections are not valid".into()))?,
            needs: serde_json::from_str(&self.needs)
                .map_err(|_| StorageError::Database("stored needs are not valid".into()))?,
            status: parse("assessment status", &self.status)?,
            based_on: self.based_on.map(AssessmentId),
            version: self.version,
            created_at: self.created_at.0,
        })
    }
}

/// `health_measures`.
#[derive(sqlx::FromRow)]
pub struct MeasureRow {
    id: Uuid,
    child_id: Uuid,
    kind: String,
    score: i32,
    rater: String,
    measured_on: jiff_sqlx::Date,
    recorded_by_name: String,
    recorded_at: DbTimestamp,
}

impl MeasureRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Measure> {
        Ok(Measure {
            id: MeasureId(self.id),
            child_id: ChildId(self.child_id),
            kind: parse("measure", &self.kind)?,
            score: u8::try_from(self.score).map_err(|_| StorageError::Database("stored score is not valid".into()))?,
            rater: parse("rater", &self.rater)?,
            measured_on: self.measured_on.to_jiff(),
            recorded_by_name: self.recorded_by_name,
            recorded_at: self.recorded_at.0,
        })
    }
}

/// `health_consents`.
#[derive(sqlx::FromRow)]
pub struct ConsentRow {
    id: Uuid,
    child_id: Uuid,
    decision: String,
    capacity: String,
    decided_by: Option<String>,
    share_with_organisation_id: Uuid,
    share_with_role: Option<String>,
    purpose: String,
    lawful_basis: Option<String>,
    decided_on: jiff_sqlx::Date,
    recorded_by_name: String,
    recorded_at: DbTimestamp,
}

impl ConsentRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Consent> {
        Ok(Consent {
            id: ConsentId(self.id),
            child_id: ChildId(self.child_id),
            decision: parse("decision", &self.decision)?,
            capacity: parse("capacity", &self.capacity)?,
            decided_by: self.decided_by,
            share_with_organisation_id: OrgId(self.share_with_organisation_id),
            share_with_role: self.share_with_role.as_deref().map(|r| parse("role", r)).transpose()?,
            purpose: self.purpose,
            lawful_basis: self.lawful_basis.as_deref().map(|r| parse("lawful basis", r)).transpose()?,
            decided_on: self.decided_on.to_jiff(),
            recorded_by_name: self.recorded_by_name,
            recorded_at: self.recorded_at.0,
        })
    }
}

/// The columns of [`HandoverDbRow`] over `handovers h`.
pub const HANDOVER_COLUMNS: &str = "h.id, h.child_id, h.item_kind, h.item_id, h.summary, h.sender_id, h.sender_name, \
    h.sender_organisation_id, h.recipient_user_id, h.recipient_org_id, h.recipient_role, h.sent_at, h.due_on, \
    h.acknowledged_at, h.acknowledged_by_name, h.acknowledgement_note";

/// `handovers`.
#[derive(sqlx::FromRow)]
pub struct HandoverDbRow {
    id: Uuid,
    child_id: Uuid,
    item_kind: String,
    item_id: Option<Uuid>,
    summary: String,
    sender_id: Option<Uuid>,
    sender_name: String,
    sender_organisation_id: Option<Uuid>,
    recipient_user_id: Option<Uuid>,
    recipient_org_id: Uuid,
    recipient_role: Option<String>,
    sent_at: DbTimestamp,
    due_on: jiff_sqlx::Date,
    acknowledged_at: Option<DbTimestamp>,
    acknowledged_by_name: Option<String>,
    acknowledgement_note: Option<String>,
}

impl HandoverDbRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<Handover> {
        Ok(Handover {
            id: HandoverId(self.id),
            child_id: ChildId(self.child_id),
            item_kind: self.item_kind,
            item_id: self.item_id,
            summary: self.summary,
            sender_id: self.sender_id.map(UserId),
            sender_name: self.sender_name,
            sender_organisation_id: self.sender_organisation_id.map(OrgId),
            recipient: Recipient {
                user_id: self.recipient_user_id.map(UserId),
                organisation_id: OrgId(self.recipient_org_id),
                role: self.recipient_role.as_deref().map(|r| parse("role", r)).transpose()?,
            },
            sent_at: self.sent_at.0,
            due_on: self.due_on.to_jiff(),
            acknowledged_at: self.acknowledged_at.map(|t| t.0),
            acknowledged_by_name: self.acknowledged_by_name,
            acknowledgement_note: self.acknowledgement_note,
        })
    }
}

/// A handover with names, for lists.
#[derive(sqlx::FromRow)]
pub struct HandoverListRow {
    #[sqlx(flatten)]
    handover: HandoverDbRow,
    given_name: String,
    family_name: String,
    org_name: String,
    yjs_id: Uuid,
}

impl HandoverListRow {
    /// To the application's row.
    pub fn into_row(self) -> StorageResult<HandoverRow> {
        Ok(HandoverRow {
            handover: self.handover.into_domain()?,
            child_given_name: self.given_name,
            child_family_name: self.family_name,
            recipient_organisation_name: self.org_name,
            yjs_id: OrgId(self.yjs_id),
        })
    }
}

/// `share_log`.
#[derive(sqlx::FromRow)]
pub struct ShareRow {
    id: Uuid,
    child_id: Uuid,
    what: String,
    with_organisation_id: Uuid,
    with_user_id: Option<Uuid>,
    with_role: Option<String>,
    why: String,
    shared_at: DbTimestamp,
    shared_by_name: String,
    handover_id: Option<Uuid>,
    consent_id: Option<Uuid>,
}

impl ShareRow {
    /// To the domain.
    pub fn into_domain(self) -> StorageResult<ShareLogEntry> {
        Ok(ShareLogEntry {
            id: ShareId(self.id),
            child_id: ChildId(self.child_id),
            what: self.what,
            with_organisation_id: OrgId(self.with_organisation_id),
            with_user_id: self.with_user_id.map(UserId),
            with_role: self.with_role.as_deref().map(|r| parse("role", r)).transpose()?,
            why: self.why,
            shared_at: self.shared_at.0,
            shared_by_name: self.shared_by_name,
            handover_id: self.handover_id.map(HandoverId),
            consent_id: self.consent_id.map(ConsentId),
        })
    }
}

/// `notifications`.
#[derive(sqlx::FromRow)]
pub struct NotificationRow {
    id: Uuid,
    user_id: Uuid,
    child_id: Option<Uuid>,
    kind: String,
    message: String,
    link: Option<String>,
    created_at: DbTimestamp,
    read_at: Option<DbTimestamp>,
    dedupe_key: String,
}

impl NotificationRow {
    /// To the application's type.
    pub fn into_domain(self) -> Notification {
        Notification {
            id: NotificationId(self.id),
            user_id: UserId(self.user_id),
            child_id: self.child_id.map(ChildId),
            kind: self.kind,
            message: self.message,
            link: self.link,
            created_at: self.created_at.0,
            read_at: self.read_at.map(|t| t.0),
            dedupe_key: self.dedupe_key,
        }
    }
}
