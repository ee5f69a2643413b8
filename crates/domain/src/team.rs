//! The team around the child: who is involved, from which organisation, doing what.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::ids::{ChildId, OrgId, TeamMemberId, UserId};
use crate::org::Role;
use crate::validation::{ValidationErrors, required_text};

/// A member of the team around a child: an organisation in a role, and optionally the named
/// person from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// Identifier.
    pub id: TeamMemberId,
    /// The child.
    pub child_id: ChildId,
    /// The organisation.
    pub organisation_id: OrgId,
    /// The named person, when there is one.
    pub user_id: Option<UserId>,
    /// The role they play for this child.
    pub role: Role,
    /// What they are responsible for, in words.
    pub responsibility: String,
    /// From when.
    pub started_on: Date,
    /// Until when (inclusive); open when `None`.
    pub ended_on: Option<Date>,
}

impl TeamMember {
    /// Whether the member is on the team on `day`.
    pub fn is_current(&self, day: Date) -> bool {
        self.started_on <= day && self.ended_on.is_none_or(|end| end >= day)
    }
}

/// Unvalidated input for a team member.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMemberInput {
    /// Organisation id.
    pub organisation_id: Option<String>,
    /// Person's user id.
    pub user_id: Option<String>,
    /// Role key.
    pub role: Option<String>,
    /// Responsibility.
    pub responsibility: Option<String>,
    /// Start date, `YYYY-MM-DD`; today when absent.
    pub started_on: Option<String>,
    /// End date, `YYYY-MM-DD`.
    pub ended_on: Option<String>,
}

impl TeamMemberInput {
    /// Checks the shape of the input. Whether the organisation and user exist, and whether the
    /// user belongs to that organisation, is checked against storage by the application.
    pub fn validate(&self, id: TeamMemberId, child_id: ChildId, today: Date) -> Result<TeamMember, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let organisation_id = match self.organisation_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("organisation_id", "Choose the organisation");
                None
            }
            Some(s) => {
                s.parse::<OrgId>().map_err(|_| e.add("organisation_id", "Choose an organisation from the list")).ok()
            }
        };
        let user_id = match self.user_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => s.parse::<UserId>().map_err(|_| e.add("user_id", "Choose a person from the list")).ok(),
        };
        let role = match self.role.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                e.add("role", "Choose the role they play for this child");
                None
            }
            Some(s) => match s.parse::<Role>() {
                Ok(r) if r.works_with_children() => Some(r),
                Ok(r) => {
                    e.add("role", format!("{} is not a role on a child's team", r.label()));
                    None
                }
                Err(m) => {
                    e.add("role", m);
                    None
                }
            },
        };
        let responsibility =
            required_text(&mut e, "responsibility", "Responsibility", self.responsibility.as_deref(), 500);
        let started_on = parse_date(&mut e, "started_on", "Start date", self.started_on.as_deref()).unwrap_or(today);
        let ended_on = parse_date(&mut e, "ended_on", "End date", self.ended_on.as_deref());
        if let Some(end) = ended_on
            && end < started_on
        {
            e.add("ended_on", "End date must be the same as or after the start date");
        }
        match (organisation_id, role) {
            (Some(organisation_id), Some(role)) if e.is_empty() => {
                Ok(TeamMember { id, child_id, organisation_id, user_id, role, responsibility, started_on, ended_on })
            }
            _ => Err(e),
        }
    }
}

/// Parses an optional `YYYY-MM-DD` field, recording a clear error when it is not a real date.
pub fn parse_date(e: &mut ValidationErrors, field: &str, label: &str, value: Option<&str>) -> Option<Date> {
    let s = value.map(str::trim).filter(|s| !s.is_empty())?;
    crate::validation::parse_day(s).map_err(|why| e.add(field, why.message(label, "2026-11-02"))).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_member_is_current_between_its_dates_inclusive() {
        let m = TeamMemberInput {
            organisation_id: Some(OrgId::random().to_string()),
            role: Some("ete_coordinator".into()),
            responsibility: Some("School place".into()),
            started_on: Some("2026-01-01".into()),
            ended_on: Some("2026-03-31".into()),
            ..Default::default()
        }
        .validate(TeamMemberId::random(), ChildId::random(), date(2026, 1, 1))
        .unwrap();
        assert!(!m.is_current(date(2025, 12, 31)));
        assert!(m.is_current(date(2026, 3, 31)));
        assert!(!m.is_current(date(2026, 4, 1)));
    }

    #[test]
    fn admin_is_not_a_team_role_and_dates_must_run_forwards() {
        let e = TeamMemberInput {
            organisation_id: Some("not-a-uuid".into()),
            role: Some("admin".into()),
            started_on: Some("2026-02-01".into()),
            ended_on: Some("2026-01-01".into()),
            ..Default::default()
        }
        .validate(TeamMemberId::random(), ChildId::random(), date(2026, 1, 1))
        .unwrap_err();
        for f in ["organisation_id", "role", "responsibility", "ended_on"] {
            assert!(e.for_field(f).is_some(), "{f}: {e:?}");
        }
    }
}
