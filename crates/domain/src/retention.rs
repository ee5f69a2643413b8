//! How long a child's record is kept: a retention rule per record class, and which records
//! are due for review and erasure on a day.
//!
//! A rule keeps a record until the later of a birthday and a number of years after its last
//! entry. The defaults follow the published guidance, and each service must confirm them with
//! its data protection officer (docs/operations.md):
//!
//! - **Youth justice case records**: until the 25th birthday, and at least 6 years after the
//!   last entry. Local authority youth justice retention schedules commonly keep case files to
//!   the 25th birthday; the 6 years follow the Limitation Act 1980's six-year period for claims.
//!   *For confirmation.*
//! - **Health records**: until the 25th birthday, or the 26th when the child was 17 or over at
//!   the last entry (NHS England, Records Management Code of Practice 2021, "children's
//!   records"). The code's "8 years after death" is not used: death is not recorded here.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::ids::ChildId;

/// A class of record with its own retention rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordClass {
    /// The youth justice case record: the child, the team, custody, the plan, after release.
    YouthJustice,
    /// Health notes, assessments, measures, consents and handovers.
    Health,
}

impl RecordClass {
    /// The stable key.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordClass::YouthJustice => "youth_justice",
            RecordClass::Health => "health",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            RecordClass::YouthJustice => "Youth justice case record",
            RecordClass::Health => "Health record",
        }
    }

    /// The class with the stable key `s`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "youth_justice" => Some(RecordClass::YouthJustice),
            "health" => Some(RecordClass::Health),
            _ => None,
        }
    }
}

/// Keep until the later of the `until_age` birthday (or `until_age_if_17_at_last` when the
/// child was 17 or over at the last entry) and `years_after_last` years after the last entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RetentionRule {
    /// The birthday the record is kept to.
    pub until_age: u8,
    /// The later birthday used instead when the child was 17 or over at the last entry.
    #[serde(default)]
    pub until_age_if_17_at_last: Option<u8>,
    /// The least number of years kept after the last entry.
    #[serde(default)]
    pub years_after_last: u8,
}

impl RetentionRule {
    /// The last day the record is kept, for a child born on `born_on` whose last entry was on
    /// `last_on`.
    pub fn keep_until(&self, born_on: Date, last_on: Date) -> Date {
        let birthday = |age: u8| born_on.checked_add(i64::from(age).years()).unwrap_or(Date::MAX);
        let by_age = match self.until_age_if_17_at_last {
            Some(later) if last_on >= birthday(17) => birthday(later),
            _ => birthday(self.until_age),
        };
        let by_last = last_on.checked_add(i64::from(self.years_after_last).years()).unwrap_or(Date::MAX);
        by_age.max(by_last)
    }

    /// Why, in words.
    pub fn words(&self) -> String {
        let mut s = format!("kept to the {} birthday", ordinal(self.until_age));
        if let Some(later) = self.until_age_if_17_at_last {
            s.push_str(&format!(" ({} when 17 or over at the last entry)", ordinal(later)));
        }
        if self.years_after_last > 0 {
            s.push_str(&format!(" and at least {} years after the last entry", self.years_after_last));
        }
        s
    }

    /// Refuses a rule that would erase a record while the child is still a child, or keep one
    /// past any reasonable limit.
    pub fn check(&self, name: &str) -> Result<(), String> {
        if !(18..=100).contains(&self.until_age) {
            return Err(format!("retention.{name}.until_age must be between 18 and 100 (got {})", self.until_age));
        }
        if let Some(later) = self.until_age_if_17_at_last
            && !(self.until_age..=100).contains(&later)
        {
            return Err(format!(
                "retention.{name}.until_age_if_17_at_last must be between until_age and 100 (got {later})"
            ));
        }
        if self.years_after_last > 100 {
            return Err(format!("retention.{name}.years_after_last must be at most 100"));
        }
        Ok(())
    }
}

fn ordinal(n: u8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The rules in force (`[retention]` in the configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RetentionRules {
    /// For [`RecordClass::YouthJustice`].
    pub youth_justice: RetentionRule,
    /// For [`RecordClass::Health`].
    pub health: RetentionRule,
}

/// The default youth justice rule (see the module's notes).
pub const DEFAULT_YOUTH_JUSTICE: RetentionRule =
    RetentionRule { until_age: 25, until_age_if_17_at_last: None, years_after_last: 6 };
/// The default health rule (see the module's notes).
pub const DEFAULT_HEALTH: RetentionRule =
    RetentionRule { until_age: 25, until_age_if_17_at_last: Some(26), years_after_last: 0 };

impl Default for RetentionRules {
    fn default() -> Self {
        Self { youth_justice: DEFAULT_YOUTH_JUSTICE, health: DEFAULT_HEALTH }
    }
}

/// What the database holds about one child's record, for retention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordDates {
    /// The child.
    pub child_id: ChildId,
    /// Date of birth.
    pub born_on: Date,
    /// The day of the last entry on the child's record.
    pub last_entry_on: Date,
    /// The day of the last health entry, if there is any health record.
    pub last_health_on: Option<Date>,
}

/// One record due: kept until `keep_until`, which is before the day asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Due {
    /// The child.
    pub child_id: ChildId,
    /// Which record.
    pub class: RecordClass,
    /// The last day it was to be kept.
    pub keep_until: Date,
    /// The rule, in words.
    pub rule: String,
}

/// The records due on `today`: kept until a day before it. Oldest first.
pub fn due(records: &[RecordDates], rules: &RetentionRules, today: Date) -> Vec<Due> {
    let mut out = Vec::new();
    for r in records {
        let classes = [
            Some((RecordClass::YouthJustice, rules.youth_justice, r.last_entry_on)),
            r.last_health_on.map(|d| (RecordClass::Health, rules.health, d)),
        ];
        for (class, rule, last) in classes.into_iter().flatten() {
            let keep_until = rule.keep_until(r.born_on, last);
            if keep_until < today {
                out.push(Due { child_id: r.child_id, class, keep_until, rule: rule.words() });
            }
        }
    }
    out.sort_by_key(|d| (d.keep_until, d.child_id, d.class.as_str()));
    out
}

/// What to erase from the records due: one erasure per child. A youth justice record due
/// takes the whole record with it, health included (the health rows hang off the child), so a
/// child's health record is erased on its own only while the youth justice one is kept.
/// Oldest first, as [`due`] lists them.
pub fn erasures(due: &[Due]) -> Vec<Due> {
    let whole: std::collections::HashSet<ChildId> =
        due.iter().filter(|d| d.class == RecordClass::YouthJustice).map(|d| d.child_id).collect();
    let mut seen = std::collections::HashSet::new();
    due.iter()
        .filter(|d| d.class == RecordClass::YouthJustice || !whole.contains(&d.child_id))
        .filter(|d| seen.insert(d.child_id))
        .cloned()
        .collect()
}

/// The tombstone an erasure leaves: which record of which child went, under which rule, when,
/// and how many rows of each table. No personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Erasure {
    /// The child (an identifier only: the record it named is gone).
    pub child_id: ChildId,
    /// Which record.
    pub class: RecordClass,
    /// The rule, in words.
    pub rule: String,
    /// The last day it was to be kept.
    pub keep_until: Date,
    /// When it was erased.
    pub erased_at: Timestamp,
    /// Rows removed, per table, by table name (tables with none left out).
    pub removed: Vec<(String, i64)>,
}

impl Erasure {
    /// Rows removed from `table`.
    pub fn removed_from(&self, table: &str) -> i64 {
        self.removed.iter().filter(|(t, _)| t == table).map(|(_, n)| n).sum()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_record_is_kept_to_the_later_of_the_birthday_and_the_years_after_the_last_entry() {
        let born = date(2001, 3, 10);
        // Youth justice: the 25th birthday, unless the last entry is later than 6 years before it.
        assert_eq!(DEFAULT_YOUTH_JUSTICE.keep_until(born, date(2017, 1, 1)), date(2026, 3, 10));
        assert_eq!(DEFAULT_YOUTH_JUSTICE.keep_until(born, date(2022, 6, 1)), date(2028, 6, 1));
        // Health: the 25th birthday, or the 26th when 17 or over at the last entry.
        assert_eq!(DEFAULT_HEALTH.keep_until(born, date(2018, 3, 9)), date(2026, 3, 10));
        assert_eq!(DEFAULT_HEALTH.keep_until(born, date(2018, 3, 10)), date(2027, 3, 10));
        // A leap-day birth keeps to 28 February in a common year.
        assert_eq!(DEFAULT_YOUTH_JUSTICE.keep_until(date(2004, 2, 29), date(2015, 1, 1)), date(2029, 2, 28));
    }

    #[test]
    fn due_lists_what_was_kept_until_before_today_oldest_first() {
        let a = ChildId::random();
        let b = ChildId::random();
        let records = [
            RecordDates {
                child_id: a,
                born_on: date(2000, 1, 1),
                last_entry_on: date(2016, 1, 1),
                last_health_on: Some(date(2016, 1, 1)),
            },
            RecordDates {
                child_id: b,
                born_on: date(2010, 1, 1),
                last_entry_on: date(2026, 1, 1),
                last_health_on: None,
            },
        ];
        let rules = RetentionRules::default();
        let due_then = due(&records, &rules, date(2025, 1, 2));
        assert_eq!(due_then.len(), 2, "{due_then:?}");
        assert!(due_then.iter().all(|d| d.child_id == a && d.keep_until == date(2025, 1, 1)));
        assert!(due(&records, &rules, date(2025, 1, 1)).is_empty(), "the last day kept is not due");
        assert!(due(&records, &rules, date(2035, 1, 2)).iter().any(|d| d.child_id == b));
        assert!(DEFAULT_HEALTH.words().contains("26th when 17 or over"));
    }

    #[test]
    fn rules_that_would_erase_a_childs_record_are_refused() {
        let mut r = DEFAULT_YOUTH_JUSTICE;
        r.until_age = 17;
        assert!(r.check("youth_justice").unwrap_err().contains("between 18 and 100"));
        let mut h = DEFAULT_HEALTH;
        h.until_age_if_17_at_last = Some(20);
        assert!(h.check("health").is_err());
        assert!(DEFAULT_HEALTH.check("health").is_ok());
    }

    #[test]
    fn a_youth_justice_erasure_takes_the_health_record_with_it() {
        let (a, b) = (ChildId::random(), ChildId::random());
        let d = |child_id, class| Due { child_id, class, keep_until: date(2030, 1, 1), rule: String::new() };
        let list = [d(a, RecordClass::Health), d(b, RecordClass::Health), d(a, RecordClass::YouthJustice)];
        let plan = erasures(&list);
        assert_eq!(plan.len(), 2, "{plan:?}");
        assert!(plan.iter().any(|e| e.child_id == a && e.class == RecordClass::YouthJustice));
        assert!(plan.iter().any(|e| e.child_id == b && e.class == RecordClass::Health));
        assert_eq!(RecordClass::parse("health"), Some(RecordClass::Health));
        assert_eq!(RecordClass::parse(RecordClass::YouthJustice.as_str()), Some(RecordClass::YouthJustice));
    }
}
