//! After release: the post-release period at a glance, and recording supervision
//! appointments, warnings, breaches and recalls, arrests and offences, living arrangements and
//! ETE placements. Access is as for the plan: the child's team reads and records; offences and
//! enforcement are not health data. Every read and write is audited.

use jiff::civil::Date;
use serde::Serialize;

use resettle_domain::calendar::long_date;
use resettle_domain::community::{
    Appointment, AppointmentInput, AppointmentOutcomeInput, Compliance, Enforcement, EnforcementInput, EtePlacement,
    EtePlacementInput, LivingArrangement, LivingArrangementInput, Offence, OffenceInput, ProbationTransfer,
    ProbationTransferInput, SchedulePhase, TURNING_18_ALERT_MONTHS, check_schedule, compliance, eighteenth_birthday,
    schedule_times,
};
use resettle_domain::discharge::{DischargeDecision, bring_forward_options, discharge_on, discharge_with};
use resettle_domain::ids::{
    AppointmentId, ChildId, EnforcementId, EtePlacementId, LivingArrangementId, OffenceId, SentenceId,
};
use resettle_domain::policy::Purpose;
use resettle_domain::post_release::{ReleaseKind, dto_supervision_ends_on, follow_up_ends_on};
use resettle_domain::sentence::{KeyDates, SentenceKind};
use resettle_domain::team::parse_date;
use resettle_domain::validation::{ValidationErrors, optional_text};

use crate::storage::SentenceView;
use crate::{App, AppError, AppResult, Ctx};

mod discharge;
mod sweep;

pub use discharge::{DischargeInput, DischargeView};

/// The post-release period of a child's latest release, with everything recorded after it.
#[derive(Clone, Debug, Serialize)]
pub struct PostRelease {
    /// The day of release (none when the child has not been released).
    pub released_on: Option<Date>,
    /// How the child left, when recorded.
    pub release_kind: Option<ReleaseKind>,
    /// The expected day of discharge of the sentence (null on remand).
    pub discharge_on: Option<Date>,
    /// The last day of the follow-up window.
    pub follow_up_ends_on: Option<Date>,
    /// The last day of supervision (null on remand).
    pub supervision_ends_on: Option<Date>,
    /// Days since release, today.
    pub days_since_release: Option<i64>,
    /// Compliance over the supervision period so far (or the follow-up, without supervision).
    pub compliance: Option<Compliance>,
    /// Appointments, soonest first.
    pub appointments: Vec<Appointment>,
    /// Warnings, breaches and recalls.
    pub enforcement: Vec<Enforcement>,
    /// Arrests and offences.
    pub offences: Vec<Offence>,
    /// Where the child has lived.
    pub living_arrangements: Vec<LivingArrangement>,
    /// Education, training or employment.
    pub ete_placements: Vec<EtePlacement>,
    /// The child's 18th birthday.
    pub turns_18_on: Date,
    /// Whether the child turns 18 while under supervision (supervision then usually passes
    /// to the Probation Service).
    pub turns_18_during_supervision: bool,
    /// Transfers of supervision to the Probation Service.
    pub probation_transfers: Vec<ProbationTransfer>,
    /// The outcome measures (SDQ, HoNOSCA) due at release and 3, 6 and 12 months after.
    pub measures_due: Vec<MeasureDue>,
}

/// An outcome measurement due after release.
#[derive(Clone, Debug, Serialize)]
pub struct MeasureDue {
    /// Months after release (0 at release).
    pub months: i8,
    /// The day it is due.
    pub due_on: Date,
    /// Whether a measure was recorded within a month either side; `None` for people who may
    /// not see health information.
    pub recorded: Option<bool>,
}

/// The points after release at which outcome measures are asked for (SDQ and HoNOSCA, as
/// CAMHS outcome monitoring repeats them: at the start, then every 3 to 6 months — CORC
/// guidance; the points are those the inspection followed, for confirmation by each service).
pub const MEASURE_POINTS_MONTHS: [i8; 4] = [0, 3, 6, 12];

/// The measurements due after a release on `released_on`; with `measured` (the days measures
/// were taken) when the caller may see them.
pub fn measures_due(released_on: Date, measured: Option<&[Date]>) -> Vec<MeasureDue> {
    MEASURE_POINTS_MONTHS
        .iter()
        .map(|&months| {
            let due_on = released_on.saturating_add(jiff::Span::new().months(months));
            let from = due_on.saturating_sub(jiff::Span::new().months(1));
            let to = due_on.saturating_add(jiff::Span::new().months(1));
            let recorded = measured.map(|days| days.iter().any(|d| (from..=to).contains(d)));
            MeasureDue { months, due_on, recorded }
        })
        .collect()
}

/// An appointment in a list across children.
#[derive(Clone, Debug)]
pub struct ListedAppointment {
    /// The appointment.
    pub appointment: Appointment,
    /// The child's name, as shown.
    pub child_name: String,
}

impl PostRelease {
    /// The next appointment without an outcome, from `now`.
    pub fn next_appointment(&self, now: jiff::Timestamp) -> Option<&Appointment> {
        self.appointments.iter().find(|a| a.outcome.is_none() && a.starts_at >= now)
    }
}

impl App {
    /// The post-release period of the child's latest release, and everything recorded after
    /// release (the dates that follow from a release are empty when there has been none).
    pub async fn post_release(&self, ctx: &Ctx, child_id: ChildId) -> AppResult<PostRelease> {
        let child = self.child_for(ctx, child_id, Purpose::Read).await?;
        self.audit(ctx, "read", "post_release", Some(child_id)).await?;
        let mut p = self.post_release_of(&child).await?;
        self.fill_measures_due(ctx, &mut p, child_id).await?;
        Ok(p)
    }

    /// Whether each measurement after release was taken, for those who may see health
    /// information (the others see only the days they are due).
    pub(crate) async fn fill_measures_due(&self, ctx: &Ctx, p: &mut PostRelease, child_id: ChildId) -> AppResult<()> {
        let Some(released_on) = p.released_on else { return Ok(()) };
        if self.health_content_visible(ctx, child_id).await? {
            let days: Vec<Date> = self.store.measures(child_id).await?.iter().map(|m| m.measured_on).collect();
            p.measures_due = measures_due(released_on, Some(&days));
        }
        Ok(())
    }

    /// [`App::post_release`] for a child the caller has already been admitted to (and whose
    /// read is audited by the caller).
    pub(crate) async fn post_release_of(&self, child: &resettle_domain::child::Child) -> AppResult<PostRelease> {
        self.post_release_for(child.id, child.details.date_of_birth).await
    }

    /// [`App::post_release_of`] from the child's id and date of birth (for the sweep).
    async fn post_release_for(&self, child_id: ChildId, born_on: Date) -> AppResult<PostRelease> {
        let turns_18_on = eighteenth_birthday(born_on);
        let probation_transfers = self.store.probation_transfers(child_id).await?;
        let appointments = self.store.appointments(child_id).await?;
        let enforcement = self.store.enforcement(child_id).await?;
        let offences = self.store.offences(child_id).await?;
        let living_arrangements = self.store.living_arrangements(child_id).await?;
        let ete_placements = self.store.ete_placements(child_id).await?;
        let Some(release) = self.store.releases(child_id).await?.into_iter().next() else {
            return Ok(PostRelease {
                released_on: None,
                release_kind: None,
                discharge_on: None,
                follow_up_ends_on: None,
                supervision_ends_on: None,
                days_since_release: None,
                compliance: None,
                appointments,
                enforcement,
                offences,
                living_arrangements,
                ete_placements,
                turns_18_on,
                turns_18_during_supervision: false,
                probation_transfers,
                measures_due: Vec::new(),
            });
        };
        let sentences = self.store.sentences(child_id).await?;
        let sentence = sentences.iter().find(|s| s.sentence.episode_id == release.episode_id);
        let from_sentence = match release.release_kind {
            Some(k) => k.is_from_sentence(),
            None => sentence.is_some() && release.kind == resettle_domain::custody::EpisodeKind::Sentence,
        };
        let calendar = self.calendar().await?;
        let dates = sentence.filter(|_| from_sentence).and_then(|s| s.revisions.last().map(|r| (s, r)));
        let decisions = self.store.discharge_decisions(child_id).await?;
        let discharge_on = dates.map(|(s, r)| {
            discharge_with(&calendar, &r.dates, decisions.iter().find(|d| d.sentence_id == s.sentence.id))
        });
        let supervision_ends_on = dates.and_then(|(s, r)| supervision_end(&born_on, s, r));
        let follow_up_ends_on = follow_up_ends_on(release.released_on, self.config.follow_up_months);
        let period_end = supervision_ends_on.or(follow_up_ends_on).unwrap_or(release.released_on);
        let compliance =
            compliance(&appointments, &enforcement, release.released_on, period_end, self.config.compliance);
        let today = self.today();
        Ok(PostRelease {
            released_on: Some(release.released_on),
            release_kind: release.release_kind,
            discharge_on,
            follow_up_ends_on,
            supervision_ends_on,
            days_since_release: Some(i64::from((today - release.released_on).get_days())),
            compliance: Some(compliance),
            appointments,
            enforcement,
            offences,
            living_arrangements,
            ete_placements,
            turns_18_on,
            turns_18_during_supervision: supervision_ends_on
                .is_some_and(|end| turns_18_on > release.released_on && turns_18_on <= end),
            probation_transfers,
            measures_due: measures_due(release.released_on, None),
        })
    }

    /// Adds a supervision appointment (past ones may be recorded with their outcome later).
    pub async fn add_appointment(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &AppointmentInput,
    ) -> AppResult<Appointment> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let c = input.validate(child.details.date_of_birth)?;
        let a = self.appointment_at(ctx, child_id, &c, c.starts_at);
        let when = long_date(a.starts_at.to_zoned(crate::london()).date());
        let entry = self.entry_for(
            ctx,
            child_id,
            "appointment.added",
            format!("{} appointment on {when}", a.kind.label()),
            None,
        );
        let audit = [self.write_event(ctx, "appointment", child_id)];
        self.store.insert_appointments(std::slice::from_ref(&a), &entry, &audit).await?;
        Ok(a)
    }

    /// Adds a repeating schedule of appointments from the first one's time: the given phases
    /// (or the service's default, `[outcomes] appointment_schedule`), ending with supervision
    /// (or on `until`) when that comes first. All or none are added.
    pub async fn add_appointment_series(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &AppointmentInput,
        schedule: Option<&[SchedulePhase]>,
        until: Option<&str>,
    ) -> AppResult<Vec<Appointment>> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let c = input.validate(child.details.date_of_birth)?;
        let phases = schedule.unwrap_or(&self.config.appointment_schedule);
        check_schedule(phases)?;
        let mut e = ValidationErrors::new();
        let until = parse_date(&mut e, "until", "The last day", until);
        if until.is_some_and(|u| u < c.starts_at.to_zoned(crate::london()).date()) {
            e.add("until", "The last day must be on or after the first appointment");
        }
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        let supervision_ends = self.post_release_of(&child).await?.supervision_ends_on;
        let until = match (until, supervision_ends) {
            (Some(u), Some(s)) => Some(u.min(s)),
            (u, s) => u.or(s),
        };
        let list: Vec<Appointment> = schedule_times(c.starts_at, phases, until)
            .into_iter()
            .map(|at| self.appointment_at(ctx, child_id, &c, at))
            .collect();
        let (Some(first), Some(last)) = (list.first(), list.last()) else {
            if let Some(s) = supervision_ends.filter(|s| *s < c.starts_at.to_zoned(crate::london()).date()) {
                let message = format!("Supervision ended on {}: book a single appointment instead", long_date(s));
                return Err(AppError::invalid("until", message));
            }
            return Err(AppError::invalid("until", "No appointment falls before the last day: check the dates"));
        };
        let day = |a: &Appointment| long_date(a.starts_at.to_zoned(crate::london()).date());
        let entry = self.entry_for(
            ctx,
            child_id,
            "appointment.added",
            format!("{} appointments: {} from {} to {}", c.kind.label(), list.len(), day(first), day(last)),
            None,
        );
        let audit = [self.write_event(ctx, "appointment", child_id)];
        self.store.insert_appointments(&list, &entry, &audit).await?;
        Ok(list)
    }

    fn appointment_at(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        c: &resettle_domain::community::CheckedAppointment,
        starts_at: jiff::Timestamp,
    ) -> Appointment {
        let now = self.now();
        Appointment {
            id: AppointmentId::random(),
            child_id,
            kind: c.kind,
            starts_at,
            location: c.location.clone(),
            with_whom: c.with_whom.clone(),
            outcome: None,
            outcome_reason: None,
            rescheduled_to: None,
            version: 1,
            recorded_by_name: ctx.actor.name.clone(),
            created_at: now,
            updated_at: now,
        }
    }

    /// Records how an appointment went, if `version` is current. A rescheduled appointment
    /// gets a new appointment at the new time.
    pub async fn record_appointment_outcome(
        &self,
        ctx: &Ctx,
        id: AppointmentId,
        input: &AppointmentOutcomeInput,
    ) -> AppResult<Appointment> {
        let current = self.store.appointment(id).await?.ok_or(AppError::NotFound)?;
        self.child_for(ctx, current.child_id, Purpose::Change).await?;
        let c = input.validate(&current, self.now())?;
        if c.version != current.version {
            return Err(AppError::Conflict { current_version: current.version });
        }
        let next = Appointment {
            outcome: Some(c.outcome),
            outcome_reason: c.outcome_reason,
            rescheduled_to: c.rescheduled_to,
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        let entry = self.entry_for(
            ctx,
            current.child_id,
            "appointment.outcome",
            format!(
                "{} appointment on {}: {}",
                current.kind.label(),
                long_date(current.starts_at.to_zoned(crate::london()).date()),
                c.outcome.label().to_lowercase()
            ),
            None,
        );
        let audit = [self.write_event(ctx, "appointment", current.child_id)];
        self.store.update_appointment(&next, current.version, &entry, &audit).await?;
        if let Some(to) = next.rescheduled_to {
            let input = AppointmentInput {
                kind: Some(current.kind.as_str().into()),
                starts_at: Some(to.to_string()),
                location: current.location.clone(),
                with: current.with_whom.clone(),
            };
            self.add_appointment(ctx, current.child_id, &input).await?;
        }
        Ok(next)
    }

    /// The appointment as an iCalendar (RFC 5545) invitation for the case manager's or the
    /// child's calendar: the child by initials only.
    pub async fn appointment_invite(&self, ctx: &Ctx, id: AppointmentId) -> AppResult<String> {
        let a = self.store.appointment(id).await?.ok_or(AppError::NotFound)?;
        let child = self.child_for(ctx, a.child_id, Purpose::Read).await?.into_inner();
        self.audit_children(ctx, "read", "appointment", [a.child_id]).await?;
        Ok(crate::invite::appointment_ics(&a, &child, &ctx.actor.name, self.now()))
    }

    /// The appointments from `from` to `to` (both days included) of the children on whose team
    /// the caller is named: a case manager's week.
    pub async fn my_appointments(&self, ctx: &Ctx, from: Date, to: Date) -> AppResult<Vec<ListedAppointment>> {
        let mut scope = self.scope(&ctx.actor);
        scope.organisation_ids.clear();
        let tz = crate::london();
        let start = from.to_zoned(tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?.timestamp();
        let end =
            to.tomorrow().and_then(|d| d.to_zoned(tz)).map_err(|e| AppError::Internal(e.to_string()))?.timestamp();
        let list = self.store.appointments_between(&scope, start, end).await?;
        let mut names: Vec<(ChildId, String)> = Vec::new();
        for a in &list {
            if !names.iter().any(|(id, _)| *id == a.child_id)
                && let Some(c) = self.store.child(a.child_id, &scope).await?
            {
                names.push((a.child_id, c.display_name()));
            }
        }
        self.audit_children(ctx, "read", "appointment", names.iter().map(|(id, _)| *id)).await?;
        Ok(list
            .into_iter()
            .filter_map(|a| {
                let child_name = names.iter().find(|(id, _)| *id == a.child_id)?.1.clone();
                Some(ListedAppointment { appointment: a, child_name })
            })
            .collect())
    }

    /// Records the outcomes of several appointments at once. Every one is checked first, and
    /// nothing is recorded unless all are right; an error names the appointment's field
    /// `outcome-{id}`. The number recorded.
    pub async fn record_appointment_outcomes(
        &self,
        ctx: &Ctx,
        items: &[(AppointmentId, AppointmentOutcomeInput)],
    ) -> AppResult<usize> {
        let mut errors = ValidationErrors::new();
        let now = self.now();
        for (id, input) in items {
            let current = self.store.appointment(*id).await?.ok_or(AppError::NotFound)?;
            self.child_for(ctx, current.child_id, Purpose::Change).await?;
            if let Err(e) = input.validate(&current, now) {
                for f in e.0 {
                    errors.add(format!("outcome-{id}"), f.message);
                }
            } else if input.version != Some(current.version) {
                errors.add(format!("outcome-{id}"), "Someone else recorded this appointment first: check it again");
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        for (id, input) in items {
            self.record_appointment_outcome(ctx, *id, input).await?;
        }
        Ok(items.len())
    }

    /// Records a warning, breach or recall.
    pub async fn add_enforcement(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &EnforcementInput,
    ) -> AppResult<Enforcement> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let c = input.validate(child.details.date_of_birth, self.today())?;
        let e = Enforcement {
            id: EnforcementId::random(),
            child_id,
            kind: c.kind,
            on: c.on,
            reason: c.reason,
            court_on: c.court_on,
            outcome: c.outcome,
            recorded_by_name: ctx.actor.name.clone(),
            created_at: self.now(),
        };
        let entry = self.entry_for(
            ctx,
            child_id,
            "enforcement.added",
            format!("{} on {}", e.kind.label(), long_date(e.on)),
            None,
        );
        self.store.insert_enforcement(&e, &entry, &[self.write_event(ctx, "enforcement", child_id)]).await?;
        Ok(e)
    }

    /// Records an arrest or offence.
    pub async fn add_offence(&self, ctx: &Ctx, child_id: ChildId, input: &OffenceInput) -> AppResult<Offence> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let c = input.validate(None, child.details.date_of_birth, self.today())?;
        let now = self.now();
        let o = Offence {
            id: OffenceId::random(),
            child_id,
            arrested_on: c.arrested_on,
            offence_on: c.offence_on,
            category: c.category,
            outcome: c.outcome,
            outcome_on: c.outcome_on,
            version: 1,
            recorded_by_name: ctx.actor.name.clone(),
            created_at: now,
            updated_at: now,
            episode_id: None,
        };
        let entry = self.entry_for(ctx, child_id, "offence.added", offence_words(&o), None);
        self.store.insert_offence(&o, &entry, &[self.write_event(ctx, "offence", child_id)]).await?;
        Ok(o)
    }

    /// Changes an arrest or offence (its outcome, usually), if `version` is current.
    pub async fn update_offence(&self, ctx: &Ctx, id: OffenceId, input: &OffenceInput) -> AppResult<Offence> {
        let current = self.store.offence(id).await?.ok_or(AppError::NotFound)?;
        let child = self.child_for(ctx, current.child_id, Purpose::Change).await?;
        let c = input.validate(Some(&current), child.details.date_of_birth, self.today())?;
        if input.version != Some(current.version) {
            return Err(AppError::Conflict { current_version: current.version });
        }
        let next = Offence {
            arrested_on: c.arrested_on,
            offence_on: c.offence_on,
            category: c.category,
            outcome: c.outcome,
            outcome_on: c.outcome_on,
            version: current.version + 1,
            updated_at: self.now(),
            ..current.clone()
        };
        let entry = self.entry_for(ctx, current.child_id, "offence.updated", offence_words(&next), None);
        let audit = [self.write_event(ctx, "offence", current.child_id)];
        self.store.update_offence(&next, current.version, &entry, &audit).await?;
        Ok(next)
    }

    /// Records where the child lives from a day.
    pub async fn add_living_arrangement(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &LivingArrangementInput,
    ) -> AppResult<LivingArrangement> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let c = input.validate(child.details.date_of_birth)?;
        let l = LivingArrangement {
            id: LivingArrangementId::random(),
            child_id,
            from: c.from,
            kind: c.kind,
            suitable: c.suitable,
            reason: c.reason,
            address: c.address,
            recorded_by_name: ctx.actor.name.clone(),
            created_at: self.now(),
        };
        let words = format!(
            "Living in {} from {}{}",
            l.kind.label().to_lowercase(),
            long_date(l.from),
            if l.suitable { "" } else { " (not suitable)" }
        );
        let entry = self.entry_for(ctx, child_id, "living.added", words, None);
        self.store
            .insert_living_arrangement(&l, &entry, &[self.write_event(ctx, "living_arrangement", child_id)])
            .await?;
        Ok(l)
    }

    /// Records education, training or employment from a day.
    pub async fn add_ete_placement(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &EtePlacementInput,
    ) -> AppResult<EtePlacement> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let (from, kind, hours_offered, hours_attended) = input.validate(child.details.date_of_birth)?;
        let p = EtePlacement {
            id: EtePlacementId::random(),
            child_id,
            from,
            kind,
            hours_offered,
            hours_attended,
            recorded_by_name: ctx.actor.name.clone(),
            created_at: self.now(),
        };
        let words = format!("{} from {}, {} hours a week offered", p.kind.label(), long_date(p.from), p.hours_offered);
        let entry = self.entry_for(ctx, child_id, "ete.added", words, None);
        self.store.insert_ete_placement(&p, &entry, &[self.write_event(ctx, "ete_placement", child_id)]).await?;
        Ok(p)
    }

    /// Records the transfer of the young person's supervision to the Probation Service. The
    /// record stays open for the follow-up.
    pub async fn record_probation_transfer(
        &self,
        ctx: &Ctx,
        child_id: ChildId,
        input: &ProbationTransferInput,
    ) -> AppResult<ProbationTransfer> {
        let child = self.child_for(ctx, child_id, Purpose::Change).await?;
        let (transferred_on, probation_delivery_unit, shared) =
            input.validate(child.details.date_of_birth, self.today())?;
        let t = ProbationTransfer {
            id: resettle_domain::ids::ProbationTransferId::random(),
            child_id,
            transferred_on,
            probation_delivery_unit,
            shared,
            recorded_by_name: ctx.actor.name.clone(),
            created_at: self.now(),
        };
        let words = format!(
            "Supervision transferred to {} (Probation Service) on {}",
            t.probation_delivery_unit,
            long_date(t.transferred_on)
        );
        let entry = self.entry_for(ctx, child_id, "probation.transferred", words, None);
        let audit = [self.write_event(ctx, "probation_transfer", child_id)];
        self.store.insert_probation_transfer(&t, &entry, &audit).await?;
        Ok(t)
    }
}

/// The end of supervision after a sentence: for a DTO the SLED, or 12 months from the half-way
/// point for a child 18 or over then on an order under 24 months (Sentencing Act 2020 s.247);
/// otherwise the sentence and licence expiry date.
fn supervision_end(born_on: &Date, s: &SentenceView, r: &resettle_domain::sentence::KeyDatesRevision) -> Option<Date> {
    match (s.sentence.kind, r.term_months) {
        (SentenceKind::Dto, Some(term)) => dto_supervision_ends_on(*born_on, term, r.dates.mtd, r.dates.sled),
        _ => Some(r.dates.sled),
    }
}

/// An offence in words, for the timeline (no more than the record holds).
fn offence_words(o: &Offence) -> String {
    let when = match (o.offence_on, o.arrested_on) {
        (Some(d), _) => format!("offence on {}", long_date(d)),
        (None, Some(a)) => format!("arrested on {}", long_date(a)),
        (None, None) => "date unknown".into(),
    };
    format!("{} ({when}): {}", o.category.label(), o.outcome.label().to_lowercase())
}
