//! One rule of access, three forms: the domain's [`ChildScope::permits`] (with
//! [`ChildScope::permits_by_grant`] for break-glass), and the store's SQL scope for lists
//! (`push_scope`, through the caseload) and for one child (`push_scope_one`, through `child`).
//! For seeded random teams (members named or by organisation, joining and leaving around the
//! day of the scope), random break-glass grants (expired or not, to the minute) and random
//! scopes, the three agree on every child.

use std::collections::BTreeSet;

use anyhow::Context as _;
use std::sync::Arc;

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp, ToSpan};
use resettle_app::storage::{BreakGlassGrant, CaseloadQuery, Storage, UserRecord};
use resettle_domain::child::{Child, ChildDetails, LegalStatus};
use resettle_domain::ids::{ChildId, GrantId, OrgId, TeamMemberId, TimelineEntryId, UserId};
use resettle_domain::org::{Email, OrgCode, OrgKind, Organisation, Role, User};
use resettle_domain::policy::{ChildScope, EmergencyAccess, GrantWindow};
use resettle_domain::team::TeamMember;
use resettle_domain::timeline::TimelineEntry;
use resettle_testkit::{Backend, fresh_db};

use crate::support::on_every_backend;

on_every_backend!(the_domain_rule_and_the_sql_scope_agree_on_every_child);

/// The day around which teams start and end.
const TODAY: Date = date(2026, 6, 1);
/// How many children, users, organisations and scopes.
const CHILDREN: usize = 30;
const USERS: usize = 4;
const ORGANISATIONS: usize = 4;
const SCOPES: usize = 40;

/// A small, seeded generator (SplitMix64): the same cases on every run and backend.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap();
        lo + i64::try_from(self.next() % span).unwrap()
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::try_from(self.next() % items.len() as u64).unwrap()]
    }
}

fn day(offset: i64) -> Date {
    TODAY.checked_add(offset.days()).unwrap()
}

fn minute(now: Timestamp, offset: i64) -> Timestamp {
    now.checked_add(SignedDuration::from_mins(offset)).unwrap()
}

fn child(yjs: OrgId, n: usize) -> Child {
    let at: Timestamp = "2026-01-05T10:00:00Z".parse().unwrap();
    Child {
        id: ChildId::random(),
        yjs_id: yjs,
        details: ChildDetails {
            given_name: format!("Child{n}"),
            family_name: "Scope".into(),
            preferred_name: None,
            date_of_birth: date(2010, 1, 1),
            nhs_number: None,
            pnc_id: None,
            gender: None,
            ethnicity: None,
            first_language: None,
            preferred_language: Default::default(),
            legal_status: LegalStatus::NotLookedAfter,
        },
        version: 1,
        created_at: at,
        updated_at: at,
    }
}

fn user(n: usize) -> UserRecord {
    UserRecord {
        user: User {
            id: UserId::random(),
            email: Email::parse(&format!("scope{n}@example.org")).unwrap(),
            name: format!("User {n}"),
            phone: None,
            active: true,
        },
        password_hash: None,
        memberships: Vec::new(),
    }
}

fn created(child: ChildId, at: Timestamp) -> TimelineEntry {
    TimelineEntry {
        id: TimelineEntryId::random(),
        child_id: child,
        at,
        actor_id: None,
        actor_name: "System".into(),
        kind: "child.created".into(),
        summary: "Record created".into(),
        reason: None,
    }
}

/// A random team: up to four members, each named (a user) or not, from a random
/// organisation, starting and ending within a few days of [`TODAY`] (or not ending).
fn random_team(rng: &mut Rng, child: ChildId, orgs: &[OrgId], users: &[UserId]) -> Vec<TeamMember> {
    (0..rng.between(0, 4))
        .map(|_| TeamMember {
            id: TeamMemberId::random(),
            child_id: child,
            organisation_id: rng.pick(orgs),
            user_id: rng.chance(50).then(|| rng.pick(users)),
            role: Role::YjsCaseManager,
            responsibility: "Works with the child".into(),
            started_on: day(rng.between(-3, 2)),
            ended_on: rng.chance(50).then(|| day(rng.between(-2, 3))),
        })
        .collect()
}

/// A random scope: a named user (one on teams, or a stranger) or none, some organisations, a
/// day near [`TODAY`], and sometimes a user's break-glass grants valid at an instant near `now`.
fn random_scope(rng: &mut Rng, orgs: &[OrgId], users: &[UserId], now: Timestamp) -> ChildScope {
    let user_id = match rng.between(0, 4) {
        0 => None,
        1 => Some(UserId::random()),
        _ => Some(rng.pick(users)),
    };
    let organisation_ids = orgs.iter().copied().filter(|_| rng.chance(30)).collect();
    let emergency =
        rng.chance(40).then(|| EmergencyAccess { user_id: rng.pick(users), now: minute(now, rng.between(-1, 1)) });
    ChildScope { user_id, organisation_ids, today: day(rng.between(-1, 1)), emergency }
}

async fn the_domain_rule_and_the_sql_scope_agree_on_every_child(b: Backend) -> anyhow::Result<()> {
    let db = fresh_db(b).await?;
    let s: Arc<dyn Storage> = db.store.clone();
    let mut rng = Rng(0x5C0F_E012);
    let now: Timestamp = "2026-06-01T12:00:00Z".parse()?;

    let mut orgs = Vec::new();
    for n in 0..ORGANISATIONS {
        let o = Organisation {
            id: OrgId::random(),
            code: OrgCode::parse(&format!("YJS-SCOPE{n}")).map_err(anyhow::Error::msg)?,
            name: format!("Service {n}"),
            kind: OrgKind::Yjs,
        };
        s.insert_organisation(&o, &[]).await?;
        orgs.push(o.id);
    }
    let mut users = Vec::new();
    for n in 0..USERS {
        let u = user(n);
        s.insert_user(&u, &[]).await?;
        users.push(u.user.id);
    }

    let mut teams = Vec::new();
    for n in 0..CHILDREN {
        let c = child(rng.pick(&orgs), n);
        let team = random_team(&mut rng, c.id, &orgs, &users);
        s.insert_child(&c, &[], &team, &created(c.id, c.created_at), &[]).await.context("insert_child")?;
        teams.push((c.id, team));
    }

    // Grants that expire within a few minutes either side of `now`: some still valid, some
    // not, some expiring exactly at the instant a scope is judged.
    let mut grants = Vec::new();
    for _ in 0..CHILDREN / 2 {
        let g = BreakGlassGrant {
            id: GrantId::random(),
            user_id: rng.pick(&users),
            child_id: teams[usize::try_from(rng.between(0, CHILDREN as i64 - 1))?].0,
            reason: "Emergency".into(),
            granted_at: minute(now, -60),
            expires_at: minute(now, rng.between(-2, 2)),
        };
        s.insert_break_glass(&g, &created(g.child_id, g.granted_at), &[]).await.context("insert_break_glass")?;
        grants.push(GrantWindow { user_id: g.user_id, child_id: g.child_id, expires_at: g.expires_at });
    }

    // How often each way in was the only one, so that every branch of the rule is exercised.
    let (mut by_team, mut by_grant_only, mut refused) = (0, 0, 0);
    for case in 0..SCOPES {
        let scope = random_scope(&mut rng, &orgs, &users, now);
        let expected: BTreeSet<ChildId> = teams
            .iter()
            .filter(|(id, team)| scope.permits(team) || scope.permits_by_grant(*id, &grants))
            .map(|(id, _)| *id)
            .collect();
        for (id, team) in &teams {
            match (scope.permits(team), scope.permits_by_grant(*id, &grants)) {
                (true, _) => by_team += 1,
                (false, true) => by_grant_only += 1,
                (false, false) => refused += 1,
            }
        }

        let query = CaseloadQuery { per_page: 200, ..CaseloadQuery::default() };
        let page = s.caseload(&scope, &query).await.with_context(|| format!("caseload for {scope:?}"))?;
        let listed: BTreeSet<ChildId> = page.items.iter().map(|r| r.id).collect();
        assert_eq!(listed, expected, "case {case}: the list's scope (push_scope) differs from the rule for {scope:?}");
        assert_eq!(page.total, expected.len() as u64, "case {case}: the caseload's count");

        for (id, _) in &teams {
            let found = s.child(*id, &scope).await.with_context(|| format!("child for {scope:?}"))?.is_some();
            assert_eq!(
                found,
                expected.contains(id),
                "case {case}: one child's scope (push_scope_one) differs from the rule for {id:?} in {scope:?}"
            );
        }
    }
    assert!(
        by_team > 50 && by_grant_only > 5 && refused > 50,
        "the cases exercise every way in and out (team {by_team}, grant only {by_grant_only}, refused {refused})"
    );
    Ok(())
}
