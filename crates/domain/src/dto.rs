//! Key dates of a Detention and Training Order (Sentencing Act 2020 ss.233–248).
//!
//! The conventions are those of the Ministry of Justice's release-date calculators, followed
//! exactly so that the dates Resettle shows agree with the ones the secure establishment sends:
//!
//! - the term runs from the sentence date to the day before the same calendar date `N` months
//!   later (clamped to the end of a shorter month);
//! - the custodial half is half the term in days, rounded half up;
//! - the mid-term date (MTD) is the last day of the custodial half;
//! - remand credit brings the MTD and the sentence and licence expiry date (SLED) forward day for
//!   day, but never before the sentence date;
//! - the early and late release dates (ETD, LTD) are one or two calendar months either side of
//!   the MTD (s.241(4) and (5)).
//!
//! Only one order is handled: consecutive and concurrent orders, and further detention after a
//! breach, are out of scope.

use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::calendar::long_date;

/// The shortest term a court may impose (s.236(1)).
pub const MIN_TERM_MONTHS: u8 = 4;

/// The longest term a court may impose (s.236(1)).
pub const MAX_TERM_MONTHS: u8 = 24;

/// More remand credit than this (about 27 years) cannot be right for a child, so it is taken to
/// be a typing error rather than silently wiping out the order.
pub const MAX_REMAND_DAYS: u32 = 10_000;

/// What the court ordered and the remand credit to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DtoInput {
    /// The day the order was made; the term starts that day.
    pub sentence_date: Date,
    /// The term in whole months, 4 to 24.
    pub term_months: u8,
    /// Days of remand credited against the order (custody, plus any credit for a qualifying
    /// curfew on bail), as worked out by the establishment. Zero when there was none.
    pub remand_days: u32,
}

/// Why a DTO's key dates could not be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DtoError {
    /// A term the law does not allow.
    #[error(
        "a detention and training order of {term_months} months is not possible: the term must \
         be a whole number of months from {MIN_TERM_MONTHS} to {MAX_TERM_MONTHS} \
         (Sentencing Act 2020 s.236); check the term on the court order"
    )]
    TermOutOfRange {
        /// The term given.
        term_months: u8,
    },
    /// More remand credit than is believable.
    #[error(
        "{remand_days} days of remand credit is implausible (the limit is {MAX_REMAND_DAYS}); \
         check the figure on the establishment's release-date calculation"
    )]
    ImplausibleRemand {
        /// The remand credit given.
        remand_days: u32,
    },
    /// A sentence date so far in the future or past that its dates cannot be represented.
    #[error(
        "cannot work out release dates for a sentence on {sentence_date}: the dates fall outside \
         the calendar; check the sentence date"
    )]
    DateOutOfRange {
        /// The sentence date given.
        sentence_date: Date,
    },
}

/// The key dates of one order, with the figures they were worked out from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DtoKeyDates {
    /// The term in months, as ordered.
    pub term_months: u8,
    /// The remand credit applied, in days.
    pub remand_days: u32,
    /// The term in days, counting the sentence date and the last day of the term.
    pub term_days: i32,
    /// The custodial half in days: `term_days` halved, rounded half up.
    pub custody_days: i32,
    /// Mid-term date: the release date unless the Secretary of State releases early or a youth
    /// court orders late release.
    pub mtd: Date,
    /// Earliest release date (s.241(4)); `None` for terms under 8 months.
    pub etd: Option<Date>,
    /// Latest release date on a youth court's order (s.241(5)); `None` for terms under 8 months.
    pub ltd: Option<Date>,
    /// Sentence and licence expiry date: the end of supervision.
    pub sled: Date,
}

/// Works out the key dates of a Detention and Training Order.
///
/// # Errors
///
/// [`DtoError::TermOutOfRange`] for a term outside 4..=24 months,
/// [`DtoError::ImplausibleRemand`] for more than [`MAX_REMAND_DAYS`] days of remand, and
/// [`DtoError::DateOutOfRange`] when the dates cannot be represented.
pub fn dto_key_dates(input: &DtoInput) -> Result<DtoKeyDates, DtoError> {
    let DtoInput { sentence_date, term_months, remand_days } = *input;
    if !(MIN_TERM_MONTHS..=MAX_TERM_MONTHS).contains(&term_months) {
        return Err(DtoError::TermOutOfRange { term_months });
    }
    if remand_days > MAX_REMAND_DAYS {
        return Err(DtoError::ImplausibleRemand { remand_days });
    }
    let out_of_range = |_| DtoError::DateOutOfRange { sentence_date };

    let term_end = term_end(sentence_date, term_months).map_err(out_of_range)?;
    let term_days = days_inclusive(sentence_date, term_end);
    let custody_days = (term_days + 1) / 2;
    let remand = Span::new().days(remand_days);

    let unadjusted_mtd = sentence_date.checked_add(Span::new().days(custody_days - 1)).map_err(out_of_range)?;
    let mtd = unadjusted_mtd.checked_sub(remand).map_err(out_of_range)?.max(sentence_date);
    let sled = term_end.checked_sub(remand).map_err(out_of_range)?.max(sentence_date);

    let (etd, ltd) = match release_window_months(term_months) {
        Some(months) => {
            let window = Span::new().months(months);
            (
                // Not clamped to the sentence date: an ETD before it just means early release
                // is already available.
                Some(mtd.checked_sub(window).map_err(out_of_range)?),
                Some(mtd.checked_add(window).map_err(out_of_range)?),
            )
        }
        None => (None, None),
    };

    Ok(DtoKeyDates { term_months, remand_days, term_days, custody_days, mtd, etd, ltd, sled })
}

/// Plain-English lines saying how each key date was reached, for the case record and for
/// explaining the dates to the child and family.
///
/// `dates` should be the result of [`dto_key_dates`] for `input`.
#[must_use]
pub fn explain(input: &DtoInput, dates: &DtoKeyDates) -> Vec<String> {
    let mut lines = Vec::new();
    let start = long_date(input.sentence_date);
    let months = plural(u32::from(input.term_months), "month");

    // The term's last day is recoverable from the SLED and the remand credit unless the SLED
    // was clamped; recomputing it is simpler and always right.
    let end = term_end(input.sentence_date, input.term_months).ok();
    match end {
        Some(end) => {
            let mut line = format!("Term: {months} from {start} runs to {} ({} days)", long_date(end), dates.term_days);
            if let Ok(same_date) = input.sentence_date.checked_add(Span::new().months(input.term_months))
                && same_date.day() != input.sentence_date.day()
            {
                let long = long_date(same_date);
                let month_year = long.split_once(' ').map_or(long.as_str(), |(_, rest)| rest);
                line.push_str(&format!(
                    "; there is no {} {month_year}, so the month's last day, {long}, stands \
                     in for it",
                    input.sentence_date.day()
                ));
            }
            lines.push(line);
        }
        None => lines.push(format!("Term: {months} from {start} ({} days)", dates.term_days)),
    }

    if dates.term_days % 2 == 0 {
        lines.push(format!("Custodial half: {} ÷ 2 = {} days", dates.term_days, dates.custody_days));
    } else {
        lines.push(format!(
            "Custodial half: {} ÷ 2 = {}.5, rounded half up to {} days",
            dates.term_days,
            dates.term_days / 2,
            dates.custody_days
        ));
    }

    let unadjusted_mtd = input.sentence_date.checked_add(Span::new().days(dates.custody_days - 1)).ok();
    if let Some(unadjusted) = unadjusted_mtd {
        lines.push(format!(
            "Mid-term date before remand credit: day {} counting {start} as day 1 is {}",
            dates.custody_days,
            long_date(unadjusted)
        ));
    }

    if input.remand_days == 0 {
        lines.push("Remand credit: none".to_string());
    } else if dates.mtd == input.sentence_date {
        lines.push(format!(
            "Remand credit: {} brings the mid-term date back to the sentence date, {start}, \
             which is as early as it can be",
            plural(input.remand_days, "day")
        ));
    } else {
        lines.push(format!(
            "Remand credit: {} brings the mid-term date forward to {}",
            plural(input.remand_days, "day"),
            long_date(dates.mtd)
        ));
    }

    lines.push(format!("Mid-term (release) date: {}", long_date(dates.mtd)));

    let sled_reason = if input.remand_days == 0 {
        "the last day of the term".to_string()
    } else if dates.sled == input.sentence_date {
        "remand credit covers the whole term, so it is the sentence date".to_string()
    } else {
        format!("the last day of the term less {}", plural(input.remand_days, "day"))
    };
    lines.push(format!("Sentence and licence expiry: {} ({sled_reason})", long_date(dates.sled)));

    match (dates.etd, dates.ltd, release_window_months(input.term_months)) {
        (Some(etd), Some(ltd), Some(window)) => {
            let (band, late) = if window == 1 {
                ("terms of 8 months or more but under 18", "1 month")
            } else {
                ("terms of 18 months or more", "1 or 2 months")
            };
            lines.push(format!(
                "Early release: at the Secretary of State's discretion up to {} before the \
                 mid-term date, so from {} ({band}, s.241(4))",
                plural(window.unsigned_abs(), "month"),
                long_date(etd)
            ));
            lines.push(format!(
                "Late release: a youth court may order release {late} after the mid-term date, \
                 so by {} at the latest ({band}, s.241(5))",
                long_date(ltd)
            ));
        }
        _ => {
            lines.push("Early release: not available for terms under 8 months (s.241(4))".to_string());
            lines.push("Late release: not available for terms under 8 months (s.241(5))".to_string());
        }
    }
    lines
}

/// The last day of the term: the day before the same calendar date `term_months` later, where
/// "the same date" clamps to the end of a shorter month (jiff's month arithmetic saturates).
fn term_end(sentence_date: Date, term_months: u8) -> Result<Date, jiff::Error> {
    sentence_date.checked_add(Span::new().months(term_months))?.yesterday()
}

/// Days from `first` to `last`, counting both.
fn days_inclusive(first: Date, last: Date) -> i32 {
    let days = first.duration_until(last).as_hours() / 24 + 1;
    // A term of at most 24 months is at most 731 days, so this always fits.
    i32::try_from(days).unwrap_or(i32::MAX)
}

/// The early and late release window in months either side of the MTD (s.241(4) and (5)).
fn release_window_months(term_months: u8) -> Option<i32> {
    match term_months {
        18.. => Some(2),
        8..18 => Some(1),
        _ => None,
    }
}

fn plural(n: u32, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn key_dates(y: i16, m: i8, d: i8, term_months: u8, remand_days: u32) -> DtoKeyDates {
        dto_key_dates(&DtoInput { sentence_date: date(y, m, d), term_months, remand_days }).unwrap()
    }

    #[test]
    fn ten_months_from_mid_january() {
        // 15 Jan 2026 + 10 months = 15 Nov 2026; term ends 14 Nov. Days 15 Jan..15 Nov:
        // 31+28+31+30+31+30+31+31+30+31 = 304. Half = 152. Day 152 counting 15 Jan as day 1:
        // 17 days in Jan, 28 Feb, 31 Mar, 30 Apr, 31 May = 137, so day 152 is 15 June.
        let got = key_dates(2026, 1, 15, 10, 0);
        assert_eq!(
            got,
            DtoKeyDates {
                term_months: 10,
                remand_days: 0,
                term_days: 304,
                custody_days: 152,
                mtd: date(2026, 6, 15),
                etd: Some(date(2026, 5, 15)),
                ltd: Some(date(2026, 7, 15)),
                sled: date(2026, 11, 14),
            }
        );
    }

    #[test]
    fn remand_brings_mtd_and_sled_forward_day_for_day() {
        let got = key_dates(2026, 1, 15, 10, 12);
        assert_eq!(got.mtd, date(2026, 6, 3));
        assert_eq!(got.sled, date(2026, 11, 2));
        // ETD and LTD move with the MTD.
        assert_eq!(got.etd, Some(date(2026, 5, 3)));
        assert_eq!(got.ltd, Some(date(2026, 7, 3)));
        assert_eq!((got.term_days, got.custody_days), (304, 152));
    }

    #[test]
    fn sentence_on_the_31st_clamps_to_the_end_of_february() {
        // 31 Oct 2026 + 4 months = 28 Feb 2027 (clamped); term ends 27 Feb 2027.
        // Days 31 Oct..28 Feb: 1 + 30 + 31 + 31 + 27 = 120. Half = 60: 31 Oct is day 1,
        // 30 Nov is day 31, 29 Dec is day 60.
        let got = key_dates(2026, 10, 31, 4, 0);
        assert_eq!((got.term_days, got.custody_days), (120, 60));
        assert_eq!(got.mtd, date(2026, 12, 29));
        assert_eq!(got.sled, date(2027, 2, 27));
        assert_eq!((got.etd, got.ltd), (None, None));
    }

    #[test]
    fn sentence_on_the_30th_and_31st_into_a_leap_february() {
        // 31 Aug 2027 + 6 months = 29 Feb 2028 (leap year, clamped); term ends 28 Feb 2028.
        // Days 31 Aug 2027..29 Feb 2028: 1+30+31+30+31+31+28 = 182; half 91.
        // 31 Aug is day 1; 30 Sep day 31; 30 Oct day 61; 29 Nov day 91.
        let got = key_dates(2027, 8, 31, 6, 0);
        assert_eq!((got.term_days, got.custody_days), (182, 91));
        assert_eq!(got.mtd, date(2027, 11, 29));
        assert_eq!(got.sled, date(2028, 2, 28));
        // 30 Aug 2027 + 6 months = 29 Feb 2028 too (clamped): one more day in the term.
        let got = key_dates(2027, 8, 30, 6, 0);
        assert_eq!((got.term_days, got.custody_days), (183, 92));
        assert_eq!(got.mtd, date(2027, 11, 29));
        assert_eq!(got.sled, date(2028, 2, 28));
        // 30 Nov 2026 + 4 months = 30 Mar 2027, no clamp: 30 + 31 + 59 (30 Jan..30 Mar) = 120.
        let got = key_dates(2026, 11, 30, 4, 0);
        assert_eq!(got.sled, date(2027, 3, 29));
        assert_eq!(got.term_days, 120);
    }

    #[test]
    fn sentence_on_29_february() {
        // 29 Feb 2028 + 12 months = 28 Feb 2029 (clamped); term ends 27 Feb 2029: 365 days.
        // Half of 365 = 182.5, rounded half up to 183. Day 183 counting 29 Feb as day 1:
        // Feb 1, Mar 31 → 32, Apr 30 → 62, May 31 → 93, Jun 30 → 123, Jul 31 → 154,
        // Aug 29 → 183, so 29 August 2028.
        let got = key_dates(2028, 2, 29, 12, 0);
        assert_eq!((got.term_days, got.custody_days), (365, 183));
        assert_eq!(got.mtd, date(2028, 8, 29));
        assert_eq!(got.sled, date(2029, 2, 27));
        assert_eq!(got.etd, Some(date(2028, 7, 29)));
        assert_eq!(got.ltd, Some(date(2028, 9, 29)));
        // 29 Feb 2028 + 24 months = 28 Feb 2030 (clamped): 365 + 365 = 730 days.
        let got = key_dates(2028, 2, 29, 24, 0);
        assert_eq!(got.term_days, 730);
        assert_eq!(got.sled, date(2030, 2, 27));
    }

    #[test]
    fn a_term_across_29_february_is_a_day_longer() {
        // 1 Jan 2028 + 4 months: Jan 31 + Feb 29 + Mar 31 + Apr 30 = 121 days; half 60.5 → 61.
        let got = key_dates(2028, 1, 1, 4, 0);
        assert_eq!((got.term_days, got.custody_days), (121, 61));
        assert_eq!(got.mtd, date(2028, 3, 1));
        assert_eq!(got.sled, date(2028, 4, 30));
        // The same term in 2027: 120 days, half 60, MTD 1 March 2027 (Jan 31 + Feb 28 = 59).
        let got = key_dates(2027, 1, 1, 4, 0);
        assert_eq!((got.term_days, got.custody_days), (120, 60));
        assert_eq!(got.mtd, date(2027, 3, 1));
    }

    #[test]
    fn remand_larger_than_the_custodial_half_releases_on_the_sentence_date() {
        let got = key_dates(2026, 1, 15, 4, 100);
        // 4 months from 15 Jan: 31+28+31+30 = 120 days; half 60 < 100 days' remand.
        assert_eq!(got.mtd, date(2026, 1, 15));
        // SLED: 14 May 2026 less 100 days = 3 February 2026 (14 May → 14 Apr is 30,
        // → 14 Mar 61, → 14 Feb 89, then 11 more days: 3 Feb).
        assert_eq!(got.sled, date(2026, 2, 3));
        // Remand larger than the whole term: SLED is the sentence date too.
        let got = key_dates(2026, 1, 15, 4, 500);
        assert_eq!((got.mtd, got.sled), (date(2026, 1, 15), date(2026, 1, 15)));
    }

    #[test]
    fn etd_is_not_clamped_to_the_sentence_date() {
        // 8 months from 1 March 2026: 245 days (31+30+31+30+31+31+30+31), half 123 (122.5 up).
        // 200 days' remand pulls the MTD to the sentence date; the ETD is a month before it.
        let got = key_dates(2026, 3, 1, 8, 200);
        assert_eq!((got.term_days, got.custody_days), (245, 123));
        assert_eq!(got.mtd, date(2026, 3, 1));
        assert_eq!(got.etd, Some(date(2026, 2, 1)));
        assert_eq!(got.ltd, Some(date(2026, 4, 1)));
    }

    #[test]
    fn release_windows_at_the_8_and_18_month_boundaries() {
        let seven = key_dates(2026, 1, 15, 7, 0);
        assert_eq!((seven.etd, seven.ltd), (None, None));

        // 8 months from 15 Jan 2026: 31+28+31+30+31+30+31+31 = 243 days; 121.5 → 122.
        // Counting 15 Jan as day 1: 31 Jan is day 17, 28 Feb 45, 31 Mar 76, 30 Apr 106, so
        // day 122 is 16 May.
        let eight = key_dates(2026, 1, 15, 8, 0);
        assert_eq!((eight.term_days, eight.custody_days), (243, 122));
        assert_eq!(eight.mtd, date(2026, 5, 16));
        assert_eq!(eight.etd, Some(date(2026, 4, 16)));
        assert_eq!(eight.ltd, Some(date(2026, 6, 16)));

        let seventeen = key_dates(2026, 1, 15, 17, 0);
        assert_eq!(
            (seventeen.etd.unwrap(), seventeen.ltd.unwrap()),
            (
                seventeen.mtd.checked_sub(Span::new().months(1)).unwrap(),
                seventeen.mtd.checked_add(Span::new().months(1)).unwrap()
            )
        );

        // 18 months from 15 Jan 2026 ends 14 Jul 2027: 365 + 181 (15 Jan..15 Jul 2027) = 546
        // days; half 273. Day 243 is 14 Sep (the 8-month term above), so day 273 is 14 Oct.
        let eighteen = key_dates(2026, 1, 15, 18, 0);
        assert_eq!((eighteen.term_days, eighteen.custody_days), (546, 273));
        assert_eq!(eighteen.mtd, date(2026, 10, 14));
        assert_eq!(eighteen.etd, Some(date(2026, 8, 14)));
        assert_eq!(eighteen.ltd, Some(date(2026, 12, 14)));
        assert_eq!(eighteen.sled, date(2027, 7, 14));
    }

    #[test]
    fn four_and_twenty_four_months() {
        // 4 months from 1 June 2026: 30+31+31+30 = 122 days; half 61; day 61 is 31 July.
        let four = key_dates(2026, 6, 1, 4, 0);
        assert_eq!((four.term_days, four.custody_days), (122, 61));
        assert_eq!(four.mtd, date(2026, 7, 31));
        assert_eq!(four.sled, date(2026, 9, 30));

        // 24 months from 1 June 2026 ends 31 May 2028 and contains 29 Feb 2028: 731 days;
        // half 365.5 → 366. Day 366 counting 1 June 2026 as day 1 is 1 June 2027 (365 days
        // to 31 May 2027 inclusive).
        let twenty_four = key_dates(2026, 6, 1, 24, 0);
        assert_eq!((twenty_four.term_days, twenty_four.custody_days), (731, 366));
        assert_eq!(twenty_four.mtd, date(2027, 6, 1));
        assert_eq!(twenty_four.etd, Some(date(2027, 4, 1)));
        assert_eq!(twenty_four.ltd, Some(date(2027, 8, 1)));
        assert_eq!(twenty_four.sled, date(2028, 5, 31));
    }

    #[test]
    fn odd_term_days_round_half_up() {
        // 5 months from 1 Jan 2026: 31+28+31+30+31 = 151 days; 75.5 → 76; day 76 is 17 March
        // (31 + 28 = 59, 76 − 59 = 17).
        let got = key_dates(2026, 1, 1, 5, 0);
        assert_eq!((got.term_days, got.custody_days), (151, 76));
        assert_eq!(got.mtd, date(2026, 3, 17));
    }

    #[test]
    fn terms_outside_4_to_24_months_are_refused() {
        for term_months in [0, 3, 25, 255] {
            let err =
                dto_key_dates(&DtoInput { sentence_date: date(2026, 1, 15), term_months, remand_days: 0 }).unwrap_err();
            assert_eq!(err, DtoError::TermOutOfRange { term_months });
            assert!(err.to_string().contains("from 4 to 24"), "{err}");
        }
    }

    #[test]
    fn implausible_remand_is_refused() {
        let input = DtoInput { sentence_date: date(2026, 1, 15), term_months: 6, remand_days: 10_001 };
        let err = dto_key_dates(&input).unwrap_err();
        assert_eq!(err, DtoError::ImplausibleRemand { remand_days: 10_001 });
        assert!(err.to_string().contains("implausible"));
        assert!(dto_key_dates(&DtoInput { remand_days: 10_000, ..input }).is_ok());
    }

    #[test]
    fn dates_beyond_the_calendar_are_refused() {
        let input = DtoInput { sentence_date: date(9999, 6, 1), term_months: 12, remand_days: 0 };
        assert!(matches!(dto_key_dates(&input), Err(DtoError::DateOutOfRange { .. })));
    }

    #[test]
    fn explanation_for_the_worked_example() {
        let input = DtoInput { sentence_date: date(2026, 1, 15), term_months: 10, remand_days: 12 };
        let lines = explain(&input, &dto_key_dates(&input).unwrap());
        assert_eq!(
            lines,
            [
                "Term: 10 months from 15 January 2026 runs to 14 November 2026 (304 days)",
                "Custodial half: 304 ÷ 2 = 152 days",
                "Mid-term date before remand credit: day 152 counting 15 January 2026 as day 1 \
                 is 15 June 2026",
                "Remand credit: 12 days brings the mid-term date forward to 3 June 2026",
                "Mid-term (release) date: 3 June 2026",
                "Sentence and licence expiry: 2 November 2026 (the last day of the term less 12 \
                 days)",
                "Early release: at the Secretary of State's discretion up to 1 month before the \
                 mid-term date, so from 3 May 2026 (terms of 8 months or more but under 18, \
                 s.241(4))",
                "Late release: a youth court may order release 1 month after the mid-term date, \
                 so by 3 July 2026 at the latest (terms of 8 months or more but under 18, \
                 s.241(5))",
            ]
        );
    }

    #[test]
    fn explanation_of_clamping_rounding_and_short_terms() {
        let input = DtoInput { sentence_date: date(2026, 10, 31), term_months: 5, remand_days: 0 };
        let lines = explain(&input, &dto_key_dates(&input).unwrap());
        // 31 Oct + 5 months is 31 March: no clamping to explain.
        assert_eq!(lines[0], "Term: 5 months from 31 October 2026 runs to 30 March 2027 (151 days)");
        assert_eq!(lines[1], "Custodial half: 151 ÷ 2 = 75.5, rounded half up to 76 days");
        assert_eq!(lines[3], "Remand credit: none");
        assert!(lines.contains(&"Early release: not available for terms under 8 months (s.241(4))".to_string()));

        let input = DtoInput { sentence_date: date(2026, 10, 31), term_months: 4, remand_days: 0 };
        let lines = explain(&input, &dto_key_dates(&input).unwrap());
        assert_eq!(
            lines[0],
            "Term: 4 months from 31 October 2026 runs to 27 February 2027 (120 days); there is \
             no 31 February 2027, so the month's last day, 28 February 2027, stands in for it"
        );

        let input = DtoInput { sentence_date: date(2026, 1, 15), term_months: 4, remand_days: 100 };
        let lines = explain(&input, &dto_key_dates(&input).unwrap());
        assert_eq!(
            lines[3],
            "Remand credit: 100 days brings the mid-term date back to the sentence date, \
             15 January 2026, which is as early as it can be"
        );
        assert!(lines[5].contains("3 February 2026"), "{}", lines[5]);
    }

    fn sentence_date() -> impl Strategy<Value = Date> {
        (0i64..(60 * 366)).prop_map(|offset| date(2000, 1, 1).checked_add(Span::new().days(offset)).unwrap())
    }

    proptest! {
        #[test]
        fn key_dates_are_in_order(
            sentence_date in sentence_date(),
            term_months in MIN_TERM_MONTHS..=MAX_TERM_MONTHS,
            remand_days in 0u32..1000,
        ) {
            let got = dto_key_dates(&DtoInput { sentence_date, term_months, remand_days }).unwrap();
            prop_assert!(got.mtd <= got.sled);
            prop_assert!(got.mtd >= sentence_date);
            prop_assert!(got.sled >= sentence_date);
            prop_assert!((120..=731).contains(&got.term_days), "{} days", got.term_days);
            prop_assert!(got.custody_days * 2 - got.term_days <= 1);
            prop_assert_eq!(got.etd.is_some(), term_months >= 8);
            if let (Some(etd), Some(ltd)) = (got.etd, got.ltd) {
                prop_assert!(etd < got.mtd && got.mtd < ltd);
            }
        }

        #[test]
        fn without_remand_the_dates_follow_the_term(
            sentence_date in sentence_date(),
            term_months in MIN_TERM_MONTHS..=MAX_TERM_MONTHS,
        ) {
            let got = dto_key_dates(&DtoInput { sentence_date, term_months, remand_days: 0 })
                .unwrap();
            prop_assert!(got.mtd > sentence_date && got.mtd < got.sled);
            prop_assert_eq!(
                got.sled.checked_add(Span::new().days(1)).unwrap(),
                sentence_date.checked_add(Span::new().months(term_months)).unwrap()
            );
            // The custodial half ends in the middle of the term.
            let first_half = days_inclusive(sentence_date, got.mtd);
            let second_half = days_inclusive(got.mtd, got.sled) - 1;
            prop_assert!(first_half == second_half || first_half == second_half + 1);
        }
    }
}
