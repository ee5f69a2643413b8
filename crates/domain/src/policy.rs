//! The access policy: the one place that decides who may do what to which record.
//!
//! Handlers and services ask [`decide`]; storage applies [`ChildScope`] inside its queries so
//! lists are filtered by the database, not after loading. Nothing else re-implements a rule.

use jiff::civil::Date;
use serde::Serialize;

use crate::ids::{OrgId, UserId};
use crate::org::{Membership, Role};
use crate::team::TeamMember;

/// The person acting, with every membership they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// Their name, for the timeline.
    pub name: String,
    /// Roles in organisations.
    pub memberships: Vec<Membership>,
}

impl Actor {
    /// Whether any membership has `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.memberships.iter().any(|m| m.role == role)
    }

    /// Whether the actor holds `role` in `org`.
    pub fn has_role_in(&self, role: Role, org: OrgId) -> bool {
        self.memberships.iter().any(|m| m.role == role && m.organisation_id == org)
    }
}

/// What the actor wants to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Open a child's record.
    ViewChild,
    /// Change a child's details.
    EditChild,
    /// Add someone to the team around a child.
    ManageTeam,
    /// Create a child whose case a given youth justice service owns.
    CreateChild {
        /// The youth justice service that will own the case.
        yjs_id: OrgId,
    },
    /// See who has read or changed a child's record (the audit trail).
    ViewAuditTrail,
    /// See the management lists across a caseload: late and incomplete meetings.
    ViewOversight,
    /// Create and change organisations.
    ManageOrganisations,
    /// Create users and memberships.
    ManageUsers,
}

/// The outcome, with a reason worded for the audit log and for tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", content = "reason", rename_all = "snake_case")]
pub enum Decision {
    /// Allowed, because…
    Allow(&'static str),
    /// Denied, because…
    Deny(&'static str),
}

impl Decision {
    /// True when allowed.
    pub fn is_allowed(self) -> bool {
        matches!(self, Decision::Allow(_))
    }
}

/// The children an actor may open: those with a current team member naming the actor, or one
/// of the organisations in which the actor works with children. Storage turns this into a
/// `WHERE` clause; [`ChildScope::permits`] is the same rule on loaded values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildScope {
    /// The actor, matched against named team members; `None` when the actor holds no role
    /// that works with children (an administrator named on a team still sees nothing).
    pub user_id: Option<UserId>,
    /// Organisations whose place on a team gives the actor access.
    pub organisation_ids: Vec<OrgId>,
    /// The day on which team membership is judged current.
    pub today: Date,
}

impl ChildScope {
    /// The scope of `actor` on `today`. Administrators and strategic leads get no children:
    /// their memberships give no organisation access, and they are never named on a team.
    pub fn of(actor: &Actor, today: Date) -> Self {
        let mut organisation_ids: Vec<OrgId> =
            actor.memberships.iter().filter(|m| m.role.works_with_children()).map(|m| m.organisation_id).collect();
        organisation_ids.sort();
        organisation_ids.dedup();
        let works_with_children = actor.memberships.iter().any(|m| m.role.works_with_children());
        Self { user_id: works_with_children.then_some(actor.user_id), organisation_ids, today }
    }

    /// Whether a child with this team is in scope.
    pub fn permits(&self, team: &[TeamMember]) -> bool {
        team.iter().filter(|t| t.is_current(self.today)).any(|t| {
            (t.user_id.is_some() && t.user_id == self.user_id) || self.organisation_ids.contains(&t.organisation_id)
        })
    }
}

/// Whether `actor` may read the health details (health and substance-misuse needs) on the
/// plan of a child with this `team`: only through a health role held in an organisation that
/// is on the team on `today`. A health role somewhere else opens nothing, even for someone
/// who is on the team in another capacity. (Recorded consent and sharing decisions will widen
/// this.)
pub fn sees_health_details(actor: &Actor, team: &[TeamMember], today: Date) -> bool {
    actor
        .memberships
        .iter()
        .filter(|m| m.role.is_health())
        .any(|m| team.iter().filter(|t| t.is_current(today)).any(|t| t.organisation_id == m.organisation_id))
}

/// Decides `action` for `actor`. `in_scope` says whether the child concerned (if any) is
/// within [`ChildScope::of`] the actor: storage answers that with the same rule.
pub fn decide(actor: &Actor, action: Action, in_scope: Option<bool>) -> Decision {
    match action {
        Action::ViewChild | Action::EditChild | Action::ManageTeam => match in_scope {
            Some(true) => Decision::Allow("on the child's team"),
            _ => Decision::Deny("not on the child's team"),
        },
        Action::ViewAuditTrail => match in_scope {
            Some(true) if actor.has_role(Role::YjsCaseManager) || actor.has_role(Role::YjsManager) => {
                Decision::Allow("case manager or manager on the child's team")
            }
            Some(true) => Decision::Deny("only case managers and managers see who has viewed a record"),
            _ => Decision::Deny("not on the child's team"),
        },
        Action::CreateChild { yjs_id } => {
            if actor.has_role_in(Role::YjsCaseManager, yjs_id) || actor.has_role_in(Role::YjsManager, yjs_id) {
                Decision::Allow("case manager or manager in the owning youth justice service")
            } else {
                Decision::Deny("only case managers and managers of that youth justice service can add its children")
            }
        }
        Action::ViewOversight => {
            if actor.has_role(Role::YjsManager) {
                Decision::Allow("manager")
            } else {
                Decision::Deny("only managers see the late and incomplete meetings list")
            }
        }
        Action::ManageOrganisations | Action::ManageUsers => {
            if actor.has_role(Role::Admin) {
                Decision::Allow("administrator")
            } else {
                Decision::Deny("only administrators manage organisations and users")
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ids::{ChildId, MembershipId, TeamMemberId};
    use jiff::civil::date;

    fn actor(role: Role, org: OrgId) -> Actor {
        let user_id = UserId::random();
        Actor {
            user_id,
            name: "Test".into(),
            memberships: vec![Membership { id: MembershipId::random(), user_id, organisation_id: org, role }],
        }
    }

    fn member(org: OrgId, user: Option<UserId>, ended_on: Option<Date>) -> TeamMember {
        TeamMember {
            id: TeamMemberId::random(),
            child_id: ChildId::random(),
            organisation_id: org,
            user_id: user,
            role: Role::YjsCaseManager,
            responsibility: "Case".into(),
            started_on: date(2026, 1, 1),
            ended_on,
        }
    }

    #[test]
    fn organisation_on_team_gives_access_to_its_workers_but_not_its_admins() {
        let org = OrgId::random();
        let today = date(2026, 6, 1);
        let team = [member(org, None, None)];
        assert!(ChildScope::of(&actor(Role::YjsCaseManager, org), today).permits(&team));
        assert!(ChildScope::of(&actor(Role::EteCoordinator, org), today).permits(&team));
        assert!(!ChildScope::of(&actor(Role::Admin, org), today).permits(&team));
        assert!(!ChildScope::of(&actor(Role::StrategicLead, org), today).permits(&team));
        assert!(!ChildScope::of(&actor(Role::YjsCaseManager, OrgId::random()), today).permits(&team));
    }

    #[test]
    fn a_named_person_has_access_and_ended_membership_gives_none() {
        let a = actor(Role::EteCoordinator, OrgId::random());
        let today = date(2026, 6, 1);
        assert!(ChildScope::of(&a, today).permits(&[member(OrgId::random(), Some(a.user_id), None)]));
        let ended = [member(a.memberships[0].organisation_id, Some(a.user_id), Some(date(2026, 5, 31)))];
        assert!(!ChildScope::of(&a, today).permits(&ended));
    }

    #[test]
    fn an_administrator_named_on_a_team_still_sees_nothing() {
        let a = actor(Role::Admin, OrgId::random());
        let today = date(2026, 6, 1);
        assert!(!ChildScope::of(&a, today).permits(&[member(OrgId::random(), Some(a.user_id), None)]));
        let s = actor(Role::StrategicLead, OrgId::random());
        assert!(!ChildScope::of(&s, today).permits(&[member(OrgId::random(), Some(s.user_id), None)]));
    }

    #[test]
    fn only_the_owning_yjs_case_managers_create_children() {
        let yjs = OrgId::random();
        assert!(decide(&actor(Role::YjsCaseManager, yjs), Action::CreateChild { yjs_id: yjs }, None).is_allowed());
        assert!(
            !decide(&actor(Role::YjsCaseManager, yjs), Action::CreateChild { yjs_id: OrgId::random() }, None)
                .is_allowed()
        );
        assert!(!decide(&actor(Role::EteCoordinator, yjs), Action::CreateChild { yjs_id: yjs }, None).is_allowed());
        assert!(!decide(&actor(Role::Admin, yjs), Action::CreateChild { yjs_id: yjs }, None).is_allowed());
    }

    #[test]
    fn only_case_managers_and_managers_see_the_audit_trail() {
        let org = OrgId::random();
        assert!(decide(&actor(Role::YjsCaseManager, org), Action::ViewAuditTrail, Some(true)).is_allowed());
        assert!(decide(&actor(Role::YjsManager, org), Action::ViewAuditTrail, Some(true)).is_allowed());
        assert!(!decide(&actor(Role::YjsManager, org), Action::ViewAuditTrail, Some(false)).is_allowed());
        assert!(!decide(&actor(Role::EteCoordinator, org), Action::ViewAuditTrail, Some(true)).is_allowed());
        assert!(decide(&actor(Role::YjsManager, org), Action::ViewOversight, None).is_allowed());
        assert!(!decide(&actor(Role::YjsCaseManager, org), Action::ViewOversight, None).is_allowed());
    }

    #[test]
    fn health_details_need_a_health_role_in_an_organisation_on_the_team() {
        let yjs = OrgId::random();
        let today = date(2026, 6, 1);
        let team = [member(yjs, None, None)];
        assert!(sees_health_details(&actor(Role::YjsHealthWorker, yjs), &team, today));
        assert!(!sees_health_details(&actor(Role::YjsCaseManager, yjs), &team, today));
        assert!(!sees_health_details(&actor(Role::YjsHealthWorker, OrgId::random()), &team, today));
        // On the team as a tutor, a health worker somewhere else: no health details.
        let college = OrgId::random();
        let mut dual = actor(Role::EteCoordinator, college);
        dual.memberships.push(Membership {
            id: MembershipId::random(),
            user_id: dual.user_id,
            organisation_id: OrgId::random(),
            role: Role::YjsHealthWorker,
        });
        assert!(!sees_health_details(&dual, &[member(yjs, None, None), member(college, None, None)], today));
        let ended = [member(yjs, None, Some(date(2026, 5, 31)))];
        assert!(!sees_health_details(&actor(Role::YjsHealthWorker, yjs), &ended, today));
    }

    #[test]
    fn deny_by_default_for_children_without_a_scope_answer() {
        let a = actor(Role::YjsManager, OrgId::random());
        assert!(!decide(&a, Action::ViewChild, None).is_allowed());
        assert!(!decide(&a, Action::ViewChild, Some(false)).is_allowed());
        assert!(decide(&a, Action::ViewChild, Some(true)).is_allowed());
        assert!(!decide(&a, Action::ManageUsers, None).is_allowed());
    }
}
