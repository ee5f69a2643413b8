//! Actions: who will do what, by when — agreed at a meeting or against a need.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{ActionItemId, ChildId, MeetingId, NeedId, OrgId, UserId};
use crate::org::string_enum;
use crate::team::parse_date;
use crate::validation::{ValidationErrors, required_text};

string_enum!(
    /// Where an action has got to.
    ActionStatus, "status" {
        /// To do.
        Open => "open", "Open";
        /// Done.
        Done => "done", "Done";
        /// No longer needed.
        Cancelled => "cancelled", "Cancelled";
    }
);

/// An action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    /// Identifier.
    pub id: ActionItemId,
    /// The child.
    pub child_id: ChildId,
    /// What is to be done.
    pub description: String,
    /// The organisation responsible.
    pub owner_organisation_id: OrgId,
    /// The person responsible, if one is named.
    pub owner_user_id: Option<UserId>,
    /// By when.
    pub due_by: Option<Date>,
    /// Where it has got to.
    pub status: ActionStatus,
    /// The need it serves.
    pub need_id: Option<NeedId>,
    /// The meeting that agreed it.
    pub meeting_id: Option<MeetingId>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Who created it (name then).
    pub created_by_name: String,
    /// Created at.
    pub created_at: Timestamp,
    /// Last change.
    pub updated_at: Timestamp,
}

impl ActionItem {
    /// Open and past its due date.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status == ActionStatus::Open && self.due_by.is_some_and(|d| d < today)
    }
}

/// A new action, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// What is to be done.
    pub description: Option<String>,
    /// Owning organisation id.
    pub owner_organisation_id: Option<String>,
    /// Owning person's id.
    pub owner_user_id: Option<String>,
    /// Due by, `YYYY-MM-DD`.
    pub due_by: Option<String>,
    /// The need it serves (id).
    pub need_id: Option<String>,
    /// The meeting that agreed it (id).
    pub meeting_id: Option<String>,
}

/// A change to an action, as typed. Absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionPatch {
    /// The version the change was made against (required).
    pub version: Option<i64>,
    /// New status.
    pub status: Option<String>,
    /// New due date (empty clears it).
    pub due_by: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New owning organisation.
    pub owner_organisation_id: Option<String>,
    /// New owning person (empty: the organisation).
    pub owner_user_id: Option<String>,
}

fn parse_id<T: std::str::FromStr>(e: &mut ValidationErrors, field: &str, what: &str, v: Option<&str>) -> Option<T> {
    let s = v.map(str::trim).filter(|s| !s.is_empty())?;
    s.parse::<T>().map_err(|_| e.add(field, format!("{field} must be the id of {what}"))).ok()
}

impl ActionInput {
    /// Checks the input, building the action (the caller checks that the owner, need and
    /// meeting exist and belong with this child).
    pub fn validate(
        &self,
        child_id: ChildId,
        created_by_name: &str,
        today: Date,
        now: Timestamp,
    ) -> Result<ActionItem, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let description = required_text(&mut e, "description", "What is to be done", self.description.as_deref(), 1000);
        let owner: Option<OrgId> =
            parse_id(&mut e, "owner_organisation_id", "an organisation", self.owner_organisation_id.as_deref());
        if owner.is_none() && e.for_field("owner_organisation_id").is_none() {
            e.add("owner_organisation_id", "Choose the organisation responsible for the action");
        }
        let owner_user_id = parse_id(&mut e, "owner_user_id", "a person", self.owner_user_id.as_deref());
        // A due date may be past: an action recorded as history carries the date it had (the
        // sweep never escalates a deadline that had passed when it was recorded).
        let due_by = parse_date(&mut e, "due_by", "Due date", self.due_by.as_deref());
        if let Some(d) = due_by
            && d.year() < today.year() - 30
        {
            e.add("due_by", "The due date is too far in the past: check the year");
        }
        let need_id = parse_id(&mut e, "need_id", "a need on this plan", self.need_id.as_deref());
        let meeting_id = parse_id(&mut e, "meeting_id", "a meeting of this child's", self.meeting_id.as_deref());
        match (description, owner) {
            (description, Some(owner_organisation_id)) if e.is_empty() => Ok(ActionItem {
                id: ActionItemId::random(),
                child_id,
                description,
                owner_organisation_id,
                owner_user_id,
                due_by,
                status: ActionStatus::Open,
                need_id,
                meeting_id,
                version: 1,
                created_by_name: created_by_name.to_string(),
                created_at: now,
                updated_at: now,
            }),
            _ => Err(e),
        }
    }
}

/// A checked change to an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionChange {
    /// The action after the change.
    pub action: ActionItem,
    /// What changed, in words.
    pub changes: Vec<String>,
}

impl ActionPatch {
    /// Checks the change against the stored action.
    pub fn apply(&self, a: &ActionItem, now: Timestamp) -> Result<ActionChange, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let mut next = a.clone();
        let mut changes = Vec::new();
        if let Some(s) = self.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            match s.parse::<ActionStatus>() {
                Err(m) => e.add("status", m),
                Ok(s) if s != a.status => {
                    changes.push(format!("status from {} to {}", a.status.label(), s.label()));
                    next.status = s;
                }
                Ok(_) => {}
            }
        }
        if let Some(d) = self.due_by.as_deref() {
            let d = parse_date(&mut e, "due_by", "Due date", Some(d));
            if d != a.due_by {
                changes.push(match d {
                    Some(d) => format!("due date to {}", crate::calendar::long_date(d)),
                    None => "due date removed".into(),
                });
                next.due_by = d;
            }
        }
        if let Some(d) = self.description.as_deref() {
            let d = required_text(&mut e, "description", "What is to be done", Some(d), 1000);
            if !d.is_empty() && d != a.description {
                changes.push("description".into());
                next.description = d;
            }
        }
        if let Some(o) = self.owner_organisation_id.as_deref() {
            match parse_id::<OrgId>(&mut e, "owner_organisation_id", "an organisation", Some(o)) {
                Some(o) if o != a.owner_organisation_id => {
                    changes.push("owning organisation".into());
                    next.owner_organisation_id = o;
                }
                Some(_) => {}
                None if e.for_field("owner_organisation_id").is_none() => {
                    e.add("owner_organisation_id", "Choose the organisation responsible for the action")
                }
                None => {}
            }
        }
        if let Some(u) = self.owner_user_id.as_deref() {
            let u = parse_id::<UserId>(&mut e, "owner_user_id", "a person", Some(u));
            if u != a.owner_user_id {
                changes.push("owner".into());
                next.owner_user_id = u;
            }
        }
        if !e.is_empty() {
            return Err(e);
        }
        if changes.is_empty() {
            return Err(ValidationErrors::one("status", "Nothing has changed: change something before saving"));
        }
        next.version = a.version + 1;
        next.updated_at = now;
        Ok(ActionChange { action: next, changes })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn an_action_needs_words_and_an_owner_and_may_carry_a_past_due_date() {
        let e = ActionInput { due_by: Some("1990-11-01".into()), ..Default::default() }
            .validate(ChildId::random(), "A", date(2026, 11, 22), Timestamp::UNIX_EPOCH)
            .unwrap_err();
        for f in ["description", "owner_organisation_id", "due_by"] {
            assert!(e.for_field(f).is_some(), "{f}");
        }
        let a_input = || ActionInput {
            description: Some("Book the housing panel".into()),
            owner_organisation_id: Some(OrgId::random().to_string()),
            due_by: Some("2026-11-30".into()),
            ..Default::default()
        };
        let a = a_input().validate(ChildId::random(), "A", date(2026, 11, 22), Timestamp::UNIX_EPOCH).unwrap();
        assert!(!a.is_overdue(date(2026, 11, 30)));
        // Recorded as history: a due date already past is kept.
        let history = ActionInput { due_by: Some("2026-11-01".into()), ..a_input() }
            .validate(ChildId::random(), "A", date(2026, 11, 22), Timestamp::UNIX_EPOCH)
            .unwrap();
        assert!(history.is_overdue(date(2026, 11, 22)));
        assert!(a.is_overdue(date(2026, 12, 1)));
        let done =
            ActionPatch { status: Some("done".into()), ..Default::default() }.apply(&a, Timestamp::UNIX_EPOCH).unwrap();
        assert_eq!(done.action.version, 2);
        assert!(!done.action.is_overdue(date(2026, 12, 1)));
        assert!(
            ActionPatch { status: Some("open".into()), ..Default::default() }.apply(&a, Timestamp::UNIX_EPOCH).is_err()
        );
    }
}
