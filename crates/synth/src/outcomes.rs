//! The year after release for synthetic children released from custody: supervision
//! appointments and their outcomes, warnings and breaches, arrests and their outcomes, where the
//! child lives and their education, training or employment, and SDQ scores at release and near
//! the end of the follow-up — at rates shaped on the published figures, so that the demo's
//! cohort outcomes report is worth reading (sources in `docs/outcomes.md`):
//!
//! - about a quarter fully comply with supervision, about half are arrested within a year (a
//!   fifth of those within four weeks), and two-thirds of those with mental-health problems do
//!   not improve (HMI Probation, CQC and Ofsted, joint thematic inspection of resettlement
//!   services to children, 2015);
//! - about seven in ten arrests end in a caution or conviction, giving a proven reoffending rate
//!   of about a third (Ministry of Justice and YJB, Youth Justice Statistics: the binary
//!   reoffending rate of children is about 30–35%; after custody it is higher).
//!
//! Everything is drawn from the generator's seeded randomness and dated no later than today.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use rand::Rng;
use resettle_domain::community::*;
use resettle_domain::health::{Measure, MeasureKind, Rater};
use resettle_domain::ids::*;
use resettle_storage::SyntheticBatch;

use crate::{SynthRng, at, uuid, weighted};

/// What the generator knows about a released child.
pub(crate) struct OutcomesFor<'a> {
    pub child: ChildId,
    pub episode: Option<EpisodeId>,
    pub released_on: Date,
    pub supervision_ends_on: Date,
    pub today: Date,
    pub recorder: &'a str,
}

fn plus(d: Date, days: i64) -> Date {
    d.checked_add(days.days()).unwrap_or(d)
}

fn stamp(rng: &mut SynthRng, d: Date) -> Timestamp {
    at(d, rng)
}

/// `t` moved by `days` whole days.
fn plus_stamp(t: Timestamp, days: i64) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_hours(24 * days)).unwrap_or(t)
}

const LIVING: &[(LivingKind, u32)] = &[
    (LivingKind::FamilyHome, 58),
    (LivingKind::Kinship, 8),
    (LivingKind::Foster, 7),
    (LivingKind::ChildrensHome, 8),
    (LivingKind::SupportedAccommodation, 10),
    (LivingKind::SemiIndependent, 6),
    (LivingKind::NoFixedAbode, 3),
];

const ETE: &[(EteKind, u32)] = &[
    (EteKind::School, 20),
    (EteKind::AlternativeProvision, 20),
    (EteKind::College, 25),
    (EteKind::Training, 15),
    (EteKind::Apprenticeship, 5),
    (EteKind::Employment, 5),
    (EteKind::None, 30),
];

const CATEGORIES: &[(OffenceCategory, u32)] = &[
    (OffenceCategory::ViolenceAgainstThePerson, 28),
    (OffenceCategory::Theft, 15),
    (OffenceCategory::Robbery, 10),
    (OffenceCategory::DrugOffences, 10),
    (OffenceCategory::PossessionOfWeapons, 9),
    (OffenceCategory::CriminalDamageArson, 8),
    (OffenceCategory::Burglary, 7),
    (OffenceCategory::PublicOrder, 6),
    (OffenceCategory::BreachOffences, 4),
    (OffenceCategory::Motoring, 3),
];

/// Writes the year after release of one child into `batch`.
pub(crate) fn after_release(rng: &mut SynthRng, batch: &mut SyntheticBatch, o: &OutcomesFor<'_>) {
    let child = o.child;
    let name = o.recorder.to_string();
    let supervised_until = o.supervision_ends_on.min(plus(o.today, -1));

    // What was arranged before release (HMIP 2015: accommodation often confirmed only days
    // before release; education and GP registration often missing on the day).
    if let Some(episode) = o.episode {
        let confirmed = *weighted(rng, &[(Some(30i64), 35), (Some(10), 25), (Some(3), 25), (None, 15)]);
        let confirmed_on = confirmed.map(|d| plus(o.released_on, -rng.random_range(d / 2..=d)));
        let ete = rng.random_bool(0.55);
        let gp = rng.random_bool(0.6);
        let updated_at = stamp(rng, plus(o.released_on, -1));
        batch.release_arrangements.push(resettle_storage::StoredArrangements {
            child_id: child,
            episode_id: episode,
            arrangements: resettle_domain::readiness::ReleaseArrangements {
                accommodation_address: confirmed_on.map(|_| format!("{} Test Street", rng.random_range(1..200))),
                accommodation_confirmed_on: confirmed_on,
                accommodation_confirmed_by: confirmed_on.map(|_| "Local authority housing".into()),
                ete_arrangement: ete.then(|| "College: level 1 course".into()),
                ete_starts_on: ete.then(|| plus(o.released_on, rng.random_range(1..12))),
                gp_practice: gp.then(|| "Test Street Surgery".into()),
                gp_registered_on: gp.then(|| plus(o.released_on, -rng.random_range(1..20))),
                version: 1,
                ..Default::default()
            },
            updated_at,
        });
    }

    // Supervision: weekly for four weeks, then fortnightly (at most ten recorded here); a
    // health appointment in every four for the children with health support.
    let complied = rng.random_bool(0.25);
    let health_support = rng.random_bool(0.45);
    let mut first: Vec<usize> = Vec::new();
    let mut day = plus(o.released_on, 1);
    let from = batch.appointments.len();
    for k in 0..10 {
        if day > supervised_until {
            break;
        }
        let outcome = *weighted(
            rng,
            &[
                (AppointmentOutcome::Attended, 88),
                (AppointmentOutcome::AcceptableAbsence, 8),
                (AppointmentOutcome::CancelledByService, 4),
            ],
        );
        let starts_at = stamp(rng, day);
        batch.appointments.push(Appointment {
            id: AppointmentId(uuid(rng)),
            child_id: child,
            kind: if health_support && k % 4 == 3 { AppointmentKind::Health } else { AppointmentKind::YjsSupervision },
            starts_at,
            location: Some("YJS office".into()),
            with_whom: Some(name.clone()),
            outcome: Some(outcome),
            outcome_reason: (outcome == AppointmentOutcome::AcceptableAbsence).then(|| "Unwell, called ahead".into()),
            rescheduled_to: None,
            version: 2,
            recorded_by_name: name.clone(),
            created_at: starts_at,
            updated_at: starts_at,
        });
        first.push(batch.appointments.len() - 1);
        day = plus(day, if k < 4 { 7 } else { 14 });
    }
    if !complied && !first.is_empty() {
        let absences = rng.random_range(1..=first.len().min(3));
        for _ in 0..absences {
            let i = first[rng.random_range(0..first.len())];
            if let Some(a) = batch.appointments.get_mut(i) {
                a.outcome = Some(AppointmentOutcome::UnacceptableAbsence);
                a.outcome_reason = None;
            }
        }
        let first_absence = batch.appointments[from..]
            .iter()
            .filter(|a| a.outcome == Some(AppointmentOutcome::UnacceptableAbsence))
            .map(|a| a.starts_at.to_zoned(jiff::tz::TimeZone::UTC).date())
            .min();
        if let Some(absent) = first_absence {
            let mut step = |rng: &mut SynthRng, kind, on: Date, court_on: Option<Date>, outcome| {
                if on <= supervised_until {
                    let created_at = stamp(rng, on);
                    batch.enforcement.push(Enforcement {
                        id: EnforcementId(uuid(rng)),
                        child_id: child,
                        kind,
                        on,
                        reason: "Missed supervision without an acceptable reason".into(),
                        court_on,
                        outcome,
                        recorded_by_name: name.clone(),
                        created_at,
                    });
                }
            };
            if rng.random_bool(0.6) {
                step(rng, EnforcementKind::Warning, plus(absent, 1), None, None);
                if rng.random_bool(0.3) {
                    step(rng, EnforcementKind::FinalWarning, plus(absent, 15), None, None);
                    if rng.random_bool(0.5) {
                        let outcome = *weighted(
                            rng,
                            &[
                                (BreachOutcome::NoAction, 2),
                                (BreachOutcome::Fine, 2),
                                (BreachOutcome::FurtherSupervision, 4),
                                (BreachOutcome::FurtherDetention, 2),
                            ],
                        );
                        step(rng, EnforcementKind::Breach, plus(absent, 30), Some(plus(absent, 45)), Some(outcome));
                    }
                }
            }
        }
    }

    // A child still under supervision has this fortnight's appointments on the same cadence:
    // the latest past one sometimes still waiting for its outcome, and the next ones booked.
    if o.supervision_ends_on >= o.today && day <= o.supervision_ends_on {
        while day < plus(o.today, -6) {
            day = plus(day, 14);
        }
        for _ in 0..3 {
            if day > o.supervision_ends_on {
                break;
            }
            let starts_at = stamp(rng, day);
            let outcome = (day < o.today && rng.random_bool(0.5)).then_some(AppointmentOutcome::Attended);
            batch.appointments.push(Appointment {
                id: AppointmentId(uuid(rng)),
                child_id: child,
                kind: AppointmentKind::YjsSupervision,
                starts_at,
                location: Some("YJS office".into()),
                with_whom: Some(name.clone()),
                outcome,
                outcome_reason: None,
                rescheduled_to: None,
                version: if outcome.is_some() { 2 } else { 1 },
                recorded_by_name: name.clone(),
                created_at: plus_stamp(starts_at, -14),
                updated_at: starts_at,
            });
            day = plus(day, 14);
        }
    }

    // Further offending within the year: about half arrested, a fifth of them within four weeks.
    if rng.random_bool(0.5) {
        let after = if rng.random_bool(0.2) { rng.random_range(0..28) } else { rng.random_range(28..365) };
        let offences = if rng.random_bool(0.3) { 2 } else { 1 };
        for n in 0..offences {
            let arrested = plus(o.released_on, after + n * rng.random_range(20..90));
            if arrested >= o.today {
                break;
            }
            let proven = rng.random_bool(0.7);
            let decided = plus(arrested, rng.random_range(20..150));
            let (outcome, outcome_on) = match (proven, decided < o.today) {
                (true, true) => (
                    *weighted(
                        rng,
                        &[
                            (OffenceOutcome::Convicted, 7),
                            (OffenceOutcome::YouthCaution, 2),
                            (OffenceOutcome::YouthConditionalCaution, 1),
                        ],
                    ),
                    Some(decided),
                ),
                (true, false) => (OffenceOutcome::Charged, Some(plus(arrested, 1))),
                (false, true) => (
                    *weighted(
                        rng,
                        &[
                            (OffenceOutcome::NoFurtherAction, 5),
                            (OffenceOutcome::CommunityResolution, 2),
                            (OffenceOutcome::Acquitted, 1),
                            (OffenceOutcome::Discontinued, 1),
                        ],
                    ),
                    Some(decided),
                ),
                (false, false) => (OffenceOutcome::ReleasedUnderInvestigation, None),
            };
            let created_at = stamp(rng, arrested);
            batch.offences.push(Offence {
                id: OffenceId(uuid(rng)),
                child_id: child,
                arrested_on: Some(arrested),
                offence_on: Some(plus(arrested, -rng.random_range(0..3))),
                category: *weighted(rng, CATEGORIES),
                outcome,
                outcome_on,
                version: 1,
                recorded_by_name: name.clone(),
                created_at,
                updated_at: created_at,
                episode_id: None,
            });
        }
    }

    // Where the child lives from release, and a move for a quarter of them.
    let mut living_from = o.released_on;
    for k in 0..2 {
        if k == 1 && !rng.random_bool(0.25) {
            break;
        }
        if k == 1 {
            living_from = plus(o.released_on, rng.random_range(60..300));
            if living_from >= o.today {
                break;
            }
        }
        let kind = *weighted(rng, LIVING);
        let suitable = kind != LivingKind::NoFixedAbode && rng.random_bool(0.87);
        let created_at = stamp(rng, living_from);
        batch.living_arrangements.push(LivingArrangement {
            id: LivingArrangementId(uuid(rng)),
            child_id: child,
            from: living_from,
            kind,
            suitable,
            reason: (!suitable).then(|| "Not safe or not stable: placement under review".into()),
            address: Some(format!("{} Test Street", rng.random_range(1..200))),
            recorded_by_name: name.clone(),
            created_at,
        });
    }

    // Education, training or employment: most arranged for the day of release.
    let ete_from = if rng.random_bool(0.7) { o.released_on } else { plus(o.released_on, rng.random_range(1..60)) };
    if ete_from < o.today {
        let kind = *weighted(rng, ETE);
        let offered = if kind == EteKind::None { 0.0 } else { f64::from(rng.random_range(10..=25u8)) };
        let attended = (offered > 0.0).then(|| (offered * rng.random_range(0.2..1.0f64)).round());
        let created_at = stamp(rng, ete_from);
        batch.ete_placements.push(EtePlacement {
            id: EtePlacementId(uuid(rng)),
            child_id: child,
            from: ete_from,
            kind,
            hours_offered: offered,
            hours_attended: attended,
            recorded_by_name: name.clone(),
            created_at,
        });
    }

    // SDQ at release for half of them, and near the end of the follow-up for most of those:
    // a third of the high scorers improve reliably.
    if rng.random_bool(0.5) {
        let rater = if rng.random_bool(0.6) { Rater::SelfReport } else { Rater::Parent };
        let before: u8 = rng.random_range(8..=30);
        let measured = plus(o.released_on, -rng.random_range(3..30));
        let mut push = |rng: &mut SynthRng, score: u8, on: Date| {
            let recorded_at = stamp(rng, on);
            batch.measures.push(Measure {
                id: MeasureId(uuid(rng)),
                child_id: child,
                kind: MeasureKind::SdqTotal,
                score,
                rater,
                measured_on: on,
                recorded_by_name: "YJS health worker".into(),
                recorded_at,
            });
        };
        push(rng, before, measured);
        let later = plus(o.released_on, rng.random_range(300..380));
        if later < o.today && rng.random_bool(0.85) {
            let change: i16 = if rng.random_bool(0.4) { -rng.random_range(8..=12) } else { rng.random_range(-5..=4) };
            let after = (i16::from(before) + change).clamp(0, 40);
            push(rng, u8::try_from(after).unwrap_or(before), later);
        }
    }
}
