//! The generator's own checks: the population is deterministic, valid and plausible.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::custody::dto;
use jiff::civil::date;

fn all(seed: u64, n: usize) -> (SyntheticBatch, Vec<SyntheticBatch>) {
    let g = Generator::new(seed, n, date(2026, 11, 22), "hash").unwrap();
    let base = g.base().clone();
    (base, g.collect())
}

#[test]
fn the_same_seed_gives_the_same_population() {
    let (a_base, a) = all(7, 120);
    let (b_base, b) = all(7, 120);
    assert_eq!(a_base.organisations, b_base.organisations);
    assert_eq!(a[0].children, b[0].children);
    assert_eq!(a[0].team, b[0].team);
    assert_eq!(a[0].plans, b[0].plans);
    assert_eq!(a[0].meetings, b[0].meetings);
    assert_eq!(a[0].needs, b[0].needs);
    assert_eq!(a[0].need_updates, b[0].need_updates);
    assert_eq!(a[0].actions, b[0].actions);
    assert!(!a[0].meetings.is_empty() && !a[0].actions.is_empty());
    let (_, c) = all(8, 120);
    assert_ne!(a[0].children, c[0].children);
}

#[test]
fn children_in_custody_have_key_dates_that_fit_their_stage() {
    let today = date(2026, 11, 22);
    let (_, batches) = all(11, 1_500);
    for b in &batches {
        for s in &b.sentences {
            let ep = b.episodes.iter().find(|e| e.id == s.episode_id).unwrap();
            let rev = b.revisions.iter().find(|r| r.sentence_id == s.id).unwrap();
            assert!(s.sentence_date <= today);
            match ep.ended_on {
                None => assert!(rev.dates.mtd >= today, "still in custody, so release is ahead"),
                Some(end) => {
                    assert_eq!(end, rev.dates.mtd, "released on the release date");
                    assert!(end < today);
                }
            }
            if s.kind == SentenceKind::Dto {
                let expect = dto(s.sentence_date, s.term_months.unwrap(), s.remand_days).unwrap();
                assert_eq!(rev.dates, expect, "calculated by the rules");
            }
        }
        let open_with_deadlines = b.deadlines.iter().map(|d| d.episode_id).collect::<std::collections::HashSet<_>>();
        for e in b.episodes.iter().filter(|e| e.ended_on.is_none()) {
            assert!(open_with_deadlines.contains(&e.id), "every open episode has planning deadlines");
        }
    }
    assert!(batches.iter().any(|b| !b.remands.is_empty()));
}

#[test]
fn synthetic_release_arrangements_give_every_readiness_status() {
    use resettle_domain::readiness::{
        CustodyDates, HealthHandoverState, ReadinessFacts, ReadinessRules, ReleaseArrangements, assess,
    };
    let today = date(2026, 11, 22);
    let (_, batches) = all(3, 2_000);
    let calendar = Calendar::england_and_wales();
    let mut seen = std::collections::HashSet::new();
    let mut recorded = 0;
    for b in &batches {
        for s in &b.release_arrangements {
            let ep = b.episodes.iter().find(|e| e.id == s.episode_id).unwrap();
            if ep.ended_on.is_some() {
                // A released child's arrangements are history (the outcomes report reads them).
                continue;
            }
            assert_eq!(ep.child_id, s.child_id);
            assert!(s.arrangements.version > 0);
            for d in [s.arrangements.accommodation_confirmed_on, s.arrangements.gp_registered_on].into_iter().flatten()
            {
                assert!(d <= today && d >= ep.started_on, "confirmed during custody, not in the future");
            }
            recorded += 1;
        }
        for ep in b.episodes.iter().filter(|e| e.ended_on.is_none()) {
            let Some(s) = b.sentences.iter().find(|s| s.episode_id == ep.id) else { continue };
            let rev = b.revisions.iter().filter(|r| r.sentence_id == s.id).max_by_key(|r| r.revision).unwrap();
            let arrangements = b
                .release_arrangements
                .iter()
                .find(|a| a.episode_id == ep.id)
                .map_or_else(ReleaseArrangements::default, |a| a.arrangements.clone());
            let plan = b.plans.iter().find(|p| p.child_id == ep.child_id);
            let facts = ReadinessFacts {
                custody: CustodyDates::Sentenced { release: rev.dates.mtd },
                arrangements,
                health_handover: HealthHandoverState::NotSent,
                plan_shared_on: plan.and_then(|p| p.shared_on),
            };
            if let Some(status) = assess(&calendar, &ReadinessRules::default(), &facts, today).status() {
                seen.insert(status);
            }
        }
    }
    assert!(recorded > 100, "only {recorded} children with arrangements");
    assert_eq!(seen.len(), 3, "the demo caseload shows green, amber and red: {seen:?}");
}

#[test]
fn released_children_have_a_year_after_release_at_plausible_rates() {
    use resettle_domain::community::{AppointmentOutcome, ComplianceRules, compliance};
    use std::collections::HashSet;
    let today = date(2026, 11, 22);
    let batches: Vec<SyntheticBatch> = Generator::new(9, 4_000, today, "hash").unwrap().collect();
    let mut released = 0u32;
    let (mut complied, mut supervised, mut arrested) = (0u32, 0u32, 0u32);
    for b in &batches {
        for ep in b.episodes.iter().filter(|e| e.ended_on.is_some()) {
            let end = ep.ended_on.unwrap();
            let Some(year) = end.checked_add(jiff::ToSpan::months(12)).ok().filter(|y| *y < today) else {
                continue;
            };
            released += 1;
            let child = ep.child_id;
            let apps: Vec<_> = b.appointments.iter().filter(|a| a.child_id == child).cloned().collect();
            let steps: Vec<_> = b.enforcement.iter().filter(|e| e.child_id == child).cloned().collect();
            for a in &apps {
                assert!(a.starts_at.to_zoned(jiff::tz::TimeZone::UTC).date() > end, "after release");
                assert!(a.outcome != Some(AppointmentOutcome::Rescheduled));
            }
            if !apps.is_empty() {
                supervised += 1;
                if compliance(&apps, &steps, end, today, ComplianceRules::default()).fully_complied {
                    complied += 1;
                }
            }
            let days: HashSet<_> = b
                .offences
                .iter()
                .filter(|o| o.child_id == child)
                .filter_map(|o| o.arrested_on)
                .filter(|d| *d >= end && *d <= year)
                .collect();
            if !days.is_empty() {
                arrested += 1;
            }
            assert!(b.living_arrangements.iter().any(|l| l.child_id == child), "a home from release");
        }
        assert!(b.offences.iter().all(|o| o.arrested_on.is_some_and(|d| d < today)));
        assert!(b.measures.iter().all(|m| m.measured_on <= today));
    }
    assert!(released > 200, "only {released} children a year past release");
    let rate = |n: u32, d: u32| f64::from(n) / f64::from(d.max(1));
    let (c, a) = (rate(complied, supervised), rate(arrested, released));
    assert!((0.15..0.40).contains(&c), "fully complied {c:.2} (about a quarter)");
    assert!((0.35..0.65).contains(&a), "arrested within a year {a:.2} (about half)");
}

#[test]
fn synthetic_plans_follow_custody_the_rules_and_the_team() {
    use resettle_domain::action_item::ActionStatus;
    use resettle_domain::meeting::{MeetingKind, MeetingStatus};
    use resettle_domain::plan::NeedStatus;
    use resettle_domain::timescales::DeadlineKind;
    use std::collections::{HashMap, HashSet};

    let today = date(2026, 11, 22);
    let g = Generator::new(5, 3_000, today, "hash").unwrap();
    let base = g.base().clone();
    let batches: Vec<SyntheticBatch> = g.collect();
    let calendar = Calendar::england_and_wales();
    let timescales = Timescales::default();
    let demo = base.users.iter().find(|u| u.user.email.as_str() == "case.manager@demo.resettle.test").unwrap();
    let mut demo_open = 0;
    let mut demo_overdue = 0;
    let mut statuses: HashSet<&str> = HashSet::new();
    for b in &batches {
        let plans: HashMap<ChildId, &resettle_domain::plan::Plan> = b.plans.iter().map(|p| (p.child_id, p)).collect();
        assert_eq!(plans.len(), b.plans.len(), "one plan per child");
        let in_custody: HashSet<ChildId> = b.episodes.iter().map(|e| e.child_id).collect();
        assert_eq!(plans.keys().copied().collect::<HashSet<_>>(), in_custody, "a plan for every child in custody");
        for e in &b.episodes {
            assert_eq!(plans[&e.child_id].opened_on, e.started_on, "opened when custody began");
            let meetings: Vec<_> = b.meetings.iter().filter(|m| m.child_id == e.child_id).collect();
            assert!(!meetings.is_empty());
            let sentence = b.sentences.iter().find(|s| s.episode_id == e.id);
            let remand = b.remands.iter().find(|r| r.episode_id == e.id);
            // What the rules say: the remand's planning meeting, then the sentence's
            // deadlines, release day and the post-release review.
            let mut expected: Vec<(MeetingKind, jiff::civil::Date)> = Vec::new();
            if let Some(r) = remand {
                let d = custody_deadlines(&calendar, &timescales, r.started_on, None, None).unwrap();
                let due = d.iter().find(|d| d.kind == DeadlineKind::InitialPlanningMeeting).unwrap().due_by;
                expected.push((MeetingKind::RemandPlanning, due));
            }
            if let Some(s) = sentence {
                let mtd = b.revisions.iter().find(|r| r.sentence_id == s.id).unwrap().dates.mtd;
                let stored: Vec<_> = b.deadlines.iter().filter(|d| d.episode_id == e.id).collect();
                let list: Vec<(DeadlineKind, jiff::civil::Date)> = if e.ended_on.is_none() {
                    stored.iter().map(|d| (d.kind, d.due_by)).collect()
                } else {
                    assert!(stored.is_empty(), "a released child's deadlines are history");
                    custody_deadlines(&calendar, &timescales, s.sentence_date, Some(mtd), s.term_months)
                        .unwrap()
                        .iter()
                        .map(|d| (d.kind, d.due_by))
                        .collect()
                };
                for (kind, due) in list {
                    let kind = match kind {
                        DeadlineKind::InitialPlanningMeeting => MeetingKind::InitialPlanning,
                        DeadlineKind::ReviewMeeting => MeetingKind::Review,
                        DeadlineKind::PreReleaseMeeting => MeetingKind::PreRelease,
                        DeadlineKind::PreReleasePlan => continue,
                    };
                    expected.push((kind, due));
                }
                expected.push((MeetingKind::ReleaseDay, mtd));
                expected.push((MeetingKind::PostReleaseReview, calendar.add_working_days(mtd, 10).unwrap()));
            }
            let mut got: Vec<_> = meetings.iter().map(|m| (m.kind, m.due_by.unwrap())).collect();
            got.sort();
            expected.sort();
            assert_eq!(got, expected, "meetings on the deadlines");
            for m in &meetings {
                assert_eq!(m.episode_id, Some(e.id));
                statuses.insert(m.status.as_str());
                let actions = b.actions.iter().filter(|a| a.meeting_id == Some(m.id)).count();
                match m.status {
                    MeetingStatus::Complete => assert!(m.missing(actions).is_empty(), "complete means recorded"),
                    MeetingStatus::Held => assert!(!m.missing(actions).is_empty()),
                    MeetingStatus::Scheduled => assert!(m.scheduled_for.is_some() && m.held_on.is_none()),
                    MeetingStatus::NotScheduled => assert!(m.scheduled_for.is_none() && m.held_on.is_none()),
                    MeetingStatus::Cancelled => assert!(m.decisions.is_some()),
                }
                if let Some(h) = m.held_on {
                    assert!(h <= today && h >= e.started_on, "held between custody and today");
                }
                if m.held_on.is_none() && m.status != MeetingStatus::Cancelled {
                    assert_eq!(m.is_late(today), m.due_by.unwrap() < today);
                }
            }
        }
        let team = |child: ChildId, org: OrgId| b.team.iter().any(|t| t.child_id == child && t.organisation_id == org);
        for n in &b.needs {
            assert!(plans.contains_key(&n.child_id));
            assert!(team(n.child_id, n.owner_organisation_id), "need owners are on the team");
            let log: Vec<_> = b.need_updates.iter().filter(|u| u.need_id == n.id).collect();
            assert_eq!(log.iter().map(|u| u.version).collect::<Vec<_>>(), (1..=n.version).collect::<Vec<_>>());
            if matches!(n.status, NeedStatus::Declined | NeedStatus::NotRequired) {
                assert!(log.last().unwrap().note.is_some(), "a reason for declining");
            }
            assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
            assert!(n.due_by.unwrap() >= plans[&n.child_id].opened_on);
            statuses.insert(n.status.as_str());
        }
        for a in &b.actions {
            assert!(team(a.child_id, a.owner_organisation_id), "action owners are on the team");
            if let Some(u) = a.owner_user_id {
                let user = base.users.iter().find(|x| x.user.id == u).unwrap();
                assert!(user.memberships.iter().any(|m| m.organisation_id == a.owner_organisation_id));
            }
            if let Some(m) = a.meeting_id {
                assert!(b.meetings.iter().any(|x| x.id == m && x.child_id == a.child_id));
            }
            if let Some(n) = a.need_id {
                assert!(b.needs.iter().any(|x| x.id == n && x.child_id == a.child_id));
            }
            if a.owner_user_id == Some(demo.user.id) && a.status == ActionStatus::Open {
                demo_open += 1;
                demo_overdue += usize::from(a.is_overdue(today));
            }
        }
    }
    assert!(demo_overdue > 0 && demo_open > demo_overdue, "the demo case manager has actions, some overdue");
    for s in ["complete", "held", "scheduled", "not_scheduled", "identified", "in_progress", "met", "declined"] {
        assert!(statuses.contains(s), "some {s}");
    }
}

#[test]
fn every_role_has_a_demo_sign_in() {
    let g = Generator::new(1, 60, date(2026, 11, 22), "hash").unwrap();
    for role in Role::ALL {
        assert!(g.demo_logins().iter().any(|l| l.role == *role), "{role}");
    }
    assert!(g.demo_logins().iter().any(|l| l.email == "case.manager@demo.resettle.test"));
}

#[test]
fn children_are_valid_and_on_their_services_team() {
    let today = date(2026, 11, 22);
    let (base, batches) = all(3, 2_500);
    assert_eq!(batches.iter().map(|b| b.children.len()).sum::<usize>(), 2_500);
    let codes: std::collections::HashSet<_> = base.organisations.iter().map(|o| o.code.clone()).collect();
    assert_eq!(codes.len(), base.organisations.len(), "organisation codes are unique");
    let emails: std::collections::HashSet<_> = base.users.iter().map(|u| u.user.email.clone()).collect();
    assert_eq!(emails.len(), base.users.len(), "emails are unique");
    for b in &batches {
        for c in &b.children {
            let age = resettle_domain::child::age_on(c.details.date_of_birth, today);
            assert!((10..=18).contains(&age), "age {age}");
            assert!(b.team.iter().any(|t| t.child_id == c.id && t.organisation_id == c.yjs_id));
            if let Some(n) = &c.details.nhs_number {
                assert!(n.as_str().starts_with("999"));
                assert!(NhsNumber::parse(n.as_str()).is_ok());
            }
        }
        for e in &b.episodes {
            if let Some(end) = e.ended_on {
                assert!(end >= e.started_on);
            }
        }
    }
    let girls = batches.iter().flat_map(|b| &b.children).filter(|c| c.details.gender == Some(Gender::Female)).count();
    assert!(girls < 250, "mostly boys, as in custody: {girls} girls");
    let remands = batches
        .iter()
        .flat_map(|b| &b.episodes)
        .filter(|e| e.ended_on.is_none() && e.kind == EpisodeKind::Remand)
        .count();
    let open = batches.iter().flat_map(|b| &b.episodes).filter(|e| e.ended_on.is_none()).count();
    let share = remands as f64 / open as f64;
    assert!((0.3..0.6).contains(&share), "about 40% of those in custody on remand: {share}");
}

#[test]
fn the_population_does_not_contradict_itself() {
    let (_, batches) = all(5, 1_500);
    let (mut in_custody, mut share_actions) = (0, 0);
    for b in &batches {
        // Every child in custody has a YJS health worker on the team to receive the health
        // handover that readiness asks about.
        for ep in b.episodes.iter().filter(|e| e.ended_on.is_none()) {
            in_custody += 1;
            let has = b.team.iter().any(|t| t.child_id == ep.child_id && t.role == Role::YjsHealthWorker);
            assert!(has, "a child in custody without a health worker: {:?}", ep.child_id);
        }
        // No plan "not yet shared" has its "share the plan" action done.
        for a in b.actions.iter().filter(|a| a.description == plan::SHARE_THE_PLAN) {
            share_actions += 1;
            if a.status == resettle_domain::action_item::ActionStatus::Done {
                let plan = b.plans.iter().find(|p| p.child_id == a.child_id).unwrap();
                assert!(plan.shared_on.is_some(), "the plan is shared once its sharing is done");
            }
        }
    }
    assert!(in_custody > 100 && share_actions > 10, "{in_custody} in custody, {share_actions} share actions");
}
