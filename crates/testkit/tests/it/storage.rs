//! Storage conformance: the `Storage` trait's promises, held to on SQLite and PostgreSQL
//! alike, called directly (no application rules in between).

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::{Date, date};
use resettle_app::storage::{
    ApiTokenRecord, CaseloadQuery, CaseloadSort, SessionRecord, Storage, StorageError, UserRecord,
};
use resettle_domain::child::{Carer, Child, ChildDetails, Gender, LegalStatus, PncId};
use resettle_domain::custody::{CustodyEpisode, EpisodeKind, Placement, PlacementReason};
use resettle_domain::ids::{
    CarerId, ChildId, EpisodeId, MembershipId, OrgId, PlacementId, TeamMemberId, TimelineEntryId, TokenId, UserId,
};
use resettle_domain::nhs::NhsNumber;
use resettle_domain::org::{Email, Membership, OrgCode, OrgKind, Organisation, Role, User};
use resettle_domain::policy::ChildScope;
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;
use resettle_testkit::{Backend, TestDb, fresh_db};

use crate::support::on_every_backend;

on_every_backend!(
    the_store_names_its_backend_and_answers,
    organisations_round_trip_and_list_by_name_then_code,
    a_taken_organisation_code_is_a_duplicate_on_code,
    users_round_trip_with_their_memberships,
    a_taken_email_is_a_duplicate_on_email_and_writes_nothing,
    a_user_whose_membership_fails_is_not_written,
    a_repeated_membership_is_a_duplicate_on_role,
    sessions_are_stored_touched_and_deleted,
    api_tokens_round_trip,
    a_child_is_visible_only_within_scope,
    ended_and_future_team_membership_gives_no_access,
    updating_a_child_needs_the_current_version,
    caseload_is_scoped_filtered_sorted_and_paged,
    organisation_filter_counts_only_current_members,
    the_team_view_carries_names_and_contacts,
    carers_round_trip_in_name_order,
);

// ---------------------------------------------------------------------------------------------
// Fixtures: plain domain values, written straight to storage.

/// The day scopes are judged on in these tests.
pub(crate) const TODAY: Date = date(2026, 6, 1);

pub(crate) fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub(crate) fn organisation(code: &str, name: &str, kind: OrgKind) -> Organisation {
    Organisation { id: OrgId::random(), code: OrgCode::parse(code).unwrap(), name: name.into(), kind }
}

pub(crate) async fn add_org(s: &dyn Storage, code: &str, name: &str, kind: OrgKind) -> Organisation {
    let o = organisation(code, name, kind);
    s.insert_organisation(&o, &[]).await.unwrap();
    o
}

pub(crate) fn user_record(email: &str, name: &str, roles: &[(OrgId, Role)]) -> UserRecord {
    let id = UserId::random();
    UserRecord {
        user: User {
            id,
            email: Email::parse(email).unwrap(),
            name: name.into(),
            phone: Some("0113 496 0001".into()),
            active: true,
        },
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into()),
        memberships: roles
            .iter()
            .map(|(org, role)| Membership {
                id: MembershipId::random(),
                user_id: id,
                organisation_id: *org,
                role: *role,
            })
            .collect(),
    }
}

pub(crate) async fn add_user(s: &dyn Storage, email: &str, name: &str, roles: &[(OrgId, Role)]) -> UserRecord {
    let u = user_record(email, name, roles);
    s.insert_user(&u, &[]).await.unwrap();
    u
}

pub(crate) fn child(yjs: OrgId, given: &str, family: &str, dob: Date, updated: Timestamp) -> Child {
    Child {
        id: ChildId::random(),
        yjs_id: yjs,
        details: ChildDetails {
            given_name: given.into(),
            family_name: family.into(),
            preferred_name: None,
            date_of_birth: dob,
            nhs_number: Some(NhsNumber::parse("9434765919").unwrap()),
            pnc_id: None,
            gender: None,
            ethnicity: None,
            first_language: None,
            preferred_language: Default::default(),
            legal_status: LegalStatus::NotLookedAfter,
        },
        version: 1,
        created_at: at("2026-01-05T10:00:00Z"),
        updated_at: updated,
    }
}

pub(crate) fn member(
    child: ChildId,
    org: OrgId,
    user: Option<UserId>,
    started_on: Date,
    ended_on: Option<Date>,
) -> TeamMember {
    TeamMember {
        id: TeamMemberId::random(),
        child_id: child,
        organisation_id: org,
        user_id: user,
        role: Role::YjsCaseManager,
        responsibility: "Owns the case".into(),
        started_on,
        ended_on,
    }
}

pub(crate) fn entry(child: ChildId, when: Timestamp, kind: &str) -> TimelineEntry {
    TimelineEntry {
        id: TimelineEntryId::random(),
        child_id: child,
        at: when,
        actor_id: None,
        actor_name: "System".into(),
        kind: kind.into(),
        summary: format!("{kind} at {when}"),
        reason: None,
    }
}

pub(crate) fn carer(child: ChildId, name: &str) -> Carer {
    Carer {
        id: CarerId::random(),
        child_id: child,
        name: name.into(),
        relationship: "Aunt".into(),
        phone: Some("07700 900123".into()),
        email: Some("carer@example.org".into()),
        address: Some("1 High Street, Leeds".into()),
        parental_responsibility: true,
        preferred_language: Default::default(),
    }
}

/// Adds a child owned by `yjs` with the whole service on the team from 2026-01-01.
pub(crate) async fn add_child(s: &dyn Storage, yjs: OrgId, given: &str, family: &str, dob: Date) -> Child {
    add_child_updated(s, yjs, given, family, dob, at("2026-01-05T10:00:00Z")).await
}

pub(crate) async fn add_child_updated(
    s: &dyn Storage,
    yjs: OrgId,
    given: &str,
    family: &str,
    dob: Date,
    updated: Timestamp,
) -> Child {
    let c = child(yjs, given, family, dob, updated);
    let team = [member(c.id, yjs, None, date(2026, 1, 1), None)];
    s.insert_child(&c, &[], &team, &entry(c.id, c.created_at, "child.created"), &[]).await.unwrap();
    c
}

pub(crate) fn open_episode(child: ChildId, kind: EpisodeKind, since: Date, est: OrgId) -> (CustodyEpisode, Placement) {
    let e = CustodyEpisode {
        id: EpisodeId::random(),
        child_id: child,
        kind,
        started_on: since,
        ended_on: None,
        recorded_at: None,
    };
    let p = Placement {
        id: PlacementId::random(),
        episode_id: e.id,
        establishment_id: est,
        started_on: since,
        ended_on: None,
        reason: PlacementReason::Admission,
    };
    (e, p)
}

pub(crate) fn scope_of(user: UserId, orgs: &[OrgId]) -> ChildScope {
    ChildScope { user_id: Some(user), organisation_ids: orgs.to_vec(), today: TODAY, emergency: None }
}

pub(crate) fn anyone_in(orgs: &[OrgId]) -> ChildScope {
    scope_of(UserId::random(), orgs)
}

pub(crate) async fn db(b: Backend) -> (TestDb, Arc<dyn Storage>) {
    let db = fresh_db(b).await.unwrap();
    let s = db.store.clone();
    (db, s)
}

// ---------------------------------------------------------------------------------------------
// Scenarios

async fn the_store_names_its_backend_and_answers(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    assert_eq!(s.backend(), b.as_str());
    s.ping().await?;
    Ok(())
}

async fn organisations_round_trip_and_list_by_name_then_code(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let leeds = add_org(s, "YJS-LEEDS", "Leeds YJS", OrgKind::Yjs).await;
    let wetherby = add_org(s, "YOI-WETH", "Wetherby", OrgKind::Yoi).await;
    let brad2 = add_org(s, "YJS-BRAD2", "Bradford YJS", OrgKind::Yjs).await;
    let brad1 = add_org(s, "YJS-BRAD1", "Bradford YJS", OrgKind::Yjs).await;

    assert_eq!(s.organisation(leeds.id).await?, Some(leeds.clone()));
    assert_eq!(s.organisation(OrgId::random()).await?, None);
    assert_eq!(
        s.organisation_by_code(&OrgCode::parse("yoi-weth").unwrap()).await?,
        Some(wetherby.clone()),
        "codes are matched as normalised (upper case)"
    );
    assert_eq!(s.organisation_by_code(&OrgCode::parse("NOPE").unwrap()).await?, None);
    let all = s.organisations().await?;
    assert_eq!(all, vec![brad1, brad2, leeds, wetherby], "by name, then by code");
    Ok(())
}

async fn a_taken_organisation_code_is_a_duplicate_on_code(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let first = add_org(s.as_ref(), "YJS-LEEDS", "Leeds YJS", OrgKind::Yjs).await;
    let again = organisation("yjs-leeds", "Another Leeds", OrgKind::Health);
    match s.insert_organisation(&again, &[]).await {
        Err(StorageError::Duplicate { field, message }) => {
            assert_eq!(field, "code");
            assert!(!message.is_empty());
        }
        other => panic!("expected Duplicate on code, got {other:?}"),
    }
    assert_eq!(s.organisations().await?, vec![first]);
    assert_eq!(s.organisation(again.id).await?, None);
    Ok(())
}

async fn users_round_trip_with_their_memberships(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let ete = add_org(s, "ETE-A", "College A", OrgKind::Education).await;
    let mut zoe =
        add_user(s, "zoe@example.org", "Zoe Zed", &[(yjs.id, Role::YjsCaseManager), (ete.id, Role::EteCoordinator)])
            .await;
    let mut inactive = user_record("ann@example.org", "Ann Able", &[(yjs.id, Role::YjsManager)]);
    inactive.user.active = false;
    inactive.password_hash = None;
    s.insert_user(&inactive, &[]).await?;
    let bob = add_user(s, "bob@example.org", "Bob Bee", &[]).await;

    let sorted = |mut r: UserRecord| {
        r.memberships.sort_by_key(|m| m.id);
        r
    };
    zoe = sorted(zoe);
    let by_email = s.user_by_email(&Email::parse("ZOE@Example.org").unwrap()).await?.expect("found by email");
    let by_email = sorted(by_email);
    assert_eq!(by_email.user, zoe.user);
    assert_eq!(by_email.password_hash, zoe.password_hash);
    assert_eq!(by_email.memberships, zoe.memberships);
    let by_id = sorted(s.user(zoe.user.id).await?.expect("found by id"));
    assert_eq!(by_id.memberships, zoe.memberships);
    assert_eq!(by_id.user, zoe.user);

    let stored_inactive = s.user(inactive.user.id).await?.expect("inactive user");
    assert!(!stored_inactive.user.active);
    assert_eq!(stored_inactive.password_hash, None);
    assert!(s.user(UserId::random()).await?.is_none());
    assert!(s.user_by_email(&Email::parse("nobody@example.org").unwrap()).await?.is_none());

    let all = s.users().await?;
    let names: Vec<&str> = all.iter().map(|u| u.user.name.as_str()).collect();
    assert_eq!(names, ["Ann Able", "Bob Bee", "Zoe Zed"], "users by name");
    let zoe_in_list = all.iter().find(|u| u.user.id == zoe.user.id).unwrap();
    assert_eq!(zoe_in_list.memberships.len(), 2);
    assert!(all.iter().find(|u| u.user.id == bob.user.id).unwrap().memberships.is_empty());

    // Active members only, each once.
    let in_yjs = s.users_in_organisation(yjs.id).await?;
    assert_eq!(in_yjs, vec![zoe.user.clone()]);
    let in_ete = s.users_in_organisation(ete.id).await?;
    assert_eq!(in_ete, vec![zoe.user.clone()]);

    // Another role in the same organisation: still listed once.
    s.insert_membership(
        &Membership {
            id: MembershipId::random(),
            user_id: zoe.user.id,
            organisation_id: yjs.id,
            role: Role::YjsHealthWorker,
        },
        &[],
    )
    .await?;
    assert_eq!(s.users_in_organisation(yjs.id).await?.len(), 1);
    assert_eq!(s.user(zoe.user.id).await?.unwrap().memberships.len(), 3);
    Ok(())
}

async fn a_taken_email_is_a_duplicate_on_email_and_writes_nothing(b: Backend) -> anyhow::Result<()> {
    let (db, s) = db(b).await;
    let yjs = add_org(s.as_ref(), "YJS-A", "YJS A", OrgKind::Yjs).await;
    let first = add_user(s.as_ref(), "sam@example.org", "Sam", &[]).await;
    let second = user_record("Sam@Example.org", "Other Sam", &[(yjs.id, Role::YjsManager)]);
    match s.insert_user(&second, &[]).await {
        Err(StorageError::Duplicate { field, .. }) => assert_eq!(field, "email"),
        other => panic!("expected Duplicate on email, got {other:?}"),
    }
    assert!(s.user(second.user.id).await?.is_none());
    assert_eq!(db.count("users").await?, 1);
    assert_eq!(db.count("memberships").await?, 0);
    assert_eq!(s.user_by_email(&first.user.email).await?.unwrap().user.name, "Sam");
    Ok(())
}

async fn a_user_whose_membership_fails_is_not_written(b: Backend) -> anyhow::Result<()> {
    let (db, s) = db(b).await;
    let yjs = add_org(s.as_ref(), "YJS-A", "YJS A", OrgKind::Yjs).await;
    // The second membership names an organisation that does not exist.
    let u = user_record("kim@example.org", "Kim", &[(yjs.id, Role::YjsManager), (OrgId::random(), Role::YjsManager)]);
    assert!(s.insert_user(&u, &[]).await.is_err());
    assert!(s.user_by_email(&u.user.email).await?.is_none());
    assert_eq!(db.count("users").await?, 0);
    assert_eq!(db.count("memberships").await?, 0);
    Ok(())
}

async fn a_repeated_membership_is_a_duplicate_on_role(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let yjs = add_org(s.as_ref(), "YJS-A", "YJS A", OrgKind::Yjs).await;
    let u = add_user(s.as_ref(), "lee@example.org", "Lee", &[(yjs.id, Role::YjsManager)]).await;
    let again =
        Membership { id: MembershipId::random(), user_id: u.user.id, organisation_id: yjs.id, role: Role::YjsManager };
    match s.insert_membership(&again, &[]).await {
        Err(StorageError::Duplicate { field, .. }) => assert_eq!(field, "role"),
        other => panic!("expected Duplicate on role, got {other:?}"),
    }
    assert_eq!(s.user(u.user.id).await?.unwrap().memberships.len(), 1);
    Ok(())
}

async fn sessions_are_stored_touched_and_deleted(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let u = add_user(s.as_ref(), "pat@example.org", "Pat", &[]).await;
    let session = SessionRecord {
        id_hash: "a".repeat(64),
        user_id: u.user.id,
        csrf_token: "c".repeat(64),
        created_at: at("2026-06-01T09:00:00.123456Z"),
        last_seen_at: at("2026-06-01T09:00:00.123456Z"),
        expires_at: at("2026-06-01T21:00:00.123456Z"),
        ip: Some("127.0.0.1".into()),
        user_agent: Some("test/1.0".into()),
        pending: Some(resettle_app::storage::PendingStep::TotpCode),
    };
    s.insert_session(&session).await?;
    let other = SessionRecord { id_hash: "b".repeat(64), ip: None, user_agent: None, ..session.clone() };
    s.insert_session(&other).await?;

    let got = s.session(&session.id_hash).await?.expect("stored");
    assert_eq!(got.id_hash, session.id_hash);
    assert_eq!(got.user_id, session.user_id);
    assert_eq!(got.csrf_token, session.csrf_token);
    assert_eq!(got.created_at, session.created_at);
    assert_eq!(got.last_seen_at, session.last_seen_at);
    assert_eq!(got.expires_at, session.expires_at);
    assert_eq!(got.ip, session.ip);
    assert_eq!(got.user_agent, session.user_agent);
    let got_other = s.session(&other.id_hash).await?.expect("stored");
    assert_eq!((got_other.ip, got_other.user_agent), (None, None));
    assert!(s.session(&"f".repeat(64)).await?.is_none());

    let later = at("2026-06-01T09:10:00.654321Z");
    s.touch_session(&session.id_hash, later).await?;
    let touched = s.session(&session.id_hash).await?.unwrap();
    assert_eq!(touched.last_seen_at, later);
    assert_eq!(touched.created_at, session.created_at, "only last_seen_at moves");
    assert_eq!(touched.expires_at, session.expires_at);
    assert_eq!(
        s.session(&other.id_hash).await?.unwrap().last_seen_at,
        session.last_seen_at,
        "touching one session leaves the others alone"
    );

    s.delete_session(&session.id_hash).await?;
    assert!(s.session(&session.id_hash).await?.is_none());
    assert!(s.session(&other.id_hash).await?.is_some());
    // Ending a session that is already gone is not an error.
    s.delete_session(&session.id_hash).await?;
    Ok(())
}

async fn api_tokens_round_trip(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let u = add_user(s.as_ref(), "pat@example.org", "Pat", &[]).await;
    let live = ApiTokenRecord {
        id: TokenId::random(),
        user_id: u.user.id,
        token_hash: "1".repeat(64),
        label: "reporting".into(),
        created_at: at("2026-06-01T09:00:00.000001Z"),
        expires_at: at("2026-08-30T09:00:00.000001Z"),
        revoked_at: None,
    };
    let revoked = ApiTokenRecord {
        id: TokenId::random(),
        token_hash: "2".repeat(64),
        revoked_at: Some(at("2026-06-02T10:30:00.5Z")),
        ..live.clone()
    };
    s.insert_api_token(&live, &[]).await?;
    s.insert_api_token(&revoked, &[]).await?;
    for t in [&live, &revoked] {
        let got = s.api_token(&t.token_hash).await?.expect("stored");
        assert_eq!(got.id, t.id);
        assert_eq!(got.user_id, t.user_id);
        assert_eq!(got.token_hash, t.token_hash);
        assert_eq!(got.label, t.label);
        assert_eq!(got.created_at, t.created_at);
        assert_eq!(got.expires_at, t.expires_at);
        assert_eq!(got.revoked_at, t.revoked_at);
    }
    assert!(s.api_token(&"3".repeat(64)).await?.is_none());
    Ok(())
}

async fn a_child_is_visible_only_within_scope(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let ete = add_org(s, "ETE-A", "College A", OrgKind::Education).await;
    let other = add_org(s, "YJS-B", "YJS B", OrgKind::Yjs).await;
    let tutor = add_user(s, "tutor@example.org", "Tutor", &[(ete.id, Role::EteCoordinator)]).await;

    let c = child(yjs.id, "Ada", "Lovelace", date(2012, 4, 2), at("2026-01-05T10:00:00Z"));
    let team = [
        member(c.id, yjs.id, None, date(2026, 1, 1), None),
        member(c.id, ete.id, Some(tutor.user.id), date(2026, 1, 1), None),
    ];
    s.insert_child(&c, &[], &team, &entry(c.id, c.created_at, "child.created"), &[]).await?;

    // The organisation on the team.
    assert_eq!(s.child(c.id, &anyone_in(&[yjs.id])).await?, Some(c.clone()));
    assert_eq!(s.child(c.id, &anyone_in(&[other.id, yjs.id])).await?, Some(c.clone()));
    // The named person, whatever organisations their scope carries.
    assert_eq!(s.child(c.id, &scope_of(tutor.user.id, &[])).await?, Some(c.clone()));
    // Anyone else: not found.
    assert_eq!(s.child(c.id, &anyone_in(&[other.id])).await?, None);
    assert_eq!(s.child(c.id, &anyone_in(&[])).await?, None);
    // A child that does not exist looks the same.
    assert_eq!(s.child(ChildId::random(), &anyone_in(&[yjs.id])).await?, None);

    let q = CaseloadQuery::default();
    assert_eq!(s.caseload(&anyone_in(&[yjs.id]), &q).await?.total, 1);
    assert_eq!(s.caseload(&scope_of(tutor.user.id, &[]), &q).await?.total, 1);
    let outsider = s.caseload(&anyone_in(&[other.id]), &q).await?;
    assert_eq!((outsider.total, outsider.items.len()), (0, 0));
    Ok(())
}

async fn ended_and_future_team_membership_gives_no_access(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let ete = add_org(s, "ETE-A", "College A", OrgKind::Education).await;
    let hlt = add_org(s, "HLT-A", "Health A", OrgKind::Health).await;
    let sch = add_org(s, "SCH-A", "School A", OrgKind::Education).await;
    let gone = add_user(s, "gone@example.org", "Gone", &[]).await;
    let last_day = add_user(s, "last@example.org", "Last Day", &[]).await;
    let soon = add_user(s, "soon@example.org", "Soon", &[]).await;

    let c = child(yjs.id, "Ben", "Jones", date(2011, 9, 9), at("2026-01-05T10:00:00Z"));
    let yesterday = TODAY.yesterday()?;
    let tomorrow = TODAY.tomorrow()?;
    let team = [
        member(c.id, yjs.id, None, date(2026, 1, 1), None),
        // Ended yesterday: no longer on the team.
        member(c.id, ete.id, Some(gone.user.id), date(2026, 1, 1), Some(yesterday)),
        // Ends today: still on the team today (end dates are inclusive).
        member(c.id, hlt.id, Some(last_day.user.id), date(2026, 1, 1), Some(TODAY)),
        // Starts tomorrow: not on the team yet.
        member(c.id, sch.id, Some(soon.user.id), tomorrow, None),
    ];
    s.insert_child(&c, &[], &team, &entry(c.id, c.created_at, "child.created"), &[]).await?;

    let q = CaseloadQuery::default();
    for (who, scope, visible) in [
        ("named person who left", scope_of(gone.user.id, &[]), false),
        ("organisation that left", anyone_in(&[ete.id]), false),
        ("named person on their last day", scope_of(last_day.user.id, &[]), true),
        ("organisation on its last day", anyone_in(&[hlt.id]), true),
        ("named person not started", scope_of(soon.user.id, &[]), false),
        ("organisation not started", anyone_in(&[sch.id]), false),
    ] {
        let found = s.child(c.id, &scope).await?;
        assert_eq!(found.is_some(), visible, "child(): {who}");
        let page = s.caseload(&scope, &q).await?;
        assert_eq!(page.total, u64::from(visible), "caseload(): {who}");
    }
    Ok(())
}

async fn updating_a_child_needs_the_current_version(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let c = add_child(s, yjs.id, "Cara", "Smith", date(2011, 1, 1)).await;
    let scope = anyone_in(&[yjs.id]);

    let mut v2 = c.clone();
    v2.details.family_name = "Smyth".into();
    v2.details.gender = Some(Gender::Female);
    v2.details.pnc_id = Some(PncId::parse("2019/0012345A").unwrap());
    v2.details.legal_status = LegalStatus::LookedAfter;
    v2.version = 2;
    v2.updated_at = at("2026-06-01T12:00:00.000123Z");
    s.update_child(&v2, 1, &entry(c.id, v2.updated_at, "child.updated"), &[]).await?;
    assert_eq!(s.child(c.id, &scope).await?, Some(v2.clone()));
    assert_eq!(s.timeline(c.id, 10).await?.len(), 2);

    // Someone who read version 1 tries to save over version 2.
    let mut stale = c.clone();
    stale.details.given_name = "Kara".into();
    stale.version = 2;
    stale.updated_at = at("2026-06-01T12:05:00Z");
    match s.update_child(&stale, 1, &entry(c.id, stale.updated_at, "child.updated"), &[]).await {
        Err(StorageError::VersionMismatch { current }) => assert_eq!(current, 2),
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
    assert_eq!(s.child(c.id, &scope).await?, Some(v2.clone()), "nothing changed");
    assert_eq!(s.timeline(c.id, 10).await?.len(), 2, "no timeline entry");

    // The same change against the current version goes through.
    stale.version = 3;
    s.update_child(&stale, 2, &entry(c.id, stale.updated_at, "child.updated"), &[]).await?;
    let now = s.child(c.id, &scope).await?.unwrap();
    assert_eq!((now.version, now.details.given_name.as_str()), (3, "Kara"));

    let mut ghost = c.clone();
    ghost.id = ChildId::random();
    ghost.version = 2;
    match s.update_child(&ghost, 1, &entry(c.id, ghost.updated_at, "x"), &[]).await {
        Err(StorageError::NotFound) => {}
        other => panic!("expected NotFound for a missing child, got {other:?}"),
    }
    Ok(())
}

async fn caseload_is_scoped_filtered_sorted_and_paged(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "Aire YJS", OrgKind::Yjs).await;
    let yjs_b = add_org(s, "YJS-B", "Bede YJS", OrgKind::Yjs).await;
    let ete = add_org(s, "ETE-A", "College A", OrgKind::Education).await;
    let est1 = add_org(s, "YOI-1", "Wetherby", OrgKind::Yoi).await;
    let est2 = add_org(s, "STC-1", "Oakhill", OrgKind::Stc).await;

    // Mixed case on purpose: names sort without regard to case.
    let a = add_child_updated(s, yjs.id, "zoe", "adams", date(2010, 5, 1), at("2026-02-03T00:00:00Z")).await;
    let bk = add_child_updated(s, yjs.id, "amy", "Baker", date(2012, 1, 15), at("2026-02-01T00:00:00Z")).await;
    let c = add_child_updated(s, yjs.id, "bob", "carter", date(2009, 12, 31), at("2026-02-05T00:00:00Z")).await;
    let d = add_child_updated(s, yjs.id, "cat", "Davies", date(2011, 7, 7), at("2026-02-02T00:00:00Z")).await;
    let e = add_child_updated(s, yjs.id, "dan", "evans", date(2013, 3, 3), at("2026-02-04T00:00:00Z")).await;
    // Another service's child: never in YJS-A's caseload.
    let f = add_child(s, yjs_b.id, "eve", "Aaron", date(2012, 2, 2)).await;

    for (ch, kind, since, est) in [
        (&a, EpisodeKind::Remand, date(2026, 1, 10), est1.id),
        (&c, EpisodeKind::Sentence, date(2025, 11, 2), est2.id),
        (&d, EpisodeKind::Remand, date(2026, 3, 1), est1.id),
    ] {
        let (ep, pl) = open_episode(ch.id, kind, since, est);
        s.insert_episode(&ep, &pl, &entry(ch.id, at("2026-01-06T00:00:00Z"), "custody.started")).await?;
    }
    // The college is on A's and C's teams now; it was on D's but left.
    for (ch, ended) in [(&a, None), (&c, None), (&d, Some(date(2026, 4, 30)))] {
        let m = member(ch.id, ete.id, None, date(2026, 2, 1), ended);
        s.insert_team_member(&m, &entry(ch.id, at("2026-02-01T00:00:00Z"), "team.member_added"), &[]).await?;
    }

    let scope = anyone_in(&[yjs.id]);
    let ids = |page: &resettle_app::storage::Page<resettle_app::storage::CaseloadRow>| {
        page.items.iter().map(|r| r.id).collect::<Vec<_>>()
    };
    let query = |sort, descending| CaseloadQuery { sort, descending, ..CaseloadQuery::default() };

    let by_name = s.caseload(&scope, &query(CaseloadSort::Name, false)).await?;
    assert_eq!(by_name.total, 5);
    assert_eq!(ids(&by_name), [a.id, bk.id, c.id, d.id, e.id], "name ascending, any case");
    assert!(!ids(&by_name).contains(&f.id));
    let by_name_desc = s.caseload(&scope, &query(CaseloadSort::Name, true)).await?;
    assert_eq!(ids(&by_name_desc), [e.id, d.id, c.id, bk.id, a.id], "name descending");

    let dob = s.caseload(&scope, &query(CaseloadSort::DateOfBirth, false)).await?;
    assert_eq!(ids(&dob), [c.id, a.id, d.id, bk.id, e.id], "date of birth ascending");
    let dob_desc = s.caseload(&scope, &query(CaseloadSort::DateOfBirth, true)).await?;
    assert_eq!(ids(&dob_desc), [e.id, bk.id, d.id, a.id, c.id], "date of birth descending");

    let upd = s.caseload(&scope, &query(CaseloadSort::Updated, false)).await?;
    assert_eq!(ids(&upd), [bk.id, d.id, a.id, e.id, c.id], "updated ascending");
    let upd_desc = s.caseload(&scope, &query(CaseloadSort::Updated, true)).await?;
    assert_eq!(ids(&upd_desc), [c.id, e.id, a.id, d.id, bk.id], "updated descending");

    // Children not in custody come last in both directions.
    let cus = ids(&s.caseload(&scope, &query(CaseloadSort::CustodySince, false)).await?);
    assert_eq!(cus[..3], [c.id, a.id, d.id], "custody since ascending");
    assert!(cus[3..].contains(&bk.id) && cus[3..].contains(&e.id), "{cus:?}");
    let cus_desc = ids(&s.caseload(&scope, &query(CaseloadSort::CustodySince, true)).await?);
    assert_eq!(cus_desc[..3], [d.id, a.id, c.id], "custody since descending");
    assert!(cus_desc[3..].contains(&bk.id) && cus_desc[3..].contains(&e.id), "{cus_desc:?}");

    // What a line carries.
    let row_a = by_name.items.iter().find(|r| r.id == a.id).unwrap();
    assert_eq!(row_a.given_name, "zoe");
    assert_eq!(row_a.family_name, "adams");
    assert_eq!(row_a.date_of_birth, date(2010, 5, 1));
    assert_eq!((row_a.yjs_id, row_a.yjs_name.as_str()), (yjs.id, "Aire YJS"));
    assert_eq!(row_a.version, 1);
    assert_eq!(row_a.updated_at, a.updated_at);
    let custody = row_a.custody.as_ref().expect("A is in custody");
    assert_eq!(custody.kind, EpisodeKind::Remand);
    assert_eq!(custody.started_on, date(2026, 1, 10));
    assert_eq!(custody.establishment_id, Some(est1.id));
    assert_eq!(custody.establishment_name.as_deref(), Some("Wetherby"));
    let row_b = by_name.items.iter().find(|r| r.id == bk.id).unwrap();
    assert_eq!(row_b.custody, None);

    // Pages.
    let page = |n, per| CaseloadQuery { page: n, per_page: per, ..CaseloadQuery::default() };
    let p1 = s.caseload(&scope, &page(1, 2)).await?;
    assert_eq!((ids(&p1), p1.total, p1.page, p1.per_page), (vec![a.id, bk.id], 5, 1, 2));
    assert_eq!(p1.pages(), 3);
    let p2 = s.caseload(&scope, &page(2, 2)).await?;
    assert_eq!(ids(&p2), [c.id, d.id]);
    let p3 = s.caseload(&scope, &page(3, 2)).await?;
    assert_eq!((ids(&p3), p3.total), (vec![e.id], 5));
    let p4 = s.caseload(&scope, &page(4, 2)).await?;
    assert_eq!((p4.items.len(), p4.total), (0, 5), "past the end: empty, same total");

    // The organisation filter: only children with the college on the team now.
    let filtered =
        s.caseload(&scope, &CaseloadQuery { organisation_id: Some(ete.id), ..CaseloadQuery::default() }).await?;
    assert_eq!((ids(&filtered), filtered.total), (vec![a.id, c.id], 2));
    // The filter narrows the scope; it never widens it.
    let other_scope = anyone_in(&[yjs_b.id]);
    let none =
        s.caseload(&other_scope, &CaseloadQuery { organisation_id: Some(ete.id), ..CaseloadQuery::default() }).await?;
    assert_eq!(none.total, 0);
    // Both scopes at once see both services' children.
    assert_eq!(s.caseload(&anyone_in(&[yjs.id, yjs_b.id]), &CaseloadQuery::default()).await?.total, 6);
    Ok(())
}

async fn organisation_filter_counts_only_current_members(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let ete = add_org(s, "ETE-A", "College A", OrgKind::Education).await;
    let now = add_child(s, yjs.id, "Now", "Current", date(2011, 1, 1)).await;
    let later = add_child(s, yjs.id, "Later", "Future", date(2011, 1, 1)).await;
    for (ch, start) in [(&now, date(2026, 2, 1)), (&later, TODAY.tomorrow()?)] {
        let m = member(ch.id, ete.id, None, start, None);
        s.insert_team_member(&m, &entry(ch.id, at("2026-02-01T00:00:00Z"), "team.member_added"), &[]).await?;
    }
    // Filtering by the college lists the children the college is on the team of today, the
    // same rule (TeamMember::is_current) that decides access.
    let page = s
        .caseload(&anyone_in(&[yjs.id]), &CaseloadQuery { organisation_id: Some(ete.id), ..CaseloadQuery::default() })
        .await?;
    let ids: Vec<ChildId> = page.items.iter().map(|r| r.id).collect();
    assert_eq!((ids, page.total), (vec![now.id], 1), "a member who starts tomorrow is not on the team today");
    Ok(())
}

async fn the_team_view_carries_names_and_contacts(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "Aire YJS", OrgKind::Yjs).await;
    let ete = add_org(s, "ETE-A", "Calder College", OrgKind::Education).await;
    let hlt = add_org(s, "HLT-A", "Beck Health", OrgKind::Health).await;
    let tutor = add_user(s, "tutor@example.org", "Tia Tutor", &[(ete.id, Role::EteCoordinator)]).await;

    let c = child(yjs.id, "Dee", "Hall", date(2011, 2, 2), at("2026-01-05T10:00:00Z"));
    let owner = member(c.id, yjs.id, None, date(2026, 1, 1), None);
    let mut named = member(c.id, ete.id, Some(tutor.user.id), date(2026, 2, 1), None);
    named.role = Role::EteCoordinator;
    named.responsibility = "Finds a college place".into();
    let ended = member(c.id, hlt.id, None, date(2025, 12, 1), Some(date(2026, 3, 1)));
    s.insert_child(
        &c,
        &[],
        &[ended.clone(), named.clone(), owner.clone()],
        &entry(c.id, c.created_at, "child.created"),
        &[],
    )
    .await?;

    let team = s.team(c.id).await?;
    let members: Vec<TeamMemberId> = team.iter().map(|t| t.member.id).collect();
    assert_eq!(members, [owner.id, named.id, ended.id], "current first, by start; ended last");

    let owner_view = &team[0];
    assert_eq!(owner_view.member, owner);
    assert_eq!(owner_view.organisation_name, "Aire YJS");
    assert_eq!(owner_view.organisation_kind, OrgKind::Yjs);
    assert_eq!((&owner_view.user_name, &owner_view.user_email, &owner_view.user_phone), (&None, &None, &None));
    let named_view = &team[1];
    assert_eq!(named_view.member, named);
    assert_eq!(named_view.organisation_name, "Calder College");
    assert_eq!(named_view.organisation_kind, OrgKind::Education);
    assert_eq!(named_view.user_name.as_deref(), Some("Tia Tutor"));
    assert_eq!(named_view.user_email.as_deref(), Some("tutor@example.org"));
    assert_eq!(named_view.user_phone.as_deref(), Some("0113 496 0001"));
    assert_eq!(team[2].member.ended_on, Some(date(2026, 3, 1)));
    assert!(s.team(ChildId::random()).await?.is_empty());
    Ok(())
}

async fn carers_round_trip_in_name_order(b: Backend) -> anyhow::Result<()> {
    let (_db, s) = db(b).await;
    let s = s.as_ref();
    let yjs = add_org(s, "YJS-A", "YJS A", OrgKind::Yjs).await;
    let c = child(yjs.id, "Eli", "Moss", date(2011, 2, 2), at("2026-01-05T10:00:00Z"));
    let zara = carer(c.id, "Zara Moss");
    s.insert_child(
        &c,
        std::slice::from_ref(&zara),
        &[member(c.id, yjs.id, None, date(2026, 1, 1), None)],
        &entry(c.id, c.created_at, "child.created"),
        &[],
    )
    .await?;
    let mut alan = carer(c.id, "Alan Moss");
    alan.phone = None;
    alan.email = None;
    alan.address = None;
    alan.parental_responsibility = false;
    s.insert_carer(&alan, &entry(c.id, at("2026-01-06T10:00:00Z"), "carer.added"), &[]).await?;

    assert_eq!(s.carers(c.id).await?, vec![alan, zara]);
    let timeline = s.timeline(c.id, 10).await?;
    assert_eq!(timeline[0].kind, "carer.added");
    assert!(s.carers(ChildId::random()).await?.is_empty());
    Ok(())
}
