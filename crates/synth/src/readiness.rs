//! Synthetic release arrangements: for each child in custody, what is already arranged for
//! release (or, on remand, for the next court date), more of it the nearer release is, with
//! some children behind so the demo caseload shows green, amber and red.

use jiff::ToSpan;
use jiff::civil::Date;
use rand::Rng;
use resettle_domain::readiness::ReleaseArrangements;
use resettle_storage::{StoredArrangements, SyntheticBatch};

use crate::plan::PlanFor;
use crate::{Generator, SynthRng, at, pick};

const STREETS: &[&str] = &["Mill Lane", "Station Road", "Church Street", "Park View", "Victoria Terrace", "Oak Close"];
const PLACES: &[&str] =
    &["supported lodgings", "with mum", "with grandparents", "foster placement", "semi-independent flat", "with dad"];
const ETE: &[&str] = &[
    "College: motor vehicle level 1",
    "Pupil referral unit, full timetable",
    "Construction skills course",
    "Return to school (Year 11)",
    "Apprenticeship: catering",
];
const ACTIVITIES: &[&str] = &[
    "Boxing club Tuesday and Thursday evenings",
    "Youth club drop-in and football training",
    "Music studio sessions with the youth service",
    "Gym induction with a mentor",
];
const TRANSPORT: &[&str] = &["YJS car", "Taxi booked by the YJS", "Train with a travel warrant, met at the station"];
const GATE: &[&str] = &["YJS case manager and mum", "Case manager", "Dad and the YJS worker", "Foster carer"];

/// A day between `from` and `to` (inclusive; `from` when the range is empty).
fn day_between(rng: &mut SynthRng, from: Date, to: Date) -> Date {
    let span = (to - from).get_days().max(0);
    from.checked_add(rng.random_range(0..=span).days()).unwrap_or(from)
}

impl Generator {
    /// Adds the release arrangements of the child's open custody episode to `batch`: each item
    /// done with a chance that grows as release nears (`progress`, 0 at the start, 1 on
    /// release), so most children near release are ready and some are not.
    pub(crate) fn release_arrangements(&mut self, batch: &mut SyntheticBatch, p: &PlanFor<'_>, progress: f64) {
        if p.episode.ended_on.is_some() {
            return;
        }
        let today = self.today;
        let opened = p.episode.started_on;
        let rng = &mut self.rng;
        let mut a = ReleaseArrangements::default();
        let release = p.custody.sentence.as_ref().map(|s| s.dates.mtd);
        let chance = (0.15 + 0.75 * progress).clamp(0.0, 0.92);
        let mut changes = 0;
        match release {
            Some(release) => {
                if rng.random_bool(chance) {
                    a.accommodation_address =
                        Some(format!("{} {}, {}", rng.random_range(1..120), pick(rng, STREETS), pick(rng, PLACES)));
                    a.accommodation_confirmed_on = Some(day_between(rng, opened, today));
                    a.accommodation_confirmed_by = Some("Accommodation officer, local authority".into());
                    changes += 1;
                }
                if rng.random_bool(chance) {
                    a.ete_arrangement = Some(pick(rng, ETE).into());
                    a.ete_starts_on = release.checked_add(rng.random_range(1..10).days()).ok();
                    changes += 1;
                }
                if rng.random_bool(chance * 0.9) {
                    a.constructive_activity = Some(pick(rng, ACTIVITIES).into());
                    changes += 1;
                }
                if rng.random_bool(chance * 0.8) {
                    a.gp_practice = Some(format!("{} Medical Practice", pick(rng, STREETS)));
                    a.gp_registered_on = Some(day_between(rng, opened, today));
                    changes += 1;
                }
                if rng.random_bool(chance * 0.8) {
                    a.first_appointment_on = Some(release);
                    a.first_appointment_time = Some(format!("{:02}:00", rng.random_range(10..16)));
                    a.first_appointment_place = Some(format!("{} office", p.service.yjs_name));
                    a.first_appointment_with = Some("YJS case manager".into());
                    changes += 1;
                }
                if rng.random_bool(chance * 0.7) {
                    a.gate_met_by = Some(pick(rng, GATE).into());
                    a.transport = Some(pick(rng, TRANSPORT).into());
                    changes += 1;
                }
            }
            None => {
                if rng.random_bool(0.5) {
                    a.court_plan = Some("Bail support package: ISS hours, curfew and a tag; a room with family".into());
                    changes += 1;
                }
                if rng.random_bool(0.4) {
                    a.bail_accommodation =
                        Some(format!("{} {}, {}", rng.random_range(1..120), pick(rng, STREETS), pick(rng, PLACES)));
                    changes += 1;
                }
            }
        }
        if changes == 0 {
            return;
        }
        a.version = changes;
        let updated_at = at(day_between(rng, opened, today), rng);
        batch.release_arrangements.push(StoredArrangements {
            child_id: p.child,
            episode_id: p.episode.id,
            arrangements: a,
            updated_at,
        });
    }
}
