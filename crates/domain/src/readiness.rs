//! Release readiness: is everything a child needs on the day they leave custody in place, and
//! in time?
//!
//! Each item (accommodation, education or training, …) has a deadline counted back from the
//! release date (or, on remand, from the next court date), set in the `[readiness]` section of
//! the configuration file. An item is **green** when done (or not yet near its deadline),
//! **amber** when not done and its deadline is within the warning window, and **red** when not
//! done and its deadline has passed. The child's status is the worst of their items. Every
//! item carries a reason a practitioner can act on.
//!
//! The rules here are pure functions of the release arrangements, the key dates, today and the
//! configuration.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, long_date};
use crate::team::parse_date;
use crate::validation::{ValidationErrors, optional_text};

/// The `[readiness]` section of the configuration file. Any setting left out takes its default;
/// an unknown key is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadinessRules {
    /// Working days before release by which accommodation must be confirmed with an address.
    /// Default 20: local practice, in line with the pre-release planning meeting (HMIP
    /// expectations are that accommodation is known well before release).
    pub accommodation_working_days: u32,
    /// Working days before release by which education, training or employment is arranged.
    /// Default 10: local practice.
    pub ete_working_days: u32,
    /// Working days before release by which a constructive activity for the first week is
    /// arranged. Default 10: local practice.
    pub constructive_activity_working_days: u32,
    /// Working days before release by which the YJS health worker has acknowledged the health
    /// handover. Default 5: local practice.
    pub health_handover_working_days: u32,
    /// Working days before release by which registration with a GP is confirmed. Default 5:
    /// local practice.
    pub gp_registration_working_days: u32,
    /// Working days before release by which the first supervision appointment (on release day)
    /// is booked. Default 5: local practice (the appointment itself is on release day, as
    /// national standards expect; booking it a week ahead lets the child be told).
    pub first_appointment_working_days: u32,
    /// Working days before release by which it is known who meets the child at the gate and
    /// how they travel. Default 5: local practice.
    pub release_day_working_days: u32,
    /// Calendar days before release by which the plan is shared with the child and carers.
    /// Default 14: HM Inspectorate of Prisons expectations for children (the same figure as
    /// the `[timescales]` pre-release plan).
    pub plan_shared_days: u32,
    /// On remand: working days before the next court date by which a bail address is found.
    /// Default 5: local practice.
    pub bail_accommodation_working_days: u32,
    /// On remand: working days before the next court date by which the plan for that hearing
    /// (bail package or release arrangements) is written. Default 5: local practice.
    pub court_plan_working_days: u32,
    /// Calendar days before a deadline from which an item not done is amber. Default 10:
    /// local practice (two working weeks' notice).
    pub warning_days: u32,
}

impl Default for ReadinessRules {
    fn default() -> Self {
        Self {
            accommodation_working_days: 20,
            ete_working_days: 10,
            constructive_activity_working_days: 10,
            health_handover_working_days: 5,
            gp_registration_working_days: 5,
            first_appointment_working_days: 5,
            release_day_working_days: 5,
            plan_shared_days: 14,
            bail_accommodation_working_days: 5,
            court_plan_working_days: 5,
            warning_days: 10,
        }
    }
}

/// Green, amber or red, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RagStatus {
    /// Done, or not yet near its deadline.
    Green,
    /// Not done, deadline within the warning window.
    Amber,
    /// Not done, deadline passed.
    Red,
}

impl RagStatus {
    /// Every status, best first.
    pub const ALL: [RagStatus; 3] = [RagStatus::Green, RagStatus::Amber, RagStatus::Red];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RagStatus::Green => "green",
            RagStatus::Amber => "amber",
            RagStatus::Red => "red",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            RagStatus::Green => "On track",
            RagStatus::Amber => "Due soon",
            RagStatus::Red => "Overdue",
        }
    }

    /// From the API spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What must be in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKey {
    /// Accommodation confirmed with an address.
    Accommodation,
    /// Education, training or employment arranged.
    Ete,
    /// A constructive activity for the first week.
    ConstructiveActivity,
    /// Health handover acknowledged by the YJS health worker.
    HealthHandover,
    /// Registered with a GP.
    GpRegistration,
    /// First supervision appointment booked.
    FirstAppointment,
    /// Who meets the child at the gate, and transport.
    ReleaseDay,
    /// The plan shared with the child and carers.
    PlanShared,
    /// On remand: the plan for the next court date.
    NextCourtDatePlan,
    /// On remand: a bail address.
    BailAccommodation,
}

impl ItemKey {
    /// The items of a sentenced child.
    pub const SENTENCE: [ItemKey; 8] = [
        ItemKey::Accommodation,
        ItemKey::Ete,
        ItemKey::ConstructiveActivity,
        ItemKey::HealthHandover,
        ItemKey::GpRegistration,
        ItemKey::FirstAppointment,
        ItemKey::ReleaseDay,
        ItemKey::PlanShared,
    ];
    /// The items of a child on remand.
    pub const REMAND: [ItemKey; 2] = [ItemKey::NextCourtDatePlan, ItemKey::BailAccommodation];

    /// The API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKey::Accommodation => "accommodation",
            ItemKey::Ete => "ete",
            ItemKey::ConstructiveActivity => "constructive_activity",
            ItemKey::HealthHandover => "health_handover",
            ItemKey::GpRegistration => "gp_registration",
            ItemKey::FirstAppointment => "first_appointment",
            ItemKey::ReleaseDay => "release_day",
            ItemKey::PlanShared => "plan_shared",
            ItemKey::NextCourtDatePlan => "next_court_date_plan",
            ItemKey::BailAccommodation => "bail_accommodation",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            ItemKey::Accommodation => "Accommodation",
            ItemKey::Ete => "Education, training or employment",
            ItemKey::ConstructiveActivity => "Constructive activity for the first week",
            ItemKey::HealthHandover => "Health handover",
            ItemKey::GpRegistration => "GP registration",
            ItemKey::FirstAppointment => "First supervision appointment",
            ItemKey::ReleaseDay => "Release day: met at the gate and transport",
            ItemKey::PlanShared => "Plan shared with the child and carers",
            ItemKey::NextCourtDatePlan => "Plan for the next court date",
            ItemKey::BailAccommodation => "Bail accommodation",
        }
    }

    /// The plan pathway whose need owner is responsible for the item, if any (the YJS case
    /// manager otherwise).
    pub fn pathway(self) -> Option<crate::plan::Pathway> {
        use crate::plan::Pathway;
        match self {
            ItemKey::Accommodation | ItemKey::BailAccommodation => Some(Pathway::Accommodation),
            ItemKey::Ete => Some(Pathway::Ete),
            ItemKey::ConstructiveActivity => Some(Pathway::ConstructiveActivities),
            ItemKey::HealthHandover | ItemKey::GpRegistration => Some(Pathway::Health),
            _ => None,
        }
    }

    /// What is missing while the item is not done, as the start of its reason.
    fn missing(self) -> &'static str {
        match self {
            ItemKey::Accommodation => "No confirmed address yet",
            ItemKey::Ete => "No education, training or employment arranged yet",
            ItemKey::ConstructiveActivity => "No constructive activity arranged for the first week yet",
            ItemKey::HealthHandover => "Health handover not acknowledged by the YJS health worker yet",
            ItemKey::GpRegistration => "No confirmed GP registration yet",
            ItemKey::FirstAppointment => "First supervision appointment not booked yet",
            ItemKey::ReleaseDay => "Not yet recorded who meets the child at the gate and how they travel",
            ItemKey::PlanShared => "The plan has not been shared with the child and carers yet",
            ItemKey::NextCourtDatePlan => "No plan recorded for the next court date yet",
            ItemKey::BailAccommodation => "No bail address found yet",
        }
    }

    /// The short name used in "… was due …".
    fn noun(self) -> &'static str {
        match self {
            ItemKey::Accommodation => "accommodation",
            ItemKey::Ete => "education, training or employment",
            ItemKey::ConstructiveActivity => "the first week's activity",
            ItemKey::HealthHandover => "the health handover",
            ItemKey::GpRegistration => "GP registration",
            ItemKey::FirstAppointment => "the first appointment",
            ItemKey::ReleaseDay => "release-day arrangements",
            ItemKey::PlanShared => "sharing the plan",
            ItemKey::NextCourtDatePlan => "the court date plan",
            ItemKey::BailAccommodation => "bail accommodation",
        }
    }
}

/// Where the health handover to the YJS health worker stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HealthHandoverState {
    /// Not sent.
    NotSent,
    /// Sent, waiting for acknowledgement by `due`.
    Pending {
        /// When acknowledgement is due.
        due: Date,
    },
    /// Acknowledged.
    Acknowledged {
        /// The day it was acknowledged.
        on: Date,
    },
}

/// The release arrangements recorded for a custody episode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseArrangements {
    /// Address the child will live at.
    pub accommodation_address: Option<String>,
    /// The day the accommodation was confirmed.
    pub accommodation_confirmed_on: Option<Date>,
    /// Who confirmed it.
    pub accommodation_confirmed_by: Option<String>,
    /// The education, training or employment provider or arrangement.
    pub ete_arrangement: Option<String>,
    /// The day it starts.
    pub ete_starts_on: Option<Date>,
    /// What the child will do in the first week.
    pub constructive_activity: Option<String>,
    /// The GP practice.
    pub gp_practice: Option<String>,
    /// The day registration was confirmed.
    pub gp_registered_on: Option<Date>,
    /// The day of the first supervision appointment.
    pub first_appointment_on: Option<Date>,
    /// Its time, as typed (`HH:MM`).
    pub first_appointment_time: Option<String>,
    /// Where.
    pub first_appointment_place: Option<String>,
    /// With whom.
    pub first_appointment_with: Option<String>,
    /// Who meets the child at the gate.
    pub gate_met_by: Option<String>,
    /// How the child travels from the gate.
    pub transport: Option<String>,
    /// On remand: the plan for the next court date.
    pub court_plan: Option<String>,
    /// On remand: the bail address.
    pub bail_accommodation: Option<String>,
    /// Optimistic-concurrency version: 0 before anything has been recorded.
    pub version: i64,
}

impl ReleaseArrangements {
    /// Whether the item is done by what is recorded here (`HealthHandover` and `PlanShared`
    /// are decided elsewhere and answer `false`).
    pub fn done(&self, key: ItemKey) -> bool {
        match key {
            ItemKey::Accommodation => self.accommodation_address.is_some() && self.accommodation_confirmed_on.is_some(),
            ItemKey::Ete => self.ete_arrangement.is_some() && self.ete_starts_on.is_some(),
            ItemKey::ConstructiveActivity => self.constructive_activity.is_some(),
            ItemKey::GpRegistration => self.gp_practice.is_some() && self.gp_registered_on.is_some(),
            ItemKey::FirstAppointment => self.first_appointment_on.is_some() && self.first_appointment_place.is_some(),
            ItemKey::ReleaseDay => self.gate_met_by.is_some() && self.transport.is_some(),
            ItemKey::NextCourtDatePlan => self.court_plan.is_some(),
            ItemKey::BailAccommodation => self.bail_accommodation.is_some(),
            ItemKey::HealthHandover | ItemKey::PlanShared => false,
        }
    }
}

/// A change to the release arrangements, as typed. A field left out is unchanged; a field sent
/// empty is cleared.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseArrangementsInput {
    /// The version the change was made against (0 when nothing is recorded yet).
    pub version: Option<i64>,
    /// Address.
    pub accommodation_address: Option<String>,
    /// `YYYY-MM-DD`.
    pub accommodation_confirmed_on: Option<String>,
    /// Who confirmed it.
    pub accommodation_confirmed_by: Option<String>,
    /// Provider or arrangement.
    pub ete_arrangement: Option<String>,
    /// `YYYY-MM-DD`.
    pub ete_starts_on: Option<String>,
    /// First week's activity.
    pub constructive_activity: Option<String>,
    /// GP practice.
    pub gp_practice: Option<String>,
    /// `YYYY-MM-DD`.
    pub gp_registered_on: Option<String>,
    /// `YYYY-MM-DD`.
    pub first_appointment_on: Option<String>,
    /// `HH:MM`.
    pub first_appointment_time: Option<String>,
    /// Where.
    pub first_appointment_place: Option<String>,
    /// With whom.
    pub first_appointment_with: Option<String>,
    /// Who meets the child.
    pub gate_met_by: Option<String>,
    /// Transport.
    pub transport: Option<String>,
    /// Court date plan.
    pub court_plan: Option<String>,
    /// Bail address.
    pub bail_accommodation: Option<String>,
}

/// Longest free text in the release arrangements, in characters.
pub const MAX_TEXT: usize = 1000;

impl ReleaseArrangementsInput {
    /// Checks the input and applies it to `current`, returning the new record (version + 1)
    /// and the labels of what changed. Confirmation and registration dates must not be in the
    /// future; a date typed without what it dates is refused.
    pub fn apply(
        &self,
        current: &ReleaseArrangements,
        today: Date,
    ) -> Result<(ReleaseArrangements, Vec<&'static str>), ValidationErrors> {
        let mut e = ValidationErrors::new();
        let mut next = current.clone();
        let mut changed = Vec::new();
        macro_rules! text {
            ($field:ident, $label:literal) => {
                if let Some(raw) = self.$field.as_deref() {
                    let v = optional_text(&mut e, stringify!($field), $label, Some(raw), MAX_TEXT);
                    if v != next.$field {
                        changed.push($label);
                    }
                    next.$field = v;
                }
            };
        }
        macro_rules! day {
            ($field:ident, $label:literal, $past:expr) => {
                if let Some(raw) = self.$field.as_deref() {
                    let v = parse_date(&mut e, stringify!($field), $label, Some(raw));
                    if $past && v.is_some_and(|d| d > today) {
                        e.add(stringify!($field), concat!($label, " must be today or in the past"));
                    }
                    if v != next.$field {
                        changed.push($label);
                    }
                    next.$field = v;
                }
            };
        }
        text!(accommodation_address, "Accommodation address");
        day!(accommodation_confirmed_on, "The day the accommodation was confirmed", true);
        text!(accommodation_confirmed_by, "Who confirmed the accommodation");
        text!(ete_arrangement, "Education, training or employment");
        day!(ete_starts_on, "The day education, training or employment starts", false);
        text!(constructive_activity, "Constructive activity for the first week");
        text!(gp_practice, "GP practice");
        day!(gp_registered_on, "The day GP registration was confirmed", true);
        day!(first_appointment_on, "The day of the first appointment", false);
        text!(first_appointment_time, "Time of the first appointment");
        text!(first_appointment_place, "Where the first appointment is");
        text!(first_appointment_with, "Who the first appointment is with");
        text!(gate_met_by, "Who meets the child at the gate");
        text!(transport, "Transport from the gate");
        text!(court_plan, "Plan for the next court date");
        text!(bail_accommodation, "Bail accommodation");
        if let Some(t) = next.first_appointment_time.as_deref()
            && t.parse::<jiff::civil::Time>().is_err()
        {
            e.add("first_appointment_time", "Time of the first appointment must be a time like 10:30");
        }
        if next.accommodation_confirmed_on.is_some() && next.accommodation_address.is_none() {
            e.add("accommodation_address", "Enter the address that was confirmed");
        }
        if next.gp_registered_on.is_some() && next.gp_practice.is_none() {
            e.add("gp_practice", "Enter the GP practice the child is registered with");
        }
        if !e.is_empty() {
            return Err(e);
        }
        next.version = current.version + 1;
        Ok((next, changed))
    }
}

/// What the rules need to know about the child's custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustodyDates {
    /// Sentenced, to be released on this day (the MTD of the latest key dates).
    Sentenced {
        /// Release date.
        release: Date,
    },
    /// On remand, next in court on this day if known.
    Remanded {
        /// Next court date.
        next_court_date: Option<Date>,
    },
    /// Not in custody.
    NotInCustody,
}

/// The facts one child's readiness is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadinessFacts {
    /// The custody dates.
    pub custody: CustodyDates,
    /// What is arranged.
    pub arrangements: ReleaseArrangements,
    /// Where the health handover stands.
    pub health_handover: HealthHandoverState,
    /// The day the plan was shared with the child and carers.
    pub plan_shared_on: Option<Date>,
}

/// One item's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadinessItem {
    /// Which item.
    pub key: ItemKey,
    /// Green, amber or red.
    pub status: RagStatus,
    /// Why, in words a practitioner can act on.
    pub reason: String,
    /// The reason in about ten words, for lists (see [`Progress`]).
    pub short: String,
    /// The deadline, when one can be set.
    pub due_by: Option<Date>,
    /// Whether it is done.
    pub done: bool,
}

/// A child's readiness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Readiness {
    /// Not in custody: nothing to be ready for.
    NotApplicable,
    /// In custody.
    Assessed {
        /// The worst item.
        status: RagStatus,
        /// Every item, in the fixed order.
        items: Vec<ReadinessItem>,
        /// The release date (sentenced) or next court date (remand) deadlines count back from.
        target: Option<Date>,
        /// Days from today to `target` (negative when past).
        days_to_target: Option<i64>,
    },
}

impl Readiness {
    /// The status, if assessed.
    pub fn status(&self) -> Option<RagStatus> {
        match self {
            Readiness::NotApplicable => None,
            Readiness::Assessed { status, .. } => Some(*status),
        }
    }

    /// The items (none when not applicable).
    pub fn items(&self) -> &[ReadinessItem] {
        match self {
            Readiness::NotApplicable => &[],
            Readiness::Assessed { items, .. } => items,
        }
    }

    /// The earliest deadline of an item not done.
    pub fn next_deadline(&self) -> Option<(ItemKey, Date)> {
        self.items().iter().filter(|i| !i.done).filter_map(|i| i.due_by.map(|d| (i.key, d))).min_by_key(|(_, d)| *d)
    }
}

/// Whole days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

fn ago(today: Date, due: Date) -> String {
    let n = days_between(due, today);
    match n {
        0 => "today".to_string(),
        1 => "1 day ago".to_string(),
        n if n > 0 => format!("{n} days ago"),
        -1 => "in 1 day".to_string(),
        n => format!("in {} days", -n),
    }
}

/// An item's status from whether it is done, its deadline and today: done is green; not done
/// and past the deadline is red; not done within `warning_days` of the deadline (inclusive) is
/// amber; otherwise green.
pub fn item_status(done: bool, due_by: Option<Date>, today: Date, warning_days: u32) -> RagStatus {
    if done {
        return RagStatus::Green;
    }
    let Some(due) = due_by else {
        // No date to count back from: it cannot be late, but someone must act.
        return RagStatus::Amber;
    };
    let left = days_between(today, due);
    if left < 0 {
        RagStatus::Red
    } else if left <= i64::from(warning_days) {
        RagStatus::Amber
    } else {
        RagStatus::Green
    }
}

fn working_days_before(cal: &Calendar, day: Date, n: u32) -> Option<Date> {
    cal.add_working_days(day, -i32::try_from(n).unwrap_or(i32::MAX)).ok()
}

fn plural(n: u32, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

/// The readiness of one child today.
pub fn assess(cal: &Calendar, rules: &ReadinessRules, facts: &ReadinessFacts, today: Date) -> Readiness {
    let a = &facts.arrangements;
    let mut items = Vec::new();
    let (target, keys, event): (Option<Date>, &[ItemKey], &str) = match facts.custody {
        CustodyDates::NotInCustody => return Readiness::NotApplicable,
        CustodyDates::Sentenced { release } => (Some(release), &ItemKey::SENTENCE, "release"),
        CustodyDates::Remanded { next_court_date } => (next_court_date, &ItemKey::REMAND, "the next court date"),
    };
    for &key in keys {
        let (count, unit_working) = match key {
            ItemKey::Accommodation => (rules.accommodation_working_days, true),
            ItemKey::Ete => (rules.ete_working_days, true),
            ItemKey::ConstructiveActivity => (rules.constructive_activity_working_days, true),
            ItemKey::HealthHandover => (rules.health_handover_working_days, true),
            ItemKey::GpRegistration => (rules.gp_registration_working_days, true),
            ItemKey::FirstAppointment => (rules.first_appointment_working_days, true),
            ItemKey::ReleaseDay => (rules.release_day_working_days, true),
            ItemKey::PlanShared => (rules.plan_shared_days, false),
            ItemKey::NextCourtDatePlan => (rules.court_plan_working_days, true),
            ItemKey::BailAccommodation => (rules.bail_accommodation_working_days, true),
        };
        let due_by = target.and_then(|t| {
            if unit_working {
                working_days_before(cal, t, count)
            } else {
                t.checked_sub(Span::new().days(i64::from(count))).ok()
            }
        });
        let (done, done_reason) = match key {
            ItemKey::HealthHandover => match facts.health_handover {
                HealthHandoverState::Acknowledged { on } => {
                    (true, format!("Health handover acknowledged on {}", long_date(on)))
                }
                HealthHandoverState::Pending { .. } | HealthHandoverState::NotSent => (false, String::new()),
            },
            ItemKey::PlanShared => match facts.plan_shared_on {
                Some(on) => (true, format!("Plan shared with the child and carers on {}", long_date(on))),
                None => (false, String::new()),
            },
            _ => (a.done(key), done_text(a, key)),
        };
        let status = item_status(done, due_by, today, rules.warning_days);
        let reason = if done {
            done_reason
        } else {
            let mut what = key.missing().to_string();
            if key == ItemKey::HealthHandover
                && let HealthHandoverState::Pending { due } = facts.health_handover
            {
                what = format!("Health handover sent, waiting for acknowledgement due {}", long_date(due));
            }
            match (due_by, target) {
                (Some(due), Some(t)) => {
                    let unit = if unit_working { "working day" } else { "day" };
                    let verb = if due < today { "was" } else { "is" };
                    format!(
                        "{what}: {} {verb} due {} before {event} on {}, on {} ({})",
                        key.noun(),
                        plural(count, unit),
                        long_date(t),
                        long_date(due),
                        ago(today, due),
                    )
                }
                (None, None) => format!("{what}: record the next court date so a deadline can be set"),
                _ => format!("{what}: the deadline could not be worked out from the key dates; check them"),
            }
        };
        let short = progress::short_reason(key, done, due_by, today, rules.warning_days);
        items.push(ReadinessItem { key, status, reason, short, due_by, done });
    }
    let status = items.iter().map(|i| i.status).max().unwrap_or(RagStatus::Green);
    Readiness::Assessed { status, items, target, days_to_target: target.map(|t| days_between(today, t)) }
}

fn done_text(a: &ReleaseArrangements, key: ItemKey) -> String {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let d = |o: &Option<Date>| o.map(long_date).unwrap_or_default();
    match key {
        ItemKey::Accommodation => format!(
            "Address confirmed on {}{}",
            d(&a.accommodation_confirmed_on),
            a.accommodation_confirmed_by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default()
        ),
        ItemKey::Ete => format!("{} starting {}", s(&a.ete_arrangement), d(&a.ete_starts_on)),
        ItemKey::ConstructiveActivity => format!("First week: {}", s(&a.constructive_activity)),
        ItemKey::GpRegistration => format!("Registered with {} on {}", s(&a.gp_practice), d(&a.gp_registered_on)),
        ItemKey::FirstAppointment => {
            format!("First appointment on {} at {}", d(&a.first_appointment_on), s(&a.first_appointment_place))
        }
        ItemKey::ReleaseDay => format!("Met at the gate by {}; {}", s(&a.gate_met_by), s(&a.transport)),
        ItemKey::NextCourtDatePlan => format!("Court date plan: {}", s(&a.court_plan)),
        ItemKey::BailAccommodation => format!("Bail address: {}", s(&a.bail_accommodation)),
        ItemKey::HealthHandover | ItemKey::PlanShared => key.label().to_string(),
    }
}

mod progress;
pub use progress::{Attention, NextDeadline, Progress, relative, when_due};

#[cfg(test)]
mod tests;
