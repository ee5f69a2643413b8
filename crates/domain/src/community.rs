//! The community half of the journey: what happens after release. Supervision appointments and
//! their outcomes, warnings, breaches and recalls, further arrests and offences, where the child
//! lives and what education, training or employment they have — and the compliance status
//! derived from them.
//!
//! Every event carries its own date and may be recorded long after it happened (services bring
//! their history with them). A date is never refused for being in the past; it is refused when
//! it contradicts another (an outcome before the appointment, an arrest before birth) or lies in
//! the future where a fact cannot. Nothing here reads a clock: "today" and "now" are parameters.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::ids::{AppointmentId, ChildId, EnforcementId, EtePlacementId, LivingArrangementId, OffenceId};
use crate::org::string_enum;

mod input;

pub use input::*;

string_enum!(
    /// What a supervision appointment is for.
    AppointmentKind, "kind" {
        /// Supervision with the YJS case manager.
        YjsSupervision => "yjs_supervision", "YJS supervision";
        /// Health or mental-health appointment.
        Health => "health", "Health";
        /// School, college or training.
        Education => "education", "Education or training";
        /// An intervention programme.
        Intervention => "intervention", "Intervention";
        /// Reparation to the community or the victim.
        Reparation => "reparation", "Reparation";
        /// Anything else.
        Other => "other", "Other";
    }
);

string_enum!(
    /// How an appointment went.
    AppointmentOutcome, "outcome" {
        /// The child came.
        Attended => "attended", "Attended";
        /// The child did not come, for a reason the case manager accepts.
        AcceptableAbsence => "acceptable_absence", "Acceptable absence";
        /// The child did not come, without an acceptable reason.
        UnacceptableAbsence => "unacceptable_absence", "Unacceptable absence";
        /// The service called it off.
        CancelledByService => "cancelled_by_service", "Cancelled by the service";
        /// Moved to another time.
        Rescheduled => "rescheduled", "Rescheduled";
    }
);

string_enum!(
    /// A step taken when a child does not comply.
    EnforcementKind, "kind" {
        /// A warning.
        Warning => "warning", "Warning";
        /// A final warning before breach action.
        FinalWarning => "final_warning", "Final warning";
        /// Breach proceedings in court (DTO supervision: Sentencing Act 2020 s.243).
        Breach => "breach", "Breach";
        /// Recall to custody from licence (s.250 and extended sentences).
        Recall => "recall", "Recall";
    }
);

string_enum!(
    /// What the court did on a breach of DTO supervision (Sentencing Act 2020 s.243: a fine,
    /// further supervision, or detention of up to three months).
    BreachOutcome, "outcome" {
        /// No action taken.
        NoAction => "no_action", "No action";
        /// A fine.
        Fine => "fine", "Fine";
        /// Further supervision.
        FurtherSupervision => "further_supervision", "Further supervision";
        /// Further detention (up to 3 months).
        FurtherDetention => "further_detention", "Further detention";
    }
);

string_enum!(
    /// The kind of offence (Home Office offence groups).
    OffenceCategory, "category" {
        /// Violence against the person.
        ViolenceAgainstThePerson => "violence_against_the_person", "Violence against the person";
        /// Sexual offences.
        SexualOffences => "sexual_offences", "Sexual offences";
        /// Robbery.
        Robbery => "robbery", "Robbery";
        /// Theft.
        Theft => "theft", "Theft";
        /// Burglary.
        Burglary => "burglary", "Burglary";
        /// Criminal damage and arson.
        CriminalDamageArson => "criminal_damage_arson", "Criminal damage and arson";
        /// Drug offences.
        DrugOffences => "drug_offences", "Drug offences";
        /// Possession of weapons.
        PossessionOfWeapons => "possession_of_weapons", "Possession of weapons";
        /// Public order offences.
        PublicOrder => "public_order", "Public order";
        /// Motoring offences.
        Motoring => "motoring", "Motoring";
        /// Breach offences.
        BreachOffences => "breach_offences", "Breach offences";
        /// Anything else.
        Other => "other", "Other";
    }
);

string_enum!(
    /// Where an arrest or offence has got to.
    OffenceOutcome, "outcome" {
        /// Not decided yet.
        Pending => "pending", "Pending";
        /// No further action.
        NoFurtherAction => "no_further_action", "No further action";
        /// Released under investigation.
        ReleasedUnderInvestigation => "released_under_investigation", "Released under investigation";
        /// Community resolution.
        CommunityResolution => "community_resolution", "Community resolution";
        /// Youth caution.
        YouthCaution => "youth_caution", "Youth caution";
        /// Youth conditional caution.
        YouthConditionalCaution => "youth_conditional_caution", "Youth conditional caution";
        /// Charged.
        Charged => "charged", "Charged";
        /// Convicted.
        Convicted => "convicted", "Convicted";
        /// Acquitted.
        Acquitted => "acquitted", "Acquitted";
        /// Discontinued.
        Discontinued => "discontinued", "Discontinued";
    }
);

impl OffenceOutcome {
    /// Whether the outcome proves the offence for the Ministry of Justice's proven
    /// reoffending measure: a caution (youth caution or youth conditional caution) or a
    /// conviction.
    pub fn is_proven(self) -> bool {
        matches!(self, Self::YouthCaution | Self::YouthConditionalCaution | Self::Convicted)
    }
}

string_enum!(
    /// Where a child lives.
    LivingKind, "kind" {
        /// With their family.
        FamilyHome => "family_home", "Family home";
        /// With relatives or friends (kinship care).
        Kinship => "kinship", "Kinship care";
        /// Foster care.
        Foster => "foster", "Foster care";
        /// A children's home.
        ChildrensHome => "childrens_home", "Children's home";
        /// Supported accommodation.
        SupportedAccommodation => "supported_accommodation", "Supported accommodation";
        /// Semi-independent living.
        SemiIndependent => "semi_independent", "Semi-independent";
        /// Living independently.
        Independent => "independent", "Independent";
        /// Back in custody.
        Custody => "custody", "Custody";
        /// No fixed abode.
        NoFixedAbode => "no_fixed_abode", "No fixed abode";
        /// Anything else.
        Other => "other", "Other";
    }
);

string_enum!(
    /// Education, training or employment.
    EteKind, "kind" {
        /// School.
        School => "school", "School";
        /// Alternative provision.
        AlternativeProvision => "alternative_provision", "Alternative provision";
        /// College.
        College => "college", "College";
        /// Training.
        Training => "training", "Training";
        /// An apprenticeship.
        Apprenticeship => "apprenticeship", "Apprenticeship";
        /// Employment.
        Employment => "employment", "Employment";
        /// None.
        None => "none", "None";
    }
);

string_enum!(
    /// Whether a child is complying with supervision, derived from appointments and
    /// enforcement (see [`compliance`]).
    ComplianceStatus, "status" {
        /// No warning, breach or recall in force.
        Complying => "complying", "Complying";
        /// Warned (or enough unacceptable absences to call for a warning).
        Warned => "warned", "Warned";
        /// In breach proceedings.
        Breach => "breach", "Breach";
        /// Recalled to custody.
        Recalled => "recalled", "Recalled";
    }
);

/// A supervision appointment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Appointment {
    /// Identifier.
    pub id: AppointmentId,
    /// The child.
    pub child_id: ChildId,
    /// What for.
    pub kind: AppointmentKind,
    /// When it starts.
    pub starts_at: Timestamp,
    /// Where.
    pub location: Option<String>,
    /// With whom.
    pub with_whom: Option<String>,
    /// How it went, once known.
    pub outcome: Option<AppointmentOutcome>,
    /// The reason given for an absence or a change.
    pub outcome_reason: Option<String>,
    /// The new time, when rescheduled.
    pub rescheduled_to: Option<Timestamp>,
    /// Increases on every change.
    pub version: i64,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A warning, breach or recall.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enforcement {
    /// Identifier.
    pub id: EnforcementId,
    /// The child.
    pub child_id: ChildId,
    /// What was done.
    pub kind: EnforcementKind,
    /// The day.
    pub on: Date,
    /// Why.
    pub reason: String,
    /// The court date of a breach.
    pub court_on: Option<Date>,
    /// What the court did on a breach.
    pub outcome: Option<BreachOutcome>,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// An arrest or offence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offence {
    /// Identifier.
    pub id: OffenceId,
    /// The child.
    pub child_id: ChildId,
    /// The day of arrest, if any.
    pub arrested_on: Option<Date>,
    /// The day of the offence, if known.
    pub offence_on: Option<Date>,
    /// What kind of offence.
    pub category: OffenceCategory,
    /// Where it has got to.
    pub outcome: OffenceOutcome,
    /// The day of the outcome.
    pub outcome_on: Option<Date>,
    /// Increases on every change.
    pub version: i64,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// The custody episode (remand or sentence) it led to, when one was recorded with it.
    pub episode_id: Option<crate::ids::EpisodeId>,
}

impl Offence {
    /// The day that counts for a window: the offence's own day, or the arrest's when the
    /// offence day is unknown.
    pub fn counted_on(&self) -> Option<Date> {
        self.offence_on.or(self.arrested_on)
    }
}

/// Where a child lives, from a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivingArrangement {
    /// Identifier.
    pub id: LivingArrangementId,
    /// The child.
    pub child_id: ChildId,
    /// From.
    pub from: Date,
    /// What kind of home.
    pub kind: LivingKind,
    /// Whether it is suitable.
    pub suitable: bool,
    /// Why not, when it is not.
    pub reason: Option<String>,
    /// The address.
    pub address: Option<String>,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// Education, training or employment, from a day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EtePlacement {
    /// Identifier.
    pub id: EtePlacementId,
    /// The child.
    pub child_id: ChildId,
    /// From.
    pub from: Date,
    /// What kind.
    pub kind: EteKind,
    /// Hours offered a week.
    pub hours_offered: f64,
    /// Hours attended a week, once known.
    pub hours_attended: Option<f64>,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// One phase of a repeating appointment schedule: every so many weeks, so many times.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchedulePhase {
    /// Weeks between appointments (1 to 8).
    pub every_weeks: u8,
    /// How many appointments in the phase (1 to 52).
    pub count: u8,
}

/// The default supervision schedule after release: weekly for 12 weeks, then fortnightly for
/// 14 more (to about the end of a year). The intensity follows the YJB's case management
/// guidance (contact set by the assessed level of need: at least weekly at the start of
/// supervision for most children leaving custody); the numbers are for confirmation by each
/// service, which sets its own in `[outcomes] appointment_schedule`.
pub const DEFAULT_SCHEDULE: [SchedulePhase; 2] =
    [SchedulePhase { every_weeks: 1, count: 12 }, SchedulePhase { every_weeks: 2, count: 14 }];

/// The most appointments one schedule may create.
pub const MAX_SCHEDULED: usize = 104;

/// The start times of a repeating schedule from `first`: the same local time each week (so a
/// 10 o'clock appointment stays at 10 o'clock across the change to and from summer time), ending
/// after `until` when given. At most [`MAX_SCHEDULED`].
pub fn schedule_times(first: Timestamp, phases: &[SchedulePhase], until: Option<Date>) -> Vec<Timestamp> {
    let tz = crate::calendar::london();
    let start = first.to_zoned(tz);
    let mut out = Vec::new();
    let mut last: Option<i64> = None;
    for phase in phases {
        for _ in 0..phase.count {
            // Each phase's first appointment comes its own interval after the last one.
            let weeks = last.map_or(0, |l| l + i64::from(phase.every_weeks));
            let Ok(at) = start.checked_add(jiff::Span::new().weeks(weeks)) else { return out };
            if until.is_some_and(|u| at.date() > u) || out.len() >= MAX_SCHEDULED {
                return out;
            }
            out.push(at.timestamp());
            last = Some(weeks);
        }
    }
    out
}

/// The transfer of supervision to the Probation Service, usually as the young person turns 18
/// (Youth to Adult transitions framework, YJB and HM Prison and Probation Service, 2021): the
/// record stays open for the follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbationTransfer {
    /// Identifier.
    pub id: crate::ids::ProbationTransferId,
    /// The child (now a young adult).
    pub child_id: ChildId,
    /// The day supervision passed to probation.
    pub transferred_on: Date,
    /// The receiving probation delivery unit.
    pub probation_delivery_unit: String,
    /// What was shared with probation.
    pub shared: String,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// How long before a supervised child's 18th birthday the case manager is alerted to prepare
/// the transfer to probation (the Youth to Adult transitions framework asks for planning to
/// start at least three months before).
pub const TURNING_18_ALERT_MONTHS: i8 = 3;

/// The day a person born on `born_on` turns 18 (29 February birthdays count from 1 March in
/// non-leap years, as jiff's month arithmetic gives the 28th: the law counts the 1 March).
pub fn eighteenth_birthday(born_on: Date) -> Date {
    let day = born_on.saturating_add(jiff::Span::new().years(18));
    if born_on.month() == 2 && born_on.day() == 29 && day.day() == 28 { day.tomorrow().unwrap_or(day) } else { day }
}

/// The rules that turn appointments and enforcement into a compliance status. The default
/// follows the YJB case management guidance on enforcement (a warning after an unacceptable
/// absence; breach action considered after the third warning within the order) — marked for
/// confirmation by each service, which may set its own number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComplianceRules {
    /// Unacceptable absences that, without a warning recorded, show the child as warned.
    pub absences_for_warning: u32,
}

impl Default for ComplianceRules {
    fn default() -> Self {
        Self { absences_for_warning: 1 }
    }
}

/// A child's compliance over a supervision period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Compliance {
    /// The status now.
    pub status: ComplianceStatus,
    /// Unacceptable absences in the period.
    pub unacceptable_absences: u32,
    /// Warnings and final warnings in the period.
    pub warnings: u32,
    /// Breaches in the period.
    pub breaches: u32,
    /// Recalls in the period.
    pub recalls: u32,
    /// No unacceptable absence, warning, breach or recall in the period.
    pub fully_complied: bool,
}

/// Compliance over the supervision period `from..=to`: counts the unacceptable absences,
/// warnings, breaches and recalls in it; the status is the most serious step (recall, then
/// breach, then a warning or enough absences to call for one). **Fully complied** means none
/// of them in the period.
pub fn compliance(
    appointments: &[Appointment],
    enforcement: &[Enforcement],
    from: Date,
    to: Date,
    rules: ComplianceRules,
) -> Compliance {
    let within = |d: Date| d >= from && d <= to;
    // Looked up once: finding a time zone by name takes a lock, and cohorts have many children.
    let tz = crate::calendar::london();
    let unacceptable_absences = appointments
        .iter()
        .filter(|a| a.outcome == Some(AppointmentOutcome::UnacceptableAbsence))
        .filter(|a| within(a.starts_at.to_zoned(tz.clone()).date()))
        .count();
    let count =
        |kinds: &[EnforcementKind]| enforcement.iter().filter(|x| kinds.contains(&x.kind) && within(x.on)).count();
    let warnings = count(&[EnforcementKind::Warning, EnforcementKind::FinalWarning]);
    let breaches = count(&[EnforcementKind::Breach]);
    let recalls = count(&[EnforcementKind::Recall]);
    let n = |c: usize| u32::try_from(c).unwrap_or(u32::MAX);
    let status = if recalls > 0 {
        ComplianceStatus::Recalled
    } else if breaches > 0 {
        ComplianceStatus::Breach
    } else if warnings > 0 || (rules.absences_for_warning > 0 && n(unacceptable_absences) >= rules.absences_for_warning)
    {
        ComplianceStatus::Warned
    } else {
        ComplianceStatus::Complying
    };
    Compliance {
        status,
        unacceptable_absences: n(unacceptable_absences),
        warnings: n(warnings),
        breaches: n(breaches),
        recalls: n(recalls),
        fully_complied: unacceptable_absences + warnings + breaches + recalls == 0,
    }
}

/// Whether a released child's offence is proven reoffending by the Ministry of Justice's
/// definition: committed within the follow-up (from the day of release to `follow_up_ends_on`)
/// and proven by a caution or conviction within it or a further six months. Only children
/// released from a sentence count (the caller checks that).
pub fn is_proven_reoffence(o: &Offence, released_on: Date, follow_up_ends_on: Date) -> bool {
    let Some(day) = o.counted_on() else { return false };
    let Some(proven_by) = follow_up_ends_on.checked_add(6.months()).ok() else { return false };
    day >= released_on
        && day <= follow_up_ends_on
        && o.outcome.is_proven()
        && o.outcome_on.is_none_or(|d| d <= proven_by)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn appointment(starts_at: &str, outcome: Option<AppointmentOutcome>) -> Appointment {
        Appointment {
            id: AppointmentId::random(),
            child_id: ChildId::random(),
            kind: AppointmentKind::YjsSupervision,
            starts_at: at(starts_at),
            location: None,
            with_whom: None,
            outcome,
            outcome_reason: None,
            rescheduled_to: None,
            version: 1,
            recorded_by_name: "Casey".into(),
            created_at: at(starts_at),
            updated_at: at(starts_at),
        }
    }

    fn step(kind: EnforcementKind, on: Date) -> Enforcement {
        Enforcement {
            id: EnforcementId::random(),
            child_id: ChildId::random(),
            kind,
            on,
            reason: "Missed".into(),
            court_on: None,
            outcome: None,
            recorded_by_name: "Casey".into(),
            created_at: at("2026-01-01T00:00:00Z"),
        }
    }

    #[test]
    fn compliance_is_the_most_serious_step_within_the_period() {
        let (from, to) = (date(2026, 1, 1), date(2026, 6, 30));
        let rules = ComplianceRules::default();
        let attended = appointment("2026-02-01T10:00:00Z", Some(AppointmentOutcome::Attended));
        let c = compliance(std::slice::from_ref(&attended), &[], from, to, rules);
        assert_eq!(c.status, ComplianceStatus::Complying);
        assert!(c.fully_complied);
        let absent = appointment("2026-02-08T10:00:00Z", Some(AppointmentOutcome::UnacceptableAbsence));
        let c = compliance(&[attended.clone(), absent.clone()], &[], from, to, rules);
        assert_eq!((c.status, c.unacceptable_absences, c.fully_complied), (ComplianceStatus::Warned, 1, false));
        let lenient = ComplianceRules { absences_for_warning: 2 };
        assert_eq!(
            compliance(std::slice::from_ref(&absent), &[], from, to, lenient).status,
            ComplianceStatus::Complying
        );
        let steps = [step(EnforcementKind::Warning, date(2026, 2, 9)), step(EnforcementKind::Breach, date(2026, 3, 1))];
        let c = compliance(std::slice::from_ref(&absent), &steps, from, to, rules);
        assert_eq!((c.status, c.warnings, c.breaches), (ComplianceStatus::Breach, 1, 1));
        // Outside the period nothing counts.
        let later = [step(EnforcementKind::Recall, date(2026, 7, 1))];
        let c = compliance(&[attended], &later, from, to, rules);
        assert!(c.fully_complied);
        assert_eq!(c.status, ComplianceStatus::Complying);
        let c = compliance(&[], &[step(EnforcementKind::Recall, date(2026, 5, 1))], from, to, rules);
        assert_eq!(c.status, ComplianceStatus::Recalled);
    }

    #[test]
    fn an_outcome_cannot_come_before_the_appointment_and_absences_say_why() {
        let a = appointment("2026-03-02T10:00:00Z", None);
        let input = |outcome: &str| AppointmentOutcomeInput {
            version: Some(1),
            outcome: Some(outcome.into()),
            outcome_reason: None,
            rescheduled_to: None,
        };
        let before = at("2026-03-01T10:00:00Z");
        let e = input("attended").validate(&a, before).unwrap_err();
        assert!(e.for_field("outcome").is_some());
        // Cancelling ahead of time is fine.
        assert!(input("cancelled_by_service").validate(&a, before).is_ok());
        let after = at("2026-03-02T11:00:00Z");
        assert!(input("attended").validate(&a, after).is_ok());
        assert!(input("acceptable_absence").validate(&a, after).unwrap_err().for_field("outcome_reason").is_some());
        assert!(input("rescheduled").validate(&a, after).unwrap_err().for_field("rescheduled_to").is_some());
        let e = AppointmentOutcomeInput { version: None, ..input("teleported") }.validate(&a, after).unwrap_err();
        assert!(e.for_field("version").is_some() && e.for_field("outcome").is_some());
    }

    #[test]
    fn offence_dates_must_agree_with_each_other_and_with_birth() {
        let born = date(2009, 5, 1);
        let today = date(2026, 12, 2);
        let input = |arrested: Option<&str>, offence: Option<&str>| OffenceInput {
            arrested_on: arrested.map(str::to_string),
            offence_on: offence.map(str::to_string),
            category: Some("theft".into()),
            ..Default::default()
        };
        let ok = input(Some("2021-03-04"), Some("2021-03-01")).validate(None, born, today).unwrap();
        assert_eq!(ok.outcome, OffenceOutcome::Pending);
        assert!(input(None, None).validate(None, born, today).unwrap_err().for_field("arrested_on").is_some());
        assert!(
            input(Some("2008-01-01"), None).validate(None, born, today).unwrap_err().for_field("arrested_on").is_some()
        );
        assert!(
            input(Some("2027-01-01"), None).validate(None, born, today).unwrap_err().for_field("arrested_on").is_some()
        );
        let e = input(Some("2021-03-01"), Some("2021-03-04")).validate(None, born, today).unwrap_err();
        assert!(e.for_field("offence_on").is_some());
        let mut late = input(Some("2021-03-04"), None);
        late.outcome = Some("convicted".into());
        late.outcome_on = Some("2021-03-01".into());
        assert!(late.validate(None, born, today).unwrap_err().for_field("outcome_on").is_some());
    }

    #[test]
    fn a_schedule_changes_pace_from_the_last_appointment_and_stops_at_the_limit() {
        let first = at("2026-01-05T10:00:00Z");
        let weekly_then_fortnightly =
            [SchedulePhase { every_weeks: 1, count: 2 }, SchedulePhase { every_weeks: 2, count: 2 }];
        let days: Vec<String> = schedule_times(first, &weekly_then_fortnightly, None)
            .iter()
            .map(|t| t.to_zoned(crate::calendar::london()).date().to_string())
            .collect();
        assert_eq!(days, ["2026-01-05", "2026-01-12", "2026-01-26", "2026-02-09"]);
        assert_eq!(schedule_times(first, &weekly_then_fortnightly, Some(date(2026, 1, 25))).len(), 2);
        let long = [SchedulePhase { every_weeks: 1, count: 52 }; 3];
        assert_eq!(schedule_times(first, &long, None).len(), MAX_SCHEDULED);
        assert_eq!(eighteenth_birthday(date(2008, 2, 29)), date(2026, 3, 1));
        assert_eq!(eighteenth_birthday(date(2008, 5, 20)), date(2026, 5, 20));
    }

    #[test]
    fn proven_reoffending_needs_an_offence_in_the_window_proven_within_six_months_more() {
        let released = date(2025, 1, 10);
        let ends = date(2026, 1, 10);
        let offence = |offence_on: Option<Date>, arrested_on: Option<Date>, outcome, outcome_on| Offence {
            id: OffenceId::random(),
            child_id: ChildId::random(),
            arrested_on,
            offence_on,
            category: OffenceCategory::Theft,
            outcome,
            outcome_on,
            version: 1,
            recorded_by_name: "Casey".into(),
            created_at: at("2026-01-01T00:00:00Z"),
            updated_at: at("2026-01-01T00:00:00Z"),
            episode_id: None,
        };
        use OffenceOutcome::*;
        assert!(is_proven_reoffence(
            &offence(Some(date(2025, 6, 1)), None, Convicted, Some(date(2026, 7, 1))),
            released,
            ends
        ));
        assert!(!is_proven_reoffence(
            &offence(Some(date(2025, 6, 1)), None, Convicted, Some(date(2026, 7, 11))),
            released,
            ends
        ));
        assert!(!is_proven_reoffence(&offence(Some(date(2025, 1, 9)), None, Convicted, None), released, ends));
        assert!(!is_proven_reoffence(&offence(Some(date(2025, 6, 1)), None, Charged, None), released, ends));
        // The arrest day stands for an unknown offence day.
        assert!(is_proven_reoffence(
            &offence(None, Some(date(2025, 2, 1)), YouthCaution, Some(date(2025, 3, 1))),
            released,
            ends
        ));
    }

    #[test]
    fn living_and_ete_inputs_say_what_to_fix() {
        let born = date(2009, 5, 1);
        let e = LivingArrangementInput {
            from: Some("2026-01-01".into()),
            kind: Some("foster".into()),
            suitable: Some(false),
            ..Default::default()
        }
        .validate(born)
        .unwrap_err();
        assert!(e.for_field("reason").is_some());
        let e = EtePlacementInput {
            from: Some("2026-01-01".into()),
            kind: Some("college".into()),
            hours_offered: Some(10.0),
            hours_attended: Some(12.0),
        }
        .validate(born)
        .unwrap_err();
        assert!(e.for_field("hours_attended").is_some());
        assert!(
            EtePlacementInput {
                from: Some("2026-01-01".into()),
                kind: Some("college".into()),
                hours_offered: Some(16.0),
                hours_attended: None
            }
            .validate(born)
            .is_ok()
        );
    }
}
