//! Outcomes measured the way inspectors measure them: a cohort of children released from
//! custody between two days, each followed from the day of release, and the measures counted
//! over it — the 2015 joint thematic inspection's (compliance, arrests, mental health), the
//! Ministry of Justice's proven reoffending, the YJS key performance indicators and the secure
//! estate's release-readiness indicators. Definitions and their sources: `docs/outcomes.md`.
//!
//! Everything here is a pure function of per-child facts (gathered by storage) and the
//! report's parameters; "today" is a parameter. Suppression of small cells for people who see
//! counts only is here too ([`suppress`]).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::community::{
    AppointmentKind, AppointmentOutcome, ComplianceRules, Enforcement, EteKind, EtePlacement, LivingArrangement,
    Offence, compliance, is_proven_reoffence,
};
use crate::custody::EpisodeKind;
use crate::health::Rater;
use crate::ids::{ChildId, OrgId};
use crate::plan::{NeedStatus, Pathway};
use crate::post_release::{ReleaseKind, dto_supervision_ends_on, follow_up_ends_on};

/// The default reliable-change threshold for the SDQ total difficulties score, in points: a
/// fall of at least this much counts as improvement (see `docs/outcomes.md` for the source;
/// configurable as `[outcomes] sdq_reliable_change`).
pub const DEFAULT_SDQ_RELIABLE_CHANGE: u8 = 8;
/// The default smallest count shown to people who see counts only (`[reports] min_cell`).
pub const DEFAULT_MIN_CELL: u32 = 5;
/// Arrests "within weeks": the first four weeks (28 days) after release.
pub const EARLY_ARREST_DAYS: i64 = 28;
/// Accommodation confirmed fewer than this many calendar days before release is late (HMIP
/// 2015: children did not know where they would live until days before release).
pub const ACCOMMODATION_LATE_DAYS: i64 = 5;
/// The plan shared at least this many days before release (HM Inspectorate of Prisons'
/// expectation for children).
pub const PLAN_SHARED_DAYS: i64 = 14;
/// An ETE arrangement counts as in place on release when it starts no later than this many
/// days after the day of release.
pub const ETE_START_GRACE_DAYS: i64 = 7;
/// The end-of-window SDQ measurement must be at least this many months after release.
pub const SDQ_END_MIN_MONTHS: i64 = 6;

/// The terms of the sentence a child was released from, as supervision needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentenceTerms {
    /// A detention and training order.
    pub is_dto: bool,
    /// The order's term in months (DTO).
    pub term_months: Option<u8>,
    /// The half-way (mid-term) date.
    pub mtd: Date,
    /// The sentence and licence expiry date.
    pub sled: Date,
}

/// The initial planning meeting of the custody episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanningMeeting {
    /// Its due day (from the timescales).
    pub due_by: Option<Date>,
    /// The day it was held, if it was.
    pub held_on: Option<Date>,
}

/// A release health summary handed over to the youth justice service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReleaseHandover {
    /// The receiving organisation.
    pub recipient_org: OrgId,
    /// Sent to a named person or to the YJS health worker role.
    pub to_health_worker: bool,
    /// The day it was sent (UK time).
    pub sent_on: Date,
    /// The day it was acknowledged (UK time).
    pub acknowledged_on: Option<Date>,
}

/// An SDQ total difficulties score.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SdqScore {
    /// Who rated.
    pub rater: Rater,
    /// 0–40.
    pub score: u8,
    /// When.
    pub measured_on: Date,
}

/// A plan need, as the measures need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeedFact {
    /// Pathway.
    pub pathway: Pathway,
    /// Catalogue key.
    pub need: String,
    /// Status now.
    pub status: NeedStatus,
    /// The day it was added (UK time).
    pub created_on: Date,
    /// The day it last changed (UK time).
    pub updated_on: Date,
}

/// Everything the measures need about one released child. Storage gathers it for the whole
/// cohort with a few set-based queries.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortChild {
    /// The child.
    pub child_id: ChildId,
    /// The name people read (for the drill-down lists of those allowed to see them).
    pub name: String,
    /// The responsible youth justice service.
    pub yjs_id: OrgId,
    /// The secure establishment that released the child (the last placement).
    pub establishment_id: Option<OrgId>,
    /// Date of birth.
    pub born_on: Date,
    /// Gender as recorded.
    pub sex: Option<String>,
    /// Ethnicity as recorded.
    pub ethnicity: Option<String>,
    /// Looked after now.
    pub looked_after: bool,
    /// Remand or sentence at the end.
    pub episode_kind: EpisodeKind,
    /// How the child left, when recorded.
    pub release_kind: Option<ReleaseKind>,
    /// First day in custody.
    pub custody_started_on: Date,
    /// The day of release.
    pub released_on: Date,
    /// The sentence released from (latest key dates).
    pub sentence: Option<SentenceTerms>,
    /// The episode's initial planning meeting.
    pub initial_planning: Option<PlanningMeeting>,
    /// Accommodation confirmed on (release arrangements).
    pub accommodation_confirmed_on: Option<Date>,
    /// An ETE arrangement was named for release.
    pub ete_arranged: bool,
    /// The day it starts.
    pub ete_starts_on: Option<Date>,
    /// Registered with a GP on.
    pub gp_registered_on: Option<Date>,
    /// The plan was shared with the child and carers on.
    pub plan_shared_on: Option<Date>,
    /// Release health summaries handed over.
    pub handovers: Vec<ReleaseHandover>,
    /// Supervision appointments that the measures read: unacceptable absences, and health or
    /// intervention appointments (storage may leave out the others, and the fields the measures
    /// do not read).
    pub appointments: Vec<crate::community::Appointment>,
    /// Warnings, breaches and recalls.
    pub enforcement: Vec<Enforcement>,
    /// Arrests and offences.
    pub offences: Vec<Offence>,
    /// Living arrangements.
    pub living: Vec<LivingArrangement>,
    /// ETE placements.
    pub ete: Vec<EtePlacement>,
    /// SDQ total difficulties scores.
    pub sdq: Vec<SdqScore>,
    /// Plan needs on the health, substance-misuse and ETE pathways.
    pub needs: Vec<NeedFact>,
}

impl CohortChild {
    /// Released from a sentence (not remand): the release kind says, else the episode.
    pub fn from_sentence(&self) -> bool {
        match self.release_kind {
            Some(k) => k.is_from_sentence(),
            None => self.episode_kind == EpisodeKind::Sentence,
        }
    }

    /// The last day of supervision, for a child released from a sentence.
    pub fn supervision_ends_on(&self) -> Option<Date> {
        if !self.from_sentence() {
            return None;
        }
        let s = self.sentence?;
        match (s.is_dto, s.term_months) {
            (true, Some(term)) => dto_supervision_ends_on(self.born_on, term, s.mtd, s.sled),
            _ => Some(s.sled),
        }
        .filter(|end| *end >= self.released_on)
    }

    /// Age in whole years on the day of release.
    pub fn age_at_release(&self) -> i16 {
        let mut age = self.released_on.year() - self.born_on.year();
        if (self.released_on.month(), self.released_on.day()) < (self.born_on.month(), self.born_on.day()) {
            age -= 1;
        }
        age
    }
}

/// The report's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Today (measures whose window has not closed for every child are incomplete).
    pub today: Date,
    /// Follow-up after release, in months.
    pub follow_up_months: i32,
    /// Reliable change on the SDQ total.
    pub sdq_reliable_change: u8,
    /// Compliance rules.
    pub compliance: ComplianceRules,
}

/// Which measures are built on health information: only health roles see their children.
pub const HEALTH_MEASURES: &[&str] =
    &["mental_health_not_improved", "kpi_mental_health_attending", "kpi_substance_misuse_attending"];

/// One measure over a cohort.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measure {
    /// Stable key.
    pub key: &'static str,
    /// Plain label.
    pub label: &'static str,
    /// The rule, in words.
    pub rule: &'static str,
    /// The inspection's 2015 figure as a proportion, where it has one.
    pub reference: Option<f64>,
    /// Children counted (null when suppressed).
    pub numerator: Option<u32>,
    /// Children it is counted over (null when suppressed).
    pub denominator: Option<u32>,
    /// Every child's window has closed.
    pub complete: bool,
    /// Counts under the smallest cell shown were withheld.
    pub suppressed: bool,
    /// Built on health information.
    pub health: bool,
    /// Extra counts of this measure (e.g. `not_measured`, `proven_offences`), by name.
    pub extra: Vec<(&'static str, Option<f64>)>,
    /// The children counted in the numerator (removed for those who see counts only).
    #[serde(skip)]
    pub children: Vec<ChildId>,
}

impl Measure {
    fn new(key: &'static str, label: &'static str, rule: &'static str) -> Self {
        Self {
            key,
            label,
            rule,
            reference: None,
            numerator: Some(0),
            denominator: Some(0),
            complete: true,
            suppressed: false,
            health: HEALTH_MEASURES.contains(&key),
            extra: Vec::new(),
            children: Vec::new(),
        }
    }

    fn count(&mut self, c: &CohortChild, in_denominator: bool, in_numerator: bool) {
        if !in_denominator {
            return;
        }
        self.denominator = Some(self.denominator.unwrap_or(0) + 1);
        if in_numerator {
            self.numerator = Some(self.numerator.unwrap_or(0) + 1);
            self.children.push(c.child_id);
        }
    }

    /// The numerator as a proportion of the denominator, when both are shown and non-zero.
    pub fn rate(&self) -> Option<f64> {
        match (self.numerator, self.denominator) {
            (Some(n), Some(d)) if d > 0 => Some(f64::from(n) / f64::from(d)),
            _ => None,
        }
    }

    /// An extra count by name.
    pub fn extra(&self, name: &str) -> Option<f64> {
        self.extra.iter().find(|(k, _)| *k == name).and_then(|(_, v)| *v)
    }
}

fn days(d: Date, n: i64) -> Date {
    d.checked_add(n.days()).unwrap_or(d)
}

/// The living arrangement (or ETE placement) in force on `day`: the latest from on or before it.
fn in_force<T>(items: &[T], day: Date, from: impl Fn(&T) -> Date) -> Option<&T> {
    items.iter().filter(|i| from(i) <= day).max_by_key(|i| from(i))
}

fn ete_attending(p: &EtePlacement) -> bool {
    p.kind != EteKind::None && p.hours_offered > 0.0 && p.hours_attended.is_some_and(|h| h > 0.0)
}

/// The SDQ band threshold for "high" (high or very high) by rater (the published four-band
/// categorisation of total difficulties, sdqinfo.org: high from 17 by a parent, 18 self-rated, 16
/// by a teacher). Clinicians do not rate the SDQ: none.
pub fn sdq_high_from(rater: Rater) -> Option<u8> {
    match rater {
        Rater::Parent => Some(17),
        Rater::SelfReport => Some(18),
        Rater::Clinician => None,
        Rater::Teacher => Some(16),
    }
}

/// A need open on the plan at release: added on or before the day of release and not closed
/// before it (a need closed later was still open then).
fn need_open_at_release(n: &NeedFact, released_on: Date) -> bool {
    let closed = matches!(n.status, NeedStatus::Met | NeedStatus::Declined | NeedStatus::NotRequired);
    n.created_on <= released_on && (!closed || n.updated_on > released_on)
}

/// Mental-health needs at release: a mental-health need open on the plan's health pathway, or
/// an SDQ total in the high or very high band at the last measurement on or before release.
pub fn mental_health_need_at_release(c: &CohortChild) -> bool {
    let need = c.needs.iter().any(|n| {
        n.pathway == Pathway::Health && n.need == "health_mental_health" && need_open_at_release(n, c.released_on)
    });
    let last = c.sdq.iter().filter(|s| s.measured_on <= c.released_on).max_by_key(|s| s.measured_on);
    need || last.is_some_and(|s| sdq_high_from(s.rater).is_some_and(|t| s.score >= t))
}

/// Whether the SDQ improved reliably: `Some(true)` improved, `Some(false)` measured and not
/// improved, `None` not measured. The end measurement is the one nearest the end of the window
/// at least six months after release whose rater also rated on or before release; it is
/// compared with that rater's last score on or before release.
pub fn sdq_improved(c: &CohortChild, window_end: Date, reliable_change: u8) -> Option<bool> {
    let earliest = c.released_on.checked_add(SDQ_END_MIN_MONTHS.months()).ok()?;
    let baseline = |rater: Rater| {
        c.sdq.iter().filter(|s| s.rater == rater && s.measured_on <= c.released_on).max_by_key(|s| s.measured_on)
    };
    let end = c
        .sdq
        .iter()
        .filter(|s| s.measured_on >= earliest && baseline(s.rater).is_some())
        .min_by_key(|s| ((s.measured_on - window_end).get_days().abs(), s.measured_on))?;
    let before = baseline(end.rater)?;
    Some(i32::from(before.score) - i32::from(end.score) >= i32::from(reliable_change))
}

/// An arrest's day: the arrest, or (without one) the offence's own day.
fn arrested_on(o: &Offence) -> Option<Date> {
    o.arrested_on.or(o.offence_on)
}

/// Every measure over `cohort`, in the order the report shows them.
pub fn measures(cohort: &[CohortChild], p: &Params) -> Vec<Measure> {
    let refs: Vec<&CohortChild> = cohort.iter().collect();
    measures_of(&refs, p)
}

/// [`measures`] over borrowed children (a part of a cohort, without copying it).
pub fn measures_of(cohort: &[&CohortChild], p: &Params) -> Vec<Measure> {
    let mut out = Vec::new();
    // Looked up once: finding a time zone by name takes a lock.
    let tz = crate::calendar::london();
    let all_before =
        |f: &dyn Fn(&CohortChild) -> Option<Date>| cohort.iter().all(|c| f(c).is_some_and(|d| d < p.today));
    let follow_up = |c: &CohortChild| follow_up_ends_on(c.released_on, p.follow_up_months);

    let mut m = Measure::new(
        "initial_planning_late",
        "Initial planning meeting late",
        "The initial planning meeting was held after its due day, or had not been held by it. Counted over the \
         children whose custody episode had an initial planning meeting due.",
    );
    for c in cohort {
        let due = c.initial_planning.and_then(|m| m.due_by);
        let late = due.is_some_and(|due| c.initial_planning.and_then(|m| m.held_on).is_none_or(|h| h > due));
        m.count(c, due.is_some(), late);
    }
    out.push(m);

    let mut m = Measure::new(
        "accommodation_confirmed_under_5_days",
        "Accommodation confirmed fewer than 5 days before release",
        "Accommodation was confirmed fewer than 5 calendar days before the day of release, or not at all before \
         it. Counted over the cohort.",
    );
    for c in cohort {
        let late = c.accommodation_confirmed_on.is_none_or(|d| (c.released_on - d).get_days() < 5 || d > c.released_on);
        m.count(c, true, late);
    }
    out.push(m);

    let mut m = Measure::new(
        "ete_in_place_on_release",
        "Education, training or employment in place on release",
        "An education, training or employment arrangement was named for release and starts no later than 7 days \
         after the day of release. Counted over the cohort.",
    );
    for c in cohort {
        let ok = c.ete_arranged && c.ete_starts_on.is_some_and(|d| d <= days(c.released_on, ETE_START_GRACE_DAYS));
        m.count(c, true, ok);
    }
    out.push(m);

    let mut m = Measure::new(
        "health_handover_acknowledged_before_release",
        "Health handover acknowledged by the day of release",
        "The release health summary handed to the youth justice service's health worker was acknowledged on or \
         before the day of release. Counted over the cohort.",
    );
    for c in cohort {
        let ok = c.handovers.iter().any(|h| {
            h.recipient_org == c.yjs_id
                && h.to_health_worker
                && h.sent_on >= c.custody_started_on
                && h.acknowledged_on.is_some_and(|a| a <= c.released_on)
        });
        m.count(c, true, ok);
    }
    out.push(m);

    let mut m = Measure::new(
        "gp_registered_before_release",
        "Registered with a GP by the day of release",
        "Registration with a GP was recorded on or before the day of release. Counted over the cohort.",
    );
    for c in cohort {
        m.count(c, true, c.gp_registered_on.is_some_and(|d| d <= c.released_on));
    }
    out.push(m);

    let mut m = Measure::new(
        "plan_shared_14_days_before_release",
        "Plan shared at least 14 days before release",
        "The resettlement plan was shared with the child and carers at least 14 days before the day of release. \
         Counted over the cohort.",
    );
    for c in cohort {
        m.count(c, true, c.plan_shared_on.is_some_and(|d| d <= days(c.released_on, -PLAN_SHARED_DAYS)));
    }
    out.push(m);

    let mut m = Measure::new(
        "fully_complied",
        "Fully complied with supervision",
        "No unacceptable absence, warning, breach or recall during the supervision period. Counted over the \
         children released from a sentence with a supervision period.",
    );
    m.reference = Some(0.25);
    for c in cohort {
        let Some(end) = c.supervision_ends_on() else { continue };
        let done = compliance(&c.appointments, &c.enforcement, c.released_on, end, p.compliance).fully_complied;
        m.count(c, true, done);
    }
    m.complete =
        all_before(&|c: &CohortChild| if c.from_sentence() { c.supervision_ends_on() } else { Some(c.released_on) });
    out.push(m);

    let mut m = Measure::new(
        "arrested_within_follow_up",
        "Arrested within the follow-up",
        "Arrested (or, without a recorded arrest, an offence committed) between the day of release and the end \
         of the follow-up window. Counted over the cohort.",
    );
    m.reference = Some(0.5);
    for c in cohort {
        let end = follow_up(c).unwrap_or(c.released_on);
        let arrested = c.offences.iter().filter_map(arrested_on).any(|d| d >= c.released_on && d <= end);
        m.count(c, true, arrested);
    }
    m.complete = all_before(&follow_up);
    out.push(m);

    let mut m = Measure::new(
        "arrested_within_4_weeks",
        "Arrested within 4 weeks of release",
        "Arrested (or an offence committed) in the 28 days from the day of release. Counted over the cohort.",
    );
    for c in cohort {
        let end = days(c.released_on, EARLY_ARREST_DAYS - 1);
        let arrested = c.offences.iter().filter_map(arrested_on).any(|d| d >= c.released_on && d <= end);
        m.count(c, true, arrested);
    }
    m.complete = all_before(&|c: &CohortChild| Some(days(c.released_on, EARLY_ARREST_DAYS - 1)));
    out.push(m);

    let mut m = Measure::new(
        "proven_reoffending",
        "Proven reoffending (binary rate)",
        "An offence committed within the follow-up and proven by a caution or conviction within it or a further \
         six months (Ministry of Justice). Counted over the children released from a sentence; the frequency is \
         proven offences per reoffender.",
    );
    let mut proven_offences = 0u32;
    for c in cohort.iter().filter(|c| c.from_sentence()) {
        let end = follow_up(c).unwrap_or(c.released_on);
        let n = c.offences.iter().filter(|o| is_proven_reoffence(o, c.released_on, end)).count();
        proven_offences += u32::try_from(n).unwrap_or(u32::MAX);
        m.count(c, true, n > 0);
    }
    let reoffenders = m.numerator.unwrap_or(0);
    m.extra.push(("proven_offences", Some(f64::from(proven_offences))));
    m.extra.push((
        "frequency",
        (reoffenders > 0).then(|| (f64::from(proven_offences) / f64::from(reoffenders) * 100.0).round() / 100.0),
    ));
    m.complete = all_before(&|c: &CohortChild| {
        if c.from_sentence() { follow_up(c).and_then(|d| d.checked_add(6.months()).ok()) } else { Some(c.released_on) }
    });
    out.push(m);

    let mut m = Measure::new(
        "mental_health_not_improved",
        "Mental health not improved",
        "Of the children with mental-health needs at release (a mental-health need open on the plan, or an SDQ \
         total in the high or very high band for the rater at the last score on or before release): those whose \
         SDQ total at the end of the follow-up (the score nearest to it, at least six months after release) did \
         not fall by at least the reliable-change threshold against the same rater's score at release, or who \
         were not measured.",
    );
    m.reference = Some(2.0 / 3.0);
    let mut not_measured = 0u32;
    for c in cohort {
        if !mental_health_need_at_release(c) {
            continue;
        }
        let end = follow_up(c).unwrap_or(c.released_on);
        let improved = sdq_improved(c, end, p.sdq_reliable_change);
        if improved.is_none() {
            not_measured += 1;
        }
        m.count(c, true, improved != Some(true));
    }
    m.extra.push(("not_measured", Some(f64::from(not_measured))));
    m.complete = all_before(&follow_up);
    out.push(m);

    // The YJS key performance indicators, for the cohort at release and at the end of supervision.
    let period_end = |c: &CohortChild| c.supervision_ends_on().or_else(|| follow_up(c)).unwrap_or(c.released_on);
    let mut m = Measure::new(
        "kpi_accommodation_suitable",
        "KPI 1: suitable accommodation on release",
        "The living arrangement in force on the day of release is recorded as suitable (YJS KPI 1). Also given \
         at the end of supervision (or of the follow-up, without supervision). Counted over the cohort.",
    );
    let mut at_end = 0u32;
    for c in cohort {
        let ok = in_force(&c.living, c.released_on, |l| l.from).is_some_and(|l| l.suitable);
        if in_force(&c.living, period_end(c), |l| l.from).is_some_and(|l| l.suitable) {
            at_end += 1;
        }
        m.count(c, true, ok);
    }
    let ended = all_before(&|c: &CohortChild| Some(period_end(c)));
    m.extra.push(("at_end_of_supervision", ended.then_some(f64::from(at_end))));
    out.push(m);

    let mut m = Measure::new(
        "kpi_ete_suitable",
        "KPI 2: attending suitable education, training or employment",
        "The education, training or employment in force on the day of release offers hours and the child \
         attends some of them (YJS KPI 2); hours offered and attended a week are summed. Also given at the end of \
         supervision. Counted over the cohort.",
    );
    let (mut at_end, mut offered, mut attended) = (0u32, 0.0f64, 0.0f64);
    for c in cohort {
        let now = in_force(&c.ete, c.released_on, |e| e.from);
        if let Some(e) = now {
            offered += e.hours_offered;
            attended += e.hours_attended.unwrap_or(0.0);
        }
        if in_force(&c.ete, period_end(c), |e| e.from).is_some_and(ete_attending) {
            at_end += 1;
        }
        m.count(c, true, now.is_some_and(ete_attending));
    }
    m.extra.push(("at_end_of_supervision", ended.then_some(f64::from(at_end))));
    m.extra.push(("hours_offered", Some(offered)));
    m.extra.push(("hours_attended", Some(attended)));
    out.push(m);

    let mut m = Measure::new(
        "kpi_send_with_plan",
        "KPI 3: special educational needs with a learning plan in suitable education",
        "Of the children with an identified special educational need or disability (additional learning need in \
         Wales: a SEND assessment or EHCP need on the plan open at release), those attending suitable education, \
         training or employment at release whose SEND need is met (a formal learning plan in place) (YJS KPI 3).",
    );
    for c in cohort {
        let send: Vec<&NeedFact> = c
            .needs
            .iter()
            .filter(|n| {
                n.pathway == Pathway::Ete && n.need == "ete_send_assessment" && n.status != NeedStatus::NotRequired
            })
            .filter(|n| n.created_on <= c.released_on)
            .collect();
        let with_plan = send.iter().any(|n| n.status == NeedStatus::Met);
        let in_ete = in_force(&c.ete, c.released_on, |e| e.from).is_some_and(ete_attending);
        m.count(c, !send.is_empty(), with_plan && in_ete);
    }
    out.push(m);

    for (key, label, pathway, needs, kinds, rule) in [
        (
            "kpi_mental_health_attending",
            "KPI 4: attending a mental-health intervention",
            Pathway::Health,
            &["health_mental_health"][..],
            &[AppointmentKind::Health][..],
            "Of the children with a mental-health need identified (open on the plan at release, or a high SDQ \
             score): those offered an intervention (the need in progress or met, or a health appointment booked \
             during supervision) who attended one (an attended health appointment during supervision) (YJS KPI 4). \
             The number offered is given too.",
        ),
        (
            "kpi_substance_misuse_attending",
            "KPI 5: attending a substance-misuse intervention",
            Pathway::SubstanceMisuse,
            &["substance_treatment", "substance_harm_reduction"][..],
            &[AppointmentKind::Intervention, AppointmentKind::Health][..],
            "Of the children with a substance-misuse need identified (open on the plan at release): those offered \
             an intervention (the need in progress or met, or an intervention or health appointment booked during \
             supervision) who attended one (YJS KPI 5). The number offered is given too.",
        ),
    ] {
        let mut m = Measure::new(key, label, rule);
        let mut offered_n = 0u32;
        for c in cohort {
            let open: Vec<&NeedFact> = c
                .needs
                .iter()
                .filter(|n| n.pathway == pathway && needs.contains(&n.need.as_str()))
                .filter(|n| need_open_at_release(n, c.released_on))
                .collect();
            let identified = !open.is_empty() || (pathway == Pathway::Health && mental_health_need_at_release(c));
            if !identified {
                continue;
            }
            let end = period_end(c);
            let booked: Vec<_> = c
                .appointments
                .iter()
                .filter(|a| kinds.contains(&a.kind))
                .filter(|a| {
                    let d = a.starts_at.to_zoned(tz.clone()).date();
                    d >= c.released_on && d <= end
                })
                .collect();
            let offered = !booked.is_empty()
                || c.needs
                    .iter()
                    .any(|n| n.pathway == pathway && matches!(n.status, NeedStatus::InProgress | NeedStatus::Met));
            let attending = booked.iter().any(|a| a.outcome == Some(AppointmentOutcome::Attended));
            if offered {
                offered_n += 1;
            }
            m.count(c, true, offered && attending);
        }
        m.extra.push(("offered", Some(f64::from(offered_n))));
        m.complete = ended;
        out.push(m);
    }

    let mut m = Measure::new(
        "kpi_wider_services",
        "KPI 8: supported by wider services",
        "Children looked after by a local authority (YJS KPI 8 also counts children on child-in-need and \
         child-protection plans, which Resettle does not yet record). Counted over the cohort.",
    );
    for c in cohort {
        m.count(c, true, c.looked_after);
    }
    out.push(m);

    out
}

/// Quarter of release, e.g. "2026 Q1".
pub fn quarter_of(d: Date) -> String {
    format!("{} Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// The cohort split by quarter of release, in order, with the measures for each quarter.
pub fn trends(cohort: &[CohortChild], p: &Params) -> Vec<(String, u32, Vec<Measure>)> {
    let mut quarters: Vec<String> = cohort.iter().map(|c| quarter_of(c.released_on)).collect();
    quarters.sort();
    quarters.dedup();
    quarters
        .into_iter()
        .map(|q| {
            let part: Vec<&CohortChild> = cohort.iter().filter(|c| quarter_of(c.released_on) == q).collect();
            let n = u32::try_from(part.len()).unwrap_or(u32::MAX);
            (q, n, measures_of(&part, p))
        })
        .collect()
}

/// Withholds small cells for people who see counts only: a numerator under `min_cell` (or a
/// remainder `denominator - numerator` under it, from which the numerator could be worked out)
/// becomes null and the measure `suppressed`; a denominator under `min_cell` becomes null too;
/// extra counts under it are withheld. The drill-down list is always emptied.
pub fn suppress(m: &mut Measure, min_cell: u32) {
    m.children.clear();
    let small = |n: u32| n < min_cell;
    let (num, den) = (m.numerator.unwrap_or(0), m.denominator.unwrap_or(0));
    if small(num) || small(den.saturating_sub(num)) {
        m.numerator = None;
        m.suppressed = true;
    }
    if small(den) {
        m.denominator = None;
        m.suppressed = true;
    }
    for (name, v) in &mut m.extra {
        // Hours are not counts of children; the frequency is withheld with its numerator.
        let hide = match *name {
            "hours_offered" | "hours_attended" => m.suppressed,
            "frequency" => m.suppressed,
            _ => m.suppressed || v.is_some_and(|x| x < f64::from(min_cell)),
        };
        if hide {
            *v = None;
        }
    }
}

/// Whether a cohort count itself is too small to show.
pub fn cohort_is_small(children: u32, min_cell: u32) -> bool {
    children < min_cell
}

#[cfg(test)]
mod tests;
