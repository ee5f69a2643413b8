//! Tests of `calendar`.

#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

/// The official GOV.UK England and Wales lists, typed in by hand. If the rules disagree with
/// any of these, the rules are wrong.
#[rustfmt::skip]
const OFFICIAL: &[(i16, &[(i8, i8)])] = &[
    (2019, &[(1, 1), (4, 19), (4, 22), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)]),
    (2020, &[(1, 1), (4, 10), (4, 13), (5, 8), (5, 25), (8, 31), (12, 25), (12, 28)]),
    (2021, &[(1, 1), (4, 2), (4, 5), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)]),
    (2022, &[(1, 3), (4, 15), (4, 18), (5, 2), (6, 2), (6, 3), (8, 29), (9, 19), (12, 26),
             (12, 27)]),
    (2023, &[(1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)]),
    (2024, &[(1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)]),
    (2025, &[(1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)]),
    (2026, &[(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)]),
    (2027, &[(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)]),
];

fn dates(cal: &Calendar, year: i16) -> Vec<Date> {
    cal.bank_holidays(year).unwrap().into_iter().map(|h| h.date).collect()
}

fn names(cal: &Calendar, year: i16) -> Vec<(Date, String)> {
    cal.bank_holidays(year).unwrap().into_iter().map(|h| (h.date, h.name)).collect()
}

#[test]
fn rules_match_the_official_list_2019_to_2027() {
    let cal = Calendar::england_and_wales();
    for (year, official) in OFFICIAL {
        let expected: Vec<Date> = official.iter().map(|&(m, d)| date(*year, m, d)).collect();
        assert_eq!(dates(&cal, *year), expected, "bank holidays for {year}");
    }
}

#[test]
fn every_supported_year_has_its_holidays() {
    let cal = Calendar::england_and_wales();
    for year in FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR {
        let days = cal.bank_holidays(year).unwrap();
        assert!(days.len() >= 8, "{year} has {} holidays", days.len());
        assert!(holidays_by_rule(year).is_ok());
        // Eight every year, plus the one-off days: nothing lost or doubled by substitution.
        let one_offs = match year {
            1999 | 2002 | 2011 | 2012 | 2023 => 1,
            2022 => 2,
            _ => 0,
        };
        assert_eq!(days.len(), 8 + one_offs, "{year}");
    }
}

#[test]
fn years_outside_the_table_are_refused_with_a_clear_message() {
    let cal = Calendar::england_and_wales();
    let err = cal.bank_holidays(1989).unwrap_err();
    assert_eq!(err, CalendarError::YearOutOfRange { year: 1989 });
    assert!(err.to_string().contains("1990 to 2100"));
    assert!(cal.bank_holidays(2101).is_err());
    assert!(cal.bank_holidays(1990).is_ok());
    assert!(cal.bank_holidays(2100).is_ok());
}

#[test]
fn easter_sunday_hand_checked() {
    for (y, m, d) in [
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2038, 4, 25),
        (2000, 4, 23),
        (2008, 3, 23),
        (2011, 4, 24),
        (2019, 4, 21),
    ] {
        assert_eq!(easter_sunday(y).unwrap(), date(y, m, d), "Easter {y}");
    }
}

#[test]
fn christmas_saturday_gives_monday_and_tuesday_substitutes() {
    let cal = Calendar::england_and_wales();
    for year in [2021, 2027] {
        let days = names(&cal, year);
        let tail = &days[days.len() - 2..];
        assert_eq!(tail[0], (date(year, 12, 27), "Christmas Day (substitute day)".into()));
        assert_eq!(tail[1], (date(year, 12, 28), "Boxing Day (substitute day)".into()));
    }
}

#[test]
fn christmas_sunday_keeps_boxing_day_and_moves_christmas_to_tuesday() {
    let cal = Calendar::england_and_wales();
    let days = names(&cal, 2022);
    let tail = &days[days.len() - 2..];
    assert_eq!(tail[0], (date(2022, 12, 26), "Boxing Day".into()));
    assert_eq!(tail[1], (date(2022, 12, 27), "Christmas Day (substitute day)".into()));
    // 2033 has the same shape.
    assert!(dates(&cal, 2033).ends_with(&[date(2033, 12, 26), date(2033, 12, 27)]));
}

#[test]
fn boxing_day_saturday_moves_to_monday() {
    let cal = Calendar::england_and_wales();
    assert!(dates(&cal, 2020).ends_with(&[date(2020, 12, 25), date(2020, 12, 28)]));
    assert!(!cal.is_bank_holiday(date(2020, 12, 26)));
}

#[test]
fn new_year_at_a_weekend_moves_to_the_monday() {
    let cal = Calendar::england_and_wales();
    // Saturday 1 January 2022 → Monday 3 January.
    assert!(cal.is_bank_holiday(date(2022, 1, 3)));
    assert!(!cal.is_bank_holiday(date(2022, 1, 1)));
    // Sunday 1 January 2023 → Monday 2 January.
    assert_eq!(dates(&cal, 2023)[0], date(2023, 1, 2));
    // Saturday 1 January 2000 → Monday 3 January, after the millennium Friday.
    assert_eq!(dates(&cal, 2000)[0], date(2000, 1, 3));
}

#[test]
fn exception_years() {
    let cal = Calendar::england_and_wales();
    // VE day anniversaries: the first Monday of May was an ordinary working day.
    assert!(cal.is_bank_holiday(date(1995, 5, 8)));
    assert!(!cal.is_bank_holiday(date(1995, 5, 1)));
    assert!(cal.is_bank_holiday(date(2020, 5, 8)));
    assert!(!cal.is_bank_holiday(date(2020, 5, 4)));
    let ve_day = cal.bank_holidays(2020).unwrap().into_iter().find(|h| h.date.month() == 5);
    assert_eq!(ve_day.unwrap().name, "Early May bank holiday (VE day)");
    // Jubilees: the last Monday of May was an ordinary working day.
    assert_eq!(
        dates(&cal, 2002),
        [
            date(2002, 1, 1),
            date(2002, 3, 29),
            date(2002, 4, 1),
            date(2002, 5, 6),
            date(2002, 6, 3),
            date(2002, 6, 4),
            date(2002, 8, 26),
            date(2002, 12, 25),
            date(2002, 12, 26),
        ]
    );
    assert!(!cal.is_bank_holiday(date(2002, 5, 27)));
    assert!(cal.is_bank_holiday(date(2012, 6, 4)) && cal.is_bank_holiday(date(2012, 6, 5)));
    assert!(!cal.is_bank_holiday(date(2012, 5, 28)));
    assert!(!cal.is_bank_holiday(date(2022, 5, 30)));
    // One-off days.
    assert!(cal.is_bank_holiday(date(1999, 12, 31)));
    assert!(cal.is_bank_holiday(date(2011, 4, 29)));
    assert_eq!(dates(&cal, 2011).len(), 9);
    assert_eq!(dates(&cal, 2023).len(), 9);
    // 1999: millennium Friday plus both Christmas substitutes.
    assert!(dates(&cal, 1999).ends_with(&[date(1999, 12, 27), date(1999, 12, 28), date(1999, 12, 31)]));
}

#[test]
fn leap_years_do_not_disturb_the_rules() {
    let cal = Calendar::england_and_wales();
    // 29 February is an ordinary working day (Thursday in 2024, Tuesday in 2028).
    assert!(cal.is_working_day(date(2024, 2, 29)));
    assert!(cal.is_working_day(date(2028, 2, 29)));
    // 2000 was a leap year (divisible by 400), 2100 is not; both tables are complete.
    assert_eq!(dates(&cal, 2000).len(), 8);
    assert_eq!(dates(&cal, 2100).len(), 8);
    // Counting across 29 February: Wednesday 28 February 2024 + 1 = Thursday 29th.
    assert_eq!(cal.add_working_days(date(2024, 2, 28), 1).unwrap(), date(2024, 2, 29));
}

#[test]
fn working_days_across_christmas() {
    let cal = Calendar::england_and_wales();
    // Wednesday 23 December 2026 + 2 working days: Thu 24th, then Fri 25th (Christmas),
    // Sat, Sun, Mon 28th (Boxing Day substitute) are skipped → Tuesday 29th.
    assert_eq!(cal.add_working_days(date(2026, 12, 23), 2).unwrap(), date(2026, 12, 29));
    // Friday 24 December 2027 + 1: Christmas Sat, Boxing Sun, substitutes Mon 27 and
    // Tue 28 → Wednesday 29th.
    assert_eq!(cal.add_working_days(date(2027, 12, 24), 1).unwrap(), date(2027, 12, 29));
    assert_eq!(cal.add_working_days(date(2027, 12, 29), -1).unwrap(), date(2027, 12, 24));
    assert_eq!(cal.working_days_between(date(2027, 12, 24), date(2027, 12, 29)), 1);
    // 10 working days from Monday 14 December 2026: 15,16,17,18,21,22,23,24,29,30.
    assert_eq!(cal.add_working_days(date(2026, 12, 14), 10).unwrap(), date(2026, 12, 30));
}

#[test]
fn working_days_across_easter() {
    let cal = Calendar::england_and_wales();
    // Thursday 2 April 2026 + 1: Good Friday 3rd, weekend, Easter Monday 6th → Tue 7th.
    assert_eq!(cal.add_working_days(date(2026, 4, 2), 1).unwrap(), date(2026, 4, 7));
    // 20 working days before Friday 1 May 2026: April has 22 weekdays less 2 holidays.
    // Counting back: 30,29,28,27,24,23,22,21,20,17,16,15,14,13,10,9,8,7,2,1 April.
    assert_eq!(cal.add_working_days(date(2026, 5, 1), -20).unwrap(), date(2026, 4, 1));
    assert_eq!(cal.working_days_between(date(2026, 4, 1), date(2026, 5, 1)), 20);
    assert_eq!(cal.working_days_between(date(2026, 5, 1), date(2026, 4, 1)), -20);
}

#[test]
fn zero_working_days_rolls_forward_to_a_working_day() {
    let cal = Calendar::england_and_wales();
    assert_eq!(cal.add_working_days(date(2026, 6, 10), 0).unwrap(), date(2026, 6, 10));
    // Saturday → Monday; Good Friday 2026 → Tuesday after Easter Monday.
    assert_eq!(cal.add_working_days(date(2026, 6, 13), 0).unwrap(), date(2026, 6, 15));
    assert_eq!(cal.add_working_days(date(2026, 4, 3), 0).unwrap(), date(2026, 4, 7));
}

#[test]
fn from_a_weekend_counting_starts_from_the_next_day() {
    let cal = Calendar::england_and_wales();
    // Saturday 13 June 2026: the first working day after it is Monday 15th.
    assert_eq!(cal.add_working_days(date(2026, 6, 13), 1).unwrap(), date(2026, 6, 15));
    assert_eq!(cal.add_working_days(date(2026, 6, 13), -1).unwrap(), date(2026, 6, 12));
    assert_eq!(cal.working_days_between(date(2026, 6, 13), date(2026, 6, 15)), 1);
    assert_eq!(cal.working_days_between(date(2026, 6, 13), date(2026, 6, 13)), 0);
}

#[test]
fn extra_holidays_are_honoured() {
    let cal =
        Calendar::england_and_wales().with_extra_holidays([(date(2026, 6, 12), "Proclaimed holiday".to_string())]);
    assert!(cal.is_bank_holiday(date(2026, 6, 12)));
    assert!(!cal.is_working_day(date(2026, 6, 12)));
    // Thursday 11 June + 1 skips the new Friday holiday and the weekend.
    assert_eq!(cal.add_working_days(date(2026, 6, 11), 1).unwrap(), date(2026, 6, 15));
    assert_eq!(cal.working_days_between(date(2026, 6, 11), date(2026, 6, 15)), 1);
    assert!(
        cal.bank_holidays(2026)
            .unwrap()
            .contains(&BankHoliday { date: date(2026, 6, 12), name: "Proclaimed holiday".into() })
    );
    // A duplicate of a built-in holiday keeps the built-in name and is not listed twice.
    let cal = cal.with_extra_holidays([(date(2026, 12, 25), "Xmas".to_string())]);
    let christmas: Vec<_> = cal.bank_holidays(2026).unwrap().into_iter().filter(|h| h.date.month() == 12).collect();
    assert_eq!(christmas.len(), 2);
    assert_eq!(christmas[0].name, "Christmas Day");
    // A weekend day entered by mistake does not make the count go wrong.
    let cal = cal.with_extra_holidays([(date(2026, 6, 20), "Saturday".to_string())]);
    assert_eq!(cal.working_days_between(date(2026, 6, 19), date(2026, 6, 22)), 1);
}

#[test]
fn counting_outside_the_table_is_refused() {
    let cal = Calendar::england_and_wales();
    assert_eq!(
        cal.add_working_days(date(1989, 12, 29), 1),
        Err(CalendarError::DateOutOfRange { date: date(1989, 12, 29) })
    );
    let err = cal.add_working_days(date(2100, 12, 30), 5).unwrap_err();
    assert_eq!(err, CalendarError::ResultOutOfRange { from: date(2100, 12, 30), n: 5 });
    assert!(cal.add_working_days(date(1990, 1, 2), -1).is_err());
    assert!(cal.add_working_days(date(2026, 1, 1), i32::MAX).is_err());
    assert!(cal.add_working_days(date(2026, 1, 1), i32::MIN).is_err());
    // Friday 31 December 2100 is the last working day in the table: reachable, but nothing
    // after it is.
    assert_eq!(date(2100, 12, 31).weekday(), Weekday::Friday);
    assert_eq!(cal.add_working_days(date(2100, 12, 30), 1).unwrap(), date(2100, 12, 31));
    assert!(cal.add_working_days(date(2100, 12, 31), 1).is_err());
}

#[test]
fn long_dates_read_naturally() {
    assert_eq!(long_date(date(2026, 1, 15)), "15 January 2026");
    assert_eq!(long_date(date(2026, 11, 2)), "2 November 2026");
    assert_eq!(long_date(date(2027, 12, 31)), "31 December 2027");
}

fn supported_date() -> impl Strategy<Value = Date> {
    // 1992..=2098 leaves more than a year either side (about 250 working days) for the
    // counts of up to 300 working days that the properties use.
    (0i64..(107 * 365)).prop_map(|offset| date(1992, 1, 1).checked_add(jiff::Span::new().days(offset)).unwrap())
}

proptest! {
    #[test]
    fn added_days_are_working_days(from in supported_date(), n in -300i32..=300) {
        let cal = Calendar::england_and_wales();
        let got = cal.add_working_days(from, n).unwrap();
        prop_assert!(cal.is_working_day(got));
        if n > 0 { prop_assert!(got > from); }
        if n < 0 { prop_assert!(got < from); }
    }

    #[test]
    fn adding_then_subtracting_returns_to_a_working_day(
        from in supported_date(), n in 0i32..=300,
    ) {
        let cal = Calendar::england_and_wales();
        let start = cal.add_working_days(from, 0).unwrap();
        let there = cal.add_working_days(start, n).unwrap();
        prop_assert_eq!(cal.add_working_days(there, -n).unwrap(), start);
    }

    #[test]
    fn between_inverts_add(from in supported_date(), n in -300i32..=300) {
        let cal = Calendar::england_and_wales();
        let to = cal.add_working_days(from, n).unwrap();
        let between = cal.working_days_between(from, to);
        prop_assert_eq!(cal.add_working_days(from, between).unwrap(), to);
        if n != 0 {
            prop_assert_eq!(between, n);
        }
    }

    #[test]
    fn between_matches_counting_day_by_day(a in supported_date(), len in 0i64..60) {
        let cal = Calendar::england_and_wales();
        let b = a.checked_add(jiff::Span::new().days(len)).unwrap();
        let mut slow = 0;
        let mut d = a;
        while d < b {
            d = d.tomorrow().unwrap();
            if cal.is_working_day(d) { slow += 1; }
        }
        prop_assert_eq!(cal.working_days_between(a, b), slow);
        if cal.is_working_day(a) && cal.is_working_day(b) {
            prop_assert_eq!(cal.working_days_between(b, a), -slow);
        }
    }

    #[test]
    fn holidays_are_weekdays_in_their_year(year in FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR) {
        let cal = Calendar::england_and_wales();
        let days = cal.bank_holidays(year).unwrap();
        for h in &days {
            prop_assert_eq!(h.date.year(), year);
            prop_assert!(!is_weekend(h.date), "{} on a weekend", h.date);
        }
        prop_assert!(days.windows(2).all(|w| w[0].date < w[1].date));
    }
}
