//! The access policy: the one place that decides who may do what to which record.
//!
//! Handlers and services ask [`decide`]; storage applies [`ChildScope`] inside its queries so
//! lists are filtered by the database, not after loading. Nothing else re-implements a rule.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::child::Child;
use crate::ids::{ChildId, OrgId, UserId};
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
    /// Add someone to the team around a child by hand: for the case managers and managers of
    /// the youth justice service responsible for the child. (The joins the service makes
    /// itself — the establishment when custody is recorded, an organisation given a need or
    /// an action — are not this action.)
    ManageTeam {
        /// The youth justice service responsible for the child.
        yjs_id: OrgId,
    },
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
    /// Read a child's health content: assessments, health needs, measures, health notes.
    /// `sharing_allowed` says whether a recorded consent or sharing decision lets people
    /// outside health roles read it.
    ViewHealthContent {
        /// A recorded consent or sharing decision covers this content.
        sharing_allowed: bool,
    },
    /// Record health information about a child (anyone on the team may: what they learn
    /// must reach the health worker, even though they may not read it back).
    RecordHealthInformation,
    /// Open a child outside the actor's team in an emergency, giving a reason
    /// ("break-glass"). `in_scope` is whether the child is already within the actor's team.
    BreakGlass,
    /// Look for a child outside the team by NHS number or PNC id, to offer break-glass.
    FindChildForBreakGlass,
    /// See the emergency accesses to the children of the actor's youth justice service.
    ViewBreakGlassReport,
    /// See counts by organisation, with no names or identifiers.
    ViewAggregates,
    /// Run the cohort outcomes report: YJS managers and health workers (their own service's
    /// cohort), secure establishment staff (counts for the children their establishment
    /// released) and strategic leads (counts across services, small cells withheld). What part
    /// of the country each may ask about is [`cohort_reach`].
    ViewCohortReport,
    /// See the children behind a measure of the cohort report (the drill-down list): YJS
    /// managers for measures not built on health information, health roles in a youth justice
    /// service for those that are (`health`). Strategic leads and establishments never.
    ViewCohortChildren {
        /// The measure is built on health information.
        health: bool,
    },
    /// Answer a subject access request (UK GDPR article 15): start one, and export everything
    /// held about the child. Data protection officers only, for the children of their own
    /// youth justice service, with a second factor proved.
    SubjectAccess,
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
/// of the organisations in which the actor works with children — and, for reading only, those
/// for which a YJS manager holds an unexpired break-glass grant ([`ChildScope::emergency`]).
/// Storage turns this into a `WHERE` clause; [`ChildScope::permits`] and
/// [`ChildScope::permits_by_grant`] are the same rule on loaded values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildScope {
    /// The actor, matched against named team members; `None` when the actor holds no role
    /// that works with children (an administrator named on a team still sees nothing).
    pub user_id: Option<UserId>,
    /// Organisations whose place on a team gives the actor access.
    pub organisation_ids: Vec<OrgId>,
    /// The day on which team membership is judged current.
    pub today: Date,
    /// Break-glass grants widen the scope (for reading) when set: see
    /// [`ChildScope::with_emergency_access`].
    pub emergency: Option<EmergencyAccess>,
}

/// Whose break-glass grants count, and the instant at which they must still be valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmergencyAccess {
    /// The grants' holder.
    pub user_id: UserId,
    /// A grant counts while `now < expires_at`.
    pub now: Timestamp,
}

/// A break-glass grant as the scope rule needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GrantWindow {
    /// Who holds it.
    pub user_id: UserId,
    /// For which child.
    pub child_id: ChildId,
    /// Valid until (exclusive).
    pub expires_at: Timestamp,
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
        Self { user_id: works_with_children.then_some(actor.user_id), organisation_ids, today, emergency: None }
    }

    /// The same scope widened, for reading, by the actor's break-glass grants valid at `now`.
    /// Only YJS managers may hold grants, so for anyone else nothing changes.
    pub fn with_emergency_access(mut self, actor: &Actor, now: Timestamp) -> Self {
        if actor.has_role(Role::YjsManager) {
            self.emergency = Some(EmergencyAccess { user_id: actor.user_id, now });
        }
        self
    }

    /// Whether a break-glass grant brings `child` into this scope.
    pub fn permits_by_grant(&self, child: ChildId, grants: &[GrantWindow]) -> bool {
        self.emergency.is_some_and(|e| {
            grants.iter().any(|g| g.user_id == e.user_id && g.child_id == child && e.now < g.expires_at)
        })
    }

    /// Whether a child with this team is in scope.
    pub fn permits(&self, team: &[TeamMember]) -> bool {
        team.iter().filter(|t| t.is_current(self.today)).any(|t| {
            (t.user_id.is_some() && t.user_id == self.user_id) || self.organisation_ids.contains(&t.organisation_id)
        })
    }
}

/// Whether the actor must sign in with a second factor (a TOTP code) as well as a password:
/// administrators and YJS managers (OWASP ASVS level 3 for administration, and the managers'
/// wider reach, including break-glass).
pub fn requires_second_factor(actor: &Actor) -> bool {
    actor.memberships.iter().any(|m| role_requires_second_factor(m.role))
}

/// Whether holding `role` means signing in with a second factor (see
/// [`requires_second_factor`]): the one statement of the rule, also for the demo and tests.
pub fn role_requires_second_factor(role: Role) -> bool {
    matches!(role, Role::Admin | Role::YjsManager | Role::DataProtectionOfficer)
}

/// How the caller proved who they are, for this request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Credential {
    /// A browser session: fully signed in, with the second factor where the role needs one.
    Session,
    /// A bearer token: no second factor stands behind it.
    BearerToken,
}

/// Actions that, for a role that signs in with a second factor, need that factor proved in
/// the session making the request: emergency access to any child in the country, and
/// administration (organisations, users, bank holidays, which move statutory deadlines).
pub fn needs_proved_second_factor(action: Action) -> bool {
    matches!(
        action,
        Action::BreakGlass
            | Action::FindChildForBreakGlass
            | Action::ManageOrganisations
            | Action::ManageUsers
            | Action::SubjectAccess
    )
}

/// Why a bearer token is refused an action that needs a second factor.
pub const NEEDS_SECOND_FACTOR: &str = "This needs the second factor of a signed-in session: do it in Resettle in a \
     browser. API tokens cannot break glass, administer the service or answer subject access requests.";

/// [`decide`] for a caller who proved who they are with `credential`: a bearer token never
/// stands in for a second factor ([`needs_proved_second_factor`]).
pub fn decide_with(actor: &Actor, credential: Credential, action: Action, in_scope: Option<bool>) -> Decision {
    if credential == Credential::BearerToken && needs_proved_second_factor(action) {
        return Decision::Deny(NEEDS_SECOND_FACTOR);
    }
    decide(actor, action, in_scope)
}

/// A recorded consent or sharing decision that lets members of an organisation (in one role,
/// or any) read the child's health content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SharingGrant {
    /// The organisation the content may be shared with.
    pub organisation_id: OrgId,
    /// The role in it, or every role when `None`.
    pub role: Option<Role>,
}

/// Whether a recorded decision lets the actor, through one of their memberships, read the
/// child's health content.
pub fn sharing_allows(actor: &Actor, grants: &[SharingGrant]) -> bool {
    actor
        .memberships
        .iter()
        .filter(|m| m.role.works_with_children())
        .any(|m| grants.iter().any(|g| g.organisation_id == m.organisation_id && g.role.is_none_or(|r| r == m.role)))
}

/// Whether `actor` may read the health details (health notes, assessments, measures, health
/// and substance-misuse needs) of a child with this `team`: through a health role held in an
/// organisation that is on the team on `today`, or through a recorded consent or sharing
/// decision naming one of the actor's organisations (`grants`; the caller has already checked
/// that the child is in the actor's scope). A health role somewhere else opens nothing, even for
/// someone who is on the team in another capacity.
pub fn sees_health_details(actor: &Actor, team: &[TeamMember], today: Date, grants: &[SharingGrant]) -> bool {
    is_health_professional_on_team(actor, team, today) || sharing_allows(actor, grants)
}

/// Decides `action` for `actor`. `in_scope` says whether the child concerned (if any) is
/// within [`ChildScope::of`] the actor: storage answers that with the same rule.
pub fn decide(actor: &Actor, action: Action, in_scope: Option<bool>) -> Decision {
    match action {
        Action::ViewChild | Action::EditChild => match in_scope {
            Some(true) => Decision::Allow("on the child's team"),
            _ => Decision::Deny("not on the child's team"),
        },
        Action::ManageTeam { yjs_id } => match in_scope {
            Some(true)
                if actor.has_role_in(Role::YjsCaseManager, yjs_id) || actor.has_role_in(Role::YjsManager, yjs_id) =>
            {
                Decision::Allow("case manager or manager in the responsible youth justice service")
            }
            Some(true) => Decision::Deny(
                "only the case managers and managers of the child's youth justice service add people to the team",
            ),
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
        Action::ViewHealthContent { sharing_allowed } => match in_scope {
            Some(true) if actor.memberships.iter().any(|m| m.role.is_health()) => {
                Decision::Allow("health role on the child's team")
            }
            Some(true) if sharing_allowed => {
                Decision::Allow("on the child's team, and consent or a sharing decision allows it")
            }
            Some(true) => Decision::Deny(
                "health information is for health roles unless consent or a sharing decision allows it; \
                 contact the child's health worker",
            ),
            _ => Decision::Deny("not on the child's team"),
        },
        Action::RecordHealthInformation => match in_scope {
            Some(true) => Decision::Allow("anyone on the child's team may record health information"),
            _ => Decision::Deny("not on the child's team"),
        },
        Action::BreakGlass => match in_scope {
            _ if !actor.has_role(Role::YjsManager) => Decision::Deny("only YJS managers may use emergency access"),
            Some(false) => Decision::Allow("YJS manager, child outside their team, reason given"),
            Some(true) => Decision::Deny("already on the child's team: open the record instead"),
            None => Decision::Deny("no such child"),
        },
        Action::FindChildForBreakGlass => {
            if actor.has_role(Role::YjsManager) {
                Decision::Allow("YJS manager")
            } else {
                Decision::Deny("only YJS managers may look for children outside their team")
            }
        }
        Action::ViewBreakGlassReport => {
            if actor.has_role(Role::YjsManager) || actor.has_role(Role::YjsCaseManager) {
                Decision::Allow("YJS manager or case manager: emergency access to their service's children")
            } else {
                Decision::Deny("only YJS managers and case managers see emergency access to their children")
            }
        }
        Action::ViewCohortReport => {
            if cohort_reach(actor).is_some() {
                Decision::Allow("manager, health worker, secure establishment or strategic lead: cohort outcomes")
            } else {
                Decision::Deny(
                    "only YJS managers and health workers, secure establishment staff and strategic leads see \
                     cohort outcomes",
                )
            }
        }
        Action::ViewCohortChildren { health: false } => {
            if actor.has_role(Role::YjsManager) {
                Decision::Allow("YJS manager: the children of their own service's cohort")
            } else {
                Decision::Deny("only YJS managers see the children behind the counts")
            }
        }
        Action::ViewCohortChildren { health: true } => {
            if actor.has_role(Role::YjsHealthWorker) {
                Decision::Allow("YJS health worker: the children behind a measure built on health information")
            } else {
                Decision::Deny("the children behind a measure built on health information are for health roles")
            }
        }
        Action::SubjectAccess => {
            if actor.has_role(Role::DataProtectionOfficer) {
                Decision::Allow("data protection officer: subject access requests")
            } else {
                Decision::Deny("only data protection officers answer subject access requests")
            }
        }
        Action::ViewAggregates => {
            if actor.has_role(Role::StrategicLead) {
                Decision::Allow("strategic lead: counts only, no names or identifiers")
            } else {
                Decision::Deny("only strategic leads see the figures across organisations")
            }
        }
    }
}

/// What part of the country an actor's cohort report may cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CohortReach {
    /// Every service and establishment (strategic leads; counts only, small cells withheld).
    National,
    /// The children of these youth justice services (managers and health workers there).
    Services(Vec<OrgId>),
    /// The children these secure establishments released (their staff; counts only).
    Establishments(Vec<OrgId>),
}

/// The reach of `actor`'s cohort report, or `None` when they may not run it. A strategic lead
/// reaches the whole country; otherwise YJS managers and health workers reach their services,
/// and secure establishment staff (resettlement practitioners, custody healthcare) their
/// establishments.
pub fn cohort_reach(actor: &Actor) -> Option<CohortReach> {
    if actor.has_role(Role::StrategicLead) {
        return Some(CohortReach::National);
    }
    let orgs = |roles: &[Role]| -> Vec<OrgId> {
        let mut ids: Vec<OrgId> =
            actor.memberships.iter().filter(|m| roles.contains(&m.role)).map(|m| m.organisation_id).collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let services = orgs(&[Role::YjsManager, Role::YjsHealthWorker]);
    if !services.is_empty() {
        return Some(CohortReach::Services(services));
    }
    let establishments = orgs(&[Role::SecurePractitioner, Role::CustodyHealth]);
    (!establishments.is_empty()).then_some(CohortReach::Establishments(establishments))
}

/// Why a service reaches into a child's record. Each purpose is admitted by [`admit`] on its
/// own terms, and says which scope storage must look the child up in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Read the record: the team scope, widened by the actor's break-glass grants.
    Read,
    /// Work on the case with the team: read what the team shares (the plan, meetings,
    /// actions, the scope of a more specific check) in the team scope only, without the
    /// break-glass widening that [`Purpose::Read`] has.
    Work,
    /// Change the record: the team scope only (emergency access is for reading).
    Change,
    /// Add an organisation or a person to the team around the child.
    ManageTeam,
    /// Record health information, which is handed to the health worker (anyone on the team).
    RecordHealthInformation,
}

impl Purpose {
    /// The action the policy decides for this purpose on `child`.
    pub fn action(self, child: &Child) -> Action {
        match self {
            Purpose::Read | Purpose::Work => Action::ViewChild,
            Purpose::Change => Action::EditChild,
            Purpose::ManageTeam => Action::ManageTeam { yjs_id: child.yjs_id },
            Purpose::RecordHealthInformation => Action::RecordHealthInformation,
        }
    }

    /// Whether break-glass grants widen the scope the child is looked up in.
    pub fn widened_by_emergency_access(self) -> bool {
        matches!(self, Purpose::Read)
    }
}

/// Proof that the access policy admitted an actor to a child's record for a [`Purpose`].
///
/// Only [`admit`] makes one, so a service that holds an `InScope<Child>` has been through the
/// policy; services take it (or make it first) before they read or change anything else of
/// the child's. It dereferences to the value it guards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InScope<T> {
    value: T,
    purpose: Purpose,
}

impl<T> InScope<T> {
    /// The purpose it was admitted for.
    pub fn purpose(&self) -> Purpose {
        self.purpose
    }

    /// The guarded value, giving up the proof.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for InScope<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Why [`admit`] refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Outside the actor's scope, or no such record: the two must look the same (404).
    NotFound,
    /// In scope, but the policy does not allow this purpose, because… (403).
    Forbidden(&'static str),
}

/// Admits `actor` to a child's record for `purpose`. `found` is the record as storage found
/// it within the actor's scope for that purpose ([`ChildScope::of`], widened by
/// [`ChildScope::with_emergency_access`] when [`Purpose::widened_by_emergency_access`]), or
/// `None` when it is outside that scope or does not exist. This is the only way to make an
/// [`InScope`].
pub fn admit(actor: &Actor, purpose: Purpose, found: Option<Child>) -> Result<InScope<Child>, Refused> {
    let Some(child) = found else {
        return Err(Refused::NotFound);
    };
    match decide(actor, purpose.action(&child), Some(true)) {
        Decision::Allow(_) => Ok(InScope { value: child, purpose }),
        Decision::Deny(why) => Err(Refused::Forbidden(why)),
    }
}

/// Whether `actor` is health staff on a child's team with this `team` on `today`: a health
/// role held in an organisation on the team. Only they record health decisions — consent and
/// sharing decisions, assessments and clinician-rated measures — so that health information
/// spreads only when a health professional decides (a sharing decision that lets others read
/// health content does not let them decide more sharing).
pub fn is_health_professional_on_team(actor: &Actor, team: &[TeamMember], today: Date) -> bool {
    actor
        .memberships
        .iter()
        .filter(|m| m.role.is_health())
        .any(|m| team.iter().filter(|t| t.is_current(today)).any(|t| t.organisation_id == m.organisation_id))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ids::{MembershipId, TeamMemberId};
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

    /// A child owned by `yjs`, for the policy's tests.
    fn child_owned_by(yjs: OrgId) -> Child {
        let at = jiff::Timestamp::UNIX_EPOCH;
        Child {
            id: ChildId::random(),
            yjs_id: yjs,
            details: crate::child::ChildDetails {
                given_name: "Test".into(),
                family_name: "Child".into(),
                preferred_name: None,
                date_of_birth: date(2012, 1, 1),
                nhs_number: None,
                pnc_id: None,
                gender: None,
                ethnicity: None,
                first_language: None,
                legal_status: crate::child::LegalStatus::NotLookedAfter,
            },
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn a_bearer_token_never_stands_in_for_a_second_factor() {
        let yjs = OrgId::random();
        let manager = actor(Role::YjsManager, yjs);
        let admin = actor(Role::Admin, OrgId::random());
        for (who, action) in [
            (&manager, Action::BreakGlass),
            (&manager, Action::FindChildForBreakGlass),
            (&admin, Action::ManageOrganisations),
            (&admin, Action::ManageUsers),
        ] {
            let in_scope = matches!(action, Action::BreakGlass).then_some(false);
            assert!(decide_with(who, Credential::Session, action, in_scope).is_allowed(), "{action:?}");
            assert_eq!(
                decide_with(who, Credential::BearerToken, action, in_scope),
                Decision::Deny(NEEDS_SECOND_FACTOR)
            );
        }
        // Everyday work is the same with a token.
        let cm = actor(Role::YjsCaseManager, yjs);
        assert!(decide_with(&cm, Credential::BearerToken, Action::EditChild, Some(true)).is_allowed());
        assert!(decide_with(&manager, Credential::BearerToken, Action::ViewOversight, None).is_allowed());
    }

    #[test]
    fn admit_proves_scope_and_hides_what_is_outside_it() {
        let yjs = OrgId::random();
        let case_manager = actor(Role::YjsCaseManager, yjs);
        let child = child_owned_by(yjs);
        for purpose in
            [Purpose::Read, Purpose::Work, Purpose::Change, Purpose::ManageTeam, Purpose::RecordHealthInformation]
        {
            let proof = admit(&case_manager, purpose, Some(child.clone())).unwrap();
            assert_eq!(proof.id, child.id);
            assert_eq!(proof.purpose(), purpose);
            assert_eq!(admit(&case_manager, purpose, None), Err(Refused::NotFound));
        }
        assert!(Purpose::Read.widened_by_emergency_access());
        assert!(!Purpose::Change.widened_by_emergency_access());
    }

    #[test]
    fn only_the_responsible_services_case_managers_and_managers_add_to_the_team_by_hand() {
        let yjs = OrgId::random();
        let child = child_owned_by(yjs);
        for (who, allowed) in [
            (actor(Role::YjsCaseManager, yjs), true),
            (actor(Role::YjsManager, yjs), true),
            (actor(Role::YjsHealthWorker, yjs), false),
            (actor(Role::SecurePractitioner, OrgId::random()), false),
            (actor(Role::EteCoordinator, OrgId::random()), false),
            (actor(Role::YjsCaseManager, OrgId::random()), false),
        ] {
            let outcome = admit(&who, Purpose::ManageTeam, Some(child.clone()));
            assert_eq!(outcome.is_ok(), allowed, "{:?}", who.memberships);
            if !allowed {
                assert!(matches!(outcome, Err(Refused::Forbidden(_))));
                // Everyone on the team may still change the record otherwise.
                assert!(admit(&who, Purpose::Change, Some(child.clone())).is_ok());
            }
        }
    }

    #[test]
    fn only_health_roles_in_an_organisation_on_the_team_are_health_professionals_on_it() {
        let (yjs, health) = (OrgId::random(), OrgId::random());
        let today = date(2026, 6, 1);
        let team = [member(yjs, None, None), member(health, None, Some(date(2026, 5, 1)))];
        assert!(is_health_professional_on_team(&actor(Role::YjsHealthWorker, yjs), &team, today));
        assert!(!is_health_professional_on_team(&actor(Role::YjsCaseManager, yjs), &team, today));
        // A health organisation whose place on the team has ended decides nothing.
        assert!(!is_health_professional_on_team(&actor(Role::CustodyHealth, health), &team, today));
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
    fn health_content_is_for_health_roles_on_the_team_unless_sharing_is_allowed() {
        let org = OrgId::random();
        let closed = Action::ViewHealthContent { sharing_allowed: false };
        let shared = Action::ViewHealthContent { sharing_allowed: true };
        for role in [Role::YjsHealthWorker, Role::CustodyHealth] {
            assert_eq!(
                decide(&actor(role, org), closed, Some(true)),
                Decision::Allow("health role on the child's team")
            );
            assert!(!decide(&actor(role, org), closed, Some(false)).is_allowed(), "{role:?} off the team");
            assert!(!decide(&actor(role, org), shared, None).is_allowed(), "{role:?} without a scope answer");
        }
        for role in [
            Role::YjsCaseManager,
            Role::YjsManager,
            Role::SecurePractitioner,
            Role::AccommodationOfficer,
            Role::EteCoordinator,
        ] {
            let d = decide(&actor(role, org), closed, Some(true));
            assert!(matches!(d, Decision::Deny(why) if why.contains("health worker")), "{role:?}: {d:?}");
            assert!(decide(&actor(role, org), shared, Some(true)).is_allowed(), "{role:?} with sharing allowed");
            assert!(!decide(&actor(role, org), shared, Some(false)).is_allowed(), "{role:?} off the team");
        }
        for role in [Role::Admin, Role::StrategicLead] {
            // Never in scope: storage answers `false` for them.
            assert!(!decide(&actor(role, org), shared, Some(false)).is_allowed());
        }
    }

    #[test]
    fn anyone_on_the_team_records_health_information_but_no_one_else() {
        let org = OrgId::random();
        for role in [Role::EteCoordinator, Role::YjsHealthWorker, Role::SecurePractitioner] {
            assert!(decide(&actor(role, org), Action::RecordHealthInformation, Some(true)).is_allowed());
            assert!(!decide(&actor(role, org), Action::RecordHealthInformation, Some(false)).is_allowed());
        }
    }

    #[test]
    fn only_yjs_managers_break_glass_and_only_outside_their_team() {
        let org = OrgId::random();
        let m = actor(Role::YjsManager, org);
        assert!(decide(&m, Action::BreakGlass, Some(false)).is_allowed());
        assert!(!decide(&m, Action::BreakGlass, Some(true)).is_allowed(), "already on the team");
        assert!(!decide(&m, Action::BreakGlass, None).is_allowed(), "no such child");
        assert!(decide(&m, Action::FindChildForBreakGlass, None).is_allowed());
        for role in [Role::YjsCaseManager, Role::YjsHealthWorker, Role::Admin, Role::StrategicLead] {
            assert!(!decide(&actor(role, org), Action::BreakGlass, Some(false)).is_allowed(), "{role:?}");
            assert!(!decide(&actor(role, org), Action::FindChildForBreakGlass, None).is_allowed(), "{role:?}");
        }
        assert!(decide(&actor(Role::YjsCaseManager, org), Action::ViewBreakGlassReport, None).is_allowed());
        assert!(decide(&m, Action::ViewBreakGlassReport, None).is_allowed());
        assert!(!decide(&actor(Role::EteCoordinator, org), Action::ViewBreakGlassReport, None).is_allowed());
    }

    #[test]
    fn a_grant_widens_only_a_managers_scope_only_for_its_child_and_only_until_it_expires() {
        let org = OrgId::random();
        let today = date(2026, 6, 1);
        let now: Timestamp = "2026-06-01T12:00:00Z".parse().unwrap();
        let m = actor(Role::YjsManager, org);
        let child = ChildId::random();
        let grant =
            GrantWindow { user_id: m.user_id, child_id: child, expires_at: "2026-06-01T16:00:00Z".parse().unwrap() };
        let scope = ChildScope::of(&m, today).with_emergency_access(&m, now);
        assert!(scope.permits_by_grant(child, &[grant]));
        assert!(!scope.permits_by_grant(ChildId::random(), &[grant]), "another child");
        assert!(!ChildScope::of(&m, today).permits_by_grant(child, &[grant]), "scope without emergency access");
        let later = ChildScope::of(&m, today).with_emergency_access(&m, "2026-06-01T16:00:00Z".parse().unwrap());
        assert!(!later.permits_by_grant(child, &[grant]), "expired");
        let cm = actor(Role::YjsCaseManager, org);
        let not_manager = ChildScope::of(&cm, today).with_emergency_access(&cm, now);
        assert_eq!(not_manager.emergency, None);
        let theirs = GrantWindow { user_id: cm.user_id, ..grant };
        assert!(!not_manager.permits_by_grant(child, &[theirs]));
    }

    #[test]
    fn administrators_and_managers_need_a_second_factor() {
        let org = OrgId::random();
        assert!(requires_second_factor(&actor(Role::Admin, org)));
        assert!(requires_second_factor(&actor(Role::YjsManager, org)));
        for role in [Role::YjsCaseManager, Role::CustodyHealth, Role::StrategicLead, Role::EteCoordinator] {
            assert!(!requires_second_factor(&actor(role, org)), "{role:?}");
        }
        let mut both = actor(Role::EteCoordinator, org);
        both.memberships.push(Membership {
            id: MembershipId::random(),
            user_id: both.user_id,
            organisation_id: OrgId::random(),
            role: Role::Admin,
        });
        assert!(requires_second_factor(&both), "any membership with the role counts");
    }

    #[test]
    fn only_strategic_leads_see_aggregates() {
        let org = OrgId::random();
        assert!(decide(&actor(Role::StrategicLead, org), Action::ViewAggregates, None).is_allowed());
        for role in [Role::Admin, Role::YjsManager, Role::YjsCaseManager, Role::CustodyHealth] {
            assert!(!decide(&actor(role, org), Action::ViewAggregates, None).is_allowed(), "{role:?}");
        }
    }

    #[test]
    fn cohort_outcomes_reach_by_role_and_children_only_for_managers_and_health_workers() {
        let org = OrgId::random();
        assert_eq!(cohort_reach(&actor(Role::StrategicLead, org)), Some(CohortReach::National));
        assert_eq!(cohort_reach(&actor(Role::YjsManager, org)), Some(CohortReach::Services(vec![org])));
        assert_eq!(cohort_reach(&actor(Role::YjsHealthWorker, org)), Some(CohortReach::Services(vec![org])));
        assert_eq!(cohort_reach(&actor(Role::CustodyHealth, org)), Some(CohortReach::Establishments(vec![org])));
        assert_eq!(cohort_reach(&actor(Role::SecurePractitioner, org)), Some(CohortReach::Establishments(vec![org])));
        for role in [Role::Admin, Role::YjsCaseManager, Role::AccommodationOfficer, Role::EteCoordinator] {
            assert!(!decide(&actor(role, org), Action::ViewCohortReport, None).is_allowed(), "{role:?}");
        }
        let children = |role, health| decide(&actor(role, org), Action::ViewCohortChildren { health }, None);
        assert!(children(Role::YjsManager, false).is_allowed());
        assert!(!children(Role::YjsManager, true).is_allowed());
        assert!(children(Role::YjsHealthWorker, true).is_allowed());
        assert!(!children(Role::YjsHealthWorker, false).is_allowed());
        for role in [Role::StrategicLead, Role::CustodyHealth, Role::SecurePractitioner] {
            assert!(!children(role, false).is_allowed() && !children(role, true).is_allowed(), "{role:?}");
        }
    }

    #[test]
    fn health_details_need_a_health_role_in_an_organisation_on_the_team() {
        let yjs = OrgId::random();
        let today = date(2026, 6, 1);
        let team = [member(yjs, None, None)];
        assert!(sees_health_details(&actor(Role::YjsHealthWorker, yjs), &team, today, &[]));
        assert!(!sees_health_details(&actor(Role::YjsCaseManager, yjs), &team, today, &[]));
        assert!(!sees_health_details(&actor(Role::YjsHealthWorker, OrgId::random()), &team, today, &[]));
        // On the team as a tutor, a health worker somewhere else: no health details.
        let college = OrgId::random();
        let mut dual = actor(Role::EteCoordinator, college);
        dual.memberships.push(Membership {
            id: MembershipId::random(),
            user_id: dual.user_id,
            organisation_id: OrgId::random(),
            role: Role::YjsHealthWorker,
        });
        assert!(!sees_health_details(&dual, &[member(yjs, None, None), member(college, None, None)], today, &[]));
        let ended = [member(yjs, None, Some(date(2026, 5, 31)))];
        assert!(!sees_health_details(&actor(Role::YjsHealthWorker, yjs), &ended, today, &[]));
        // A recorded sharing decision naming the case manager's service opens it to them; one
        // naming only a role opens it to that role only.
        let cm = actor(Role::YjsCaseManager, yjs);
        assert!(sees_health_details(&cm, &team, today, &[SharingGrant { organisation_id: yjs, role: None }]));
        let only_health = [SharingGrant { organisation_id: yjs, role: Some(Role::YjsHealthWorker) }];
        assert!(!sees_health_details(&cm, &team, today, &only_health));
        assert!(!sees_health_details(
            &cm,
            &team,
            today,
            &[SharingGrant { organisation_id: OrgId::random(), role: None }]
        ));
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
