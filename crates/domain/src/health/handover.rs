//! Closed-loop handovers: health information sent to a named recipient, when it is due to be
//! acknowledged, where it stands, and the log of what was shared with whom.

use super::*;

string_enum!(
    /// Where a handover stands.
    HandoverStatus, "status" {
        /// Sent, not yet acknowledged, not yet due.
        Pending => "pending", "Waiting";
        /// Acknowledged by a recipient.
        Acknowledged => "acknowledged", "Acknowledged";
        /// Not acknowledged, and past its due day.
        Overdue => "overdue", "Overdue";
    }
);

/// Who a handover is addressed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// A named person, when there is one.
    pub user_id: Option<UserId>,
    /// The organisation.
    pub organisation_id: OrgId,
    /// The role in it (anyone holding it may acknowledge), when not addressed to a person.
    pub role: Option<Role>,
}

/// A closed-loop handover of health information.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// Identifier.
    pub id: HandoverId,
    /// The child.
    pub child_id: ChildId,
    /// What kind of item: `health_record`, `assessment`, `custody_placement`, `release`, `transfer`.
    pub item_kind: String,
    /// The item's id, when it is one record.
    pub item_id: Option<uuid::Uuid>,
    /// What is handed over, in words (health content: withheld from those who may not see it).
    pub summary: String,
    /// Sender (none when the system sent it).
    pub sender_id: Option<UserId>,
    /// Sender's name then.
    pub sender_name: String,
    /// Sender's organisation.
    pub sender_organisation_id: Option<OrgId>,
    /// To whom.
    pub recipient: Recipient,
    /// Sent at.
    pub sent_at: Timestamp,
    /// Due by the end of this day (UK time).
    pub due_on: Date,
    /// Acknowledged at.
    pub acknowledged_at: Option<Timestamp>,
    /// By whom.
    pub acknowledged_by_name: Option<String>,
    /// Their note.
    pub acknowledgement_note: Option<String>,
}

impl Handover {
    /// Pending, acknowledged, or overdue on `today`.
    pub fn status(&self, today: Date) -> HandoverStatus {
        handover_status(self.acknowledged_at.is_some(), self.due_on, today)
    }
}

/// The status rule: acknowledged wins; otherwise overdue once `today` is after the due day.
pub fn handover_status(acknowledged: bool, due_on: Date, today: Date) -> HandoverStatus {
    if acknowledged {
        HandoverStatus::Acknowledged
    } else if today > due_on {
        HandoverStatus::Overdue
    } else {
        HandoverStatus::Pending
    }
}

/// The day a handover sent on `sent_on` must be acknowledged by: `working_days` working days
/// later (weekends and bank holidays skipped).
pub fn handover_due(calendar: &Calendar, sent_on: Date, working_days: u32) -> Result<Date, CalendarError> {
    calendar.add_working_days(sent_on, i32::try_from(working_days).unwrap_or(i32::MAX))
}

/// A line of the share log: what was shared, with whom, why, when and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLogEntry {
    /// Identifier.
    pub id: crate::ids::ShareId,
    /// The child.
    pub child_id: ChildId,
    /// What.
    pub what: String,
    /// With which organisation.
    pub with_organisation_id: OrgId,
    /// With which person, if one.
    pub with_user_id: Option<UserId>,
    /// With which role, if one.
    pub with_role: Option<Role>,
    /// Why.
    pub why: String,
    /// When.
    pub shared_at: Timestamp,
    /// By whom (name then).
    pub shared_by_name: String,
    /// The handover that carried it, if any.
    pub handover_id: Option<HandoverId>,
    /// The consent decision it relied on, if any.
    pub consent_id: Option<ConsentId>,
}
