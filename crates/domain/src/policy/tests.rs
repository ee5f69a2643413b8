//! Tests of `policy`.

#![allow(clippy::unwrap_used)]

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
            preferred_language: Default::default(),
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
        assert_eq!(decide_with(who, Credential::BearerToken, action, in_scope), Decision::Deny(NEEDS_SECOND_FACTOR));
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
        // Local authority staff are admitted to name their own colleagues (may_add_member).
        (actor(Role::SocialWorker, OrgId::random()), true),
        (actor(Role::AccommodationOfficer, OrgId::random()), true),
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
        !decide(&actor(Role::YjsCaseManager, yjs), Action::CreateChild { yjs_id: OrgId::random() }, None).is_allowed()
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
        assert_eq!(decide(&actor(role, org), closed, Some(true)), Decision::Allow("health role on the child's team"));
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
    assert!(!sees_health_details(&cm, &team, today, &[SharingGrant { organisation_id: OrgId::random(), role: None }]));
}

#[test]
fn deny_by_default_for_children_without_a_scope_answer() {
    let a = actor(Role::YjsManager, OrgId::random());
    assert!(!decide(&a, Action::ViewChild, None).is_allowed());
    assert!(!decide(&a, Action::ViewChild, Some(false)).is_allowed());
    assert!(decide(&a, Action::ViewChild, Some(true)).is_allowed());
    assert!(!decide(&a, Action::ManageUsers, None).is_allowed());
}

#[test]
fn local_authority_staff_add_only_their_own_colleagues_and_the_service_adds_anyone() {
    let (yjs, la, other_la) = (OrgId::random(), OrgId::random(), OrgId::random());
    let sw = actor(Role::SocialWorker, la);
    assert!(may_add_member(&sw, yjs, la, Role::SocialWorker).is_allowed());
    assert!(may_add_member(&sw, yjs, la, Role::AccommodationOfficer).is_allowed());
    assert!(!may_add_member(&sw, yjs, other_la, Role::SocialWorker).is_allowed(), "another authority");
    assert!(!may_add_member(&sw, yjs, la, Role::EteCoordinator).is_allowed(), "another role");
    let cm = actor(Role::YjsCaseManager, yjs);
    assert!(may_add_member(&cm, yjs, other_la, Role::EteCoordinator).is_allowed());
    assert!(!may_add_member(&actor(Role::YjsCaseManager, OrgId::random()), yjs, la, Role::SocialWorker).is_allowed());
    assert!(!may_add_member(&actor(Role::EteCoordinator, la), yjs, la, Role::SocialWorker).is_allowed());
}
