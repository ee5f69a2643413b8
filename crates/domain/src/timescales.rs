//! Deadlines that follow from a custody episode's key dates.
//!
//! The numbers come from guidance and inspection expectations rather than statute, and several
//! are not confirmed against their source (DOMAIN.md marks them *(check)*), so every one is a
//! setting in the `[timescales]` section of the configuration file with a documented default.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError, long_date};

/// The `[timescales]` section of the configuration file. Any setting left out takes its default;
/// an unknown key is refused, so that a misspelt setting is not silently ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Timescales {
    /// Working days after sentence or remand by which the initial planning meeting is due.
    /// Default 10: YJB case management guidance (custody and resettlement), as reported in
    /// DOMAIN.md but marked there as not confirmed against the guidance itself.
    pub initial_planning_working_days: u32,
    /// Weeks between review meetings for terms under `review_long_sentence_months`, and when
    /// the term is not known. Default 6: local practice (the guidance sets intervals by
    /// sentence length without a figure confirmed here).
    pub review_interval_weeks_short: u32,
    /// Weeks between review meetings for terms of `review_long_sentence_months` or more.
    /// Default 12: local practice.
    pub review_interval_weeks_long: u32,
    /// The term, in months, from which the long review interval applies. Default 12: local
    /// practice.
    pub review_long_sentence_months: u32,
    /// Working days before release by which the pre-release (final) planning meeting is due.
    /// Default 20: local practice.
    pub pre_release_meeting_working_days: u32,
    /// Calendar days before release by which the pre-release plan (who will care for the child,
    /// where they will live, the services agreed) must be in place. Default 14: HM Inspectorate
    /// of Prisons expectations for children.
    pub pre_release_plan_days: u32,
    /// Working days a receiving service has to acknowledge a case handed over to it.
    /// Default 2: local practice.
    pub handover_ack_working_days: u32,
    /// Working days after release by which the post-release review meeting is due.
    /// Default 10: local practice (a review within the first two weeks of release).
    pub post_release_review_working_days: u32,
}

impl Default for Timescales {
    fn default() -> Self {
        Self {
            initial_planning_working_days: 10,
            review_interval_weeks_short: 6,
            review_interval_weeks_long: 12,
            review_long_sentence_months: 12,
            pre_release_meeting_working_days: 20,
            pre_release_plan_days: 14,
            handover_ack_working_days: 2,
            post_release_review_working_days: 10,
        }
    }
}

impl Timescales {
    /// Weeks between review meetings for a term of `term_months`; the short interval when the
    /// term is unknown, because reviewing too often is the safer mistake.
    #[must_use]
    pub fn review_interval_weeks(&self, term_months: Option<u8>) -> u32 {
        match term_months {
            Some(months) if u32::from(months) >= self.review_long_sentence_months => self.review_interval_weeks_long,
            _ => self.review_interval_weeks_short,
        }
    }
}

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The first planning meeting with the child, family, YJS case manager and secure
    /// establishment after sentence or remand.
    InitialPlanningMeeting,
    /// A periodic review of the sentence plan.
    ReviewMeeting,
    /// The final planning meeting before release.
    PreReleaseMeeting,
    /// The written plan for release day and after.
    PreReleasePlan,
}

/// A date something is due by, and the rule that set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// What is due.
    pub kind: DeadlineKind,
    /// The last day it can happen on time.
    pub due_by: Date,
    /// How the date was reached, in plain English, for the case record
    /// ("10 working days after sentence on 2 November 2026").
    pub rule: String,
}

/// The deadlines of a custody episode that started on `start` (the sentence date, or the date
/// of remand when `release` is `None`).
///
/// - Initial planning meeting: `initial_planning_working_days` working days after `start`.
/// - When `release` is known: review meetings every `review_interval_weeks(term_months)` weeks
///   counted from the initial planning meeting, for as long as they fall before the pre-release
///   meeting (a review on a non-working day moves to the next working day); the pre-release
///   meeting `pre_release_meeting_working_days` working days before release; and the
///   pre-release plan `pre_release_plan_days` calendar days before release.
/// - On remand (`release` is `None`) only the initial planning meeting: nothing else can be
///   dated until there is a release date.
///
/// A review interval of 0 weeks schedules no reviews. The deadlines come back in date order.
/// Deadlines may already be past, or fall before `start` when release is close; they are
/// returned as they are so the case record can show them as overdue.
///
/// # Errors
///
/// A [`CalendarError`] when `start` or `release` is outside the years the calendar knows, or
/// counting working days from them runs past those years.
pub fn custody_deadlines(
    cal: &Calendar,
    t: &Timescales,
    start: Date,
    release: Option<Date>,
    term_months: Option<u8>,
) -> Result<Vec<Deadline>, CalendarError> {
    let what_started = if release.is_some() { "sentence" } else { "remand" };
    let initial_days = t.initial_planning_working_days;
    let initial = cal.add_working_days(start, as_count(initial_days))?;
    let mut deadlines = vec![Deadline {
        kind: DeadlineKind::InitialPlanningMeeting,
        due_by: initial,
        rule: format!("{} after {what_started} on {}", plural(initial_days, "working day"), long_date(start)),
    }];

    let Some(release) = release else {
        return Ok(deadlines);
    };

    let meeting_days = t.pre_release_meeting_working_days;
    let pre_release_meeting = cal.add_working_days(release, -as_count(meeting_days))?;

    let interval = t.review_interval_weeks(term_months);
    let interval_reason = match term_months {
        Some(months) if u32::from(months) >= t.review_long_sentence_months => {
            format!("terms of {} or more", plural(t.review_long_sentence_months, "month"))
        }
        Some(_) => format!("terms under {}", plural(t.review_long_sentence_months, "month")),
        None => "term not known".to_string(),
    };
    if interval > 0 {
        for k in 1u32.. {
            let weeks = i64::from(k) * i64::from(interval);
            // Past the end of representable dates means past the pre-release meeting too.
            let Ok(scheduled) = initial.checked_add(Span::new().weeks(weeks)) else {
                break;
            };
            if scheduled >= pre_release_meeting {
                break;
            }
            let due_by = cal.add_working_days(scheduled, 0)?;
            if due_by >= pre_release_meeting {
                break;
            }
            let mut rule = format!(
                "{} after the initial planning meeting due {} (every {} for {interval_reason})",
                plural_u64(weeks, "week"),
                long_date(initial),
                plural(interval, "week"),
            );
            if due_by != scheduled {
                rule.push_str(&format!("; {} is not a working day, so the next one", long_date(scheduled)));
            }
            deadlines.push(Deadline { kind: DeadlineKind::ReviewMeeting, due_by, rule });
        }
    }

    deadlines.push(Deadline {
        kind: DeadlineKind::PreReleaseMeeting,
        due_by: pre_release_meeting,
        rule: format!("{} before release on {}", plural(meeting_days, "working day"), long_date(release)),
    });

    let plan_days = t.pre_release_plan_days;
    let plan_due = release
        .checked_sub(Span::new().days(i64::from(plan_days)))
        .map_err(|_| CalendarError::DateOutOfRange { date: release })?;
    deadlines.push(Deadline {
        kind: DeadlineKind::PreReleasePlan,
        due_by: plan_due,
        rule: format!("{} before release on {}", plural(plan_days, "day"), long_date(release)),
    });

    // Stable, so deadlines due the same day keep the order above.
    deadlines.sort_by_key(|d| d.due_by);
    Ok(deadlines)
}

/// A configured count as a working-day count; a count too large for `i32` saturates, and the
/// calendar then refuses it as running past the years it knows.
fn as_count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn plural(n: u32, unit: &str) -> String {
    plural_u64(i64::from(n), unit)
}

fn plural_u64(n: i64, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

impl DeadlineKind {
    /// Every kind.
    pub const ALL: [DeadlineKind; 4] = [
        DeadlineKind::InitialPlanningMeeting,
        DeadlineKind::ReviewMeeting,
        DeadlineKind::PreReleaseMeeting,
        DeadlineKind::PreReleasePlan,
    ];

    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::InitialPlanningMeeting => "initial_planning_meeting",
            DeadlineKind::ReviewMeeting => "review_meeting",
            DeadlineKind::PreReleaseMeeting => "pre_release_meeting",
            DeadlineKind::PreReleasePlan => "pre_release_plan",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::InitialPlanningMeeting => "Initial planning meeting",
            DeadlineKind::ReviewMeeting => "Review meeting",
            DeadlineKind::PreReleaseMeeting => "Pre-release meeting",
            DeadlineKind::PreReleasePlan => "Pre-release plan complete",
        }
    }
}

impl std::str::FromStr for DeadlineKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown deadline kind {s}"))
    }
}

/// Where a planning deadline has got to, judged from the meeting set for it: met (held on or
/// before the day), held late, cancelled, or still to happen (late only once its day has passed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineProgress {
    /// Held on or before its day.
    Met(Date),
    /// Held, after its day.
    HeldLate(Date),
    /// The meeting for it was cancelled.
    Cancelled,
    /// Not held and its day has passed.
    Overdue,
    /// Due within two weeks.
    DueSoon,
    /// Due later.
    Upcoming,
}

impl DeadlineProgress {
    /// In words, with the day where there is one ("Met on 3 December 2026").
    pub fn words(self) -> String {
        match self {
            DeadlineProgress::Met(d) => format!("Met on {}", long_date(d)),
            DeadlineProgress::HeldLate(d) => format!("Held late, on {}", long_date(d)),
            DeadlineProgress::Cancelled => "Cancelled".into(),
            DeadlineProgress::Overdue => "Overdue".into(),
            DeadlineProgress::DueSoon => "Due soon".into(),
            DeadlineProgress::Upcoming => "Upcoming".into(),
        }
    }

    /// The GOV.UK tag colour: red only for what is late now.
    pub fn tag_class(self) -> &'static str {
        match self {
            DeadlineProgress::Met(_) => "govuk-tag--green",
            DeadlineProgress::HeldLate(_) => "govuk-tag--grey",
            DeadlineProgress::Cancelled => "govuk-tag--grey",
            DeadlineProgress::Overdue => "govuk-tag--red",
            DeadlineProgress::DueSoon => "govuk-tag--yellow",
            DeadlineProgress::Upcoming => "govuk-tag--blue",
        }
    }
}

/// How the deadline of `kind` due by `due_by` stands on `today`, given the child's meetings (a
/// meeting answers the deadline of its kind whose day it carries).
pub fn deadline_progress(
    kind: DeadlineKind,
    due_by: Date,
    meetings: &[crate::meeting::Meeting],
    today: Date,
) -> DeadlineProgress {
    use crate::meeting::{MeetingKind, MeetingStatus};
    let deadline = Deadline { kind, due_by, rule: String::new() };
    let kinds: &[MeetingKind] = match deadline.kind {
        DeadlineKind::InitialPlanningMeeting => &[MeetingKind::InitialPlanning, MeetingKind::RemandPlanning],
        DeadlineKind::ReviewMeeting => &[MeetingKind::Review],
        DeadlineKind::PreReleaseMeeting => &[MeetingKind::PreRelease],
        DeadlineKind::PreReleasePlan => &[],
    };
    let meeting = meetings.iter().find(|m| kinds.contains(&m.kind) && m.due_by == Some(deadline.due_by));
    if let Some(m) = meeting {
        match (m.status, m.held_on) {
            (MeetingStatus::Held | MeetingStatus::Complete, Some(h)) if h <= deadline.due_by => {
                return DeadlineProgress::Met(h);
            }
            (MeetingStatus::Held | MeetingStatus::Complete, Some(h)) => return DeadlineProgress::HeldLate(h),
            (MeetingStatus::Cancelled, _) => return DeadlineProgress::Cancelled,
            _ => {}
        }
    }
    if deadline.due_by < today {
        DeadlineProgress::Overdue
    } else if (deadline.due_by - today).get_days() <= 14 {
        DeadlineProgress::DueSoon
    } else {
        DeadlineProgress::Upcoming
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, MapDeserializer};

    #[test]
    fn a_deadline_met_on_time_is_met_and_only_one_not_held_after_its_day_is_overdue() {
        use crate::ids::ChildId;
        use crate::meeting::{Meeting, MeetingKind, MeetingStatus, PlannedMeeting};
        let now: jiff::Timestamp = "2026-11-01T09:00:00Z".parse().unwrap();
        let deadline = |kind, due_by| Deadline { kind, due_by, rule: String::new() };
        let meeting = |kind, due_by, status, held_on| Meeting {
            status,
            held_on,
            ..Meeting::planned(ChildId::random(), None, &PlannedMeeting { kind, seq: 1, due_by }, now)
        };
        let today = date(2026, 12, 4);
        let ipm = deadline(DeadlineKind::InitialPlanningMeeting, date(2026, 11, 16));
        let review = deadline(DeadlineKind::ReviewMeeting, date(2026, 11, 30));
        let held_on_time = meeting(
            MeetingKind::InitialPlanning,
            date(2026, 11, 16),
            MeetingStatus::Complete,
            Some(date(2026, 11, 12)),
        );
        let held_late =
            meeting(MeetingKind::InitialPlanning, date(2026, 11, 16), MeetingStatus::Held, Some(date(2026, 11, 20)));
        let not_held = meeting(MeetingKind::Review, date(2026, 11, 30), MeetingStatus::Scheduled, None);
        assert_eq!(
            deadline_progress(ipm.kind, ipm.due_by, std::slice::from_ref(&held_on_time), today),
            DeadlineProgress::Met(date(2026, 11, 12))
        );
        assert_eq!(
            deadline_progress(ipm.kind, ipm.due_by, &[held_late], today),
            DeadlineProgress::HeldLate(date(2026, 11, 20))
        );
        assert_eq!(
            deadline_progress(review.kind, review.due_by, &[held_on_time, not_held.clone()], today),
            DeadlineProgress::Overdue
        );
        // A meeting for another day does not answer this one.
        let other = meeting(MeetingKind::Review, date(2026, 12, 28), MeetingStatus::Complete, Some(date(2026, 11, 29)));
        assert_eq!(deadline_progress(review.kind, review.due_by, &[other], today), DeadlineProgress::Overdue);
        assert_eq!(
            deadline_progress(review.kind, review.due_by, std::slice::from_ref(&not_held), date(2026, 11, 20)),
            DeadlineProgress::DueSoon
        );
        assert_eq!(
            deadline_progress(review.kind, review.due_by, &[not_held], date(2026, 11, 1)),
            DeadlineProgress::Upcoming
        );
        assert_eq!(DeadlineProgress::Overdue.tag_class(), "govuk-tag--red");
        assert_ne!(DeadlineProgress::HeldLate(today).tag_class(), "govuk-tag--red");
        assert_eq!(DeadlineProgress::Met(date(2026, 11, 12)).words(), "Met on 12 November 2026");
    }

    fn due(deadlines: &[Deadline]) -> Vec<(DeadlineKind, Date)> {
        deadlines.iter().map(|d| (d.kind, d.due_by)).collect()
    }

    fn ten_working_days() -> (Calendar, Timescales) {
        (Calendar::england_and_wales(), Timescales::default())
    }

    #[test]
    fn defaults() {
        let t = Timescales::default();
        assert_eq!(t.initial_planning_working_days, 10);
        assert_eq!(t.pre_release_meeting_working_days, 20);
        assert_eq!(t.pre_release_plan_days, 14);
        assert_eq!(t.handover_ack_working_days, 2);
        assert_eq!(t.review_interval_weeks(Some(11)), 6);
        assert_eq!(t.review_interval_weeks(Some(12)), 12);
        assert_eq!(t.review_interval_weeks(None), 6);
    }

    #[test]
    fn a_partial_config_section_keeps_the_other_defaults() {
        let entries = [("pre_release_plan_days", 21u32)];
        let de: MapDeserializer<_, ValueError> =
            MapDeserializer::new(entries.into_iter().map(|(k, v)| (k, v.into_deserializer())));
        let t = Timescales::deserialize(de).unwrap();
        assert_eq!(t, Timescales { pre_release_plan_days: 21, ..Timescales::default() });

        let entries = [("pre_release_plan_dayz", 21u32)];
        let de: MapDeserializer<_, ValueError> =
            MapDeserializer::new(entries.into_iter().map(|(k, v)| (k, v.into_deserializer())));
        let err = Timescales::deserialize(de).unwrap_err();
        assert!(err.to_string().contains("pre_release_plan_dayz"), "{err}");
    }

    #[test]
    fn initial_planning_meeting_after_sentence() {
        let (cal, t) = ten_working_days();
        // Monday 2 November 2026 + 10 working days: 3,4,5,6,9,10,11,12,13,16 November.
        let got = custody_deadlines(&cal, &t, date(2026, 11, 2), Some(date(2027, 3, 1)), Some(8)).unwrap();
        assert_eq!(got[0].kind, DeadlineKind::InitialPlanningMeeting);
        assert_eq!(got[0].due_by, date(2026, 11, 16));
        assert_eq!(got[0].rule, "10 working days after sentence on 2 November 2026");
    }

    #[test]
    fn initial_planning_meeting_across_easter() {
        let (cal, t) = ten_working_days();
        // Thursday 2 April 2026: Good Friday 3rd and Easter Monday 6th are skipped, so
        // 7,8,9,10,13,14,15,16,17,20 April.
        let got = custody_deadlines(&cal, &t, date(2026, 4, 2), None, None).unwrap();
        assert_eq!(due(&got), [(DeadlineKind::InitialPlanningMeeting, date(2026, 4, 20))]);
        assert_eq!(got[0].rule, "10 working days after remand on 2 April 2026");
    }

    #[test]
    fn remand_across_christmas_and_new_year_has_only_the_planning_meeting() {
        let (cal, t) = ten_working_days();
        // Friday 18 December 2026: 21,22,23,24, (25th, 28th substitute), 29,30,31,
        // (1 January), 4,5,6 January 2027.
        let got = custody_deadlines(&cal, &t, date(2026, 12, 18), None, Some(10)).unwrap();
        assert_eq!(due(&got), [(DeadlineKind::InitialPlanningMeeting, date(2027, 1, 6))]);
    }

    #[test]
    fn ten_month_order_worked_example() {
        let (cal, t) = ten_working_days();
        // Sentence Thursday 15 January 2026, 10 months, no remand: MTD Monday 15 June 2026.
        // Initial: 16,19,20,21,22,23,26,27,28,29 January → Thursday 29 January.
        // Reviews every 6 weeks from 29 January: 12 March, 23 April (4 June is after the
        // pre-release meeting).
        // Pre-release meeting: back from 15 June, 12,11,10,9,8,5,4,3,2,1 June, 29,28,27,26 May
        // (25 May is the spring bank holiday), 22,21,20,19,18,15 May → Friday 15 May.
        // Pre-release plan: 14 days before 15 June → 1 June.
        let got = custody_deadlines(&cal, &t, date(2026, 1, 15), Some(date(2026, 6, 15)), Some(10)).unwrap();
        assert_eq!(
            due(&got),
            [
                (DeadlineKind::InitialPlanningMeeting, date(2026, 1, 29)),
                (DeadlineKind::ReviewMeeting, date(2026, 3, 12)),
                (DeadlineKind::ReviewMeeting, date(2026, 4, 23)),
                (DeadlineKind::PreReleaseMeeting, date(2026, 5, 15)),
                (DeadlineKind::PreReleasePlan, date(2026, 6, 1)),
            ]
        );
        assert_eq!(
            got[2].rule,
            "12 weeks after the initial planning meeting due 29 January 2026 (every 6 weeks for \
             terms under 12 months)"
        );
        assert_eq!(got[3].rule, "20 working days before release on 15 June 2026");
        assert_eq!(got[4].rule, "14 days before release on 15 June 2026");
    }

    #[test]
    fn long_terms_review_less_often() {
        let (cal, t) = ten_working_days();
        // 18 months from 15 January 2026: MTD Wednesday 14 October 2026.
        // Reviews every 12 weeks from 29 January: 23 April, 16 July (8 October is after the
        // pre-release meeting).
        // Pre-release meeting: 13,12,9,8,7,6,5,2,1 October, 30,29,28,25,24,23,22,21,18,17,16
        // September → Wednesday 16 September.
        let got = custody_deadlines(&cal, &t, date(2026, 1, 15), Some(date(2026, 10, 14)), Some(18)).unwrap();
        assert_eq!(
            due(&got),
            [
                (DeadlineKind::InitialPlanningMeeting, date(2026, 1, 29)),
                (DeadlineKind::ReviewMeeting, date(2026, 4, 23)),
                (DeadlineKind::ReviewMeeting, date(2026, 7, 16)),
                (DeadlineKind::PreReleaseMeeting, date(2026, 9, 16)),
                (DeadlineKind::PreReleasePlan, date(2026, 9, 30)),
            ]
        );
        assert!(got[1].rule.ends_with("(every 12 weeks for terms of 12 months or more)"));
    }

    #[test]
    fn a_review_on_a_bank_holiday_moves_to_the_next_working_day() {
        let (cal, t) = ten_working_days();
        // Sentence Thursday 26 March 2026: 27,30,31 March, 1,2 April, (Easter), 7,8,9,10,13
        // April → initial meeting Monday 13 April. Six weeks on is Monday 25 May, the spring
        // bank holiday, so the review is due Tuesday 26 May; later reviews keep counting from
        // the initial meeting: 6 July, 17 August (28 September is past the pre-release
        // meeting on Thursday 3 September, 20 working days before Thursday 1 October).
        let got = custody_deadlines(&cal, &t, date(2026, 3, 26), Some(date(2026, 10, 1)), Some(10)).unwrap();
        assert_eq!(
            due(&got),
            [
                (DeadlineKind::InitialPlanningMeeting, date(2026, 4, 13)),
                (DeadlineKind::ReviewMeeting, date(2026, 5, 26)),
                (DeadlineKind::ReviewMeeting, date(2026, 7, 6)),
                (DeadlineKind::ReviewMeeting, date(2026, 8, 17)),
                (DeadlineKind::PreReleaseMeeting, date(2026, 9, 3)),
                (DeadlineKind::PreReleasePlan, date(2026, 9, 17)),
            ]
        );
        assert!(got[1].rule.ends_with("; 25 May 2026 is not a working day, so the next one"));
    }

    #[test]
    fn pre_release_meeting_across_christmas() {
        let (cal, t) = ten_working_days();
        // Release Monday 11 January 2027. Back 20 working days: 8,7,6,5,4 January,
        // (1 January), 31,30,29 December, (28th, 25th), 24,23,22,21,18,17,16,15,14,11,10,9
        // December → Wednesday 9 December 2026.
        let got = custody_deadlines(&cal, &t, date(2026, 11, 2), Some(date(2027, 1, 11)), Some(4)).unwrap();
        let meeting = got.iter().find(|d| d.kind == DeadlineKind::PreReleaseMeeting).unwrap();
        assert_eq!(meeting.due_by, date(2026, 12, 9));
        let plan = got.iter().find(|d| d.kind == DeadlineKind::PreReleasePlan).unwrap();
        assert_eq!(plan.due_by, date(2026, 12, 28));
        // Initial 16 November; six weeks on (28 December) is after the pre-release meeting.
        assert!(got.iter().all(|d| d.kind != DeadlineKind::ReviewMeeting));
    }

    #[test]
    fn release_soon_after_sentence_gives_overdue_deadlines_not_an_error() {
        let (cal, t) = ten_working_days();
        // Remand credit can bring release within days of sentence. Sentence Monday 1 June 2026,
        // release Friday 5 June: the pre-release meeting was due 20 working days before,
        // 4,3,2,1 June, 29,28,27,26 May, (25th), 22,21,20,19,18,15,14,13,12,11,8,7 May.
        let got = custody_deadlines(&cal, &t, date(2026, 6, 1), Some(date(2026, 6, 5)), Some(4)).unwrap();
        assert_eq!(
            due(&got),
            [
                (DeadlineKind::PreReleaseMeeting, date(2026, 5, 7)),
                (DeadlineKind::PreReleasePlan, date(2026, 5, 22)),
                (DeadlineKind::InitialPlanningMeeting, date(2026, 6, 15)),
            ]
        );
    }

    #[test]
    fn unknown_term_uses_the_short_interval_and_zero_disables_reviews() {
        let cal = Calendar::england_and_wales();
        let t = Timescales::default();
        let got = custody_deadlines(&cal, &t, date(2026, 1, 15), Some(date(2026, 6, 15)), None).unwrap();
        let reviews: Vec<_> = got.iter().filter(|d| d.kind == DeadlineKind::ReviewMeeting).collect();
        assert_eq!(reviews.len(), 2);
        assert!(reviews[0].rule.ends_with("(every 6 weeks for term not known)"));

        let t = Timescales { review_interval_weeks_short: 0, ..Timescales::default() };
        let got = custody_deadlines(&cal, &t, date(2026, 1, 15), Some(date(2026, 6, 15)), Some(10)).unwrap();
        assert!(got.iter().all(|d| d.kind != DeadlineKind::ReviewMeeting));
    }

    #[test]
    fn dates_outside_the_calendar_are_errors() {
        let (cal, t) = ten_working_days();
        assert!(matches!(
            custody_deadlines(&cal, &t, date(1985, 1, 1), None, None),
            Err(CalendarError::DateOutOfRange { .. })
        ));
        assert!(custody_deadlines(&cal, &t, date(2026, 1, 1), Some(date(2101, 2, 1)), None).is_err());
        let huge = Timescales { initial_planning_working_days: u32::MAX, ..Timescales::default() };
        assert!(matches!(
            custody_deadlines(&cal, &huge, date(2026, 1, 1), None, None),
            Err(CalendarError::ResultOutOfRange { .. })
        ));
    }

    #[test]
    fn deadline_kinds_serialise_in_snake_case() {
        use serde::de::value::StrDeserializer;
        let de: StrDeserializer<'_, ValueError> = "pre_release_meeting".into_deserializer();
        assert_eq!(DeadlineKind::deserialize(de).unwrap(), DeadlineKind::PreReleaseMeeting);
        let de: StrDeserializer<'_, ValueError> = "initial_planning_meeting".into_deserializer();
        assert_eq!(DeadlineKind::deserialize(de).unwrap(), DeadlineKind::InitialPlanningMeeting);
    }
}
