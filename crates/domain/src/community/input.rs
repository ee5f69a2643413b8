//! What people send to record the community half of the journey, and the checks that make
//! each event's dates agree with each other and with the child's birth.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use super::*;
use crate::team::parse_date;
use crate::validation::{ValidationErrors, optional_line, optional_text};

/// The earliest date any event about a person can carry: no one is arrested before birth.
fn not_before_birth(e: &mut ValidationErrors, field: &str, day: Option<Date>, born_on: Date) {
    if day.is_some_and(|d| d < born_on) {
        e.add(field, "The date must be after the child's date of birth");
    }
}

fn not_in_future(e: &mut ValidationErrors, field: &str, day: Option<Date>, today: Date) {
    if day.is_some_and(|d| d > today) {
        e.add(field, "The date must be today or in the past");
    }
}

fn parse_key<T: std::str::FromStr<Err = String>>(
    e: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
    missing: &str,
) -> Option<T> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            e.add(field, missing);
            None
        }
        Some(s) => s.parse::<T>().map_err(|m| e.add(field, m)).ok(),
    }
}

fn parse_optional_key<T: std::str::FromStr<Err = String>>(
    e: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
) -> Option<T> {
    let s = value.map(str::trim).filter(|s| !s.is_empty())?;
    s.parse::<T>().map_err(|m| e.add(field, m)).ok()
}

fn parse_instant(e: &mut ValidationErrors, field: &str, value: Option<&str>) -> Option<Timestamp> {
    let s = value.map(str::trim).filter(|s| !s.is_empty())?;
    match s.parse::<Timestamp>() {
        Ok(t) if crate::validation::instant_in_range(t) => Some(t),
        Ok(_) => {
            e.add(field, "The date must be between 1900 and 2100");
            None
        }
        Err(_) => {
            e.add(field, "Give a date and time with its offset, like 2026-11-02T14:30:00Z");
            None
        }
    }
}

/// A new appointment as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentInput {
    /// An [`AppointmentKind`].
    pub kind: Option<String>,
    /// RFC 3339.
    pub starts_at: Option<String>,
    /// Where.
    pub location: Option<String>,
    /// With whom.
    pub with: Option<String>,
}

/// The checked fields of a new appointment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedAppointment {
    /// Kind.
    pub kind: AppointmentKind,
    /// Start.
    pub starts_at: Timestamp,
    /// Where.
    pub location: Option<String>,
    /// With whom.
    pub with_whom: Option<String>,
}

impl AppointmentInput {
    /// Checks the input: an appointment may be in the past (back-recorded) or the future, but
    /// not before the child was born.
    pub fn validate(&self, born_on: Date) -> Result<CheckedAppointment, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind =
            parse_key::<AppointmentKind>(&mut e, "kind", self.kind.as_deref(), "Choose what the appointment is for");
        let starts_at = parse_instant(&mut e, "starts_at", self.starts_at.as_deref());
        if self.starts_at.as_deref().map(str::trim).unwrap_or_default().is_empty() {
            e.add("starts_at", "Enter when the appointment starts");
        }
        let day = starts_at.map(|t| t.to_zoned(crate::calendar::london()).date());
        not_before_birth(&mut e, "starts_at", day, born_on);
        let location = optional_line(&mut e, "location", "Where", self.location.as_deref(), 200);
        let with_whom = optional_line(&mut e, "with", "With whom", self.with.as_deref(), 200);
        match (kind, starts_at) {
            (Some(kind), Some(starts_at)) if e.is_empty() => {
                Ok(CheckedAppointment { kind, starts_at, location, with_whom })
            }
            _ => Err(e),
        }
    }
}

/// Checks a repeating schedule: each phase every 1 to 8 weeks, 1 to 52 times.
pub fn check_schedule(phases: &[SchedulePhase]) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::new();
    if phases.is_empty() {
        e.add("schedule", "Give at least one part of the schedule, such as weekly for 12 weeks");
    }
    if phases.iter().any(|p| !(1..=8).contains(&p.every_weeks)) {
        e.add("schedule", "Appointments repeat every 1 to 8 weeks");
    }
    if phases.iter().any(|p| !(1..=52).contains(&p.count)) {
        e.add("schedule", "Each part of the schedule has 1 to 52 appointments");
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// An appointment's outcome as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppointmentOutcomeInput {
    /// The version read.
    pub version: Option<i64>,
    /// An [`AppointmentOutcome`].
    pub outcome: Option<String>,
    /// Why (needed for an acceptable absence and a rescheduling).
    pub outcome_reason: Option<String>,
    /// RFC 3339: the new time, when rescheduled.
    pub rescheduled_to: Option<String>,
}

/// A checked outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedOutcome {
    /// The version read.
    pub version: i64,
    /// The outcome.
    pub outcome: AppointmentOutcome,
    /// Why.
    pub outcome_reason: Option<String>,
    /// The new time.
    pub rescheduled_to: Option<Timestamp>,
}

impl AppointmentOutcomeInput {
    /// Checks the outcome against the appointment: attendance and absence are known only once
    /// the appointment has started; an acceptable absence and a rescheduling say why; a
    /// rescheduling says when to.
    pub fn validate(&self, appointment: &Appointment, now: Timestamp) -> Result<CheckedOutcome, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let version = self.version;
        if version.is_none() {
            e.add("version", "Send the version of the appointment you read");
        }
        let outcome = parse_key::<AppointmentOutcome>(&mut e, "outcome", self.outcome.as_deref(), "Choose how it went");
        let outcome_reason = optional_text(&mut e, "outcome_reason", "Reason", self.outcome_reason.as_deref(), 1000);
        let rescheduled_to = parse_instant(&mut e, "rescheduled_to", self.rescheduled_to.as_deref());
        match outcome {
            Some(
                AppointmentOutcome::Attended
                | AppointmentOutcome::AcceptableAbsence
                | AppointmentOutcome::UnacceptableAbsence,
            ) if appointment.starts_at > now => {
                e.add("outcome", "Attendance can be recorded only once the appointment has started");
            }
            Some(AppointmentOutcome::AcceptableAbsence) if outcome_reason.is_none() => {
                e.add("outcome_reason", "Say why the absence is acceptable");
            }
            Some(AppointmentOutcome::Rescheduled) if rescheduled_to.is_none() => {
                e.add("rescheduled_to", "Enter the new date and time");
            }
            _ => {}
        }
        if rescheduled_to.is_some() && outcome != Some(AppointmentOutcome::Rescheduled) {
            e.add("rescheduled_to", "A new time is given only when the appointment is rescheduled");
        }
        match (version, outcome) {
            (Some(version), Some(outcome)) if e.is_empty() => {
                Ok(CheckedOutcome { version, outcome, outcome_reason, rescheduled_to })
            }
            _ => Err(e),
        }
    }
}

/// A warning, breach or recall as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnforcementInput {
    /// An [`EnforcementKind`].
    pub kind: Option<String>,
    /// `YYYY-MM-DD`.
    pub on: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// A breach's court date, `YYYY-MM-DD`.
    pub court_on: Option<String>,
    /// A [`BreachOutcome`], for a breach.
    pub outcome: Option<String>,
}

/// Checked enforcement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedEnforcement {
    /// Kind.
    pub kind: EnforcementKind,
    /// Day.
    pub on: Date,
    /// Why.
    pub reason: String,
    /// Court date.
    pub court_on: Option<Date>,
    /// Court outcome.
    pub outcome: Option<BreachOutcome>,
}

impl EnforcementInput {
    /// Checks the input: the day is past or today and after birth; a court date is not before
    /// the breach; only a breach has a court outcome.
    pub fn validate(&self, born_on: Date, today: Date) -> Result<CheckedEnforcement, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let kind =
            parse_key::<EnforcementKind>(&mut e, "kind", self.kind.as_deref(), "Choose a warning, breach or recall");
        let on = parse_date(&mut e, "on", "The date", self.on.as_deref());
        if self.on.as_deref().map(str::trim).unwrap_or_default().is_empty() {
            e.add("on", "Enter the date");
        }
        not_in_future(&mut e, "on", on, today);
        not_before_birth(&mut e, "on", on, born_on);
        let reason = optional_text(&mut e, "reason", "Reason", self.reason.as_deref(), 2000);
        if reason.is_none() && e.for_field("reason").is_none() {
            e.add("reason", "Say why");
        }
        let court_on = parse_date(&mut e, "court_on", "The court date", self.court_on.as_deref());
        if let (Some(c), Some(d)) = (court_on, on)
            && c < d
        {
            e.add("court_on", "The court date cannot be before the breach");
        }
        let outcome = parse_optional_key::<BreachOutcome>(&mut e, "outcome", self.outcome.as_deref());
        if kind != Some(EnforcementKind::Breach) && (outcome.is_some() || court_on.is_some()) {
            e.add("outcome", "Only a breach has a court date and outcome");
        }
        match (kind, on, reason) {
            (Some(kind), Some(on), Some(reason)) if e.is_empty() => {
                Ok(CheckedEnforcement { kind, on, reason, court_on, outcome })
            }
            _ => Err(e),
        }
    }
}

/// An arrest or offence as sent (also a change to one: then `version` is needed).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OffenceInput {
    /// The version read, when changing.
    pub version: Option<i64>,
    /// `YYYY-MM-DD`.
    pub arrested_on: Option<String>,
    /// `YYYY-MM-DD`.
    pub offence_on: Option<String>,
    /// An [`OffenceCategory`].
    pub category: Option<String>,
    /// An [`OffenceOutcome`]; `pending` when not given.
    pub outcome: Option<String>,
    /// `YYYY-MM-DD`.
    pub outcome_on: Option<String>,
}

/// Checked offence fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedOffence {
    /// Arrest day.
    pub arrested_on: Option<Date>,
    /// Offence day.
    pub offence_on: Option<Date>,
    /// Category.
    pub category: OffenceCategory,
    /// Outcome.
    pub outcome: OffenceOutcome,
    /// Outcome day.
    pub outcome_on: Option<Date>,
}

impl OffenceInput {
    /// Checks a new offence, or a change merged over `current`: at least one of the arrest and
    /// offence days; none in the future or before birth; the offence not after the arrest;
    /// the outcome not before either.
    pub fn validate(
        &self,
        current: Option<&Offence>,
        born_on: Date,
        today: Date,
    ) -> Result<CheckedOffence, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let date_or =
            |e: &mut ValidationErrors, field: &str, label: &str, v: &Option<String>, was: Option<Date>| match v {
                Some(_) => parse_date(e, field, label, v.as_deref()),
                None => was,
            };
        let arrested_on =
            date_or(&mut e, "arrested_on", "The arrest date", &self.arrested_on, current.and_then(|c| c.arrested_on));
        let offence_on =
            date_or(&mut e, "offence_on", "The offence date", &self.offence_on, current.and_then(|c| c.offence_on));
        let outcome_on =
            date_or(&mut e, "outcome_on", "The outcome date", &self.outcome_on, current.and_then(|c| c.outcome_on));
        let category = match (&self.category, current) {
            (None, Some(c)) => Some(c.category),
            (v, _) => parse_key::<OffenceCategory>(&mut e, "category", v.as_deref(), "Choose the kind of offence"),
        };
        let outcome = match (&self.outcome, current) {
            (None, Some(c)) => Some(c.outcome),
            (None, None) => Some(OffenceOutcome::Pending),
            (Some(v), _) => parse_key::<OffenceOutcome>(&mut e, "outcome", Some(v), "Choose the outcome"),
        };
        if arrested_on.is_none() && offence_on.is_none() && e.is_empty() {
            e.add("arrested_on", "Enter the arrest date, the offence date or both");
        }
        for (field, day) in [("arrested_on", arrested_on), ("offence_on", offence_on), ("outcome_on", outcome_on)] {
            not_in_future(&mut e, field, day, today);
            not_before_birth(&mut e, field, day, born_on);
        }
        if let (Some(o), Some(a)) = (offence_on, arrested_on)
            && o > a
        {
            e.add("offence_on", "The offence cannot be after the arrest");
        }
        if let Some(out) = outcome_on
            && [arrested_on, offence_on].into_iter().flatten().any(|d| out < d)
        {
            e.add("outcome_on", "The outcome cannot be before the offence or the arrest");
        }
        if current.is_some() && self.version.is_none() {
            e.add("version", "Send the version of the record you read");
        }
        match (category, outcome) {
            (Some(category), Some(outcome)) if e.is_empty() => {
                Ok(CheckedOffence { arrested_on, offence_on, category, outcome, outcome_on })
            }
            _ => Err(e),
        }
    }
}

/// A living arrangement as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LivingArrangementInput {
    /// `YYYY-MM-DD`.
    pub from: Option<String>,
    /// A [`LivingKind`].
    pub kind: Option<String>,
    /// Whether suitable.
    pub suitable: Option<bool>,
    /// Why not, when not.
    pub reason: Option<String>,
    /// The address.
    pub address: Option<String>,
}

/// The checked fields of a living arrangement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedLiving {
    /// From.
    pub from: Date,
    /// Kind.
    pub kind: LivingKind,
    /// Suitable.
    pub suitable: bool,
    /// Why not.
    pub reason: Option<String>,
    /// Address.
    pub address: Option<String>,
}

impl LivingArrangementInput {
    /// Checks the input: an unsuitable home says why. The day may be ahead (a move arranged).
    pub fn validate(&self, born_on: Date) -> Result<CheckedLiving, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let from = parse_date(&mut e, "from", "The date", self.from.as_deref());
        if self.from.as_deref().map(str::trim).unwrap_or_default().is_empty() {
            e.add("from", "Enter the date the child lives there from");
        }
        not_before_birth(&mut e, "from", from, born_on);
        let kind = parse_key::<LivingKind>(&mut e, "kind", self.kind.as_deref(), "Choose where the child lives");
        let suitable = self.suitable;
        if suitable.is_none() {
            e.add("suitable", "Say whether the accommodation is suitable");
        }
        let reason = optional_text(&mut e, "reason", "Reason", self.reason.as_deref(), 1000);
        if suitable == Some(false) && reason.is_none() && e.for_field("reason").is_none() {
            e.add("reason", "Say why the accommodation is not suitable");
        }
        let address = optional_text(&mut e, "address", "Address", self.address.as_deref(), 500);
        match (from, kind, suitable) {
            (Some(from), Some(kind), Some(suitable)) if e.is_empty() => {
                Ok(CheckedLiving { from, kind, suitable, reason, address })
            }
            _ => Err(e),
        }
    }
}

/// An ETE placement as sent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EtePlacementInput {
    /// `YYYY-MM-DD`.
    pub from: Option<String>,
    /// An [`EteKind`].
    pub kind: Option<String>,
    /// Hours offered a week.
    pub hours_offered: Option<f64>,
    /// Hours attended a week.
    pub hours_attended: Option<f64>,
}

/// A transfer to the Probation Service as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbationTransferInput {
    /// `YYYY-MM-DD`.
    pub transferred_on: Option<String>,
    /// The receiving probation delivery unit.
    pub probation_delivery_unit: Option<String>,
    /// What was shared.
    pub shared: Option<String>,
}

/// A checked transfer: the day, the delivery unit and what was shared.
pub type CheckedProbationTransfer = (Date, String, String);

impl ProbationTransferInput {
    /// Checks the input: a day not in the future nor before the child's birth, the unit on one
    /// line, and what was shared.
    pub fn validate(&self, born_on: Date, today: Date) -> Result<CheckedProbationTransfer, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let on = parse_date(&mut e, "transferred_on", "The date", self.transferred_on.as_deref());
        if self.transferred_on.as_deref().map(str::trim).unwrap_or_default().is_empty() {
            e.add("transferred_on", "Enter the date supervision passed to probation");
        }
        not_before_birth(&mut e, "transferred_on", on, born_on);
        not_in_future(&mut e, "transferred_on", on, today);
        let unit = crate::validation::required_line(
            &mut e,
            "probation_delivery_unit",
            "The probation delivery unit",
            self.probation_delivery_unit.as_deref(),
            200,
        );
        let shared = crate::validation::required_text(
            &mut e,
            "shared",
            "What was shared with probation",
            self.shared.as_deref(),
            4000,
        );
        match on {
            Some(on) if e.is_empty() => Ok((on, unit, shared)),
            _ => Err(e),
        }
    }
}

/// The most hours there are in a week.
const HOURS_IN_A_WEEK: f64 = 168.0;

impl EtePlacementInput {
    /// Checks the input: hours between 0 and 168, attended no more than offered.
    pub fn validate(&self, born_on: Date) -> Result<(Date, EteKind, f64, Option<f64>), ValidationErrors> {
        let mut e = ValidationErrors::new();
        let from = parse_date(&mut e, "from", "The date", self.from.as_deref());
        if self.from.as_deref().map(str::trim).unwrap_or_default().is_empty() {
            e.add("from", "Enter the date the placement starts");
        }
        not_before_birth(&mut e, "from", from, born_on);
        let kind = parse_key::<EteKind>(
            &mut e,
            "kind",
            self.kind.as_deref(),
            "Choose the kind of education, training or employment",
        );
        let in_range = |h: f64| h.is_finite() && (0.0..=HOURS_IN_A_WEEK).contains(&h);
        let offered = match self.hours_offered {
            None => {
                e.add("hours_offered", "Enter the hours offered a week (0 when none)");
                None
            }
            Some(h) if !in_range(h) => {
                e.add("hours_offered", "Hours offered must be between 0 and 168 a week");
                None
            }
            Some(h) => Some(h),
        };
        let attended = match self.hours_attended {
            Some(h) if !in_range(h) => {
                e.add("hours_attended", "Hours attended must be between 0 and 168 a week");
                None
            }
            other => other,
        };
        if let (Some(o), Some(a)) = (offered, attended)
            && a > o
        {
            e.add("hours_attended", "Hours attended cannot be more than the hours offered");
        }
        match (from, kind, offered) {
            (Some(from), Some(kind), Some(offered)) if e.is_empty() => Ok((from, kind, offered, attended)),
            _ => Err(e),
        }
    }
}
