//! How readiness reads at a glance: an item done apart from one merely on track, and a short
//! reason (about ten words) for lists, with the full reason kept for the child's own page.
//!
//! Every list (the caseload, the readiness caseload, the gaps, the child's page) takes its
//! words and colours from here, so they agree.

use jiff::civil::Date;
use serde::Serialize;

use super::{ItemKey, RagStatus, Readiness, ReadinessItem, days_between};
use crate::calendar::long_date;
use crate::meeting::MeetingKind;

/// Where an item (or a child) stands, as people read it. Only what is late is red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Progress {
    /// Done (for a child: everything is in place).
    Done,
    /// Not done, not yet near its deadline.
    OnTrack,
    /// Not done, and no deadline can be set yet: someone must act.
    NeedsDate,
    /// Not done, deadline within the warning window.
    DueSoon,
    /// Not done, deadline passed.
    Overdue,
}

impl Progress {
    /// An item's progress.
    pub fn of(item: &ReadinessItem) -> Self {
        if item.done {
            return Progress::Done;
        }
        match (item.status, item.due_by) {
            (RagStatus::Red, _) => Progress::Overdue,
            (RagStatus::Amber, None) => Progress::NeedsDate,
            (RagStatus::Amber, Some(_)) => Progress::DueSoon,
            (RagStatus::Green, _) => Progress::OnTrack,
        }
    }

    /// A child's progress: done when every item is done, otherwise the worst item's.
    pub fn of_child(readiness: &Readiness) -> Option<Self> {
        Self::of_items(readiness.items())
    }

    /// The progress of a child with these items (`None` without items).
    pub fn of_items(items: &[ReadinessItem]) -> Option<Self> {
        items.iter().map(Progress::of).max()
    }

    /// The words on the tag for an item.
    pub fn label(self) -> &'static str {
        match self {
            Progress::Done => "Done",
            Progress::OnTrack => "On track",
            Progress::NeedsDate => "Needs a date",
            Progress::DueSoon => "Due soon",
            Progress::Overdue => "Overdue",
        }
    }

    /// The words on the tag for a child.
    pub fn child_label(self) -> &'static str {
        match self {
            Progress::Done => "Arrangements in place",
            other => other.label(),
        }
    }

    /// The GOV.UK tag colour: red only for what is late, green only for what is done.
    pub fn tag_class(self) -> &'static str {
        match self {
            Progress::Done => "govuk-tag--green",
            Progress::OnTrack => "govuk-tag--blue",
            Progress::NeedsDate | Progress::DueSoon => "govuk-tag--yellow",
            Progress::Overdue => "govuk-tag--red",
        }
    }
}

/// What is missing, in a few words.
fn missing(key: ItemKey) -> &'static str {
    match key {
        ItemKey::Accommodation => "No confirmed address",
        ItemKey::Ete => "No education, training or employment",
        ItemKey::ConstructiveActivity => "No activity for the first week",
        ItemKey::HealthHandover => "Health handover not acknowledged",
        ItemKey::GpRegistration => "No GP registration",
        ItemKey::FirstAppointment => "First appointment not booked",
        ItemKey::ReleaseDay => "Gate and transport not arranged",
        ItemKey::PlanShared => "Plan not shared",
        ItemKey::NextCourtDatePlan => "No plan for the court date",
        ItemKey::BailAccommodation => "No bail address",
    }
}

/// What is in place, in a few words.
fn in_place(key: ItemKey) -> &'static str {
    match key {
        ItemKey::Accommodation => "Address confirmed",
        ItemKey::Ete => "Education, training or employment arranged",
        ItemKey::ConstructiveActivity => "First week's activity arranged",
        ItemKey::HealthHandover => "Health handover acknowledged",
        ItemKey::GpRegistration => "Registered with a GP",
        ItemKey::FirstAppointment => "First appointment booked",
        ItemKey::ReleaseDay => "Gate and transport arranged",
        ItemKey::PlanShared => "Plan shared",
        ItemKey::NextCourtDatePlan => "Court date plan recorded",
        ItemKey::BailAccommodation => "Bail address found",
    }
}

/// "3 days late", "due today", "due in 4 days", or the day itself when it is further off than
/// the warning window.
pub fn when_due(due: Date, today: Date, warning_days: u32) -> String {
    let left = days_between(today, due);
    if left > i64::from(warning_days) { format!("due {}", long_date(due)) } else { relative(due, today) }
}

/// How far off a day is, for a line that already gives the day: "3 days late", "1 day late",
/// "due today", "due tomorrow", "due in 4 days", "due in 40 days".
pub fn relative(due: Date, today: Date) -> String {
    match days_between(today, due) {
        n if n < -1 => format!("{} days late", -n),
        -1 => "1 day late".into(),
        0 => "due today".into(),
        1 => "due tomorrow".into(),
        n => format!("due in {n} days"),
    }
}

/// An item's reason in about ten words.
pub(super) fn short_reason(key: ItemKey, done: bool, due_by: Option<Date>, today: Date, warning_days: u32) -> String {
    if done {
        return in_place(key).to_string();
    }
    match due_by {
        Some(due) => format!("{}: {}", missing(key), when_due(due, today, warning_days)),
        None if key == ItemKey::NextCourtDatePlan || key == ItemKey::BailAccommodation => {
            format!("{}: record the next court date", missing(key))
        }
        None => format!("{}: check the key dates", missing(key)),
    }
}

/// The soonest deadline a child has not yet met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextDeadline {
    /// What is due ("Accommodation", "Review meeting").
    pub what: &'static str,
    /// By when.
    pub due_by: Date,
}

/// What needs a practitioner's attention for one child: the next deadline and how many things
/// are late. The caseload and the child's page both ask this, so they agree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attention {
    /// The soonest readiness item or planning meeting not yet done (it may already be late).
    pub next: Option<NextDeadline>,
    /// Readiness items past their deadline, planning meetings past theirs and open actions
    /// past their due day.
    pub overdue: i64,
}

impl Attention {
    /// From the child's readiness, their planning meetings not yet held or cancelled (with the
    /// day each is due by) and their overdue actions.
    pub fn of(readiness: &Readiness, open_meetings: &[(MeetingKind, Date)], overdue_actions: i64, today: Date) -> Self {
        let items = readiness.items().iter().filter(|i| !i.done).filter_map(|i| i.due_by.map(|d| (i.key.label(), d)));
        let meetings = open_meetings.iter().map(|(k, d)| (k.label(), *d));
        let next = items.chain(meetings).min_by_key(|(_, d)| *d).map(|(what, due_by)| NextDeadline { what, due_by });
        let late_items = readiness.items().iter().filter(|i| Progress::of(i) == Progress::Overdue).count();
        let late_meetings = open_meetings.iter().filter(|(_, d)| *d < today).count();
        let overdue = i64::try_from(late_items + late_meetings).unwrap_or(i64::MAX).saturating_add(overdue_actions);
        Attention { next, overdue }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::readiness::{
        CustodyDates, HealthHandoverState, ReadinessFacts, ReadinessRules, ReleaseArrangements, assess,
    };
    use jiff::civil::date;

    fn assessed(arrangements: ReleaseArrangements, release: Date, today: Date) -> Readiness {
        let facts = ReadinessFacts {
            custody: CustodyDates::Sentenced { release },
            arrangements,
            health_handover: HealthHandoverState::NotSent,
            plan_shared_on: None,
        };
        assess(&Calendar::england_and_wales(), &ReadinessRules::default(), &facts, today)
    }

    #[test]
    fn done_looks_different_from_on_track_and_only_late_is_red() {
        let today = date(2027, 2, 1);
        // Release far off: nothing is near its deadline.
        let arrangements = ReleaseArrangements {
            accommodation_address: Some("1 High Street".into()),
            accommodation_confirmed_on: Some(date(2027, 1, 20)),
            ..Default::default()
        };
        let r = assessed(arrangements, date(2027, 6, 1), today);
        let acc = r.items().iter().find(|i| i.key == ItemKey::Accommodation).unwrap();
        let ete = r.items().iter().find(|i| i.key == ItemKey::Ete).unwrap();
        assert_eq!(acc.status, ete.status, "both green by the rules");
        assert_eq!(Progress::of(acc), Progress::Done);
        assert_eq!(Progress::of(ete), Progress::OnTrack);
        assert_ne!(Progress::Done.tag_class(), Progress::OnTrack.tag_class());
        assert_eq!(Progress::of_child(&r), Some(Progress::OnTrack));
        for p in [Progress::Done, Progress::OnTrack, Progress::NeedsDate, Progress::DueSoon] {
            assert_ne!(p.tag_class(), "govuk-tag--red", "{p:?} is not late");
        }
        assert_eq!(acc.short, "Address confirmed");
        assert_eq!(ete.short, "No education, training or employment: due 17 May 2027");
    }

    #[test]
    fn short_reasons_are_about_ten_words_and_say_how_late() {
        let today = date(2027, 2, 1);
        // Release 15 working days away: accommodation was due 7 days ago.
        let r = assessed(ReleaseArrangements::default(), date(2027, 2, 22), today);
        let acc = r.items().iter().find(|i| i.key == ItemKey::Accommodation).unwrap();
        assert_eq!(acc.short, "No confirmed address: 7 days late");
        assert_eq!(Progress::of(acc), Progress::Overdue);
        assert_eq!(Progress::of_child(&r), Some(Progress::Overdue));
        for i in r.items() {
            let words = i.short.split_whitespace().count();
            assert!(words <= 12, "{} has {words} words", i.short);
            assert!(i.reason.len() > i.short.len(), "the full reason says more: {}", i.reason);
        }
        assert_eq!(when_due(date(2027, 1, 31), today, 10), "1 day late");
        assert_eq!(when_due(today, today, 10), "due today");
        assert_eq!(when_due(date(2027, 2, 5), today, 10), "due in 4 days");
        assert_eq!(relative(date(2027, 3, 13), today), "due in 40 days", "the day itself is on the line already");
    }

    #[test]
    fn a_remand_without_a_court_date_needs_a_date_not_red() {
        let facts = ReadinessFacts {
            custody: CustodyDates::Remanded { next_court_date: None },
            arrangements: ReleaseArrangements::default(),
            health_handover: HealthHandoverState::NotSent,
            plan_shared_on: None,
        };
        let r = assess(&Calendar::england_and_wales(), &ReadinessRules::default(), &facts, date(2027, 2, 1));
        assert_eq!(Progress::of_child(&r), Some(Progress::NeedsDate));
        assert!(r.items().iter().all(|i| i.short.ends_with("record the next court date")), "{:?}", r.items());
    }

    #[test]
    fn attention_takes_the_soonest_of_readiness_and_meetings_and_counts_what_is_late() {
        let today = date(2027, 2, 1);
        let r = assessed(ReleaseArrangements::default(), date(2027, 2, 22), today);
        // Accommodation was due on 25 January; a review meeting was due on 20 January.
        let meetings = [(MeetingKind::Review, date(2027, 1, 20)), (MeetingKind::PreRelease, date(2027, 2, 10))];
        let a = Attention::of(&r, &meetings, 2, today);
        assert_eq!(a.next, Some(NextDeadline { what: "Review meeting", due_by: date(2027, 1, 20) }));
        let late_items = r.items().iter().filter(|i| i.status == RagStatus::Red).count() as i64;
        assert_eq!(a.overdue, late_items + 1 + 2);
        let none = Attention::of(&Readiness::NotApplicable, &[], 0, today);
        assert_eq!(none, Attention::default());
    }
}
