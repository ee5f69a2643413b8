//! England and Wales bank holidays and working-day arithmetic.
//!
//! Deadlines in youth justice practice are counted in working days ("within 10 working days of
//! sentence"), so the calendar must know every bank holiday. GOV.UK publishes the official list
//! for recent years only, so holidays here are computed by rule (the Banking and Financial
//! Dealings Act 1971 and the royal proclamations that fix the substitute days), corrected by a
//! table of historic exceptions, and extended by holidays an administrator adds for future
//! proclamations.
//!
//! Nothing here reads a clock: every date is a parameter.

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday, date};
use serde::Serialize;

/// The first year for which bank holidays are known.
///
/// 1990 is early enough for any date of birth or offence a case needs counted in working days,
/// and the historic exceptions before it are not in the table.
pub const FIRST_SUPPORTED_YEAR: i16 = 1990;

/// The last year for which bank holidays are computed.
///
/// Beyond it the rules may well have changed; refusing is safer than guessing.
pub const LAST_SUPPORTED_YEAR: i16 = 2100;

/// One bank holiday as it is observed: the day people take off, so a substitute day appears in
/// place of the weekend day it replaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BankHoliday {
    /// The day the holiday is observed.
    pub date: Date,
    /// The holiday's name, in the style of the GOV.UK list ("Boxing Day (substitute day)").
    pub name: String,
}

/// Why a calendar question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A year with no bank holiday table.
    #[error(
        "no bank holidays are known for {year}: Resettle knows England and Wales bank holidays \
         for {FIRST_SUPPORTED_YEAR} to {LAST_SUPPORTED_YEAR} only; ask for a year in that range"
    )]
    YearOutOfRange {
        /// The year asked for.
        year: i16,
    },
    /// A date outside the years the calendar knows, so working days cannot be counted from it.
    #[error(
        "cannot count working days from {date}: bank holidays are known only from \
         {FIRST_SUPPORTED_YEAR}-01-01 to {LAST_SUPPORTED_YEAR}-12-31; check the date was \
         entered correctly"
    )]
    DateOutOfRange {
        /// The date given.
        date: Date,
    },
    /// Counting working days ran past the years the calendar knows.
    #[error(
        "counting {n} working days from {from} runs past the known bank holidays \
         ({FIRST_SUPPORTED_YEAR}-01-01 to {LAST_SUPPORTED_YEAR}-12-31); check the date and \
         the number of days"
    )]
    ResultOutOfRange {
        /// Where counting started.
        from: Date,
        /// The number of working days asked for.
        n: i32,
    },
}

/// The holidays the rules produce; exceptions name which of them they change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleHoliday {
    EarlyMay,
    Spring,
}

/// What a historic exception did to the rules for its year.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// A rule holiday was moved by proclamation: it fell on `to` instead, and its usual day was
    /// an ordinary working day.
    Moved { holiday: RuleHoliday, to: Date, name: &'static str },
    /// A one-off extra holiday.
    Added { on: Date, name: &'static str },
}

/// A departure from the rules, recorded with why it happened so that the table can be checked.
#[derive(Debug, Clone, Copy)]
struct Exception {
    change: Change,
    /// Why the day differed; kept as data so a reviewer can check each row against GOV.UK.
    #[allow(dead_code)]
    note: &'static str,
}

/// Every known departure from the rules in 1990..=2100, from the royal proclamations (and the
/// GOV.UK list for the years it covers).
const EXCEPTIONS: &[Exception] = &[
    Exception {
        change: Change::Moved {
            holiday: RuleHoliday::EarlyMay,
            to: date(1995, 5, 8),
            name: "Early May bank holiday (VE day)",
        },
        note: "50th anniversary of VE day: early May holiday moved from Monday 1 May",
    },
    Exception {
        change: Change::Added { on: date(1999, 12, 31), name: "Millennium celebrations" },
        note: "one-off holiday for the millennium",
    },
    Exception {
        change: Change::Moved { holiday: RuleHoliday::Spring, to: date(2002, 6, 4), name: "Spring bank holiday" },
        note: "Golden Jubilee: spring holiday moved from Monday 27 May to Tuesday 4 June",
    },
    Exception {
        change: Change::Added { on: date(2002, 6, 3), name: "Golden Jubilee bank holiday" },
        note: "one-off holiday for the Queen's Golden Jubilee",
    },
    Exception {
        change: Change::Added { on: date(2011, 4, 29), name: "Royal wedding" },
        note: "one-off holiday for the wedding of Prince William and Catherine Middleton",
    },
    Exception {
        change: Change::Moved { holiday: RuleHoliday::Spring, to: date(2012, 6, 4), name: "Spring bank holiday" },
        note: "Diamond Jubilee: spring holiday moved from Monday 28 May to Monday 4 June",
    },
    Exception {
        change: Change::Added { on: date(2012, 6, 5), name: "Queen’s Diamond Jubilee" },
        note: "one-off holiday for the Queen's Diamond Jubilee",
    },
    Exception {
        change: Change::Moved {
            holiday: RuleHoliday::EarlyMay,
            to: date(2020, 5, 8),
            name: "Early May bank holiday (VE day)",
        },
        note: "75th anniversary of VE day: early May holiday moved from Monday 4 May",
    },
    Exception {
        change: Change::Moved { holiday: RuleHoliday::Spring, to: date(2022, 6, 2), name: "Spring bank holiday" },
        note: "Platinum Jubilee: spring holiday moved from Monday 30 May to Thursday 2 June",
    },
    Exception {
        change: Change::Added { on: date(2022, 6, 3), name: "Platinum Jubilee bank holiday" },
        note: "one-off holiday for the Queen's Platinum Jubilee",
    },
    Exception {
        change: Change::Added {
            on: date(2022, 9, 19),
            name: "Bank Holiday for the State Funeral of Queen Elizabeth II",
        },
        note: "one-off holiday for the state funeral of Queen Elizabeth II",
    },
    Exception {
        change: Change::Added { on: date(2023, 5, 8), name: "Bank holiday for the coronation of King Charles III" },
        note: "one-off holiday for the coronation of King Charles III",
    },
];

/// England and Wales bank holidays, plus any an administrator has added, and working-day
/// arithmetic over them.
///
/// The whole table for the supported years is built once at construction (about 900 days), so
/// lookups during working-day counting are cheap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeMap<Date, String>,
}

impl Calendar {
    /// The England and Wales calendar: the rules, corrected by the historic exceptions.
    #[must_use]
    pub fn england_and_wales() -> Self {
        let mut holidays = BTreeMap::new();
        for year in FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR {
            // Cannot fail for a year in range (every date built is a real date); the test
            // `every_supported_year_has_its_holidays` guards that claim.
            if let Ok(days) = holidays_by_rule(year) {
                for day in days {
                    holidays.insert(day.date, day.name);
                }
            }
        }
        Self { holidays }
    }

    /// Adds holidays an administrator has entered, typically one-off days announced by
    /// proclamation after this code was written.
    ///
    /// A date that is already a bank holiday keeps its built-in name. Nothing can be removed
    /// this way: a future proclamation that *moves* a holiday needs a code change to the
    /// exceptions table.
    #[must_use]
    pub fn with_extra_holidays(mut self, extra: impl IntoIterator<Item = (Date, String)>) -> Self {
        for (day, name) in extra {
            self.holidays.entry(day).or_insert(name);
        }
        self
    }

    /// The bank holidays observed in `year`, in date order.
    ///
    /// # Errors
    ///
    /// [`CalendarError::YearOutOfRange`] when `year` is outside
    /// [`FIRST_SUPPORTED_YEAR`]..=[`LAST_SUPPORTED_YEAR`].
    pub fn bank_holidays(&self, year: i16) -> Result<Vec<BankHoliday>, CalendarError> {
        if !(FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR).contains(&year) {
            return Err(CalendarError::YearOutOfRange { year });
        }
        let first = date(year, 1, 1);
        let last = date(year, 12, 31);
        Ok(self
            .holidays
            .range(first..=last)
            .map(|(day, name)| BankHoliday { date: *day, name: name.clone() })
            .collect())
    }

    /// Whether `day` is a bank holiday (as observed, so substitute days count and the weekend
    /// day they replace does not).
    ///
    /// Outside the supported years only administrator-added holidays are known.
    #[must_use]
    pub fn is_bank_holiday(&self, day: Date) -> bool {
        self.holidays.contains_key(&day)
    }

    /// Whether `day` is a working day: Monday to Friday and not a bank holiday.
    #[must_use]
    pub fn is_working_day(&self, day: Date) -> bool {
        !is_weekend(day) && !self.is_bank_holiday(day)
    }

    /// The working day `n` working days from `from`.
    ///
    /// - `n > 0`: the `n`th working day after `from` (`from` itself is not counted, so from a
    ///   Friday, 1 working day is the next Monday).
    /// - `n < 0`: the `|n|`th working day before `from`.
    /// - `n == 0`: `from` if it is a working day, otherwise the next working day.
    ///
    /// # Errors
    ///
    /// [`CalendarError::DateOutOfRange`] when `from` is outside the supported years;
    /// [`CalendarError::ResultOutOfRange`] when counting runs past them.
    pub fn add_working_days(&self, from: Date, n: i32) -> Result<Date, CalendarError> {
        if !in_supported_range(from) {
            return Err(CalendarError::DateOutOfRange { date: from });
        }
        let out_of_range = || CalendarError::ResultOutOfRange { from, n };
        let step = |day: Date| -> Result<Date, CalendarError> {
            let next = if n < 0 { day.yesterday() } else { day.tomorrow() };
            match next {
                Ok(next) if in_supported_range(next) => Ok(next),
                _ => Err(out_of_range()),
            }
        };
        let mut day = from;
        if n == 0 {
            while !self.is_working_day(day) {
                day = step(day)?;
            }
            return Ok(day);
        }
        let mut remaining = n.unsigned_abs();
        while remaining > 0 {
            day = step(day)?;
            if self.is_working_day(day) {
                remaining -= 1;
            }
        }
        Ok(day)
    }

    /// The number of working days from `from` to `to`, counted the way
    /// [`Calendar::add_working_days`] counts.
    ///
    /// When `to >= from` it is the number of working days `d` with `from < d <= to`. When
    /// `to < from` it is minus the number of working days `d` with `to <= d < from`. So whenever
    /// `to` is a working day, `add_working_days(from, working_days_between(from, to)) == to`,
    /// in either direction; and when both ends are working days,
    /// `working_days_between(a, b) == -working_days_between(b, a)`.
    ///
    /// Outside the supported years only weekends and administrator-added holidays are known.
    #[must_use]
    pub fn working_days_between(&self, from: Date, to: Date) -> i32 {
        let count = if to >= from {
            self.working_days_in_half_open(from, to)
        } else {
            // Working days in [to, from) = working days in (to - 1, from - 1]. Shifting both ends
            // back a day only fails at jiff's minimum date, where no holiday table exists anyway.
            match (to.yesterday(), from.yesterday()) {
                (Ok(a), Ok(b)) => -self.working_days_in_half_open(a, b),
                _ => -self.working_days_in_half_open(to, from),
            }
        };
        i32::try_from(count).unwrap_or(if count < 0 { i32::MIN } else { i32::MAX })
    }

    /// Working days `d` with `after < d <= upto`, for `after <= upto`: weekdays by arithmetic,
    /// then the holidays in the interval that fall on a weekday (an administrator might have
    /// entered a weekend day, which must not be subtracted twice).
    fn working_days_in_half_open(&self, after: Date, upto: Date) -> i64 {
        let weekdays = weekdays_in_half_open(after, upto);
        let holidays = self
            .holidays
            .range((std::ops::Bound::Excluded(after), std::ops::Bound::Included(upto)))
            .filter(|(day, _)| !is_weekend(**day))
            .count();
        weekdays - i64::try_from(holidays).unwrap_or(0)
    }
}

impl Default for Calendar {
    /// The England and Wales calendar.
    fn default() -> Self {
        Self::england_and_wales()
    }
}

/// The time zone the service's days are counted in (England and Wales); UTC if the system
/// has no time-zone data.
pub fn london() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// A date in the long British style used in letters and plans: "15 January 2026".
///
/// Written by hand rather than with `strftime` so that it cannot fail.
#[must_use]
pub fn long_date(day: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = usize::try_from(day.month() - 1).ok().and_then(|i| MONTHS.get(i)).copied().unwrap_or("?");
    format!("{} {} {}", day.day(), month, day.year())
}

fn in_supported_range(day: Date) -> bool {
    (FIRST_SUPPORTED_YEAR..=LAST_SUPPORTED_YEAR).contains(&day.year())
}

fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Days from `a` to `b` (negative when `b` is earlier).
fn days_between(a: Date, b: Date) -> i64 {
    a.duration_until(b).as_hours() / 24
}

/// Weekdays `d` with `after < d <= upto`, for `after <= upto`.
fn weekdays_in_half_open(after: Date, upto: Date) -> i64 {
    let days = days_between(after, upto);
    let whole_weeks = days / 7;
    let mut count = whole_weeks * 5;
    // The leftover days (fewer than 7) follow `after` in the same weekday sequence as the first
    // days after it, so count them by weekday offset.
    let start = i64::from(after.weekday().to_monday_zero_offset());
    for k in 1..=(days % 7) {
        if (start + k) % 7 < 5 {
            count += 1;
        }
    }
    count
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
fn easter_sunday(year: i16) -> Result<Date, jiff::Error> {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // month is 3 or 4 and day 1..=31 by construction; the conversions cannot fail.
    Date::new(year, i8::try_from(month).unwrap_or(0), i8::try_from(day).unwrap_or(0))
}

/// The first `weekday` on or after `day`.
fn on_or_after(day: Date, weekday: Weekday) -> Result<Date, jiff::Error> {
    let ahead = (weekday.to_monday_zero_offset() - day.weekday().to_monday_zero_offset() + 7) % 7;
    day.checked_add(jiff::Span::new().days(ahead))
}

/// The last `weekday` on or before `day`.
fn on_or_before(day: Date, weekday: Weekday) -> Result<Date, jiff::Error> {
    let back = (day.weekday().to_monday_zero_offset() - weekday.to_monday_zero_offset() + 7) % 7;
    day.checked_sub(jiff::Span::new().days(back))
}

/// The observed bank holidays of one year by the rules and the exceptions, without
/// administrator additions, in date order.
fn holidays_by_rule(year: i16) -> Result<Vec<BankHoliday>, jiff::Error> {
    let moved = |which: RuleHoliday| {
        EXCEPTIONS.iter().find_map(|e| match e.change {
            Change::Moved { holiday, to, name } if holiday == which && to.year() == year => Some((to, name)),
            _ => None,
        })
    };
    let easter = easter_sunday(year)?;
    let (early_may, early_may_name) = match moved(RuleHoliday::EarlyMay) {
        Some(moved) => moved,
        None => (on_or_after(Date::new(year, 5, 1)?, Weekday::Monday)?, "Early May bank holiday"),
    };
    let (spring, spring_name) = match moved(RuleHoliday::Spring) {
        Some(moved) => moved,
        None => (on_or_before(Date::new(year, 5, 31)?, Weekday::Monday)?, "Spring bank holiday"),
    };

    // Holidays that can fall at a weekend, in the order their substitute days are assigned:
    // Christmas before Boxing Day, so that when both fall at a weekend Christmas takes the
    // Monday and Boxing Day the Tuesday.
    let movable = [
        (Date::new(year, 1, 1)?, "New Year’s Day"),
        (Date::new(year, 12, 25)?, "Christmas Day"),
        (Date::new(year, 12, 26)?, "Boxing Day"),
    ];
    let mut observed: Vec<BankHoliday> = vec![
        BankHoliday { date: easter.checked_sub(jiff::Span::new().days(2))?, name: "Good Friday".into() },
        BankHoliday { date: easter.checked_add(jiff::Span::new().days(1))?, name: "Easter Monday".into() },
        BankHoliday { date: early_may, name: early_may_name.into() },
        BankHoliday { date: spring, name: spring_name.into() },
        BankHoliday {
            date: on_or_before(Date::new(year, 8, 31)?, Weekday::Monday)?,
            name: "Summer bank holiday".into(),
        },
    ];
    observed.extend(EXCEPTIONS.iter().filter_map(|e| match e.change {
        Change::Added { on, name } if on.year() == year => Some(BankHoliday { date: on, name: name.into() }),
        _ => None,
    }));
    // Weekday holidays are fixed first so that a substitute never lands on one of them (Christmas
    // on a Sunday cannot take Monday 26th, which is Boxing Day itself).
    for (day, name) in movable {
        if !is_weekend(day) {
            observed.push(BankHoliday { date: day, name: name.into() });
        }
    }
    for (day, name) in movable {
        if is_weekend(day) {
            let mut substitute = day;
            while is_weekend(substitute) || observed.iter().any(|h| h.date == substitute) {
                substitute = substitute.tomorrow()?;
            }
            observed.push(BankHoliday { date: substitute, name: format!("{name} (substitute day)") });
        }
    }
    observed.sort_by_key(|h| h.date);
    Ok(observed)
}

#[cfg(test)]
mod tests;
