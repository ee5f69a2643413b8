//! Tests of `outcomes`.

#![allow(clippy::unwrap_used)]

use jiff::civil::date;

use super::*;
use crate::community::{Appointment, EnforcementKind, OffenceCategory, OffenceOutcome};
use crate::ids::{AppointmentId, EnforcementId, OffenceId};

fn child(released_on: Date) -> CohortChild {
    CohortChild {
        child_id: ChildId::random(),
        name: "Test Child".into(),
        yjs_id: OrgId::random(),
        establishment_id: None,
        born_on: date(2009, 6, 1),
        sex: None,
        ethnicity: None,
        looked_after: false,
        episode_kind: EpisodeKind::Sentence,
        release_kind: Some(ReleaseKind::DtoMidTerm),
        custody_started_on: days(released_on, -120),
        released_on,
        sentence: Some(SentenceTerms {
            is_dto: true,
            term_months: Some(8),
            mtd: released_on,
            sled: days(released_on, 120),
        }),
        initial_planning: None,
        accommodation_confirmed_on: None,
        ete_arranged: false,
        ete_starts_on: None,
        gp_registered_on: None,
        plan_shared_on: None,
        handovers: vec![],
        appointments: vec![],
        enforcement: vec![],
        offences: vec![],
        living: vec![],
        ete: vec![],
        sdq: vec![],
        needs: vec![],
    }
}

fn params() -> Params {
    Params {
        today: date(2027, 12, 1),
        follow_up_months: 12,
        sdq_reliable_change: 8,
        compliance: ComplianceRules::default(),
    }
}

fn measure<'a>(ms: &'a [Measure], key: &str) -> &'a Measure {
    ms.iter().find(|m| m.key == key).unwrap()
}

fn offence(arrested: Date, outcome: OffenceOutcome, outcome_on: Option<Date>) -> Offence {
    Offence {
        id: OffenceId::random(),
        child_id: ChildId::random(),
        arrested_on: Some(arrested),
        offence_on: None,
        category: OffenceCategory::Theft,
        outcome,
        outcome_on,
        version: 1,
        recorded_by_name: "Casey".into(),
        created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        updated_at: "2026-01-01T00:00:00Z".parse().unwrap(),
        episode_id: None,
    }
}

#[test]
fn arrests_and_proven_reoffending_count_within_their_windows() {
    let r = date(2026, 3, 2);
    let mut a = child(r);
    a.offences.push(offence(date(2026, 3, 20), OffenceOutcome::Convicted, Some(date(2026, 6, 1))));
    a.offences.push(offence(date(2026, 8, 1), OffenceOutcome::YouthCaution, Some(date(2026, 8, 2))));
    let mut b = child(r);
    b.offences.push(offence(date(2027, 2, 1), OffenceOutcome::NoFurtherAction, None));
    let mut remand = child(r);
    remand.release_kind = Some(ReleaseKind::RemandBail);
    remand.offences.push(offence(date(2026, 4, 1), OffenceOutcome::Convicted, Some(date(2026, 5, 1))));
    let ms = measures(&[a, b, remand], &params());
    let m = measure(&ms, "arrested_within_follow_up");
    assert_eq!((m.numerator, m.denominator, m.complete), (Some(3), Some(3), true));
    let m = measure(&ms, "arrested_within_4_weeks");
    assert_eq!((m.numerator, m.denominator), (Some(1), Some(3)));
    let m = measure(&ms, "proven_reoffending");
    assert_eq!((m.numerator, m.denominator), (Some(1), Some(2)));
    assert_eq!(m.extra("proven_offences"), Some(2.0));
    assert_eq!(m.extra("frequency"), Some(2.0));
    // The window has not closed a year later minus a day.
    let early = Params { today: date(2027, 3, 1), ..params() };
    assert!(!measure(&measures(&[child(r)], &early), "arrested_within_follow_up").complete);
}

#[test]
fn full_compliance_is_over_the_supervision_period_only() {
    let r = date(2026, 3, 2);
    let mut warned = child(r);
    warned.enforcement.push(Enforcement {
        id: EnforcementId::random(),
        child_id: warned.child_id,
        kind: EnforcementKind::Warning,
        on: date(2026, 4, 1),
        reason: "Missed".into(),
        court_on: None,
        outcome: None,
        recorded_by_name: "Casey".into(),
        created_at: "2026-04-01T00:00:00Z".parse().unwrap(),
    });
    let mut absent_after = child(r);
    absent_after.appointments.push(Appointment {
        id: AppointmentId::random(),
        child_id: absent_after.child_id,
        kind: AppointmentKind::YjsSupervision,
        starts_at: "2026-12-01T10:00:00Z".parse().unwrap(),
        location: None,
        with_whom: None,
        outcome: Some(AppointmentOutcome::UnacceptableAbsence),
        outcome_reason: None,
        rescheduled_to: None,
        version: 1,
        recorded_by_name: "Casey".into(),
        created_at: "2026-12-01T10:00:00Z".parse().unwrap(),
        updated_at: "2026-12-01T10:00:00Z".parse().unwrap(),
    });
    let mut remand = child(r);
    remand.release_kind = Some(ReleaseKind::RemandBail);
    let ms = measures(&[warned, absent_after, child(r), remand], &params());
    let m = measure(&ms, "fully_complied");
    assert_eq!((m.numerator, m.denominator), (Some(2), Some(3)));
}

#[test]
fn mental_health_compares_the_same_rater_and_counts_the_unmeasured() {
    let r = date(2026, 1, 10);
    let score = |rater, score, on| SdqScore { rater, score, measured_on: on };
    let mut improved = child(r);
    improved.sdq = vec![score(Rater::Parent, 22, date(2026, 1, 1)), score(Rater::Parent, 12, date(2027, 1, 5))];
    let mut small_change = child(r);
    small_change.sdq =
        vec![score(Rater::SelfReport, 21, date(2026, 1, 1)), score(Rater::SelfReport, 15, date(2027, 1, 5))];
    // Only another rater later: not measured.
    let mut other_rater = child(r);
    other_rater.sdq = vec![score(Rater::Parent, 20, date(2026, 1, 1)), score(Rater::SelfReport, 5, date(2027, 1, 5))];
    // Too early: not measured.
    let mut too_early = child(r);
    too_early.sdq = vec![score(Rater::Parent, 20, date(2026, 1, 1)), score(Rater::Parent, 5, date(2026, 5, 1))];
    // A need on the plan without any score.
    let mut need = child(r);
    need.needs.push(NeedFact {
        pathway: Pathway::Health,
        need: "health_mental_health".into(),
        status: NeedStatus::InProgress,
        created_on: date(2025, 11, 1),
        updated_on: date(2025, 11, 1),
    });
    // Below the band: no need.
    let mut low = child(r);
    low.sdq = vec![score(Rater::Parent, 10, date(2026, 1, 1))];
    let ms = measures(&[improved, small_change, other_rater, too_early, need, low], &params());
    let m = measure(&ms, "mental_health_not_improved");
    assert_eq!((m.numerator, m.denominator), (Some(4), Some(5)));
    assert_eq!(m.extra("not_measured"), Some(3.0));
    assert!(m.health);
}

#[test]
fn release_day_measures_count_days_before_release() {
    let r = date(2026, 5, 20);
    let mut ready = child(r);
    ready.accommodation_confirmed_on = Some(days(r, -20));
    ready.gp_registered_on = Some(days(r, -1));
    ready.plan_shared_on = Some(days(r, -14));
    ready.ete_arranged = true;
    ready.ete_starts_on = Some(days(r, 3));
    ready.initial_planning = Some(PlanningMeeting { due_by: Some(days(r, -100)), held_on: Some(days(r, -101)) });
    let mut late = child(r);
    late.accommodation_confirmed_on = Some(days(r, -4));
    late.plan_shared_on = Some(days(r, -13));
    late.initial_planning = Some(PlanningMeeting { due_by: Some(days(r, -100)), held_on: None });
    let ms = measures(&[ready, late, child(r)], &params());
    let n = |k| (measure(&ms, k).numerator, measure(&ms, k).denominator);
    assert_eq!(n("accommodation_confirmed_under_5_days"), (Some(2), Some(3)));
    assert_eq!(n("gp_registered_before_release"), (Some(1), Some(3)));
    assert_eq!(n("plan_shared_14_days_before_release"), (Some(1), Some(3)));
    assert_eq!(n("ete_in_place_on_release"), (Some(1), Some(3)));
    assert_eq!(n("initial_planning_late"), (Some(1), Some(2)));
}

#[test]
fn small_cells_are_withheld_with_their_remainders() {
    let mut m = Measure::new("fully_complied", "x", "y");
    m.numerator = Some(3);
    m.denominator = Some(20);
    m.children = vec![ChildId::random()];
    suppress(&mut m, 5);
    assert_eq!((m.numerator, m.denominator, m.suppressed), (None, Some(20), true));
    assert!(m.children.is_empty());
    let mut m = Measure::new("fully_complied", "x", "y");
    m.numerator = Some(18);
    m.denominator = Some(20);
    suppress(&mut m, 5);
    assert_eq!((m.numerator, m.suppressed), (None, true));
    let mut m = Measure::new("fully_complied", "x", "y");
    m.numerator = Some(8);
    m.denominator = Some(20);
    m.extra.push(("not_measured", Some(2.0)));
    suppress(&mut m, 5);
    assert_eq!((m.numerator, m.suppressed, m.extra("not_measured")), (Some(8), false, None));
}

#[test]
fn quarters_split_the_cohort_by_release() {
    assert_eq!(quarter_of(date(2026, 3, 31)), "2026 Q1");
    assert_eq!(quarter_of(date(2026, 4, 1)), "2026 Q2");
    let t = trends(&[child(date(2026, 1, 5)), child(date(2026, 5, 5)), child(date(2026, 2, 5))], &params());
    assert_eq!(t.iter().map(|(q, n, _)| (q.as_str(), *n)).collect::<Vec<_>>(), [("2026 Q1", 2), ("2026 Q2", 1)]);
}
