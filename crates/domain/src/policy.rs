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
    /// the youth justice service responsible for the child, and for a local authority's social
    /// workers and accommodation officers on the team, who name their own colleagues
    /// ([`may_add_member`]). (The joins the service makes
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

/// Whether `actor`, admitted to a child's team for [`Purpose::ManageTeam`], may add a member of
/// `organisation` in `role`: the case managers and managers of the responsible youth justice
/// service (`yjs_id`) add anyone; a local authority's social workers and accommodation officers
/// add their own colleagues in those roles only.
pub fn may_add_member(actor: &Actor, yjs_id: OrgId, organisation: OrgId, role: Role) -> Decision {
    if actor.has_role_in(Role::YjsCaseManager, yjs_id) || actor.has_role_in(Role::YjsManager, yjs_id) {
        return Decision::Allow("case manager or manager in the responsible youth justice service");
    }
    let own = actor.memberships.iter().any(|m| m.organisation_id == organisation && m.role.names_colleagues());
    if own && role.names_colleagues() {
        Decision::Allow("local authority staff naming a colleague")
    } else {
        Decision::Deny(
            "you can add colleagues from your own local authority only, as social worker or accommodation officer; \
             ask the child's case manager to add anyone else",
        )
    }
}

/// Whether the actor must sign in with a second factor (a TOTP code) as well as a password:
/// administrators, YJS and secure establishment managers and data protection officers (OWASP
/// ASVS level 3 for administration, and the managers' wider reach, including break-glass).
pub fn requires_second_factor(actor: &Actor) -> bool {
    actor.memberships.iter().any(|m| role_requires_second_factor(m.role))
}

/// Whether holding `role` means signing in with a second factor (see
/// [`requires_second_factor`]): the one statement of the rule, also for the demo and tests.
pub fn role_requires_second_factor(role: Role) -> bool {
    matches!(role, Role::Admin | Role::YjsManager | Role::SecureManager | Role::DataProtectionOfficer)
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
            Some(true) if actor.memberships.iter().any(|m| m.role.names_colleagues()) => {
                Decision::Allow("local authority staff on the team: their own colleagues (see may_add_member)")
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
            if actor.has_role(Role::YjsManager) || actor.has_role(Role::SecureManager) {
                Decision::Allow("manager of a youth justice service or secure establishment")
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
    let establishments = orgs(&[Role::SecurePractitioner, Role::SecureManager, Role::CustodyHealth]);
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
mod tests;
