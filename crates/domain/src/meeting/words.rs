//! Timeline sentences about a meeting and its record: what a colleague would write ("Review
//! meeting 1 held on 13 November 2026, with attendance and the child's views recorded"), not a
//! list of the fields that changed.

use jiff::civil::Date;

use super::MeetingStatus;
use crate::calendar::long_date;

/// Joins words as a sentence does: `a`, `a and b`, `a, b and c`.
pub fn join_words<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// The sentence for recording a meeting: the day it was held when that is what was recorded,
/// what else was recorded, and whether the record is now complete.
pub fn record_sentence(
    title: &str,
    held_on: Option<Date>,
    day_recorded: bool,
    recorded: &[&str],
    status: MeetingStatus,
) -> String {
    let mut s = match (day_recorded, held_on) {
        (true, Some(d)) => format!("{title} held on {}", long_date(d)),
        _ => title.to_string(),
    };
    if !recorded.is_empty() {
        s.push_str(if day_recorded { ", with " } else { ": " });
        s.push_str(&join_words(recorded));
        s.push_str(" recorded");
    }
    match status {
        MeetingStatus::Complete => s.push_str("; the record is complete"),
        MeetingStatus::Held => s.push_str("; the record is not complete yet"),
        _ => {}
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_joined_as_a_sentence_joins_them() {
        assert_eq!(join_words::<&str>(&[]), "");
        assert_eq!(join_words(&["attendance"]), "attendance");
        assert_eq!(join_words(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn a_record_reads_as_a_sentence() {
        let day = jiff::civil::date(2026, 11, 13);
        assert_eq!(
            record_sentence(
                "Review meeting 1",
                Some(day),
                true,
                &["attendance", "the child's views"],
                MeetingStatus::Held
            ),
            "Review meeting 1 held on 13 November 2026, with attendance and the child's views recorded; the record is not complete yet"
        );
        assert_eq!(
            record_sentence("Release day meeting", Some(day), false, &["decisions"], MeetingStatus::Complete),
            "Release day meeting: decisions recorded; the record is complete"
        );
    }
}
