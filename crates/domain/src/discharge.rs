//! The day a child is actually discharged from custody.
//!
//! Criminal Justice Act 1961 s.23(3): a release that would fall on a Saturday (for a term of
//! more than five days), a Sunday, Christmas Day, Good Friday or a bank holiday takes place on
//! the nearest preceding day that is none of these. s.23(3B)–(3D), inserted by the Offenders
//! (Day of Release from Detention) Act 2023 and in force from 12 December 2023: a release that
//! would fall on a Friday or the day before a bank holiday may be brought forward by up to two
//! *eligible working days* (a working day followed by another working day).
//!
//! Nothing here reads a clock: every date is a parameter.

use jiff::civil::{Date, Weekday, date};

use crate::calendar::Calendar;

/// The day s.23(3B)–(3D) came into force; earlier releases cannot be brought forward.
pub const BRING_FORWARD_IN_FORCE: Date = date(2023, 12, 12);

/// How many eligible working days a release may be brought forward, at most (s.23(3B)).
pub const MAX_BROUGHT_FORWARD_DAYS: usize = 2;

/// Whether s.23(3) forbids release on `day`.
///
/// `term_more_than_five_days` decides whether a Saturday counts: the Act moves a Saturday
/// release only for a term of more than five days.
#[must_use]
pub fn is_excluded_day(calendar: &Calendar, day: Date, term_more_than_five_days: bool) -> bool {
    match day.weekday() {
        Weekday::Sunday => return true,
        Weekday::Saturday if term_more_than_five_days => return true,
        _ => {}
    }
    // Christmas Day is named by the Act itself, so it counts even when it falls on a weekend
    // and the observed bank holiday is a substitute day; Good Friday is always a bank holiday.
    (day.month() == 12 && day.day() == 25) || calendar.is_bank_holiday(day)
}

/// The day of discharge for a release due on `release_on`: that day, or the nearest
/// preceding day s.23(3) allows.
///
/// The search is bounded (no run of excluded days is longer than a week), so a calendar with
/// absurd extra holidays returns the day the bound reaches rather than looping.
#[must_use]
pub fn discharge_on(calendar: &Calendar, release_on: Date, term_more_than_five_days: bool) -> Date {
    let mut day = release_on;
    for _ in 0..31 {
        if !is_excluded_day(calendar, day, term_more_than_five_days) {
            return day;
        }
        match day.yesterday() {
            Ok(previous) => day = previous,
            Err(_) => return day,
        }
    }
    day
}

/// The expected day of discharge for a sentence's key dates: the release date (the mid-term
/// date, or the early or late release date once decided, which the key dates then carry as
/// their release date) moved back past any day s.23(3) forbids. A term of five days or fewer
/// may end on a Saturday; a sentence without a term in days (one whose dates were entered from
/// the establishment's calculation) is treated as longer.
#[must_use]
pub fn discharge_for(calendar: &Calendar, dates: &crate::sentence::KeyDates) -> Date {
    discharge_on(calendar, dates.mtd, dates.term_days.is_none_or(|d| d > 5))
}

/// A decision about a sentence's day of release: the early or late release date once it is
/// decided (else the mid-term date stands), and a release brought forward under s.23(3B).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DischargeDecision {
    /// The sentence.
    pub sentence_id: crate::ids::SentenceId,
    /// The decided release date (the early or late release date), if not the mid-term date.
    pub release_on: Option<Date>,
    /// The eligible working day the release is brought forward to, if it is.
    pub brought_forward_to: Option<Date>,
    /// Why.
    pub reason: String,
    /// Increases on every change.
    pub version: i64,
    /// Who recorded it.
    pub recorded_by_name: String,
    /// When.
    pub recorded_at: jiff::Timestamp,
}

/// The day of discharge for key dates with a decision: the decided release date (or the
/// mid-term date) moved back past any forbidden day — or the day it was brought forward to.
#[must_use]
pub fn discharge_with(
    calendar: &Calendar,
    dates: &crate::sentence::KeyDates,
    decision: Option<&DischargeDecision>,
) -> Date {
    if let Some(day) = decision.and_then(|d| d.brought_forward_to) {
        return day;
    }
    let release = decision.and_then(|d| d.release_on).unwrap_or(dates.mtd);
    discharge_on(calendar, release, dates.term_days.is_none_or(|d| d > 5))
}

/// Whether `day` is an eligible working day: a working day followed by another working day.
#[must_use]
pub fn is_eligible_working_day(calendar: &Calendar, day: Date) -> bool {
    calendar.is_working_day(day) && day.tomorrow().is_ok_and(|next| calendar.is_working_day(next))
}

/// The days a release due to be discharged on `discharge_day` may be brought forward to under
/// s.23(3B), nearest first: empty unless the day is a Friday or the day before a bank holiday
/// and on or after [`BRING_FORWARD_IN_FORCE`].
#[must_use]
pub fn bring_forward_options(calendar: &Calendar, discharge_day: Date) -> Vec<Date> {
    let qualifies = discharge_day >= BRING_FORWARD_IN_FORCE
        && (discharge_day.weekday() == Weekday::Friday
            || discharge_day.tomorrow().is_ok_and(|next| calendar.is_bank_holiday(next)));
    let mut options = Vec::new();
    if !qualifies {
        return options;
    }
    let mut day = discharge_day;
    // Two eligible working days are always found within a fortnight of ordinary calendar.
    for _ in 0..14 {
        match day.yesterday() {
            Ok(previous) => day = previous,
            Err(_) => break,
        }
        if is_eligible_working_day(calendar, day) {
            options.push(day);
            if options.len() == MAX_BROUGHT_FORWARD_DAYS {
                break;
            }
        }
    }
    options
}

/// Why a requested brought-forward day was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BringForwardError {
    /// The discharge day is neither a Friday nor the day before a bank holiday, or is before
    /// the 2023 Act came into force.
    #[error(
        "a release on {discharge_day} cannot be brought forward: only a release on a Friday or \
         the day before a bank holiday, from 12 December 2023, may be"
    )]
    NotEligible {
        /// The day of discharge.
        discharge_day: Date,
    },
    /// The requested day is not one of the (at most two) eligible working days allowed.
    #[error(
        "{requested} is not an eligible working day within two of {discharge_day}: choose one of \
         the days offered"
    )]
    NotAllowed {
        /// The day asked for.
        requested: Date,
        /// The day of discharge.
        discharge_day: Date,
    },
}

/// Checks a recorded decision to bring a release forward from `discharge_day` to `requested`.
///
/// # Errors
///
/// [`BringForwardError::NotEligible`] when the day cannot be brought forward at all;
/// [`BringForwardError::NotAllowed`] when `requested` is not one of
/// [`bring_forward_options`].
pub fn validate_brought_forward(
    calendar: &Calendar,
    discharge_day: Date,
    requested: Date,
) -> Result<Date, BringForwardError> {
    let options = bring_forward_options(calendar, discharge_day);
    if options.is_empty() {
        return Err(BringForwardError::NotEligible { discharge_day });
    }
    if options.contains(&requested) {
        Ok(requested)
    } else {
        Err(BringForwardError::NotAllowed { requested, discharge_day })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn cal() -> Calendar {
        Calendar::england_and_wales()
    }

    #[test]
    fn every_day_2020_to_2030_moves_to_the_nearest_allowed_day() {
        let calendar = cal();
        let mut day = date(2020, 1, 1);
        while day <= date(2030, 12, 31) {
            for long_term in [true, false] {
                let out = discharge_on(&calendar, day, long_term);
                assert!(!is_excluded_day(&calendar, out, long_term), "{day} -> {out}");
                assert!(out <= day, "{day} -> {out}");
                assert!(out.weekday() != Weekday::Sunday);
                assert!(!(out.month() == 12 && out.day() == 25));
                assert!(!calendar.is_bank_holiday(out));
                if long_term {
                    assert!(out.weekday() != Weekday::Saturday);
                }
                let mut between = out.tomorrow().unwrap();
                while between < day {
                    assert!(is_excluded_day(&calendar, between, long_term), "{day}: {between}");
                    between = between.tomorrow().unwrap();
                }
            }
            day = day.tomorrow().unwrap();
        }
    }

    #[test]
    fn hand_checked_examples() {
        let calendar = cal();
        // Christmas 2026: Fri 25 Dec, Boxing Day Sat -> substitute Mon 28 Dec.
        assert_eq!(discharge_on(&calendar, date(2026, 12, 28), true), date(2026, 12, 24));
        assert_eq!(discharge_on(&calendar, date(2026, 12, 26), true), date(2026, 12, 24));
        // Easter 2027: Good Friday 26 March, Easter Monday 29 March.
        assert_eq!(discharge_on(&calendar, date(2027, 3, 29), true), date(2027, 3, 25));
        // Early May bank holiday, Monday 4 May 2026.
        assert_eq!(discharge_on(&calendar, date(2026, 5, 4), true), date(2026, 5, 1));
        // A Saturday release on a short term stays on the Saturday.
        assert_eq!(discharge_on(&calendar, date(2026, 5, 2), false), date(2026, 5, 2));
        // An ordinary Wednesday is unchanged.
        assert_eq!(discharge_on(&calendar, date(2026, 5, 6), true), date(2026, 5, 6));
    }

    #[test]
    fn a_friday_release_may_come_forward_two_eligible_working_days() {
        let calendar = cal();
        // Friday 8 May 2026: Thursday 7 and Wednesday 6 are both followed by working days.
        let friday = date(2026, 5, 8);
        assert_eq!(bring_forward_options(&calendar, friday), vec![date(2026, 5, 7), date(2026, 5, 6)]);
        assert_eq!(validate_brought_forward(&calendar, friday, date(2026, 5, 6)), Ok(date(2026, 5, 6)));
        assert!(matches!(
            validate_brought_forward(&calendar, friday, date(2026, 5, 5)),
            Err(BringForwardError::NotAllowed { .. })
        ));
        // A Wednesday not before a bank holiday cannot be brought forward.
        assert!(matches!(
            validate_brought_forward(&calendar, date(2026, 5, 6), date(2026, 5, 5)),
            Err(BringForwardError::NotEligible { .. })
        ));
        // Before the 2023 Act came into force nothing is brought forward.
        assert!(bring_forward_options(&calendar, date(2023, 12, 8)).is_empty());
    }

    #[test]
    fn the_day_before_an_easter_break_skips_non_eligible_days() {
        let calendar = cal();
        // Thursday 25 March 2027 precedes Good Friday; Wed 24 and Tue 23 are eligible.
        assert_eq!(bring_forward_options(&calendar, date(2027, 3, 25)), vec![date(2027, 3, 24), date(2027, 3, 23)]);
    }
}
