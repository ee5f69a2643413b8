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
use crate::team::parse_date;
use crate::validation::{ValidationErrors, optional_line, optional_text};

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
    s.parse::<Timestamp>()
        .map_err(|_| e.add(field, "Give a date and time with its offset, like 2026-11-02T14:30:00Z"))
        .ok()
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
    let unacceptable_absences = appointments
        .iter()
        .filter(|a| a.outcome == Some(AppointmentOutcome::UnacceptableAbsence))
        .filter(|a| within(a.starts_at.to_zoned(crate::calendar::london()).date()))
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
